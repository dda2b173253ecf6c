"""A lazy table of case cards: rows arrive page by page through canFetchMore/fetchMore.

The model never loads everything: it knows the total and asks its `fetch(limit)` for the next page
when the view scrolls near the end (a keyset pager: app.cases.board.case_pages(...).next_page). The columns are `ui.table_model.Column`s over CaseCard, so
the case list and the home lists show a case the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.cases.board import PAGE_SIZE, CaseCard
from ui.cases.presentation import (
    EMPTY,
    SEVERITY_TONES,
    CardRole,
    CaseIdRole,
    complainant_text,
    deadline_text,
    deadline_tone,
    lock_icon,
    tone_colour,
    tooltip,
)
from ui.table_model import Column

Index = QModelIndex | QPersistentModelIndex
Fetch = Callable[[int], list[CaseCard]]  # the next `limit` cards
# Roles as plain ints: data() runs for every visible cell on every repaint.
DISPLAY = int(Qt.ItemDataRole.DisplayRole)
FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
DECORATION = int(Qt.ItemDataRole.DecorationRole)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
CENTRE = int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter)


def _date(card: CaseCard) -> str:
    return card.received_at.strftime("%Y-%m-%d %H:%M")


def _severity_colour(card: CaseCard):
    tone = SEVERITY_TONES.get(card.severity, "neutral")
    return tone_colour(tone) if tone != "neutral" else None


COLUMNS: dict[str, Column[CaseCard]] = {
    "case_no": Column("编号", lambda c: c.case_no),
    "received_at": Column("受理时间", _date),
    "complainant": Column("投诉人", complainant_text),
    "category": Column("类别", lambda c: EMPTY if c.redacted else c.category),
    "departments": Column("科室", lambda c: c.departments or EMPTY),
    "severity": Column("严重程度", lambda c: c.severity_label or EMPTY, colour=_severity_colour, align_center=True),
    "state": Column("状态", lambda c: c.state_label),
    "deadline": Column("期限", deadline_text, colour=lambda c: tone_colour(deadline_tone(c))),
    "officer": Column("经办人", lambda c: c.officer or EMPTY),
}
LIST_COLUMNS = tuple(COLUMNS)
# Initial widths (px) of the columns above.
WIDTHS = {
    "case_no": 132,
    "received_at": 124,
    "complainant": 68,
    "category": 170,
    "departments": 140,
    "severity": 74,
    "state": 104,
    "deadline": 128,
    "officer": 64,
}


class CaseTableModel(QAbstractTableModel):
    """Rows of CaseCards; `set_source(total, fetch, first)` replaces them (first page optional)."""

    def __init__(self, columns: Sequence[Column[CaseCard]], parent: Any = None, page_size: int = PAGE_SIZE):
        super().__init__(parent)
        self._columns = list(columns)
        self._alignments = [CENTRE if c.align_center else LEFT for c in self._columns]
        self._cards: list[CaseCard] = []
        self._total = 0
        self._fetch: Fetch = lambda _limit: []
        self.page_size = page_size

    # -- source ----------------------------------------------------------------------------------

    def set_source(self, total: int, fetch: Fetch, first: Sequence[CaseCard] | None = None) -> None:
        """Start over with `total` rows behind `fetch`; `first` (if given) is the first page."""
        self.beginResetModel()
        self._total = total
        self._fetch = fetch
        if first is not None:
            self._cards = list(first)
        else:
            self._cards = fetch(min(self.page_size, total)) if total > 0 else []
        self._total = max(self._total, len(self._cards))
        self.endResetModel()

    def set_cards(self, cards: Sequence[CaseCard]) -> None:
        """A fixed list (search results): everything is loaded already."""
        self.set_source(len(cards), lambda _limit: [], list(cards))

    @property
    def total(self) -> int:
        return self._total

    def loaded(self) -> int:
        return len(self._cards)

    def card(self, row: int) -> CaseCard:
        return self._cards[row]

    def row_of(self, case_id: int) -> int | None:
        return next((i for i, c in enumerate(self._cards) if c.id == case_id), None)

    # -- lazy loading ----------------------------------------------------------------------------

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802 - Qt signature
        return not parent.isValid() and len(self._cards) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008, N802 - Qt signature
        if parent.isValid() or len(self._cards) >= self._total:
            return
        cards = self._fetch(self.page_size)
        if not cards:
            self._total = len(self._cards)  # the list shrank since it was counted
            return
        cards = cards[: self._total - len(self._cards)]
        first = len(self._cards)
        self.beginInsertRows(QModelIndex(), first, first + len(cards) - 1)
        self._cards.extend(cards)
        self.endInsertRows()

    # -- Qt model ----------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt signature
        return 0 if parent.isValid() else len(self._cards)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt signature
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        row = index.row()
        if not (0 <= row < len(self._cards)) or not index.isValid():
            return None
        card = self._cards[row]
        if role == DISPLAY:
            return self._columns[index.column()].text(card)
        if role == FOREGROUND:
            colour = self._columns[index.column()].colour
            return colour(card) if colour is not None and not card.redacted else None
        if role == ALIGNMENT:
            return self._alignments[index.column()]
        if role == DECORATION:
            return lock_icon() if index.column() == 0 and card.restricted else None
        if role == TOOLTIP:
            return tooltip(card)
        if role == CardRole:
            return card
        if role == CaseIdRole:
            return card.id
        return None

    def headerData(  # noqa: N802 - Qt signature
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._columns)
        ):
            return self._columns[section].header
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
