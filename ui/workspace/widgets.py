"""Presentation pieces shared by the workspace sections: chips, field grids, tables, text boxes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from importlib.resources import files
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.deadlines.rules import DeadlineStatus
from ui.table_model import RowTableModel

EMPTY = "—"

# Deadline colours (DESIGN §5): text on white tables, and the chip background in the header.
TONE_TEXT = {"green": QColor("#1E7B45"), "amber": QColor("#A15C00"), "red": QColor("#B3261E")}


def workspace_style() -> str:
    """The workspace's own style sheet (chips, section headings), layered over the application's."""
    icons = Path(str(files("ui").joinpath("icons"))).as_posix()
    return (
        files("ui.workspace").joinpath("workspace.qss").read_text(encoding="utf-8").replace("@ICONS@", icons)
    )


def format_date(value: date | None) -> str:
    return value.strftime("%Y-%m-%d") if value is not None else ""


def format_size(size: int) -> str:
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1048576:.1f} MB"


def or_dash(text: str | None) -> str:
    return text if text else EMPTY


def deadline_colour(status: DeadlineStatus | None) -> QColor | None:
    return TONE_TEXT.get(status.colour) if status is not None else None


def chip(text: str = "", tone: str = "neutral", tooltip: str = "") -> QLabel:
    """A small rounded badge; `tone` picks its colours in workspace.qss."""
    label = QLabel(text)
    label.setObjectName("chip")
    set_tone(label, tone)
    if tooltip:
        label.setToolTip(tooltip)
    return label


def set_tone(label: QLabel, tone: str) -> None:
    label.setProperty("tone", tone)
    label.style().unpolish(label)
    label.style().polish(label)


def heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionHeading")
    return label


def hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("hint")
    label.setWordWrap(True)
    return label


def value_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setObjectName("fieldValue")
    return label


class FieldGrid(QWidget):
    """Label/value rows under an optional heading; `set_rows` replaces them (empty values show —)."""

    def __init__(self, title: str = "", columns: int = 2, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._columns = columns
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.title = heading(title)
        self.title.setVisible(bool(title))
        layout.addWidget(self.title)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(14)
        self.grid.setVerticalSpacing(8)
        layout.addLayout(self.grid)
        self.values: dict[str, QLabel] = {}

    def set_rows(self, rows: Sequence[tuple[str, str]], wide: Sequence[str] = ()) -> None:
        """`rows` are (label, value); labels in `wide` take a whole line."""
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()
                item.widget().deleteLater()
        self.values = {}
        row = column = 0
        for label, value in rows:
            if label in wide and column:
                row, column = row + 1, 0
            name = QLabel(label)
            name.setObjectName("fieldLabel")
            name.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            text = value_label(or_dash(value))
            self.values[label] = text
            self.grid.addWidget(name, row, column * 2)
            span = self._columns * 2 - 1 if label in wide else 1
            self.grid.addWidget(text, row, column * 2 + 1, 1, span)
            if label in wide:
                row, column = row + 1, 0
            else:
                column += 1
                if column == self._columns:
                    row, column = row + 1, 0
        for c in range(self._columns):
            self.grid.setColumnStretch(c * 2 + 1, 1)
            self.grid.setColumnMinimumWidth(c * 2, 84)


def scroll_page(*widgets: QWidget, stretch: bool = True) -> QScrollArea:
    """A borderless scrolling page holding `widgets` in a column."""
    page = QWidget()
    page.setObjectName("sectionPage")
    layout = QVBoxLayout(page)
    layout.setContentsMargins(18, 14, 18, 14)
    layout.setSpacing(16)
    for widget in widgets:
        layout.addWidget(widget)
    if stretch:
        layout.addStretch(1)
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(page)
    return area


def table_view(
    model: RowTableModel, widths: Sequence[int] = (), wrap: bool = False, stretch: int | None = None
) -> QTableView:
    """A read-only, row-selecting table in the application's look; the `stretch` column (default:
    the last) takes the spare width."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(wrap)
    view.setTabKeyNavigation(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(32)
    header = view.horizontalHeader()
    header.setStretchLastSection(stretch is None)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setHighlightSections(False)
    for column, width in enumerate(widths):
        view.setColumnWidth(column, width)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view


def fit_rows(view: QTableView, max_rows: int = 8) -> None:
    """Size a short table to its rows (at least one, at most `max_rows`; it scrolls beyond). The
    height follows the horizontal scroll bar too: when the columns need one (a narrow window), it
    is added below the rows instead of hiding half of one."""
    rows = min(max(view.model().rowCount(), 1), max_rows)
    height = view.horizontalHeader().sizeHint().height() + rows * view.verticalHeader().defaultSectionSize()
    view.setProperty("fitHeight", height + 2 * view.frameWidth() + 2)
    if not view.property("fitsRows"):
        view.setProperty("fitsRows", True)
        view.horizontalScrollBar().rangeChanged.connect(lambda *_a: _apply_fit(view))
    _apply_fit(view)


def _apply_fit(view: QTableView) -> None:
    bar = view.horizontalScrollBar()
    extra = bar.sizeHint().height() if bar.maximum() > 0 else 0
    view.setFixedHeight(int(view.property("fitHeight")) + extra)


def selected_row(view: QTableView) -> int | None:
    rows = view.selectionModel().selectedRows() if view.selectionModel() else []
    return rows[0].row() if rows else None


def text_box(placeholder: str = "", rows: int = 4, text: str = "") -> QPlainTextEdit:
    """A multi-line text field where Tab moves on (keyboard users) and the height fits `rows` lines."""
    edit = QPlainTextEdit(text)
    edit.setTabChangesFocus(True)
    edit.setPlaceholderText(placeholder)
    line = edit.fontMetrics().lineSpacing()
    edit.setMinimumHeight(line * rows + 16)
    return edit
