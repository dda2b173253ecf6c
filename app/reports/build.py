"""From a period's figures to the report's plain data (tables, charts, headline tiles, appendix)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.rectification import figures as rectification
from app.rectification.figures import RectificationFigures
from app.statistics.analysis_text import change, pct
from app.statistics.config import SCORE_ITEMS, StatisticsConfig
from app.statistics.definitions import DEFINITIONS
from app.statistics.indicators import Figures, Rate, Tally
from app.statistics.scorecard import DepartmentScore
from printing.reports.data import AnalysisReportData, ReportTable, Series, Stack


@dataclass(frozen=True)
class ReportInput:
    """Everything a report is made of, before the user edits the analysis."""

    figures: Figures
    scores: list[DepartmentScore]
    config: StatisticsConfig
    draft: str
    rectification: RectificationFigures | None = None  # 整改落实情况 of the period


def _share(n: int, total: int) -> str:
    return f"{n / total * 100:.1f}%" if total else "—"


def tally_table(
    key: str, title: str, tallies: list[Tally], total: int, first: str, note: str = ""
) -> ReportTable:
    rows = tuple((t.label, str(t.count), _share(t.count, total)) for t in tallies)
    return ReportTable(key, title, (first, "件数", "占比"), rows, note)


def _rate_row(rate: Rate) -> tuple[str, ...]:
    return (rate.label, str(rate.on_time.count), str(rate.late.count), pct(rate.rate))


def _yuan(fen: int) -> str:
    return f"{fen / 100:,.2f}"


def _change_rate(now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return "—"
    return f"{(now - before) * 100:+.1f} 个百分点"


def headline_table(f: Figures) -> ReportTable:
    h, p, y = f.headline, f.previous, f.year_ago
    rows = [
        (
            "收到投诉（件）",
            str(h.received),
            str(p.received),
            change(h.received, p.received),
            str(y.received),
            change(h.received, y.received),
        )
    ]
    for label, attr in (
        ("成立率", "upheld_rate"),
        ("按时办结率", "completion_rate"),
        ("满意率", "satisfaction_rate"),
    ):
        now, before, ago = getattr(h, attr), getattr(p, attr), getattr(y, attr)
        rows.append(
            (label, pct(now), pct(before), _change_rate(now, before), pct(ago), _change_rate(now, ago))
        )
    columns = ("指标", "本期", f"上期（{p.period.label}）", "环比", f"上年同期（{y.period.label}）", "同比")
    return ReportTable("headline", "总体指标", columns, tuple(rows))


def score_table(scores: list[DepartmentScore]) -> ReportTable:
    columns = ("科室", *SCORE_ITEMS.values(), "扣分")
    rows = tuple((s.department, *(str(i.count) for i in s.items), f"{s.score:g}") for s in scores)
    return ReportTable(
        "scorecard",
        "科室考核",
        columns,
        rows,
        "扣分 = Σ 件数 × 分值（分值由系统管理员设置）；成立、部分成立按事项计，签收、反馈逾期按转办次数计。",
    )


def tables(f: Figures, scores: list[DepartmentScore]) -> tuple[ReportTable, ...]:
    total = f.received
    multi = "一件投诉涉及多个类别或科室的分别计数，合计可能多于投诉总数。"
    stage_rows = tuple(_rate_row(r) for r in [*f.stages, f.completion])
    return (
        headline_table(f),
        tally_table("outcome", "受理情况", f.outcomes, total, "受理情况"),
        tally_table("channel", "按投诉渠道", f.channels, total, "渠道"),
        tally_table("category1", "按一级类别", f.categories1, total, "类别", multi),
        tally_table("category2", "按二级类别", f.categories2, total, "类别", multi),
        tally_table("department", "按责任科室", f.departments, total, "科室", multi),
        tally_table("severity", "按严重程度", f.severities, total, "严重程度"),
        tally_table("handler", "按经办人", f.handlers, total, "经办人"),
        tally_table(
            "finding_case", "调查结论（按件）", f.findings_case, sum(t.count for t in f.findings_case), "结论"
        ),
        tally_table(
            "finding_issue",
            "调查结论（按事项）",
            f.findings_issue,
            sum(t.count for t in f.findings_issue),
            "结论",
        ),
        ReportTable(
            "timeliness",
            "各环节及时情况",
            ("环节", "按时", "逾期", "及时率"),
            stage_rows,
            "科室签收、反馈按转办次数计，其余按件计。",
        ),
        tally_table(
            "satisfaction", "回访满意度", f.satisfaction, sum(t.count for t in f.satisfaction), "满意度"
        ),
        ReportTable(
            "external",
            "再处理与外部途径",
            ("项目", "件数"),
            (
                (f"回访不满意再处理（共 {f.reopen_times} 次）", str(f.reopened.count)),
                *((t.label, str(t.count)) for t in f.external),
            ),
        ),
        ReportTable(
            "compensation",
            "赔偿与退费",
            ("金额分段", "件数", "金额（元）"),
            (
                *((t.label, str(t.count), _yuan(t.amount_fen)) for t in f.compensation_bands),
                ("合计", str(f.compensation.count), _yuan(f.compensation.amount_fen)),
            ),
        ),
        ReportTable(
            "compensation_department",
            "赔偿与退费（按科室）",
            ("科室", "件数", "金额（元）"),
            tuple((t.label, str(t.count), _yuan(t.amount_fen)) for t in f.compensation_departments),
            multi,
        ),
        ReportTable(
            "other",
            "重复、重大投诉与期末积压",
            ("项目", "件数"),
            (
                ("重复投诉", str(f.repeats.count)),
                ("重大投诉", str(f.major.count)),
                ("重大投诉按时上报", str(f.major_reported_in_time)),
                (
                    "重大投诉平均上报用时（小时）",
                    "—" if f.major_report_hours is None else f"{f.major_report_hours:.1f}",
                ),
                ("期末未结", str(f.backlog.count)),
                ("期末逾期", str(f.overdue.count)),
            ),
        ),
        ReportTable("trend", "月度走势", ("月份", "件数"), tuple((label, str(n)) for label, n in f.trend)),
        score_table(scores),
    )


def tiles(f: Figures) -> tuple[tuple[str, str, str], ...]:
    h, p = f.headline, f.previous
    return (
        ("收到投诉", f"{h.received} 件", f"环比{change(h.received, p.received)}"),
        ("成立率", pct(h.upheld_rate), f"上期 {pct(p.upheld_rate)}"),
        ("按时办结率", pct(h.completion_rate), f"上期 {pct(p.completion_rate)}"),
        ("满意率", pct(h.satisfaction_rate), f"上期 {pct(p.satisfaction_rate)}"),
        ("期末未结", f"{f.backlog.count} 件", f"其中逾期 {f.overdue.count} 件"),
    )


def _series(title: str, tallies: list[Tally], limit: int = 8) -> Series:
    top = tallies[:limit]
    return Series(title, tuple(t.label for t in top), tuple(float(t.count) for t in top))


def rectification_tables(figures: RectificationFigures | None) -> tuple[ReportTable, ...]:
    return (rectification.report_table(figures),) if figures is not None else ()


def report_data(
    source: ReportInput, analysis: str, issued_at: datetime, issued_by: str
) -> AnalysisReportData:
    f = source.figures
    stacks = (
        Stack("调查结论", tuple((t.label, t.count) for t in f.findings_case)),
        Stack("回访满意度", tuple((t.label, t.count) for t in f.satisfaction)),
    )
    return AnalysisReportData(
        title=f.period.report_title,
        period_label=f.period.label,
        period_code=f.period.code,
        issued_at=issued_at,
        issued_by=issued_by,
        analysis=analysis,
        tiles=tiles(f),
        trend=Series(
            "月度走势（件）", tuple(label for label, _ in f.trend), tuple(float(n) for _, n in f.trend)
        ),
        categories=_series("按一级类别", f.categories1),
        departments=_series("按责任科室（前 8）", f.departments),
        channels=_series("按渠道", f.channels),
        stacks=stacks,
        tables=tables(f, source.scores) + rectification_tables(source.rectification),
        definitions=tuple((d.name, d.definition) for d in DEFINITIONS)
        + (rectification.NAMED_DEFINITIONS if source.rectification else ()),
    )
