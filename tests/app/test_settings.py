"""Admin settings: validation in Chinese, one audited transaction, admin only."""

from __future__ import annotations

import json

import pytest

from app import settings
from app.errors import PermissionDenied, ValidationError
from app.session import CurrentUser
from models.audit import AuditEntry


def test_defaults_and_hospital_name(admin_session) -> None:
    values = settings.get_all()
    assert values["hospital_name"] == "江宁市第一人民医院"
    assert values["idle_lock_minutes"] == 10 and values["case_prefix"] == "YH"


def test_update_is_validated_and_audited(admin_session) -> None:
    settings.update(admin_session, {"idle_lock_minutes": "15", "complaint_phone": "025-83201234"})
    assert settings.get("idle_lock_minutes") == 15
    entry = AuditEntry.select().order_by(AuditEntry.seq.desc()).first()
    assert entry.action == "settings.changed"
    assert json.loads(entry.detail)["changes"]["idle_lock_minutes"] == {"old": 10, "new": 15}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"idle_lock_minutes": "abc"}, "空闲自动锁定（分钟，0 为不锁定）：请输入整数"),
        ({"idle_lock_minutes": 999}, "不能大于 240"),
        ({"hospital_name": "医" * 51}, "医院名称：不能超过 50 个字符"),
        ({"complaint_phone": "025\x0083201234"}, "投诉电话：不能包含控制字符"),
    ],
)
def test_bad_values_change_nothing(admin_session, changes, message) -> None:
    before = settings.get_all()
    count = AuditEntry.select().count()
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        settings.update(admin_session, {"case_prefix": "TS", **changes})
    assert settings.get_all() == before and AuditEntry.select().count() == count


def test_only_admin_changes_settings(admin_session) -> None:
    admin_session.user = CurrentUser(9, "mgr", "陈主任", frozenset({"manager"}))
    with pytest.raises(PermissionDenied, match="只有系统管理员"):
        settings.update(admin_session, {"idle_lock_minutes": 5})
    assert settings.get("idle_lock_minutes") == 10


def test_office_hours_are_times_and_end_after_start(admin_session) -> None:
    assert settings.update(admin_session, {"office_hours_start": "8:05"})["office_hours_start"] == "08:05"
    for bad in ("25:00", "08:61", "八点", ""):
        with pytest.raises(ValidationError, match="请输入 00:00 至 23:59 之间的时间"):
            settings.update(admin_session, {"office_hours_start": bad})
    with pytest.raises(ValidationError, match="下班时间：下班时间必须晚于上班时间") as refused:
        settings.update(admin_session, {"office_hours_start": "18:00", "office_hours_end": "17:30"})
    assert refused.value.field == "office_hours_end"
    assert settings.get("office_hours_start") == "08:05", "nothing stored"
