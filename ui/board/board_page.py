"""看板: one column per open state, cards paged lazily per column, filters above.

Dragging a card to another column runs that step: the board asks app.cases.board.board_move which
rule the move means and app.cases.views.available_actions whether the user may run it now; a refusal
is shown above the columns with the policy's reason, an allowed move opens the step's dialog.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from app.cases import board, views
from app.cases.board import BOARD_STATES, BoardFilter
from app.cases.queues import filter_choices
from app.errors import NotFoundError, PermissionDenied
from app.session import Session
from ui.board.board_column import BoardColumn
from ui.board.drop_host import run_action
from ui.cases.filter_bar import FilterBar
from ui.cases.presentation import package_style
from ui.common import ErrorLabel, PageHeader
from ui.operations import run

NOTICE_MS = 10_000
NOT_YOURS_ADVICE = "双击卡片打开案件，可查看现在能办理的操作；需他人办理的步骤由其在看板或案件中完成。"
SUBTITLE = (
    "把卡片拖到另一列即办理该步骤，也可在卡片上按右键或 Shift+F10 选择“移到”。双击或回车打开案件，F5 刷新。"
)


class BoardPage(QWidget):
    """Signals: `open_case_requested(case_id)`, `workspace_action_requested(case_id, rule)` (a step
    whose form is in the workspace)."""

    open_case_requested = Signal(int)
    workspace_action_requested = Signal(int, str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.setStyleSheet(package_style("ui.board", "board.qss"))
        self.session = session
        self.header = PageHeader("看板", SUBTITLE)
        self.filters = FilterBar(filter_choices(session))
        self.filters.changed.connect(self.refresh)
        self.total_label = QLabel()
        self.total_label.setObjectName("countLabel")
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.setToolTip("F5")
        self.refresh_button.setAutoDefault(False)
        self.refresh_button.clicked.connect(self.refresh)
        self.notice = ErrorLabel()
        self.notice_timer = QTimer(self)
        self.notice_timer.setSingleShot(True)
        self.notice_timer.setInterval(NOTICE_MS)
        self.notice_timer.timeout.connect(self.notice.clear_message)

        self.columns: dict[str, BoardColumn] = {}
        strip = QWidget()
        strip.setObjectName("boardStrip")
        strip_layout = QHBoxLayout(strip)
        strip_layout.setContentsMargins(0, 0, 0, 0)
        strip_layout.setSpacing(10)
        for state in BOARD_STATES:
            column = BoardColumn(session, state)
            column.view.open_requested.connect(self.open_case_requested)
            column.view.move_requested.connect(self._move_later)
            self.columns[state] = column
            strip_layout.addWidget(column)
        strip_layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("boardScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(strip)

        tools = QHBoxLayout()
        tools.setSpacing(12)
        tools.addWidget(self.filters, 1)
        tools.addWidget(self.total_label)
        tools.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        layout.setSpacing(10)
        layout.addWidget(self.header)
        layout.addLayout(tools)
        layout.addWidget(self.notice)
        layout.addWidget(self.scroll, 1)
        shortcut = QShortcut(QKeySequence("F5"), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.refresh)
        self.refresh()

    def focus_first(self) -> None:
        """The first card of the first column that has any (else the filters)."""
        for column in self.columns.values():
            if column.model.rowCount():
                column.view.setCurrentIndex(column.model.index(0))
                column.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
                return
        self.filters.department.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def current_filter(self) -> BoardFilter:
        return self.filters.value()

    def refresh(self) -> None:
        """Re-read every column (first page and total) under the current filter."""
        flt = self.current_filter()
        outcome = run(self, lambda: board.board(self.session, flt))
        if not outcome:
            return
        columns = outcome.value
        for column in columns:
            self.columns[column.state].set_column(column, flt)
        self.total_label.setText(f"在办 {sum(c.total for c in columns):,} 件")

    def open_total(self) -> int:
        return sum(column.model.total for column in self.columns.values())

    # -- moving cards ----------------------------------------------------------------------------

    def _move_later(self, case_id: int, from_state: str, to_state: str) -> None:
        """Let the drag finish before a dialog opens."""
        QTimer.singleShot(0, lambda: self.move_case(case_id, from_state, to_state))

    def move_case(self, case_id: int, from_state: str, to_state: str) -> bool:
        """A card dropped on `to_state`: refuse with the reason, or run the step. True when done."""
        self.notice.clear_message()
        rule, why = board.board_move(from_state, to_state)
        if not rule:
            return self.refuse(why)
        outcome = run(
            self,
            lambda: (
                views.available_actions(self.session, case_id)[rule],
                views.open_case(self.session, case_id),
            ),
            expected=(PermissionDenied, NotFoundError),
        )
        if not outcome:
            if isinstance(outcome.error, PermissionDenied | NotFoundError):
                return self.refuse(outcome.error.message)
            return False
        decision, view = outcome.value
        if not decision:
            return self.refuse(f"{decision.reason.rstrip('。')}。{NOT_YOURS_ADVICE}")
        host = run_action(self, self.session, view, rule)
        if host.wants_workspace:
            self.workspace_action_requested.emit(case_id, rule)
        if host.done:
            self.refresh()
        return host.done

    def refuse(self, reason: str) -> bool:
        self.notice.show_message(f"未移动：{reason}")
        self.notice_timer.start()
        return False
