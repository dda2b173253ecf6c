"""How a case card (app.cases.board.CaseCard) is shown everywhere: texts, colours, flags, icons.

The board's cards, the case list and the home lists all use these, so a deadline or a restricted
case looks the same on every screen. Cards arrive masked from app/; nothing here unmasks.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

from PySide6.QtCore import QByteArray, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from app.cases.board import REDACTED, CaseCard
from app.deadlines.rules import PROVISIONAL_MARK

CardRole = Qt.ItemDataRole.UserRole + 1  # the CaseCard of a row
CaseIdRole = Qt.ItemDataRole.UserRole + 2  # its id (int)

EMPTY = "—"
NO_CLOCK = "无时限"

# (text, background, border) per tone: deadline colours of DESIGN §5 and the severity badge.
TONES: dict[str, tuple[str, str, str]] = {
    "green": ("#1E7B45", "#E7F4EC", "#A9D5B8"),
    "amber": ("#8A4F00", "#FFF4DE", "#EDC77A"),
    "red": ("#B3261E", "#FDECEA", "#F0B2AB"),
    "paused": ("#5B4497", "#F1EEF8", "#C9BEE3"),
    "neutral": ("#33475B", "#EDF2F6", "#C5D0DB"),
    "none": ("#7B8794", "#F4F6F8", "#DCE3EA"),
}
SEVERITY_TONES = {"minor": "neutral", "serious": "amber", "major": "red"}

_LOCK_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="12" height="14" viewBox="0 0 12 14">'
    '<path d="M3 6.5V4.2a3 3 0 0 1 6 0v2.3" fill="none" stroke="{c}" stroke-width="1.6"/>'
    '<rect x="1" y="6.2" width="10" height="7.3" rx="1.4" fill="{c}"/></svg>'
)


def deadline_tone(card: CaseCard) -> str:
    """green / amber / red, paused while on hold, none when no clock runs in this state."""
    if card.deadline is None:
        return "none"
    return "paused" if card.deadline.paused else card.deadline.colour


def deadline_text(card: CaseCard, short: bool = False) -> str:
    """The deadline as the core words it; `short` (board cards) says a paused clock in brief."""
    status = card.deadline
    if status is None:
        return NO_CLOCK
    if short and status.paused:
        paused = f"，累计 {status.paused_workdays} 个工作日" if status.paused_workdays else ""
        return f"已暂停{paused}" + (PROVISIONAL_MARK if status.provisional else "")
    return status.text


def tone_colour(tone: str) -> QColor:
    return QColor(TONES[tone][0])


def flag_labels(card: CaseCard) -> list[str]:
    """The short flags of a card: 暂停 (on hold), 已上报 (escalated), 退改 (re-routed > 3 times)."""
    if card.redacted:
        return []
    flags = []
    if card.on_hold and not (card.deadline is not None and card.deadline.paused):
        flags.append("暂停")  # a paused clock already says so in the deadline text
    if card.escalated:
        flags.append("已上报")
    if card.flagged:
        flags.append("退改")
    return flags


def complainant_text(card: CaseCard) -> str:
    return REDACTED if card.redacted else (card.complainant or EMPTY)


def tooltip(card: CaseCard) -> str:
    """One line per fact; a redacted card says only that it is restricted."""
    if card.redacted:
        return f"{REDACTED}：仅主任和指定专员可以查看内容"
    lines = [
        f"{card.case_no}　{card.state_label}",
        f"投诉人：{card.complainant or EMPTY}　类别：{card.category}",
        f"科室：{card.departments or EMPTY}　经办人：{card.officer or '未指定'}",
        f"期限：{deadline_text(card)}",
    ]
    if card.summary:
        lines.append(card.summary)
    return "\n".join(lines)


@cache
def lock_pixmap(colour: str = "#5F6B7A", size: int = 14) -> QPixmap:
    """The padlock of restricted (保密) cases, drawn from a small SVG."""
    renderer = QSvgRenderer(QByteArray(_LOCK_SVG.replace("{c}", colour).encode()))
    pixmap = QPixmap(QSize(size - 2, size))
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    renderer.render(painter)
    painter.end()
    return pixmap


def lock_icon() -> QIcon:
    return QIcon(lock_pixmap())


def package_style(package: str, name: str) -> str:
    """A package's own style sheet (layered over the application's), with the icon folder resolved."""
    icons = Path(str(files("ui").joinpath("icons"))).as_posix()
    return files(package).joinpath(name).read_text(encoding="utf-8").replace("@ICONS@", icons)
