"""月度 / 季度 / 年度投诉分析报告 as PDF: letterhead, the (edited) analysis, headline figures,
charts drawn with reportlab.graphics, every table, and the 口径 appendix."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Table

from printing.base import DocumentRenderer
from printing.data import Letterhead
from printing.fonts import register_fonts
from printing.formatting import clean, cn_date, esc
from printing.page import PageHeader
from printing.reports.charts import report_charts
from printing.reports.data import AnalysisReportData, ReportTable
from printing.styles import LABEL_FILL

CHART_HEIGHT = 62 * mm


class AnalysisReportRenderer(DocumentRenderer[AnalysisReportData]):
    kind = "analysis_report"
    title = "投诉分析报告"
    data_type = AnalysisReportData

    def page_header(self) -> PageHeader:
        d = self.data
        return PageHeader(
            title=d.title,
            meta_left=f"统计期间：{clean(d.period_label)}",
            meta_right=f"日期：{cn_date(d.issued_at)}",
            footer_left=f"{clean(self.letterhead.hospital_name)}　{d.title}",
        )

    def story(self) -> list[Flowable]:
        d, kit = self.data, self.kit
        story: list[Flowable] = [self._tiles(), kit.space(6), kit.heading("分析")]
        for block in [b for b in d.analysis.split("\n\n") if b.strip()]:
            first, _, rest = block.strip().partition("\n")
            if rest and len(first) <= 20:
                story.append(KeepTogether([kit.heading(esc(first)), *kit.paragraphs(rest, "text")]))
            else:
                story.extend(kit.paragraphs(block, "text"))
        story += [CondPageBreak(CHART_HEIGHT * 2), kit.heading("图表"), *self._charts()]
        story += [PageBreak(), kit.heading("统计表")]
        for table in d.tables:
            story.extend(self._table(table))
        if d.definitions:
            story += [PageBreak(), kit.heading("附录：指标口径")]
            story += [kit.para(f"<b>{esc(name)}</b>：{esc(text)}", "text") for name, text in d.definitions]
        story += [kit.space(12), kit.issuer(self.letterhead, d.issued_at, seal=False)]
        return story

    def _tiles(self) -> Table:
        """The headline figures in a row of boxes: name, value, change."""
        kit, tiles = self.kit, self.data.tiles
        cells = [
            [
                kit.para(f"{esc(name)}<br/><font size=15><b>{esc(value)}</b></font><br/>{esc(delta)}", "cell")
                for name, value, delta in tiles
            ]  # fmt: skip
        ]
        width = self.width / max(len(tiles), 1)
        return kit._table(cells, [width] * len(tiles), [("BACKGROUND", (0, 0), (-1, -1), LABEL_FILL)])

    def _charts(self) -> list[Flowable]:
        charts = report_charts(self.data, self.styles.fonts.regular, self.width, CHART_HEIGHT)
        half = self.width / 2
        grid = Table([list(pair) for pair in charts.pairs], colWidths=[half, half], hAlign="LEFT")
        return [grid, self.kit.space(6), charts.stacks]

    def _table(self, table: ReportTable) -> list[Flowable]:
        kit = self.kit
        header = [kit.para(f"<b>{esc(c)}</b>", "cell") for c in table.columns]
        rows = [[kit.para(esc(v), "cell") for v in row] for row in table.rows] or [
            [kit.para("本期无数据", "cell")] + [kit.para("", "cell")] * (len(table.columns) - 1)
        ]
        first = self.width * (0.34 if len(table.columns) > 3 else 0.5)
        rest = (self.width - first) / max(len(table.columns) - 1, 1)
        grid = kit._table([header, *rows], [first] + [rest] * (len(table.columns) - 1),
                          [("BACKGROUND", (0, 0), (-1, 0), LABEL_FILL)], repeat_rows=1)  # fmt: skip
        parts: list[Flowable] = [kit.para(f"<b>{esc(table.title)}</b>", "plain"), grid]
        if table.note:
            parts.append(kit.para(esc(table.note), "note"))
        if len(table.rows) < 25:
            return [KeepTogether(parts), kit.space(8)]
        return [*parts, kit.space(8)]  # a long table runs on over pages with its header repeated


def render_report(data: AnalysisReportData, letterhead: Letterhead, font_path: str | None = None) -> bytes:
    """The report as PDF bytes."""
    fonts = register_fonts(font_path)
    return AnalysisReportRenderer(data, letterhead, fonts=fonts).render()
