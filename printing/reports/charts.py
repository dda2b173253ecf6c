"""The report's charts as reportlab.graphics drawings (vector, fonts embedded like the text)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm

from printing.reports.data import AnalysisReportData, Series, Stack

PALETTE = [
    colors.HexColor(c)
    for c in (
        "#2f6db5",
        "#e07b39",
        "#4f9d69",
        "#c0392b",
        "#8e6bb8",
        "#b8860b",
        "#5d7c8a",
        "#d35f8d",
        "#7f8c8d",
    )
]
TITLE_SIZE = 10
LABEL_SIZE = 7.5
STACK_ROW_HEIGHT = 24 * mm


@dataclass(frozen=True)
class ChartSet:
    pairs: tuple[tuple[Drawing, Drawing], ...]
    stacks: Drawing


def _title(drawing: Drawing, text: str, font: str, width: float, height: float) -> None:
    drawing.add(
        String(
            width / 2, height - TITLE_SIZE - 2, text, fontName=font, fontSize=TITLE_SIZE, textAnchor="middle"
        )
    )


def _empty(drawing: Drawing, font: str, width: float, height: float) -> Drawing:
    drawing.add(
        String(
            width / 2,
            height / 2,
            "本期无数据",
            fontName=font,
            fontSize=LABEL_SIZE + 1,
            textAnchor="middle",
            fillColor=colors.grey,
        )
    )
    return drawing


def _step(top: float) -> float:
    """Whole-number axis steps, about five of them."""
    return max(1, math.ceil(top / 5))


def trend_chart(series: Series, font: str, width: float, height: float) -> Drawing:
    """Cases per month: a line with the value above each point."""
    drawing = Drawing(width, height)
    _title(drawing, series.title, font, width, height)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 34, 28, width - 50, height - 56
    chart.data = [list(series.values) or [0]]
    chart.categoryAxis.categoryNames = list(series.labels) or [""]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = LABEL_SIZE
    chart.categoryAxis.labels.angle = 30
    chart.categoryAxis.labels.boxAnchor = "ne"
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = LABEL_SIZE
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max([*series.values, 1]) * 1.2
    chart.valueAxis.valueStep = _step(max([*series.values, 1]) * 1.2)
    chart.lines[0].strokeColor = PALETTE[0]
    chart.lines[0].strokeWidth = 1.5
    chart.lineLabelFormat = "%d"
    chart.lineLabels.fontName = font
    chart.lineLabels.fontSize = LABEL_SIZE
    drawing.add(chart)
    return drawing


def bar_chart(series: Series, font: str, width: float, height: float) -> Drawing:
    """Largest first, horizontal bars with their names (long names shortened to 8 characters)."""
    drawing = Drawing(width, height)
    _title(drawing, series.title, font, width, height)
    if not series.values:
        return _empty(drawing, font, width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 92, 10, width - 118, height - 34
    chart.data = [list(reversed(series.values))]
    chart.categoryAxis.categoryNames = [
        label if len(label) <= 8 else label[:7] + "…" for label in reversed(series.labels)
    ]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = LABEL_SIZE
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = LABEL_SIZE
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueStep = _step(max(series.values))
    chart.bars[0].fillColor = PALETTE[0]
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = LABEL_SIZE
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing


def pie_chart(series: Series, font: str, width: float, height: float) -> Drawing:
    """Shares of the total, with a legend listing each part and its count."""
    drawing = Drawing(width, height)
    _title(drawing, series.title, font, width, height)
    if not any(series.values):
        return _empty(drawing, font, width, height)
    size = min(width * 0.45, height - 40)
    pie = Pie()
    pie.x, pie.y, pie.width, pie.height = 12, (height - 20 - size) / 2, size, size
    pie.data = list(series.values)
    pie.slices.strokeColor = colors.white
    for i in range(len(series.values)):
        pie.slices[i].fillColor = PALETTE[i % len(PALETTE)]
    drawing.add(pie)
    x, y = size + 28, height - 34
    total = sum(series.values) or 1
    for i, (label, value) in enumerate(zip(series.labels, series.values, strict=True)):
        drawing.add(Rect(x, y - 1, 7, 7, fillColor=PALETTE[i % len(PALETTE)], strokeColor=None))
        short = label if len(label) <= 10 else label[:9] + "…"
        text = f"{short} {value:g}（{value / total * 100:.0f}%）"
        drawing.add(String(x + 11, y, text, fontName=font, fontSize=LABEL_SIZE))
        y -= LABEL_SIZE + 4
    return drawing


def stack_chart(stacks: tuple[Stack, ...], font: str, width: float, height: float) -> Drawing:
    """One 100% bar per stack (调查结论, 满意度), parts labelled with their counts."""
    drawing = Drawing(width, height)
    row_height = (height - 10) / max(len(stacks), 1)
    left = 70
    for row, stack in enumerate(stacks):
        y = height - (row + 1) * row_height + 8
        drawing.add(String(0, y + 9, stack.title, fontName=font, fontSize=LABEL_SIZE + 1))
        total = sum(n for _, n in stack.parts)
        if not total:
            drawing.add(
                String(left, y + 9, "本期无数据", fontName=font, fontSize=LABEL_SIZE, fillColor=colors.grey)
            )
            continue
        x = left
        for i, (label, n) in enumerate(stack.parts):
            w = (width - left) * n / total
            drawing.add(Rect(x, y + 4, w, 16, fillColor=PALETTE[i % len(PALETTE)], strokeColor=colors.white))
            if w > 36:
                drawing.add(
                    String(
                        x + w / 2,
                        y + 9,
                        f"{label} {n}",
                        fontName=font,
                        fontSize=LABEL_SIZE,
                        fillColor=colors.white,
                        textAnchor="middle",
                    )
                )
            x += w
        legend = "　".join(f"{label} {n}" for label, n in stack.parts)
        drawing.add(
            String(
                left,
                y - 6,
                legend,
                fontName=font,
                fontSize=LABEL_SIZE - 0.5,
                fillColor=colors.HexColor("#555555"),
            )
        )
    return drawing


def report_charts(data: AnalysisReportData, font: str, width: float, height: float) -> ChartSet:
    """The report's charts, as the PDF and the Word file both show them: four half-width charts
    (trend, channels, categories, departments), then the full-width stacks."""
    half = width / 2
    return ChartSet(
        (
            (trend_chart(data.trend, font, half, height), pie_chart(data.channels, font, half, height)),
            (bar_chart(data.categories, font, half, height), bar_chart(data.departments, font, half, height)),
        ),
        stack_chart(data.stacks, font, width, STACK_ROW_HEIGHT * max(len(data.stacks), 1)),
    )
