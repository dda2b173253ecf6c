"""The admin part of the permission matrix, table-driven."""

from __future__ import annotations

import pytest

from app.policy import Action, Role, can
from app.session import CurrentUser

ROLES = [r.value for r in Role]

# action -> roles allowed
MATRIX = {
    Action.MANAGE_USERS: {"admin"},
    Action.MANAGE_DEPARTMENTS: {"admin"},
    Action.MANAGE_SETTINGS: {"admin"},
    Action.VIEW_AUDIT: {"admin", "manager"},
    Action.VERIFY_AUDIT: {"admin", "manager"},
    Action.CHANGE_OWN_PASSWORD: set(ROLES),
    Action.MANAGE_CALENDAR: {"admin"},
    Action.OWN_REMINDERS: set(ROLES),
    Action.VIEW_RECTIFICATION: {"officer", "manager"},
    Action.CREATE_RECTIFICATION: {"officer", "manager"},
    Action.RECTIFY_FROM_ALERT: {"manager"},
    Action.RECORD_RECTIFICATION: {"officer"},
    Action.VERIFY_RECTIFICATION: {"officer"},
    Action.CLOSE_RECTIFICATION: {"manager"},
    Action.BACKUP: {"admin"},
    Action.SCHEDULED_BACKUP: set(ROLES),
    Action.IMPORT_LEDGER: {"admin", "manager"},
    Action.EXPORT_LEDGER: {"officer", "manager"},
    Action.VIEW_STATISTICS: {"manager", "officer"},
    Action.REBUILD_STATISTICS: {"manager"},
    Action.SETTLE_REPEAT_KEYS: {"officer", "manager"},
    Action.MANAGE_CATEGORIES: {"admin"},
    Action.MANAGE_LETTERHEAD: {"admin"},
    Action.EXPORT_AUDIT: {"admin", "manager"},
    Action.GRANT_IDENTIFIER_KEY: {"manager"},
    Action.CONFIRM_ROLE: {"manager"},
}


def _user(*roles: str, active: bool = True) -> CurrentUser:
    return CurrentUser(1, "u", "某人", frozenset(roles), active)


@pytest.mark.parametrize("action", list(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_single_role_matrix(action: Action, role: str) -> None:
    decision = can(_user(role), action)
    assert bool(decision) == (role in MATRIX[action])
    if not decision:
        assert decision.reason.startswith("只有") and "可以" in decision.reason


def test_admin_role_reads_no_case_content() -> None:
    """Separation of duties: an admin without a case role may not see or act on cases."""
    case_actions = [a for a in Action if a not in MATRIX or "admin" not in MATRIX[a]]
    assert case_actions
    for action in case_actions:
        assert not can(_user("admin"), action)


def test_roles_combine() -> None:
    assert can(_user("officer", "admin"), Action.MANAGE_USERS)
    assert not can(_user("officer", "clerk"), Action.MANAGE_USERS)


def test_inactive_or_missing_user_may_do_nothing() -> None:
    for action in Action:
        assert not can(_user("admin", active=False), action)
        assert can(None, action).reason == "请先登录"


def test_denials_are_audited(admin_session) -> None:
    from app import users
    from app.errors import PermissionDenied
    from models.audit import AuditEntry

    users.add_user(admin_session, "officer", "林晓雯", ["officer"], "Lotus-Ridge-2026")
    admin_session.user = CurrentUser(2, "officer", "林晓雯", frozenset({"officer"}))
    with pytest.raises(PermissionDenied, match="只有系统管理员可以管理用户"):
        users.add_user(admin_session, "x2", "某人", ["officer"], "Lotus-Ridge-2026")
    denial = AuditEntry.select().order_by(AuditEntry.seq.desc()).first()
    assert (denial.actor, denial.action) == ("officer", "denied")


def test_an_admin_may_not_grant_themselves_a_case_role() -> None:
    from app.policy import can_grant_roles

    me = CurrentUser(1, "admin", "周建国", frozenset({"admin"}))
    for role in ("officer", "clerk", "night_duty", "manager"):
        decision = can_grant_roles(me, 1, {"admin"}, {"admin", role})
        assert not decision and "不能为自己授予案件角色" in decision.reason
    assert can_grant_roles(me, 2, {"clerk"}, {"clerk", "officer"})  # someone else: allowed
    assert can_grant_roles(me, 1, {"admin", "officer"}, {"admin"})  # giving one up: allowed
    assert can_grant_roles(me, 1, {"admin", "officer"}, {"admin", "officer"})  # unchanged
