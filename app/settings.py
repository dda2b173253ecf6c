"""Admin-editable settings stored in the database, typed and validated."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from app import clock, server_accounts
from app.errors import ValidationError
from app.policy import Action
from app.session import Session
from app.write_path import operation
from models.accounts import Setting


@dataclass(frozen=True)
class SettingDef:
    key: str
    label: str
    default: Any
    minimum: int | None = None
    maximum: int | None = None
    max_len: int = 100
    kind: str = "text"  # "text", or "time" (HH:MM, edited with a time picker)


DEFINITIONS: dict[str, SettingDef] = {
    d.key: d
    for d in (
        SettingDef("hospital_name", "医院名称", "", max_len=50),
        SettingDef("office_name", "办公室名称", "医患沟通办公室", max_len=30),
        SettingDef("hospital_address", "医院地址", "", max_len=100),
        SettingDef("complaint_phone", "投诉电话", "", max_len=40),
        SettingDef("night_duty_phone", "总值班电话", "", max_len=40),
        SettingDef("letterhead_contact", "其他联系方式（文书抬头）", "", max_len=60),
        SettingDef("case_prefix", "案件编号前缀", "YH", max_len=8),
        SettingDef("idle_lock_minutes", "空闲自动锁定（分钟，0 为不锁定）", 10, 0, 240),
        SettingDef("attachment_max_mb", "附件大小上限（MB）", 20, 1, 200),
        SettingDef("office_hours_start", "上班时间", "08:00", max_len=5, kind="time"),
        SettingDef("office_hours_end", "下班时间", "17:30", max_len=5, kind="time"),
        SettingDef("rectification_recurrence_days", "整改后复发观察期（天）", 180, 1, 730),
        SettingDef("reopen_reply_workdays", "重新处理的答复时限（工作日）", 10, 1, 60),
        SettingDef("major_report_hours", "重大投诉向卫生主管部门报告时限（小时）", 12, 1, 72),
        SettingDef("major_auto_restrict", "重大投诉自动设为保密", True),
    )
}


def validate(key: str, value: Any) -> Any:
    """The value as it would be stored, or ValidationError naming the setting in Chinese."""
    return _check(DEFINITIONS[key], value)


def problem(key: str, value: Any) -> str:
    """Why `value` cannot be stored for setting `key`, "" when it can (for checks while typing)."""
    try:
        _check(DEFINITIONS[key], value)
    except ValidationError as exc:
        return exc.problem
    return ""


def _check(definition: SettingDef, value: Any) -> Any:
    if isinstance(definition.default, bool):
        if value not in (True, False, 0, 1):
            raise ValidationError(definition.key, definition.label, "请选择是或否")
        return bool(value)
    if isinstance(definition.default, int):
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValidationError(definition.key, definition.label, "请输入整数") from None
        if definition.minimum is not None and number < definition.minimum:
            raise ValidationError(definition.key, definition.label, f"不能小于 {definition.minimum}")
        if definition.maximum is not None and number > definition.maximum:
            raise ValidationError(definition.key, definition.label, f"不能大于 {definition.maximum}")
        return number
    text = str(value).strip()
    if definition.kind == "time":
        return _check_time(definition, text)
    if any(ord(ch) < 32 for ch in text):
        raise ValidationError(definition.key, definition.label, "不能包含控制字符")
    if len(text) > definition.max_len:
        raise ValidationError(definition.key, definition.label, f"不能超过 {definition.max_len} 个字符")
    return text


_TIME = re.compile(r"(\d{1,2})[:：](\d{2})")


def _check_time(definition: SettingDef, text: str) -> str:
    """ "8:00" → "08:00"; hours 0–23, minutes 0–59."""
    match = _TIME.fullmatch(text)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValidationError(definition.key, definition.label, "请输入 00:00 至 23:59 之间的时间，如 08:00")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


OFFICE_HOURS = ("office_hours_start", "office_hours_end")


def cross_problem(values: dict[str, Any]) -> tuple[str, str]:
    """(key, problem) when the values do not fit together (下班 not after 上班), else ("", "")."""
    try:
        start, end = (_check(DEFINITIONS[key], values[key]) for key in OFFICE_HOURS)
    except (KeyError, ValidationError):
        return "", ""  # a field's own problem is told at that field
    if end <= start:
        return "office_hours_end", "下班时间必须晚于上班时间"
    return "", ""


def get(key: str) -> Any:
    definition = DEFINITIONS[key]
    row = Setting.get_or_none(Setting.key == key)
    return definition.default if row is None else json.loads(row.value)


def get_internal(key: str) -> Any:
    """A value the application keeps for itself (not shown on the settings page), or None."""
    row = Setting.get_or_none(Setting.key == key)
    return None if row is None else json.loads(row.value)


def get_all() -> dict[str, Any]:
    stored = {row.key: json.loads(row.value) for row in Setting.select()}
    return {key: stored.get(key, d.default) for key, d in DEFINITIONS.items()}


def write_value(key: str, value: Any, actor: str) -> None:
    """Store a validated value without a policy check: only for use inside another operation."""
    text = json.dumps(value, ensure_ascii=False)
    if server_accounts.signed_in_as_user():  # shared mode: the server checks the caller's role
        server_accounts.set_setting(key, text)
        return
    values = {"value": text, "updated_at": clock.now(), "updated_by": actor}
    Setting.insert(key=key, **values).on_conflict(conflict_target=[Setting.key], update=values).execute()


def update(session: Session, changes: dict[str, Any]) -> dict[str, Any]:
    """Validate every change first, then write them all in one audited transaction."""
    checked = {}
    for key, value in changes.items():
        if key not in DEFINITIONS:
            raise ValidationError(key, key, "未知的设置项")
        checked[key] = _check(DEFINITIONS[key], value)
    current = get_all()
    key, message = cross_problem({**current, **checked})
    if key:
        raise ValidationError(key, DEFINITIONS[key].label, message)
    changed = {k: v for k, v in checked.items() if current[k] != v}
    if not changed:
        return current
    with operation(session, Action.MANAGE_SETTINGS, "settings.changed", target="settings") as op:
        for key, value in changed.items():
            write_value(key, value, session.user.username)
        op.detail["changes"] = {k: {"old": current[k], "new": v} for k, v in changed.items()}
    return get_all()
