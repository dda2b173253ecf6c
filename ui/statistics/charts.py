"""QtCharts views of the figures: trend line, bars by category and department, pie by channel, and
the finding / satisfaction stacks. Clicking a bar, slice or point drills into its cases."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QHorizontalPercentBarSeries,
    QLineSeries,
    QPieSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPointF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter

from app.statistics.conditions import Measure
from app.statistics.indicators import Tally

PALETTE = ["#2f6db5", "#e07b39", "#4f9d69", "#c0392b", "#8e6bb8", "#b8860b", "#5d7c8a", "#d35f8d"]
Drill = Callable[[Measure, str], None]
LEGEND_MARKER_PX = 36  # the marker, its spacing and the legend's margins


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    font = QFont(chart.titleFont())
    font.setBold(True)
    chart.setTitleFont(font)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setBackgroundRoundness(4)
    chart.legend().setVisible(False)
    return chart


def _small(font: QFont) -> QFont:
    small = QFont(font)
    small.setPointSizeF(8)
    return small


def view(chart: QChart) -> QChartView:
    widget = QChartView(chart)
    widget.setRenderHint(QPainter.RenderHint.Antialiasing)
    widget.setMinimumHeight(220)
    return widget


def trend(points: list[tuple[str, int]]) -> QChart:
    chart = _chart("月度走势（件）")
    series = QLineSeries()
    series.setPointsVisible(True)
    series.setPointLabelsVisible(True)
    series.setPointLabelsFormat("@yPoint")
    series.setColor(QColor(PALETTE[0]))
    for x, (_, n) in enumerate(points):
        series.append(QPointF(x, n))
    chart.addSeries(series)
    axis_x = QBarCategoryAxis()
    # "12月", "1月" … level and short: every month stays labelled in a half-width chart at 1024 px
    axis_x.append([label.split("年")[-1] for label, _ in points])
    axis_x.setTruncateLabels(False)
    axis_x.setLabelsFont(_small(axis_x.labelsFont()))
    axis_y = QValueAxis()
    axis_y.setRange(0, max([n for _, n in points] + [1]) * 1.25)
    axis_y.applyNiceNumbers()
    axis_y.setLabelFormat("%d")
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_x)  # point i at the middle of month i: the end labels are not cut
    series.attachAxis(axis_y)
    return chart


def bars(title: str, tallies: list[Tally], drill: Drill, limit: int = 6) -> QChart:
    """Horizontal bars, largest on top; a click lists that bar's cases."""
    chart = _chart(title)
    top = list(reversed(tallies[:limit]))
    bar_set = QBarSet("件数")
    bar_set.setColor(QColor(PALETTE[0]))
    bar_set.append([t.count for t in top])
    series = QHorizontalBarSeries()
    series.append(bar_set)
    series.setLabelsVisible(True)
    series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsOutsideEnd)
    chart.addSeries(series)
    axis_y = QBarCategoryAxis()
    axis_y.append([t.label if len(t.label) <= 8 else t.label[:7] + "…" for t in top] or [""])
    axis_y.setTruncateLabels(False)
    axis_y.setLabelsFont(_small(axis_y.labelsFont()))
    axis_x = QValueAxis()
    axis_x.setRange(0, max([t.count for t in top] + [1]) * 1.2)
    axis_x.applyNiceNumbers()
    axis_x.setLabelFormat("%d")
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis_x)
    series.attachAxis(axis_y)
    series.clicked.connect(lambda index, _set: drill(top[index].measure, f"{title} · {top[index].label}"))
    return chart


def _fit_legend(chart: QChart, texts: list[str]) -> None:
    """Give the legend the width of its longest entry, so no entry is elided (the pie shrinks)."""
    legend = chart.legend()
    metrics = QFontMetrics(legend.font())
    legend.setMinimumWidth(max((metrics.horizontalAdvance(t) for t in texts), default=0) + LEGEND_MARKER_PX)


def pie(title: str, tallies: list[Tally], drill: Drill) -> QChart:
    chart = _chart(title)
    chart.legend().setVisible(True)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
    chart.legend().setFont(_small(chart.legend().font()))
    series = QPieSeries()
    texts = []
    for i, t in enumerate(tallies[:8]):
        texts.append(f"{t.label} {t.count}")
        part = series.append(texts[-1], t.count)
        part.setColor(QColor(PALETTE[i % len(PALETTE)]))
        part.clicked.connect(lambda t=t: drill(t.measure, f"{title} · {t.label}"))
    series.setPieSize(0.8)
    chart.addSeries(series)
    _fit_legend(chart, texts)
    return chart


def stacks(rows: list[tuple[str, list[Tally]]], drill: Drill) -> QChart:
    """One 100% bar per row (调查结论, 满意度); a click lists that part's cases."""
    chart = _chart("调查结论与回访满意度")
    chart.legend().setVisible(True)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)  # beside the bars: seen at any height
    chart.legend().setFont(_small(chart.legend().font()))
    series = QHorizontalPercentBarSeries()
    series.setLabelsVisible(True)
    colour = 0
    texts = []
    for row, (name, tallies) in enumerate(rows):
        for tally in tallies:
            texts.append(f"{tally.label} {tally.count}")
            bar_set = QBarSet(texts[-1])
            bar_set.setColor(QColor(PALETTE[colour % len(PALETTE)]))
            colour += 1
            bar_set.append([tally.count if r == row else 0 for r in range(len(rows))])
            bar_set.clicked.connect(lambda _index, t=tally, n=name: drill(t.measure, f"{n} · {t.label}"))
            series.append(bar_set)
    chart.addSeries(series)
    _fit_legend(chart, texts)
    axis = QBarCategoryAxis()
    axis.append([name for name, _ in rows])
    axis.setTruncateLabels(False)
    chart.addAxis(axis, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis)
    return chart
