"""The one place where roles are checked: `can(user, action, case=None)`.

Widgets, CLI commands and services all ask this module; none of them tests a role themselves.
`can` returns a Decision that is truthy when allowed and carries the Chinese reason when not, so a
disabled button can say why in its tooltip.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol


class Role(StrEnum):
    OFFICER = "officer"
    CLERK = "clerk"
    NIGHT_DUTY = "night_duty"
    MANAGER = "manager"
    ADMIN = "admin"


ROLE_LABELS: dict[str, str] = {
    Role.OFFICER: "医患沟通办公室专员",
    Role.CLERK: "督查股文员",
    Role.NIGHT_DUTY: "总值班",
    Role.MANAGER: "主任/分管院领导",
    Role.ADMIN: "系统管理员",
}


class Action(StrEnum):
    # administration (separation of duties: admin manages the system, not case content)
    MANAGE_USERS = "manage_users"
    MANAGE_DEPARTMENTS = "manage_departments"
    MANAGE_SETTINGS = "manage_settings"
    VIEW_AUDIT = "view_audit"
    VERIFY_AUDIT = "verify_audit"
    CHANGE_OWN_PASSWORD = "change_own_password"


ACTION_LABELS: dict[str, str] = {
    Action.MANAGE_USERS: "管理用户",
    Action.MANAGE_DEPARTMENTS: "管理科室",
    Action.MANAGE_SETTINGS: "修改系统设置",
    Action.VIEW_AUDIT: "查看审计日志",
    Action.VERIFY_AUDIT: "校验审计日志",
    Action.CHANGE_OWN_PASSWORD: "修改本人密码",
}

# Which roles may perform each action that does not depend on a case.
_ROLE_GRANTS: dict[Action, frozenset[Role]] = {
    Action.MANAGE_USERS: frozenset({Role.ADMIN}),
    Action.MANAGE_DEPARTMENTS: frozenset({Role.ADMIN}),
    Action.MANAGE_SETTINGS: frozenset({Role.ADMIN}),
    Action.VIEW_AUDIT: frozenset({Role.ADMIN, Role.MANAGER}),
    Action.VERIFY_AUDIT: frozenset({Role.ADMIN, Role.MANAGER}),
    Action.CHANGE_OWN_PASSWORD: frozenset(Role),
}


class Actor(Protocol):
    """What the policy needs to know about a user."""

    username: str
    roles: frozenset[str]
    active: bool


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOW = Decision(True)


def _roles_text(roles: frozenset[Role]) -> str:
    return "、".join(ROLE_LABELS[r] for r in Role if r in roles)


def can(user: Actor | None, action: Action, case: Any = None) -> Decision:
    """May `user` perform `action` (on `case`, for case actions)?"""
    if user is None or not user.active:
        return Decision(False, "请先登录")
    granted = _ROLE_GRANTS.get(action)
    if granted is None:
        return Decision(False, "未定义的操作")
    if granted & set(user.roles):
        return ALLOW
    return Decision(False, f"只有{_roles_text(granted)}可以{ACTION_LABELS[action]}")
