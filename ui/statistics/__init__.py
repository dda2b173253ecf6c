"""统计分析 page: period picker, headline tiles, QtCharts, tables, drill-down, 考核 and reports."""

from ui.statistics.statistics_page import StatisticsPage

__all__ = ["StatisticsPage"]
