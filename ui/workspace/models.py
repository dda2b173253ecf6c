"""The workspace's table models: column sets over the shared `RowTableModel`."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QColor

from app.cases.documents import IssuedInfo
from app.cases.follow_up import FOLLOWUP_OUTCOMES
from app.cases.states import AssignmentState
from app.cases.views import AssignmentView, AttachmentInfo, ExternalRouteView, FollowUpView
from app.cases.workspace import Printable
from ui.common import format_datetime
from ui.table_model import MUTED, WARNING, Column, RowTableModel
from ui.workspace.widgets import deadline_colour, format_date, format_size

ROUTE_STATUSES = {"ongoing": "进行中", "concluded": "已结束"}
REPRINT_COLOUR = QColor("#8A4F00")


def _assignment_due(a: AssignmentView) -> str:
    due = format_date(a.due)
    return f"{due}（{a.deadline.text}）" if a.deadline is not None else due


def _short_due(a: AssignmentView) -> str:
    """"03-17 剩 1 工作日": short enough for five columns at 1024 px; the full text is the tooltip."""
    if a.due is None:
        return "—"
    status = a.deadline
    if status is None:
        return f"{a.due:%m-%d}"
    if status.overdue:
        short = "已逾期"
    elif status.workdays_left == 0:
        short = "今日到期"
    elif status.workdays_left is not None:
        short = f"剩 {status.workdays_left} 工作日"
    else:
        short = status.text
    return f"{a.due:%m-%d} {short}"


def _signed(a: AssignmentView) -> str:
    return " ".join(p for p in (format_datetime(a.acknowledged_at), a.acknowledged_by) if p)


def _answered(a: AssignmentView) -> str:
    return " ".join(p for p in (format_datetime(a.responded_at), a.responder) if p)


def _day(moment) -> str:
    return f"{moment:%m-%d %H:%M}" if moment else ""


def _state_colour(a: AssignmentView) -> QColor | None:
    return WARNING if a.state == AssignmentState.RETURNED else (MUTED if a.state == AssignmentState.RESPONDED else None)


def assignment_model(parent: QObject | None = None) -> RowTableModel[AssignmentView]:
    return RowTableModel(
        [
            Column("科室", lambda a: a.department),
            Column("状态", lambda a: a.state_label, colour=_state_colour),
            Column(
                "反馈期限",
                _short_due,
                colour=lambda a: deadline_colour(a.deadline),
                tooltip=lambda a: f"{format_datetime(a.sent_at)} 转办，反馈期限 {_assignment_due(a)}",
            ),
            Column("签收", lambda a: _day(a.acknowledged_at), tooltip=_signed),
            Column("反馈", lambda a: _day(a.responded_at), tooltip=lambda a: _answered(a) + ("\n" + a.response if a.response else "")),
        ],
        parent,
    )


def followup_model(parent: QObject | None = None) -> RowTableModel[FollowUpView]:
    return RowTableModel(
        [
            Column("回访时间", lambda f: format_datetime(f.at)),
            Column("回访人", lambda f: f.by),
            Column("方式", lambda f: f.method_label),
            Column(
                "满意度",
                lambda f: f.satisfaction_label,
                colour=lambda f: WARNING if f.satisfaction_label == "不满意" else None,
            ),
            Column("结论", lambda f: FOLLOWUP_OUTCOMES.get(f.outcome, f.outcome)),
            Column("回访情况", lambda f: f.remarks, tooltip=lambda f: f.remarks),
        ],
        parent,
    )


def route_model(parent: QObject | None = None) -> RowTableModel[ExternalRouteView]:
    return RowTableModel(
        [
            Column("外部途径", lambda r: r.name),
            Column("开始时间", lambda r: format_datetime(r.started_at)),
            Column("状态", lambda r: ROUTE_STATUSES.get(r.status, r.status)),
            Column("进展或结果", lambda r: r.outcome, tooltip=lambda r: r.outcome),
        ],
        parent,
    )


def attachment_model(parent: QObject | None = None) -> RowTableModel[AttachmentInfo]:
    return RowTableModel(
        [
            Column("文件名", lambda a: a.filename, tooltip=lambda a: a.filename),
            Column("说明", lambda a: a.note, tooltip=lambda a: a.note),
            Column("大小", lambda a: format_size(a.size)),
            Column("添加人", lambda a: a.added_by),
            Column("添加时间", lambda a: format_datetime(a.added_at)),
        ],
        parent,
    )


def _issued_count(p: Printable) -> str:
    return f"已出具 {p.issued} 次，再次出具为补打" if p.issued else "未出具"


def printable_model(parent: QObject | None = None) -> RowTableModel[Printable]:
    return RowTableModel(
        [
            Column("文书", lambda p: p.title),
            Column("科室", lambda p: p.department),
            Column("出具情况", _issued_count, colour=lambda p: REPRINT_COLOUR if p.issued else None),
        ],
        parent,
    )


def issued_model(parent: QObject | None = None) -> RowTableModel[IssuedInfo]:
    return RowTableModel(
        [
            Column("出具时间", lambda d: format_datetime(d.issued_at)),
            Column("文书", lambda d: d.title + (f"（{d.department}）" if d.department else "")),
            Column(
                "类型",
                lambda d: "补打" if d.reprint else "原件",
                colour=lambda d: REPRINT_COLOUR if d.reprint else None,
                align_center=True,
            ),
            Column("纸张", lambda d: d.page_size, align_center=True),
            Column("出具人", lambda d: d.issued_by),
            Column("校验码", lambda d: d.sha256[:16] + "…", tooltip=lambda d: f"SHA-256：{d.sha256}"),
        ],
        parent,
    )
