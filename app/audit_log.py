"""The audit log viewer (admin and manager): filter by user, case number, action and time range, page
back through the entries, verify the chain, export the filtered rows to Excel (the export is audited).

Separation of duties: a reader without a case role (the admin) sees of a case entry only who, when,
what and the case number — never its detail (finding, satisfaction, severity, reasons…). The same
rows, masked the same way, are what the export writes.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import peewee

from app import audit, files
from app.cases.rules import RULES
from app.db_errors import translated
from app.errors import ValidationError
from app.policy import Action, can
from app.session import Session
from app.write_path import operation, require
from models.accounts import User
from models.audit import AuditEntry

PAGE_ROWS = 200
EXPORT_LIMIT = 1_000_000  # rows per export (Excel's sheet holds 1,048,576)
HIDDEN = "（案件内容不向系统管理员显示）"

# Action ids that are not case rules, with their Chinese names.
ACTION_NAMES: dict[str, str] = {
    "login.ok": "登录",
    "login.failed": "登录失败",
    "login.refused_locked": "锁定期间尝试登录",
    "login.events_dropped": "登录记录溢出",
    "logout": "退出登录",
    "session.locked": "锁定屏幕",
    "session.unlocked": "解除锁定",
    "unlock.failed": "解锁失败",
    "account.locked": "账户被锁定",
    "password.changed": "修改密码",
    "recovery.used": "使用恢复密钥",
    "denied": "拒绝访问",
    "user.added": "添加用户",
    "user.changed": "修改用户信息",
    "user.roles_changed": "修改角色",
    "user.password_reset": "重置密码",
    "user.disabled": "停用用户",
    "user.enabled": "启用用户",
    "user.unlocked": "解除登录锁定",
    "settings.changed": "修改系统设置",
    "letterhead.changed": "修改文书抬头",
    "department.added": "添加科室",
    "department.changed": "修改科室",
    "department.disabled": "停用科室",
    "department.enabled": "启用科室",
    "category.added": "添加投诉类别",
    "category.renamed": "投诉类别改名",
    "category.moved": "移动投诉类别",
    "category.retired": "停用投诉类别",
    "category.reinstated": "恢复投诉类别",
    "category.deleted": "删除投诉类别",
    "category.department_changed": "修改类别默认科室",
    "calendar.changed": "修改节假日",
    "calendar.notice_imported": "导入放假通知",
    "audit.exported": "导出审计日志",
    "database.created": "创建数据库",
    "database.migrated": "迁移数据库",
    "database.rekeyed": "更换数据库密钥",
    "demo.generated": "生成演示数据",
    "enrollment.exported": "导出工作站登记文件",
    "handover.made": "交班",
    "handover.taken_over": "接班",
    "handover.opened": "查看交班单",
    "case.register": "登记投诉",
    "case.view": "查看案件",
    "case.print": "打印文书",
    "case.reprint": "补打文书",
    "case.document_opened": "查看已出具文书",
    "case.attachment_opened": "查看附件",
    "case.handover": "交班",
    "case.timeline_sealed": "密封保密案件的时间线",  # models.sealed_content.RESEALED_ACTION (upgrade, first sign-in)
}

# Filter groups (key → label, action-id prefixes); a filter value "group:<key>" selects one.
GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "sessions": (
        "登录与会话",
        ("login.", "logout", "session.", "unlock.", "account.", "password.", "recovery."),
    ),
    "case_reads": ("查看案件和文书", ("case.view", "case.document_opened", "case.attachment_opened")),
    "prints": ("打印文书", ("case.print", "case.reprint")),
    "cases": ("全部案件操作", ("case.",)),
    "denied": ("拒绝访问", ("denied",)),
    "users": ("用户与权限", ("user.",)),
    "admin": (
        "系统管理",
        ("settings.", "letterhead.", "department.", "category.", "calendar.", "database.", "enrollment."),
    ),
    "handover": ("交班与接班", ("handover.", "case.handover")),
    "audit": ("审计日志", ("audit.",)),
}


def action_label(action: str) -> str:
    if action in ACTION_NAMES:
        return ACTION_NAMES[action]
    if action.startswith("case.") and action[5:] in RULES:
        return RULES[action[5:]].title
    return action


@dataclass(frozen=True)
class AuditFilter:
    user: str = ""  # username, exact
    case_no: str = ""  # or any other target, exact (case numbers are compared upper-case)
    action: str = ""  # an action id, or "group:<key>"
    start: date | None = None
    end: date | None = None  # inclusive

    def describe(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.__dict__.items() if v}


@dataclass(frozen=True)
class AuditRow:
    seq: int
    at: str
    actor: str
    actor_name: str
    action: str
    action_label: str
    target: str
    detail: str
    hash: str


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    more: bool  # older entries match too: ask again with before_seq=rows[-1].seq


@dataclass(frozen=True)
class Choices:
    users: list[tuple[str, str]]  # (username, label): every account, and other names found in the log
    actions: list[tuple[str, str]]  # ("group:…" or action id, label)


def _is_case_entry(action: str) -> bool:
    return action.startswith("case.")


def reads_case_detail(session: Session) -> bool:
    """Whether the reader may see what a case entry's detail says (case roles only)."""
    return bool(can(session.user, Action.VIEW_CASE))


def _detail_text(row: AuditEntry, show_case_detail: bool) -> str:
    if _is_case_entry(row.action) and not show_case_detail:
        return HIDDEN
    try:
        detail = json.loads(row.detail or "{}")
    except ValueError:
        return row.detail
    if not detail:
        return ""
    return "；".join(f"{key}={_value(value)}" for key, value in detail.items())


def _value(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _check(flt: AuditFilter) -> None:
    if flt.start and flt.end and flt.end < flt.start:
        raise ValidationError("end", "结束日期", "不能早于开始日期")
    if flt.action.startswith("group:") and flt.action[6:] not in GROUPS:
        raise ValidationError("action", "操作", "未知的操作类别")


def _query(flt: AuditFilter) -> peewee.ModelSelect:
    query = AuditEntry.select()
    if flt.user:
        query = query.where(AuditEntry.actor == flt.user.strip())
    if flt.case_no:
        text = flt.case_no.strip()
        query = query.where(AuditEntry.target.in_(sorted({text, text.upper()})))
    if flt.action.startswith("group:"):
        prefixes = GROUPS[flt.action[6:]][1]
        condition = None
        for prefix in prefixes:
            part = (
                AuditEntry.action.startswith(prefix) if prefix.endswith(".") else AuditEntry.action == prefix
            )
            condition = part if condition is None else condition | part
        query = query.where(condition)
    elif flt.action:
        query = query.where(AuditEntry.action == flt.action)
    if flt.start:
        query = query.where(
            AuditEntry.at >= datetime.combine(flt.start, time()).isoformat(timespec="seconds")
        )
    if flt.end:
        end = datetime.combine(flt.end + timedelta(days=1), time()).isoformat(timespec="seconds")
        query = query.where(AuditEntry.at < end)
    return query


def _names() -> dict[str, str]:
    return {u.username: u.display_name for u in User.select(User.username, User.display_name)}


def _rows(entries: list[AuditEntry], show_case_detail: bool, names: dict[str, str]) -> list[AuditRow]:
    return [
        AuditRow(
            e.seq,
            e.at.replace("T", " "),
            e.actor,
            names.get(e.actor, ""),
            e.action,
            action_label(e.action),
            e.target,
            _detail_text(e, show_case_detail),
            e.hash,
        )
        for e in entries
    ]


def entries(
    session: Session, flt: AuditFilter, before_seq: int | None = None, limit: int = PAGE_ROWS
) -> AuditPage:
    """The newest `limit` matching entries older than `before_seq` (keyset paging, newest first)."""
    require(session, Action.VIEW_AUDIT, target="audit")
    _check(flt)
    with translated():
        query = _query(flt)
        if before_seq is not None:
            query = query.where(AuditEntry.seq < before_seq)
        found = list(query.order_by(AuditEntry.seq.desc()).limit(limit + 1))
        rows = _rows(found[:limit], reads_case_detail(session), _names())
    session.touch()
    return AuditPage(rows, len(found) > limit)


def choices(session: Session) -> Choices:
    """What the filter bar offers: the users found in the log, the action groups and actions."""
    require(session, Action.VIEW_AUDIT, target="audit")
    with translated():
        names = _names()
        actors = [
            a for (a,) in AuditEntry.select(AuditEntry.actor).distinct().order_by(AuditEntry.actor).tuples()
        ]
        actions = [a for (a,) in AuditEntry.select(AuditEntry.action).distinct().tuples()]
    everyone = sorted(set(names) | set(actors))
    users = [(a, f"{names[a]}（{a}）" if a in names else a) for a in everyone]
    listed = [(f"group:{key}", label) for key, (label, _prefixes) in GROUPS.items()]
    listed += sorted(((a, action_label(a)) for a in actions), key=lambda item: item[1])
    return Choices(users, listed)


def verify(session: Session) -> audit.VerifyReport:
    """The one-button check of the whole chain (app.audit.verify)."""
    require(session, Action.VERIFY_AUDIT, target="audit")
    with translated():
        return audit.verify()


COLUMNS = ("序号", "时间", "用户名", "姓名", "操作", "操作代码", "对象", "详情", "哈希")


def export(
    session: Session,
    flt: AuditFilter,
    path: Path,
    progress: Callable[[int, int, str], None] | None = None,
) -> int:
    """Write every entry matching the filter (oldest first) to an .xlsx file; the export is audited
    with its filter and row count. Returns the number of rows written."""
    from openpyxl import Workbook

    require(session, Action.EXPORT_AUDIT, target="audit")
    _check(flt)
    with translated():
        query = _query(flt)
        total = query.count()
        if total > EXPORT_LIMIT:
            raise ValidationError(
                "filter", "筛选条件", f"符合条件的记录有 {total:,} 条，请缩小时间范围后分批导出"
            )
        show = reads_case_detail(session)
        names = _names()
        book = Workbook(write_only=True)
        sheet = book.create_sheet("审计日志")
        sheet.append(list(COLUMNS))
        written, last = 0, 0
        while True:
            batch = list(query.where(AuditEntry.seq > last).order_by(AuditEntry.seq).limit(5000))
            if not batch:
                break
            for r in _rows(batch, show, names):
                sheet.append(
                    [r.seq, r.at, r.actor, r.actor_name, r.action_label, r.action, r.target, r.detail, r.hash]
                )
            written += len(batch)
            last = batch[-1].seq
            if progress is not None:
                progress(written, total, f"已写入 {written:,} / {total:,} 条")
    buffer = io.BytesIO()
    book.save(buffer)
    # The file is written inside the audited transaction: no entry without the file, nor the reverse.
    with operation(session, Action.EXPORT_AUDIT, "audit.exported", target="audit") as op:
        files.write_private(path, buffer.getvalue())
        op.detail.update(filter=flt.describe(), rows=written, file=path.name)
    return written
