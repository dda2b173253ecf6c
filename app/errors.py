"""Typed errors raised by the application core. Every message is Simplified Chinese and safe to show."""

from __future__ import annotations

from datetime import datetime


class ComplaintDeskError(Exception):
    """Base class: `message` is a complete Chinese sentence for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(ComplaintDeskError):
    """A field value was rejected. `field` is the internal name, `label` the Chinese field name."""

    def __init__(self, field: str, label: str, problem: str) -> None:
        super().__init__(f"{label}：{problem}")
        self.field = field
        self.label = label
        self.problem = problem


class AuthError(ComplaintDeskError):
    """Login failed. Never says whether the user exists or what the database said."""

    def __init__(self, message: str = "用户名或密码错误") -> None:
        super().__init__(message)


class LockedOutError(AuthError):
    def __init__(self, until: datetime) -> None:
        super().__init__(f"登录失败次数过多，账户已锁定至 {until:%H:%M}，请稍后再试或联系系统管理员")
        self.until = until


class PermissionDenied(ComplaintDeskError):
    """The policy refused an action; the message is the policy's reason."""


class NotFoundError(ComplaintDeskError):
    pass


class TransitionError(ComplaintDeskError):
    """An action that the case's current state does not allow."""


class ConflictError(ComplaintDeskError):
    """Optimistic-lock conflict: somebody else saved the record first."""

    def __init__(self, who: str, when: datetime) -> None:
        super().__init__(f"该案件已被 {who} 于 {when:%Y-%m-%d %H:%M} 修改，请重新载入后再保存")
        self.who = who
        self.when = when


class DatabaseOpenError(ComplaintDeskError):
    """The database file could not be opened (missing, damaged, newer schema...)."""
