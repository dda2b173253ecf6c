"""导出台账: every field an office keeps, one row per case received in a date range, as an .xlsx that
opens cleanly in Excel and WPS (column widths, frozen header, dates as dates, amounts as numbers).

Only cases the user may see are exported (restricted ones only for those who may read them). Phones
and ID numbers are masked unless the user asks for them in full AND the policy lets them see them on
that case. The export is audited with its row count; a cancelled or failed export leaves no file
and no audit entry.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app import clock
from app.cases import handling as handling_texts
from app.cases import issues
from app.cases.states import ASSIGNMENT_LABELS, CLOSE_KINDS, FOLLOWUP_METHODS, REPLY_METHODS, STATE_LABELS
from app.cases.visibility import visible
from app.errors import ValidationError
from app.files import write_private
from app.policy import Action, sees_handling, sees_identifiers
from app.session import Session
from app.validation import (
    CHANNELS,
    FINDINGS,
    RELATIONS,
    SATISFACTIONS,
    SEVERITIES,
    TRANSFER_SOURCES,
    mask_id_number,
    mask_phone,
)
from app.write_path import facts, operation
from models.accounts import User
from models.cases import Assignment, Case, CaseText, Category, Complainant, FollowUp
from models.organisation import Department
from models.records import ImportedRow

Progress = Callable[[int, int, str], None]
BATCH = 500
DATETIME, DATE, MONEY, WRAP = "yyyy-mm-dd hh:mm", "yyyy-mm-dd", "#,##0.00", "wrap"

ISSUE_COLUMNS = (
    ("案件编号", 17),
    ("序号", 6),
    ("事项概述", 30),
    ("投诉类别", 30),
    ("责任科室", 14),
    ("需科室答复的问题", 40),
    ("认定结论", 10),
)
ISSUE_FORMATS = ["", "", WRAP, "", "", WRAP, ""]
HEADER_FONT, HEADER_FILL = Font(bold=True), PatternFill("solid", fgColor="DCE6F1")
TOP_WRAP = Alignment(wrap_text=True, vertical="top")

# header, width, format
COLUMNS: tuple[tuple[str, int, str], ...] = (
    ("案件编号", 17, ""),
    ("接待时间", 17, DATETIME),
    ("投诉渠道", 9, ""),
    ("转办单位", 14, ""),
    ("投诉人", 10, ""),
    ("与患者关系", 9, ""),
    ("联系电话", 15, ""),
    ("身份证号", 20, ""),
    ("患者姓名", 10, ""),
    ("门诊号/住院号", 14, ""),
    ("就诊科室", 12, ""),
    ("就诊日期", 11, DATE),
    ("投诉类别", 26, ""),
    ("投诉事项", 40, WRAP),
    ("严重程度", 8, ""),
    ("投诉内容", 50, WRAP),
    ("诉求", 24, WRAP),
    ("状态", 12, ""),
    ("承办人", 9, ""),
    ("受理期限", 11, DATE),
    ("答复期限", 11, DATE),
    ("转办科室", 24, WRAP),
    ("科室反馈", 40, WRAP),
    ("调查核实情况", 40, WRAP),
    ("投诉是否成立", 11, ""),
    ("处理意见", 40, WRAP),
    ("赔偿/退费金额（元）", 12, MONEY),
    ("整改措施", 30, WRAP),
    ("答复方式", 10, ""),
    ("答复时间", 17, DATETIME),
    ("回访", 30, WRAP),
    ("满意度", 9, ""),
    ("办结时间", 17, DATETIME),
    ("办结方式", 9, ""),
    ("保密", 6, ""),
    ("来源", 30, ""),
)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    masked: bool

    def lines(self) -> list[str]:
        note = "电话和身份证号已遮蔽" if self.masked else "含完整电话和身份证号，请妥善保管"
        return [f"已导出 {self.rows} 件案件：{self.path}", f"（{note}；本次导出已记入审计日志）"]


def _check_range(start: date, end: date) -> None:
    if end < start:
        raise ValidationError("end", "截止日期", "不能早于起始日期")
    if (end - start).days > 3660:
        raise ValidationError("end", "截止日期", "一次最多导出十年")


def export_ledger(
    session: Session,
    start: date,
    end: date,
    path: Path,
    *,
    full_identifiers: bool = False,
    progress: Progress | None = None,
) -> ExportResult:
    """Cases received from `start` to `end` (inclusive) → `path` (.xlsx)."""
    step = progress or (lambda done, total, text: None)
    target = f"{start:%Y-%m-%d}~{end:%Y-%m-%d}"
    with operation(session, Action.EXPORT_LEDGER, "ledger.exported", target=target) as op:
        _check_range(start, end)
        query = visible(session.user, Case.select(Case.id)).where(
            Case.received_at >= datetime.combine(start, time.min),
            Case.received_at < datetime.combine(end + timedelta(days=1), time.min),
        )
        ids = [row.id for row in query.order_by(Case.received_at, Case.id)]
        # In memory, not openpyxl's write-only mode: that one spools the rows to a plain temp file.
        book = Workbook()
        sheet = book.active
        sheet.title = "投诉台账"
        sheet.append([text for text, _w, _f in COLUMNS])
        _style_header(sheet, [(text, width) for text, width, _fmt in COLUMNS])
        issue_sheet = book.create_sheet("投诉事项")
        issue_sheet.append([text for text, _w in ISSUE_COLUMNS])
        _style_header(issue_sheet, ISSUE_COLUMNS)
        masked_any = False
        for offset in range(0, len(ids), BATCH):
            step(
                offset,
                len(ids),
                f"正在导出第 {offset + 1}–{min(offset + BATCH, len(ids))} 件（共 {len(ids)} 件）……",
            )
            for values, masked, issue_rows in _rows(session, ids[offset : offset + BATCH], full_identifiers):
                masked_any |= masked
                for issue_row in issue_rows:
                    issue_sheet.append(issue_row)
                    _style_row(issue_sheet, issue_sheet.max_row, ISSUE_FORMATS)
                sheet.append(values)
                _style_row(sheet, sheet.max_row, [fmt for _t, _w, fmt in COLUMNS])
        step(len(ids), len(ids), "正在保存……")
        out = io.BytesIO()
        book.save(out)
        write_private(Path(path), out.getvalue())
        op.detail.update(
            rows=len(ids), file=Path(path).name, full_identifiers=full_identifiers and not masked_any
        )
    return ExportResult(Path(path), len(ids), masked_any or not full_identifiers)


def _style_header(sheet: Any, columns: Any) -> None:
    sheet.freeze_panes = "B2"
    for index, (_header, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        cell = sheet.cell(1, index)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)


def _style_row(sheet: Any, row: int, formats: list[str]) -> None:
    for index, fmt in enumerate(formats, start=1):
        if fmt == WRAP:
            sheet.cell(row, index).alignment = TOP_WRAP
        elif fmt:
            sheet.cell(row, index).number_format = fmt


def _names(model, ids: set) -> dict:  # noqa: ANN001
    ids = {i for i in ids if i}
    if not ids:
        return {}
    field = model.display_name if model is User else (model.path if model is Category else model.name)
    return {
        row.id: getattr(row, field.name) for row in model.select(model.id, field).where(model.id.in_(ids))
    }


def _rows(session: Session, ids: list[int], full: bool):  # noqa: ANN202 - a generator of (values, masked)
    cases = list(Case.select().where(Case.id.in_(ids)).order_by(Case.received_at, Case.id))
    people = {
        c.id: c for c in Complainant.select().where(Complainant.id.in_([c.complainant_id for c in cases]))
    }
    users = _names(User, {c.officer_id for c in cases})
    departments = {d.id: d.name for d in Department.select(Department.id, Department.name)}
    categories = _names(Category, {c.category_id for c in cases})
    assignments: dict[int, list[Assignment]] = {}
    for a in Assignment.select().where(Assignment.case.in_(ids)).order_by(Assignment.id):
        assignments.setdefault(a.case_id, []).append(a)
    followups: dict[int, list[FollowUp]] = {}
    for f in FollowUp.select().where(FollowUp.case.in_(ids)).order_by(FollowUp.id):
        followups.setdefault(f.case_id, []).append(f)
    sources = {r.case_id: r for r in ImportedRow.select().where(ImportedRow.case.in_(ids))}
    case_issues = issues.issues_by_case(ids)
    texts = {t.case_id: t for t in CaseText.select().where(CaseText.case.in_(ids))}
    handled = handling_texts.of_cases(ids)
    today = clock.now().date()
    for case in cases:
        case_facts = facts(case)
        show_ids = full and sees_identifiers(session.user, case_facts, today)
        handling = sees_handling(session.user, case_facts)
        person = people[case.complainant_id]
        sent = assignments.get(case.id, []) if handling else []
        visits = followups.get(case.id, []) if handling else []
        source = sources.get(case.id)
        values = [
            case.case_no,
            case.received_at,
            CHANNELS.get(case.channel, case.channel),
            TRANSFER_SOURCES.get(case.transfer_source, ""),
            person.name,
            RELATIONS.get(person.relation, ""),
            person.phone if show_ids else mask_phone(person.phone),
            person.id_number if show_ids else mask_id_number(person.id_number),
            case.patient_name,
            case.patient_record_no,
            departments.get(case.visit_department_id, ""),
            case.visit_date,
            categories.get(case.category_id, ""),
            "\n".join(_issue_line(i, handling) for i in case_issues.get(case.id, [])),
            SEVERITIES.get(case.severity, ""),
            texts[case.id].content,
            texts[case.id].demands,
            STATE_LABELS.get(case.state, case.state),
            users.get(case.officer_id, ""),
            case.accept_due,
            case.reply_due,
            "\n".join(
                f"{departments.get(a.department_id, '')}（{ASSIGNMENT_LABELS.get(a.state, a.state)}）"
                for a in sent
            ),
            "\n".join(f"{departments.get(a.department_id, '')}：{a.response}" for a in sent if a.response),
            handled[case.id].facts if handling else "",
            FINDINGS.get(case.finding, "") if handling else "",
            handled[case.id].resolution if handling else "",
            float(case.compensation_amount) if handling and case.compensation_amount is not None else None,
            handled[case.id].rectification if handling else "",
            REPLY_METHODS.get(case.reply_method, "") if handling else "",
            case.replied_at if handling else None,
            "\n".join(
                f"{f.at:%Y-%m-%d} {FOLLOWUP_METHODS.get(f.method, f.method)}：{f.remarks}".strip("：")
                for f in visits
            ),
            SATISFACTIONS.get(visits[-1].satisfaction, "") if visits else "",
            case.closed_at,
            CLOSE_KINDS.get(case.close_kind, ""),
            "是" if case.restricted else "",
            f"历史导入：{source.source_file} 第 {source.row_number} 行" if source else "系统登记",
        ]
        issue_rows = [
            [
                case.case_no,
                i.seq,
                i.summary,
                i.category_path,
                i.department,
                i.questions if handling else "",
                FINDINGS.get(i.finding, "") if handling else "",
            ]
            for i in case_issues.get(case.id, [])
        ]
        yield values, not show_ids and bool(person.phone or person.id_number), issue_rows


def _issue_line(issue: issues.IssueRecord, handling: bool) -> str:
    finding = FINDINGS.get(issue.finding, "") if handling else ""
    parts = [issue.summary, issue.category_path or issues.UNCATEGORISED, issue.department, finding]
    return f"{issue.seq}. " + "｜".join(p for p in parts if p)
