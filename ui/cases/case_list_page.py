"""案件列表: every case the user may see, newest first or sorted by a column header, paged lazily by
the database; filters, a received-date range, a home queue, search; a message when nothing matches.

Typing in the search box (one character is enough) lists the matches of app.cases.search instead of
the filtered list; clearing it brings the filtered list back. Double-click or Enter opens a case.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.cases import board, search
from app.cases.board import BoardFilter, QueueCount
from app.cases.queues import filter_choices
from app.policy import may_see_handling
from app.session import Session
from ui.cases.case_model import LIST_COLUMNS
from ui.cases.case_table import CaseTable
from ui.cases.date_range import DateRangeFilter
from ui.cases.filter_bar import FilterBar
from ui.common import PageHeader, busy_cursor

SEARCH_DELAY_MS = 300
SEARCH_HINT = "搜索编号、投诉人或患者姓名、投诉内容、科室、类别"


def count_text(total: int) -> str:
    return f"共 {total:,} 条"


class CaseListPage(QWidget):
    """Emits `open_case_requested(case_id)`."""

    open_case_requested = Signal(int)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.session = session
        self.queue = ""  # a home queue's own filter (今日到期 …), shown as a removable chip
        self.queue_label = ""
        self.search_text = ""

        self.header = PageHeader("案件列表", "双击或按回车打开案件。Ctrl+F 搜索，Esc 清除搜索。")
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("searchEdit")
        self.search_edit.setPlaceholderText(SEARCH_HINT)
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setToolTip(SEARCH_HINT + "；专员和主任还可输入完整的电话、证件号或门诊/住院号")
        self.search_edit.textChanged.connect(self._search_later)
        self.search_edit.returnPressed.connect(self.run_search)
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.run_search)

        self.filters = FilterBar(filter_choices(session), with_states=True)
        self.filters.changed.connect(self.refresh)
        self.queue_chip = QPushButton()
        self.queue_chip.setObjectName("queueChip")
        self.queue_chip.setToolTip("取消这个队列筛选")
        self.queue_chip.setAutoDefault(False)
        self.queue_chip.clicked.connect(self.clear_queue)
        self.queue_chip.hide()

        self.received = DateRangeFilter()
        self.received.changed.connect(self.refresh)

        # Responsible departments are handling details: not a column for the front desk.
        handling = may_see_handling(session.user)
        columns = [c for c in LIST_COLUMNS if handling or c != "departments"]
        self.table = CaseTable(columns, stretch=("category", "departments"), sortable=True)
        self.table.open_requested.connect(self.open_case_requested)
        self.table.sort_changed.connect(self.refresh)
        self.empty_note = QLabel()
        self.empty_note.setObjectName("emptyNote")
        self.empty_note.setWordWrap(True)
        self.empty_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.results = QStackedWidget()
        self.results.addWidget(self.table)
        self.results.addWidget(self.empty_note)

        search_row = QHBoxLayout()
        search_row.setSpacing(12)
        search_row.addWidget(self.search_edit, 1)
        search_row.addWidget(self.received)
        search_row.addWidget(self.count_label)
        filter_row = QHBoxLayout()
        filter_row.setSpacing(8)
        filter_row.addWidget(self.queue_chip)
        filter_row.addWidget(self.filters, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 16)
        layout.setSpacing(10)
        layout.addWidget(self.header)
        layout.addLayout(search_row)
        layout.addLayout(filter_row)
        layout.addWidget(self.results, 1)
        self.refresh()

    # -- the filtered list -----------------------------------------------------------------------

    def current_filter(self) -> BoardFilter:
        start, end = self.received.value()
        return replace(self.filters.value(), queue=self.queue, received_from=start, received_to=end)

    def refresh(self) -> None:
        """Reload the list (or the search results) from the first page."""
        if self.search_text:
            self.run_search()
            return
        flt = self.current_filter()
        with busy_cursor():
            total = self.table.show_filter(self.session, flt)
        self.count_label.setText(count_text(total))
        narrowed = self.queue or not self.filters.is_default() or not self.received.is_default()
        self._show_empty(
            total,
            "没有符合筛选条件的案件。可以放宽受理日期或点“清除筛选”。" if narrowed else "还没有可以查看的案件。",
        )

    def _show_empty(self, total: int, message: str) -> None:
        self.empty_note.setText(message)
        self.results.setCurrentWidget(self.table if total else self.empty_note)

    def show_queue(self, queue: QueueCount) -> None:
        """List a home queue: its filter in the bar, its own condition as a chip; search is cleared."""
        self.queue = queue.flt.queue
        self.queue_label = queue.label
        self.queue_chip.setText(f"{queue.label}　✕")
        self.queue_chip.setVisible(bool(self.queue))
        self._clear_search_text()
        self.filters.set_value(replace(queue.flt, queue=""))

    def clear_queue(self) -> None:
        self.queue = ""
        self.queue_chip.hide()
        self.refresh()

    # -- search ----------------------------------------------------------------------------------

    def focus_first(self) -> None:
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self.table.currentIndex().isValid() and self.table.case_model.rowCount():
            self.table.setCurrentIndex(self.table.case_model.index(0, 0))

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def _search_later(self, _text: str) -> None:
        self.search_timer.start()

    def run_search(self) -> None:
        """Search for what the box holds now; an empty box shows the filtered list again."""
        self.search_timer.stop()
        text = " ".join(self.search_edit.text().split())
        self.search_text = text
        searching = bool(text)
        self.filters.setEnabled(not searching)
        self.received.setEnabled(not searching)
        self.queue_chip.setEnabled(not searching)
        self.filters.setToolTip("搜索时不按筛选条件过滤，清除搜索后恢复" if searching else "")
        if not searching:
            self.refresh()
            return
        with busy_cursor():
            ids = search.search(self.session, text)
            cards = board.cards_for(self.session, ids)
        self.table.case_model.set_cards(cards)
        note = (
            f"，只列出最近的 {search.MAX_RESULTS} 条，请输入更多字词"
            if len(ids) >= search.MAX_RESULTS
            else ""
        )
        self.count_label.setText(f"搜索“{text}”：{count_text(len(cards))}{note}")
        self._show_empty(len(cards), f"没有找到与“{text}”相符的案件。请检查字词，或换用编号、姓名、科室再试；Esc 清除搜索。")

    def _clear_search_text(self) -> None:
        self.search_edit.blockSignals(True)
        self.search_edit.clear()
        self.search_edit.blockSignals(False)
        self.search_text = ""
        self.filters.setEnabled(True)
        self.received.setEnabled(True)
        self.queue_chip.setEnabled(True)
        self.filters.setToolTip("")

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape and self.search_edit.text():
            self.search_edit.clear()
            self.run_search()
            return
        super().keyPressEvent(event)
