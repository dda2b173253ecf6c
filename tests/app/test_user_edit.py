"""编辑用户: name, phone and roles in one audited change; nobody adds a case role to their own account."""

from __future__ import annotations

import json

import pytest

from app import users
from app.errors import PermissionDenied, ValidationError
from app.session import Session
from models.audit import AuditEntry
from tests.support.accounts import USER_PASSWORD
from tests.support.sessions import session_as


def _last() -> AuditEntry:
    return AuditEntry.select().order_by(AuditEntry.seq.desc()).first()


def test_edit_name_phone_and_roles_in_one_audited_change(admin_session: Session) -> None:
    users.add_user(admin_session, "lihong", "李红", ["clerk"], USER_PASSWORD)
    info = users.update_user(admin_session, "lihong", " 李 红 ", "139 1234 5678", ["clerk", "officer"])
    assert (info.display_name, info.phone, info.roles) == ("李 红", "13912345678", ("officer", "clerk"))
    entry = _last()
    assert (entry.action, entry.target) == ("user.changed", "lihong")
    detail = json.loads(entry.detail)
    assert detail["roles"] == {"old": ["clerk"], "new": ["officer", "clerk"]}
    assert detail["phone"] == "changed" and "13912345678" not in entry.detail


def test_bad_input_is_refused_and_nothing_changes(admin_session: Session) -> None:
    users.add_user(admin_session, "lihong", "李红", ["clerk"], USER_PASSWORD)
    with pytest.raises(ValidationError, match="手机号"):
        users.update_user(admin_session, "lihong", "李红", "12345", ["clerk"])
    with pytest.raises(ValidationError, match="姓名：不能为空"):
        users.update_user(admin_session, "lihong", "  ", "", ["clerk"])
    with pytest.raises(ValidationError, match="至少选择一个角色"):
        users.update_user(admin_session, "lihong", "李红", "", [])
    unchanged = next(u for u in users.list_users(admin_session) if u.username == "lihong")
    assert (unchanged.display_name, unchanged.phone, unchanged.roles) == ("李红", "", ("clerk",))


@pytest.mark.parametrize("case_role", ["officer", "clerk", "night_duty", "manager"])
def test_an_admin_cannot_give_their_own_account_a_case_role(admin_session: Session, case_role: str) -> None:
    before = AuditEntry.select().count()
    with pytest.raises(PermissionDenied, match="不能为自己授予案件角色"):
        users.update_user(admin_session, "admin", "周建国", "", ["admin", case_role])
    with pytest.raises(PermissionDenied, match="不能为自己授予案件角色"):
        users.set_roles(admin_session, "admin", ["admin", case_role])
    assert next(u for u in users.list_users(admin_session) if u.username == "admin").roles == ("admin",)
    denials = list(AuditEntry.select().where(AuditEntry.seq > before))
    assert [e.action for e in denials] == ["denied", "denied"] and denials[0].target == "admin"


def test_another_admin_may_grant_it_and_one_may_drop_own_case_roles(admin_session: Session) -> None:
    other = session_as(admin_session, "second", "admin", display_name="第二管理员")
    users.update_user(other, "admin", "周建国", "", ["admin", "officer"])
    assert next(u for u in users.list_users(admin_session) if u.username == "admin").roles == (
        "officer",
        "admin",
    )
    # giving up a case role of one's own is allowed; so is keeping the ones already held
    from tests.support.sessions import session_for

    me = session_for(admin_session, "admin")
    users.update_user(me, "admin", "周建国", "13800001111", ["admin", "officer"])
    users.update_user(me, "admin", "周建国", "", ["admin"])
    assert next(u for u in users.list_users(admin_session) if u.username == "admin").roles == ("admin",)
