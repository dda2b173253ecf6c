"""Drafting and issuing a 投诉分析报告, and exporting the 考核 sheet (VIEW_STATISTICS).

`prepare` computes the figures and drafts the analysis; the user edits the text; `issue` renders
the chosen format with that text and stores it (bytes, SHA-256, the text itself) as an
`IssuedReport`, audited, so what was sent can be shown again exactly."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from app import clock
from app.cases.documents import letterhead
from app.deadlines import calendar
from app.errors import NotFoundError, ValidationError
from app.policy import Action
from app.rectification import figures as rectification
from app.reports.build import ReportInput, report_data
from app.reports.docx_report import render_docx
from app.reports.xlsx_report import render_scorecard_xlsx, render_xlsx
from app.session import Session
from app.statistics import analysis_text, config, indicators, scorecard
from app.statistics.periods import Period
from app.validation import clean_text
from app.write_path import operation, require
from models.accounts import User
from models.statistics import IssuedReport
from printing.reports.analysis import render_report

FORMATS = {"pdf": "PDF", "docx": "Word 文档", "xlsx": "Excel 表格"}
SUFFIX = {"pdf": ".pdf", "docx": ".docx", "xlsx": ".xlsx"}
ANALYSIS_MAX = 20000


def compute(period: Period, today: date) -> ReportInput:
    """Figures, scorecard and draft of a period (no policy: callers check it)."""
    cfg = config.load()
    figures = indicators.compute(period, today, calendar.rules().major_external_report_hours)
    scores = scorecard.compute(period, today.toordinal(), cfg)
    rectified = rectification.compute(period.start, period.end, today)
    return ReportInput(figures, scores, cfg, analysis_text.draft(figures, cfg, scores, rectified), rectified)


def prepare(session: Session, period: Period) -> ReportInput:
    """Everything the report shows, with the drafted analysis for the user to edit."""
    require(session, Action.VIEW_STATISTICS, target=period.code)
    session.touch()
    return compute(period, clock.now().date())


def render(source: ReportInput, analysis: str, fmt: str, issued_at: datetime, issued_by: str) -> bytes:
    data = report_data(source, analysis, issued_at, issued_by)
    if fmt == "pdf":
        return render_report(data, letterhead())
    if fmt == "docx":
        return render_docx(data, letterhead())
    return render_xlsx(data)


@dataclass(frozen=True)
class Issued:
    id: int
    title: str
    fmt: str
    data: bytes
    sha256: str
    total: int

    @property
    def file_name(self) -> str:
        return f"{self.title}{SUFFIX[self.fmt]}"


def issue(session: Session, source: ReportInput, analysis: str, fmt: str) -> Issued:
    """Render and store the report with the (edited) analysis; audited with its hash."""
    period = source.figures.period
    with operation(session, Action.VIEW_STATISTICS, "report.issued", target=period.code) as op:
        if fmt not in FORMATS:
            raise ValidationError("format", "报告格式", "请选择 PDF、Word 或 Excel")
        text = clean_text(
            analysis, field="analysis", label="分析正文", max_len=ANALYSIS_MAX, required=True, multiline=True
        )
        now = clock.now()
        data = render(source, text, fmt, now, session.user.display_name or session.user.username)
        digest = hashlib.sha256(data).hexdigest()
        row = IssuedReport.create(
            period=period.code,
            title=period.report_title,
            fmt=fmt,
            analysis=text,
            total=source.figures.received,
            sha256=digest,
            data=data,
            issued_at=now,
            issued_by=session.user.id,
        )
        op.detail.update(
            format=fmt, sha256=digest, total=source.figures.received, edited=text != source.draft
        )
    return Issued(row.id, period.report_title, fmt, data, digest, source.figures.received)


@dataclass(frozen=True)
class IssuedInfo:
    id: int
    period: str
    title: str
    fmt: str
    total: int
    sha256: str
    issued_at: datetime
    issued_by: str


def issued_reports(session: Session, limit: int = 50) -> list[IssuedInfo]:
    """The reports issued so far, newest first."""
    require(session, Action.VIEW_STATISTICS, target="reports")
    rows = (
        IssuedReport.select(
            IssuedReport.id, IssuedReport.period, IssuedReport.title, IssuedReport.fmt, IssuedReport.total,
            IssuedReport.sha256, IssuedReport.issued_at, User.display_name,
        )
        .join(User)
        .order_by(IssuedReport.id.desc())
        .limit(limit)
        .tuples()
    )  # fmt: skip
    return [IssuedInfo(*r) for r in rows]


def issued_report(session: Session, report_id: int) -> tuple[IssuedReport, bytes]:
    """A stored report as issued (its text and bytes), the reading audited."""
    with operation(session, Action.VIEW_STATISTICS, "report.viewed", target=str(report_id)) as op:
        row = IssuedReport.get_or_none(IssuedReport.id == report_id)
        if row is None:
            raise NotFoundError("报告不存在")
        op.target = f"{row.period} {row.fmt}"
    return row, bytes(row.data)


def scorecard_workbook(session: Session, period: Period) -> tuple[str, bytes]:
    """The 考核 sheet of a period for the 绩效 office (file name, .xlsx bytes); audited export."""
    with operation(session, Action.VIEW_STATISTICS, "statistics.scorecard_exported", target=period.code):
        cfg = config.load()
        scores = scorecard.compute(period, clock.now().date().toordinal(), cfg)
        title = f"{period.label}科室考核"
        data = render_scorecard_xlsx(title, scores, cfg.weights)
    return f"{title}.xlsx", data
