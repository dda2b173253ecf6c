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


class SessionLockedError(ComplaintDeskError):
    """The session is locked (idle lock): nothing is read or written until the user signs in again."""

    def __init__(self) -> None:
        super().__init__("工作台已锁定，请输入密码解锁后再操作")


class DatabaseFault(ComplaintDeskError):
    """A database fault met during normal work (not a bug): says what happened and what to do.

    `advice` is the suggested action shown under the message; `retryable` says whether trying the
    same operation again may succeed (nothing was written: the transaction rolled back).
    """

    retryable = True

    def __init__(self, message: str, advice: str) -> None:
        super().__init__(message)
        self.advice = advice


class DatabaseBusyError(DatabaseFault):
    def __init__(self) -> None:
        super().__init__(
            "数据库正被其他工作站或程序占用，本次操作没有保存。",
            "请稍等片刻后点“重试”；如果一直如此，请确认没有其他程序（如备份或同步软件）长时间打开数据库文件。",
        )


class DiskError(DatabaseFault):
    def __init__(self, full: bool) -> None:
        super().__init__(
            "磁盘空间已满，本次操作没有保存。" if full else "读写数据库文件时出错，本次操作没有保存。",
            "请清理磁盘空间后重试。" if full else "请检查磁盘、U 盘或网络共享是否可用，然后重试。",
        )


class DatabaseDamagedError(DatabaseFault):
    retryable = False

    def __init__(self) -> None:
        super().__init__(
            "数据库文件无法读取：文件可能已损坏，或已被替换。",
            "请不要继续写入，联系系统管理员用备份恢复。",
        )


class ConnectionLostError(DatabaseFault):
    """Shared mode: the PostgreSQL server closed the connection or cannot be reached."""

    def __init__(self) -> None:
        super().__init__(
            "与医院数据库服务器的连接已断开，本次操作没有保存。",
            "请检查网络或联系信息科确认服务器已启动，然后点“重新连接”；已填写的内容不会丢失。",
        )


class OperationCancelled(ComplaintDeskError):
    """The user cancelled a long operation; its transaction rolled back."""

    def __init__(self) -> None:
        super().__init__("操作已取消，没有作任何更改。")
