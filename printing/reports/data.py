"""Plain data of a 投诉分析报告, filled by app/reports/build.py and shared by the PDF, Word and
Excel writers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class ReportTable:
    """One table of figures: a title, column headings and rows of text (numbers already formatted)."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""


@dataclass(frozen=True)
class Series:
    """Labels and values of a chart."""

    title: str
    labels: tuple[str, ...]
    values: tuple[float, ...]


@dataclass(frozen=True)
class Stack:
    """A stacked bar: named parts (e.g. 成立 / 部分成立 / …) with their counts."""

    title: str
    parts: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class AnalysisReportData:
    title: str  # 2026年3月月度投诉分析报告
    period_label: str
    period_code: str
    issued_at: datetime
    issued_by: str
    analysis: str  # the (edited) drafted analysis; paragraphs separated by blank lines
    tiles: tuple[tuple[str, str, str], ...]  # (name, value, change) headline figures
    trend: Series
    categories: Series
    departments: Series
    channels: Series
    stacks: tuple[Stack, ...]
    tables: tuple[ReportTable, ...]
    definitions: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # 口径 appendix
