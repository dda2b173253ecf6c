"""The case workspace (案件办理): header, action bar, the case's sections and its timeline.

    workspace = CaseWorkspace(session, case_id)
    workspace.closed.connect(...)                      # 关闭 (Ctrl+W)
    workspace.open_case_requested.connect(open_case)   # a linked case was clicked

Everything shown comes from `views.open_case` (masked per policy) and `views.available_actions`;
every write is one app/ service call made by ui.workspace.actions through the operation runner
(ui.operations), which announces `data_changed("case", case_id)` to the rest of the window.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.cases import drafts, major, reply, views
from app.cases.drafts import DraftConflict, Revision
from app.cases.issues import IssueRecord
from app.cases.major import MajorChecklist
from app.cases.rules import RuleName
from app.cases.views import AssignmentView, CaseView
from app.errors import NotFoundError, PermissionDenied
from app.policy import Decision
from app.session import Session
from ui.operations import Change, Kind, run
from ui.rectification.case_section import CaseRectificationSection
from ui.workspace import actions
from ui.workspace.action_bar import ActionBar
from ui.workspace.assignments_section import AssignmentsSection
from ui.workspace.attachments_section import AttachmentsSection, open_attachment
from ui.workspace.dialogs import ActionDialog
from ui.workspace.documents_section import DocumentsSection
from ui.workspace.draft_merge import DraftMergeDialog
from ui.workspace.followup_section import FollowUpSection
from ui.workspace.handling_section import HandlingSection
from ui.workspace.header import CaseHeader
from ui.workspace.info_section import InfoSection
from ui.workspace.issue_actions import ISSUE_ACTIONS
from ui.workspace.issues_section import IssuesSection
from ui.workspace.lazy_tabs import LazyTabs
from ui.workspace.major_section import MajorSection
from ui.workspace.timeline import TimelinePanel
from ui.workspace.widgets import workspace_style

NOTICE_MS = 6000
NO_DECISION = Decision(False, "")


class DeniedPanel(QWidget):
    """Shown instead of the case when the user may not open it (受限案件) or it does not exist."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deniedPanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.title = QLabel()
        self.title.setObjectName("deniedTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message = QLabel()
        self.message.setObjectName("hint")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.close_button = QPushButton("关闭")
        self.close_button.setAutoDefault(False)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(self.title)
        layout.addSpacing(8)
        layout.addWidget(self.message)
        layout.addSpacing(16)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)

    def show_refusal(self, error: PermissionDenied | NotFoundError) -> None:
        restricted = isinstance(error, PermissionDenied) and "受限" in error.message
        if restricted:
            self.title.setText("受限案件")
            self.message.setText(
                "该案件已设为保密，只有主任、分管院领导和指定的专员可以查看。\n如确需查看，请与医患沟通办公室主任联系。"
            )
        elif isinstance(error, PermissionDenied):
            self.title.setText("无权查看")
            self.message.setText(error.message)
        else:
            self.title.setText("案件不存在")
            self.message.setText(error.message)


class CaseWorkspace(QWidget):
    """One case, for one session. `view` is None while the case cannot be shown."""

    closed = Signal()
    open_case_requested = Signal(int)

    (
        TAB_INFO,
        TAB_ISSUES,
        TAB_ASSIGNMENTS,
        TAB_HANDLING,
        TAB_FOLLOWUP,
        TAB_ATTACHMENTS,
        TAB_DOCUMENTS,
        TAB_RECTIFICATION,
        TAB_MAJOR,
    ) = range(9)
    HANDLING_TABS = (TAB_ASSIGNMENTS, TAB_HANDLING, TAB_FOLLOWUP)

    def __init__(self, session: Session, case_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseWorkspace")
        self.setStyleSheet(workspace_style())
        self.session = session
        self.case_id = case_id
        self.view: CaseView | None = None
        self.decisions: dict[str, Decision] = {}

        self.header = CaseHeader()
        self.reload_button = QPushButton("重新载入")
        self.reload_button.setToolTip("F5")
        self.reload_button.clicked.connect(lambda: self.reload())
        self.close_button = QPushButton("关闭")
        self.close_button.setToolTip("Ctrl+W")
        self.close_button.clicked.connect(self.closed.emit)
        for button in (self.reload_button, self.close_button):
            button.setAutoDefault(False)
            self.header.trailing.addWidget(button)
        self.action_bar = ActionBar()
        self.action_bar.triggered.connect(self.trigger)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("caseTabs")
        self.tabs.setDocumentMode(False)
        self._checklist: MajorChecklist | None = None
        self._revisions: list[Revision] = []
        self._keep_edits = False
        self.pages = LazyTabs(self.tabs)
        for title, build, fill in (
            ("投诉信息", self._build_info, self._fill_info),
            ("投诉事项", self._build_issues, lambda section: section.set_view(self.view, self.decisions)),
            ("转办与科室反馈", self._build_assignments, self._fill_assignments),
            ("处理意见", self._build_handling, self._fill_handling),
            ("回访", self._build_followup, self._fill_followup),
            ("附件", self._build_attachments, self._fill_attachments),
            ("文书", self._build_documents, lambda section: section.set_view(self.view)),
            ("整改", self._build_rectification, self._fill_rectification),
            ("重大事项", self._build_major, self._fill_major),
        ):
            self.pages.add(title, build, fill)
        self.timeline = TimelinePanel()
        self.timeline.attachment_requested.connect(self.open_attachment)
        self.timeline.note_requested.connect(lambda: self.trigger(RuleName.NOTE))

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self.timeline)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([780, 500])
        self.splitter.setChildrenCollapsible(False)

        self.content = QWidget()
        content_layout = QVBoxLayout(self.content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.setSpacing(0)
        content_layout.addWidget(self.header)
        content_layout.addWidget(self.action_bar)
        inner = QVBoxLayout()
        inner.setContentsMargins(12, 10, 0, 0)
        inner.addWidget(self.splitter)
        content_layout.addLayout(inner, 1)
        self.denied = DeniedPanel()
        self.denied.close_button.clicked.connect(self.closed.emit)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.content)
        self.stack.addWidget(self.denied)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.setInterval(NOTICE_MS)
        self._notice_timer.timeout.connect(lambda: self.action_bar.show_notice(""))
        self._shortcuts()
        self.reload(keep_edits=False)

    def _shortcuts(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in (
            ("F5", self.reload),
            ("Ctrl+W", self.closed.emit),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(context)
            shortcut.activated.connect(slot)
        for index in range(self.tabs.count()):
            shortcut = QShortcut(QKeySequence(f"Alt+{index + 1}"), self)
            shortcut.setContext(context)
            shortcut.activated.connect(lambda i=index: self._select_tab(i))

    def _select_tab(self, index: int) -> None:
        if self.tabs.isTabVisible(index):
            self.tabs.setCurrentIndex(index)

    # -- loading ---------------------------------------------------------------------------------

    def reload(self, keep_edits: bool = True) -> bool:
        """Read the case again (audited); the draft form keeps unsaved text when `keep_edits`."""
        outcome = run(
            self,
            lambda: (
                views.open_case(self.session, self.case_id),
                views.available_actions(self.session, self.case_id),
                major.checklist(self.session, self.case_id),
                drafts.revisions(self.session, self.case_id),
            ),
            expected=(PermissionDenied, NotFoundError),
        )
        if not outcome:
            if isinstance(outcome.error, PermissionDenied | NotFoundError):
                self.view = None
                self.pages.unload()  # nothing of the case is shown any more
                self.denied.show_refusal(outcome.error)
                self.stack.setCurrentWidget(self.denied)
            return False
        view, decisions, checklist, revisions = outcome.value
        self.view, self.decisions = view, decisions
        self._checklist, self._revisions = checklist, revisions
        self._keep_edits = keep_edits
        self.stack.setCurrentWidget(self.content)
        self.header.set_view(view)
        self.action_bar.update_actions(view, decisions, views.possible_actions(self.session))
        for index in self.HANDLING_TABS:
            self.tabs.setTabVisible(index, view.handling_visible)
        self.tabs.setTabVisible(self.TAB_RECTIFICATION, self._shows_rectification())
        self.tabs.setTabVisible(self.TAB_MAJOR, checklist is not None)
        # The visible tab shows the case now, the others when shown; the draft form at once too
        # once it exists, so its unsaved text (kept or dropped by `keep_edits`) is decided here.
        self.pages.loaded(refill=(self.TAB_HANDLING,))
        self.timeline.set_items(view.timeline, view.timeline_problem)
        self.timeline.note_button.setVisible(bool(self.decision(RuleName.NOTE)))
        return True

    def decision(self, name: str) -> Decision:
        return self.decisions.get(name, NO_DECISION)

    def _shows_rectification(self) -> bool:
        view = self.view
        return view is not None and view.handling_visible and CaseRectificationSection.shown_to(self.session)

    # -- the tabs: each section built when first shown (ui.workspace.lazy_tabs) ------------------

    @property
    def info(self) -> InfoSection:
        return cast(InfoSection, self.pages.page(self.TAB_INFO))

    @property
    def issues(self) -> IssuesSection:
        return cast(IssuesSection, self.pages.page(self.TAB_ISSUES))

    @property
    def assignments(self) -> AssignmentsSection:
        return cast(AssignmentsSection, self.pages.page(self.TAB_ASSIGNMENTS))

    @property
    def handling(self) -> HandlingSection:
        return cast(HandlingSection, self.pages.page(self.TAB_HANDLING))

    @property
    def followup(self) -> FollowUpSection:
        return cast(FollowUpSection, self.pages.page(self.TAB_FOLLOWUP))

    @property
    def attachments(self) -> AttachmentsSection:
        return cast(AttachmentsSection, self.pages.page(self.TAB_ATTACHMENTS))

    @property
    def documents(self) -> DocumentsSection:
        return cast(DocumentsSection, self.pages.page(self.TAB_DOCUMENTS))

    @property
    def rectification(self) -> CaseRectificationSection:
        return cast(CaseRectificationSection, self.pages.page(self.TAB_RECTIFICATION))

    @property
    def major(self) -> MajorSection:
        return cast(MajorSection, self.pages.page(self.TAB_MAJOR))

    def _build_info(self) -> InfoSection:
        section = InfoSection()
        section.open_case_requested.connect(self.open_case_requested.emit)
        return section

    def _fill_info(self, section: InfoSection) -> None:
        if self.view is not None:
            section.set_view(self.view)

    def _build_issues(self) -> IssuesSection:
        section = IssuesSection()
        section.action_requested.connect(self.trigger_issue)
        return section

    def _build_assignments(self) -> AssignmentsSection:
        section = AssignmentsSection()
        section.action_requested.connect(self.trigger_assignment)
        return section

    def _fill_assignments(self, section: AssignmentsSection) -> None:
        if self.view is not None and self.view.handling_visible:
            section.set_view(self.view, self.decisions)

    def _build_handling(self) -> HandlingSection:
        section = HandlingSection()
        section.save_requested.connect(self.save_draft)
        return section

    def _fill_handling(self, section: HandlingSection) -> None:
        if self.view is not None and self.view.handling_visible:
            section.set_view(self.view, self.decision(RuleName.DRAFT), keep_edits=self._keep_edits)
            section.set_revisions(self._revisions)

    def _build_followup(self) -> FollowUpSection:
        section = FollowUpSection()
        section.action_requested.connect(self.trigger)
        return section

    def _fill_followup(self, section: FollowUpSection) -> None:
        if self.view is not None and self.view.handling_visible:
            section.set_view(self.view, self.decision(RuleName.EXTERNAL_ROUTE))

    def _build_attachments(self) -> AttachmentsSection:
        section = AttachmentsSection(self.session)
        section.add_requested.connect(lambda: self.trigger(RuleName.ATTACHMENT))
        return section

    def _fill_attachments(self, section: AttachmentsSection) -> None:
        section.set_view(self.view, self.decision(RuleName.ATTACHMENT))

    def _build_documents(self) -> DocumentsSection:
        section = DocumentsSection(self.session)
        section.issued.connect(self._after_print)
        return section

    def _build_rectification(self) -> CaseRectificationSection:
        section = CaseRectificationSection(self.session)
        section.changed.connect(lambda: self.reload())
        section.open_case_requested.connect(self.open_case_requested.emit)
        return section

    def _fill_rectification(self, section: CaseRectificationSection) -> None:
        if self.view is not None and self._shows_rectification():
            section.set_view(self.view)

    def _build_major(self) -> MajorSection:
        section = MajorSection()
        section.tick_requested.connect(self.tick_major)
        return section

    def _fill_major(self, section: MajorSection) -> None:
        if self._checklist is not None:
            section.set_checklist(self._checklist, self.decision(RuleName.MAJOR_CHECK))

    def after_write(self, notice: str = "已保存") -> None:
        """A write went through (the runner told the window): show the new state."""
        self.reload(keep_edits=False)
        self.action_bar.show_notice(notice)
        self._notice_timer.start()

    def change(self) -> Change:
        return Change(Kind.CASE, self.case_id)

    def _after_print(self) -> None:
        self.reload()

    # -- actions ---------------------------------------------------------------------------------

    def trigger(self, name: str) -> None:
        """Run the action bar's rule `name` (its dialog, then its service)."""
        if self.view is None:
            return
        handler = actions.CASE_ACTIONS.get(name)
        if handler is not None and self.decision(name):
            handler(self)

    def trigger_assignment(self, name: str, assignment: AssignmentView) -> None:
        if self.view is not None and self.decision(name):
            actions.ASSIGNMENT_ACTIONS[name](self, assignment)

    def trigger_issue(self, name: str, issue: IssueRecord | None) -> None:
        if self.view is not None and self.decision(name):
            ISSUE_ACTIONS[name](self, issue)

    def dialog_parent(self) -> QWidget:
        return self

    def run_dialog(self, dialog: ActionDialog, perform: Callable[[], object]) -> bool:
        dialog.perform = perform
        dialog.on_reload = self.reload
        dialog.change = self.change()
        accepted = bool(dialog.exec())
        dialog.deleteLater()
        if accepted:
            self.after_write()
        return accepted

    def run(self, action: Callable[[], object]) -> bool:
        ok = run(self, action, changed=self.change(), on_reload=self.reload).ok
        if ok:
            self.after_write()
        return ok

    # -- the draft form --------------------------------------------------------------------------

    def show_draft_form(self) -> None:
        self.tabs.setCurrentIndex(self.TAB_HANDLING)
        self.handling.focus_first()

    def draft_is_dirty(self) -> bool:
        form = self.pages.built(self.TAB_HANDLING)  # a form never shown holds no typing
        return form is not None and cast(HandlingSection, form).is_dirty()

    def save_draft(self, merged_from: int | None = None) -> None:
        """Save the form as a new revision over the one it was edited from; when another officer
        saved first, show theirs and mine side by side to merge (the typed text stays in the form)."""
        if self.view is None:
            return
        draft, base = self.handling.draft(), self.handling.base_revision
        findings, override = self.handling.issue_findings(), self.handling.override()
        outcome = run(
            self,
            lambda: reply.save_draft(
                self.session,
                self.case_id,
                facts=draft.facts,
                finding=draft.finding,
                resolution=draft.resolution,
                refund=draft.refund,
                compensation=draft.compensation,
                rectification=draft.rectification,
                base_revision=base,
                merged_from=merged_from,
                issue_findings=findings,
                override=override,
            ),
            changed=self.change(),
            focus=self.handling.focus_field,
            on_reload=self.reload,
            expected=(DraftConflict,),
        )
        if outcome.ok:
            self.after_write("处理意见已保存")
        elif isinstance(outcome.error, DraftConflict):
            self.merge_draft(outcome.error)

    def merge_draft(self, conflict: DraftConflict) -> None:
        self.reload()  # the timeline and revisions show the other save; the form keeps my text
        dialog = DraftMergeDialog(conflict, self)
        accepted = bool(dialog.exec())
        merged = dialog.merged()
        dialog.deleteLater()
        self.handling.take_merge(merged, conflict.theirs.number if accepted else conflict.base)
        if accepted:
            self.save_draft(merged_from=conflict.theirs.number)

    # -- the 重大 checklist ----------------------------------------------------------------------------

    def tick_major(self, item_key: str) -> None:
        if self.view is not None and self.decision(RuleName.MAJOR_CHECK):
            actions.major_tick(self, item_key)

    # -- attachments -----------------------------------------------------------------------------

    def open_attachment(self, attachment_id: int) -> None:
        if self.view is not None:
            open_attachment(self, self.session, attachment_id, self.view.case_no)
