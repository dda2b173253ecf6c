"""工作台 of the case roles: the banner, the queue tiles with live counts, and the user's sections.

Which sections appear is app.cases.queues.home_sections (the policy decides, not the role names):
主任 — approvals, sign-offs, extensions, overdue and escalated cases; 专员 — all active work by
urgency; 文员 — today's registrations with receipt printing; 总值班 — the cases of the shift and
the handover summary. Clicking a tile lists its cases (`queue_requested`).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFrame, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from app.account import AccountSummary
from app.cases import queues
from app.cases.board import BoardFilter, Queue
from app.policy import Action, can
from app.session import Session
from ui.cases.presentation import package_style
from ui.home.calendar_reminder import CalendarReminder
from ui.home.case_section import CaseSection
from ui.home.handover_card import HandoverCard
from ui.home.home_banner import HomeBanner
from ui.home.key_grant_card import KeyGrantCard
from ui.home.print_log import PrintLog
from ui.home.queue_model import tone
from ui.home.queue_tiles import QueueTiles
from ui.home.receipt_cases import ReceiptCases
from ui.home.statistics_alerts import StatisticsAlerts
from ui.home.tabbed_cases import TabbedCases
from ui.home.takeover_banner import TakeoverBanner
from ui.records.backup_reminder import BackupReminder

# The tile whose count the navigation rail shows next to 工作台, per section (first present wins).
HEADLINES = (
    ("oversight", Queue.PENDING_APPROVAL),
    ("office_work", Queue.OVERDUE),
    ("intake_desk", Queue.REGISTERED_TODAY),
    ("night_shift", Queue.MY_SHIFT),
)


class RoleHome(QWidget):
    """Signals: `open_case_requested(case_id)`, `queue_requested(QueueCount)`, `changed` (a receipt
    was printed: the case's timeline grew)."""

    open_case_requested = Signal(int)
    queue_requested = Signal(object)

    def __init__(
        self,
        session: Session,
        summary: AccountSummary,
        actions: Sequence[QAction] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("homePage")
        self.setStyleSheet(package_style("ui.home", "home.qss"))
        self.session = session
        self.sections = queues.home_sections(session.user)
        self.banner = HomeBanner(actions)
        self.banner.set_summary(summary)
        self.tiles = QueueTiles()
        self.tiles.queue_requested.connect(self.queue_requested)

        self.approvals: TabbedCases | None = None
        self.supervision: TabbedCases | None = None
        self.office_work: CaseSection | None = None
        self.intake_desk: ReceiptCases | None = None
        self.print_log: PrintLog | None = None
        self.night_shift: ReceiptCases | None = None
        self.handover: HandoverCard | None = None
        rows = QVBoxLayout()
        rows.setSpacing(16)
        if self.sections.oversight:
            self._add_oversight(rows)
        if self.sections.office_work:
            self._add_office_work(rows)
        if self.sections.intake_desk:
            self._add_intake_desk(rows)
        if self.sections.night_shift:
            self._add_night_shift(rows)
        for section in self._lists():
            section.open_case_requested.connect(self.open_case_requested)

        content = QWidget()
        content.setObjectName("homePage")
        layout = QVBoxLayout(content)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(14)
        layout.addWidget(self.banner)
        self.calendar_reminder: CalendarReminder | None = None
        if self.sections.oversight or can(session.user, Action.MANAGE_CALENDAR):
            self.calendar_reminder = CalendarReminder(session)
            layout.addWidget(self.calendar_reminder)
        self.backup_reminder: BackupReminder | None = None
        if self.sections.oversight or can(session.user, Action.BACKUP):
            self.backup_reminder = BackupReminder(session)
            layout.addWidget(self.backup_reminder)
        self.statistics_alerts: StatisticsAlerts | None = None
        if self.sections.oversight and can(session.user, Action.VIEW_STATISTICS):
            self.statistics_alerts = StatisticsAlerts(session)
            layout.addWidget(self.statistics_alerts)
        self.key_grants: KeyGrantCard | None = None
        waiting_for_me = Action.GRANT_IDENTIFIER_KEY if session.backend == "local" else Action.CONFIRM_ROLE
        if can(session.user, waiting_for_me):
            self.key_grants = KeyGrantCard(session)
            layout.addWidget(self.key_grants)
        self.takeover: TakeoverBanner | None = None
        if can(session.user, Action.TAKE_OVER):
            self.takeover = TakeoverBanner(session)
            layout.addWidget(self.takeover)
        layout.addWidget(self.tiles)
        layout.addLayout(rows, 1)
        # With several notices above the lists the home is taller than a 1280×800 or 1366×768
        # screen: it scrolls instead of making the window taller than the screen.
        self.scroll = QScrollArea()
        self.scroll.setObjectName("homeScroll")
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll)
        self.refresh()

    # -- the sections ----------------------------------------------------------------------------

    def _add_oversight(self, rows: QVBoxLayout) -> None:
        self.approvals = TabbedCases(
            self.session, "待我审批", (Queue.PENDING_APPROVAL, Queue.AWAITING_SIGN_OFF, Queue.EXTENSIONS)
        )
        self.approvals.setToolTip("双击或按回车打开案件，在案件中审批答复、销项或审批延期。")
        self.supervision = TabbedCases(self.session, "督办", (Queue.OVERDUE, Queue.ESCALATED))
        rows.addWidget(self.approvals, 1)
        rows.addWidget(self.supervision, 1)

    def _add_office_work(self, rows: QVBoxLayout) -> None:
        self.office_work = CaseSection(
            self.session,
            "在办案件（按紧急程度）",
            BoardFilter(queue="active"),
            order="urgency",
            hint="本人承办的在办案件和尚未受理的新投诉：已逾期的在最前，其次是即将到期的，再按到期日排列。",
            empty="目前没有在办案件。",
        )
        rows.addWidget(self.office_work, 1)

    def _add_intake_desk(self, rows: QVBoxLayout) -> None:
        self.intake_desk = ReceiptCases(
            self.session,
            "今日登记",
            BoardFilter(queue=Queue.REGISTERED_TODAY, include_final=True),
            hint="本人今天登记的投诉。选中一件后可打印受理回执；再次打印为补打，会在回执上注明。",
            empty="今天还没有登记投诉。按 Ctrl+N 登记新的投诉。",
            columns=("case_no", "complainant", "category", "state"),
        )
        self.print_log = PrintLog(self.session)
        rows.addLayout(_side_by_side((self.intake_desk, 3), (self.print_log, 2)), 1)

    def _add_night_shift(self, rows: QVBoxLayout) -> None:
        self.night_shift = ReceiptCases(
            self.session,
            "待交班的夜间登记",
            BoardFilter(queue=Queue.MY_SHIFT),
            hint="本人夜间登记、尚待医患沟通办公室受理的投诉，办公室受理后移出。可打印或补打受理回执。",
            empty="没有待交班的投诉。按 Ctrl+N 登记夜间投诉。",
            columns=("case_no", "received_at", "complainant", "category", "severity"),
        )
        self.handover = HandoverCard(self.session)
        self.handover.setMinimumWidth(260)
        rows.addLayout(_side_by_side((self.night_shift, 3), (self.handover, 1)), 1)

    # -- data ------------------------------------------------------------------------------------

    def focus_first(self) -> None:
        self.tiles.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self.tiles.currentIndex().isValid() and self.tiles.queue_model.rowCount():
            self.tiles.setCurrentIndex(self.tiles.queue_model.index(0))

    def set_summary(self, summary: AccountSummary) -> None:
        self.banner.set_summary(summary)

    def refresh(self) -> None:
        """Re-read every count and list."""
        self.refresh_counts()
        if self.calendar_reminder is not None:
            self.calendar_reminder.refresh()
        if self.backup_reminder is not None:
            self.backup_reminder.refresh()
        if self.statistics_alerts is not None:
            self.statistics_alerts.refresh()
        if self.key_grants is not None:
            self.key_grants.refresh()
        if self.takeover is not None:
            self.takeover.refresh()
        for section in self._lists():
            section.refresh()

    def _lists(self) -> list[CaseSection | TabbedCases | PrintLog]:
        parts = (self.approvals, self.supervision, self.office_work, self.intake_desk, self.print_log)
        return [p for p in (*parts, self.night_shift) if p is not None]

    def refresh_counts(self) -> None:
        """Re-read the tiles and the handover summary (not the lists)."""
        self.tiles.set_queues(queues.home_queues(self.session))
        if self.handover is not None:
            self.handover.set_handover(queues.handover(self.session))

    def headline(self) -> tuple[int, str] | None:
        """(count, tone) of the home's most telling queue, for the navigation rail."""
        model = self.tiles.queue_model
        for section, key in HEADLINES:
            queue = model.queue(key)
            if getattr(self.sections, section) and queue is not None:
                return queue.count, tone(queue)
        return None


def _side_by_side(*parts: tuple[QWidget, int]) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setSpacing(16)
    for widget, stretch in parts:
        row.addWidget(widget, stretch)
    return row
