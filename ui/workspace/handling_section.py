"""处理意见: facts, the finding of each 投诉事项 (and the case finding derived from them, or 改定 with a
reason — ui/workspace/finding_form.py), resolution, compensation (with its Chinese capitals) and 整改措施; the
departments' replies can be inserted into 调查核实情况 (one, or all of them).

Editable while the policy allows 拟定处理意见; read-only otherwise. A reload keeps what the user
typed (`set_view(..., keep_edits=True)`), so a stale save loses nothing.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.cases.drafts import DraftText, Revision
from app.cases.issues import FindingChoice
from app.cases.states import State
from app.cases.views import AssignmentView, CaseView
from app.cases.workspace import amount_in_capitals, capitals_hint, replies_quote
from app.policy import Decision
from ui.common import make_primary
from ui.workspace.draft_history import DraftHistory
from ui.workspace.finding_form import IssueFindingsBox
from ui.workspace.widgets import FieldGrid, heading, hint, scroll_page, text_box

Draft = DraftText  # what the form holds, as the service `save_draft` takes it


def _money(value: object) -> str:
    return "" if value is None else f"{value:.2f}"


def draft_of(view: CaseView) -> Draft:
    return Draft(
        view.facts,
        view.finding,
        view.resolution,
        _money(view.refund_amount),
        _money(view.compensation_amount),
        view.rectification,
    )


def issue_lines(view: CaseView) -> str:
    """Each issue's finding and note, one line each (the read-only summary)."""
    lines = []
    for issue in view.issues:
        note = f"——{issue.finding_note}" if issue.finding_note else ""
        lines.append(f"{issue.heading()}：{issue.finding_label or '待认定'}{note}")
    return "\n".join(lines)


def case_finding_text(view: CaseView) -> str:
    finding = view.case_finding
    if finding is None or not finding.finding:
        return view.finding_label or "待各事项认定后得出"
    if finding.overridden:
        return f"{finding.label}（已改定，理由：{finding.override_reason}；各事项得出：{finding.derived_label or '尚未全部认定'}）"
    return f"{finding.label}（由各事项得出）"


class HandlingSection(QWidget):
    """Emits `save_requested` when the user saves (button or Ctrl+S)."""

    save_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loaded = Draft()
        self.editable = False
        self.base_revision = 0  # the saved revision the form's text was edited from

        self.approval = QLabel()
        self.approval.setObjectName("noticeLabel")
        self.approval.setWordWrap(True)
        self.state_hint = hint("")

        self.facts_edit = text_box("调查核实的经过和结果；可用下方“插入科室反馈”引用科室的答复", rows=5)
        self.replies_menu = QMenu(self)
        self.insert_reply = QPushButton("插入科室反馈")
        self.insert_reply.setAutoDefault(False)
        self.insert_reply.setToolTip("把科室反馈的原文插入到光标处（注明科室、日期和反馈人）")
        self.insert_reply.setMenu(self.replies_menu)
        self.no_replies = hint("科室尚未反馈，反馈后可在此插入原文。")
        facts_box = QVBoxLayout()
        facts_box.setSpacing(6)
        facts_box.addWidget(self.facts_edit)
        reply_row = QHBoxLayout()
        reply_row.addWidget(self.insert_reply)
        reply_row.addWidget(self.no_replies)
        reply_row.addStretch(1)
        facts_box.addLayout(reply_row)
        self.findings = IssueFindingsBox()
        self.resolution_edit = text_box("向投诉人的解释、致歉、退费或赔偿、对相关人员的处理", rows=4)
        self.refund_edit = QLineEdit()
        self.refund_edit.setPlaceholderText("无则不填")
        self.refund_edit.setMaximumWidth(200)
        self.refund_edit.textChanged.connect(self._update_capitals)
        self.refund_capitals = QLabel()
        self.refund_capitals.setObjectName("capitals")
        refund_row = QHBoxLayout()
        refund_row.setSpacing(12)
        refund_row.addWidget(self.refund_edit)
        refund_row.addWidget(QLabel("元"))
        refund_row.addWidget(self.refund_capitals, 1)
        self.amount_edit = QLineEdit()
        self.amount_edit.setPlaceholderText("无则不填")
        self.amount_edit.setMaximumWidth(200)
        self.amount_edit.textChanged.connect(self._update_capitals)
        self.capitals = QLabel()
        self.capitals.setObjectName("capitals")
        self.capitals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        amount_row = QHBoxLayout()
        amount_row.setSpacing(12)
        amount_row.addWidget(self.amount_edit)
        amount_row.addWidget(QLabel("元"))
        amount_row.addWidget(self.capitals, 1)
        self.rectification_edit = text_box("每行一条整改措施", rows=3)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(10)
        form.addRow("调查核实情况", facts_box)
        form.addRow("投诉事项认定", self.findings)
        form.addRow("处理意见", self.resolution_edit)
        form.addRow("退费金额", refund_row)
        form.addRow("赔偿金额", amount_row)
        form.addRow("整改措施", self.rectification_edit)
        self.fields = {
            "facts": self.facts_edit,
            "resolution": self.resolution_edit,
            "refund": self.refund_edit,
            "compensation": self.amount_edit,
            "rectification": self.rectification_edit,
            "note": self.facts_edit,
        }

        self.save_button = make_primary(QPushButton("保存处理意见"))
        self.save_button.setToolTip("Ctrl+S")
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self._save)
        self.dirty_label = hint("")
        self.dirty_label.setWordWrap(False)
        self.dirty_label.setMinimumWidth(self.dirty_label.fontMetrics().horizontalAdvance("有未保存的修改") + 8)
        top = QHBoxLayout()
        top.setSpacing(10)
        top.addWidget(heading("处理意见"), 1)
        top.addWidget(self.dirty_label)
        top.addWidget(self.save_button)

        self.form_box = QWidget()
        box = QVBoxLayout(self.form_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(12)
        box.addLayout(form)
        self.summary = FieldGrid(columns=1)
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(12)
        column.addLayout(top)
        self.history = DraftHistory()
        self.history.hide()
        for widget in (self.approval, self.state_hint, self.form_box, self.summary, self.history):
            column.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll_page(page))

        shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self._save)
        for edit in (self.facts_edit, self.resolution_edit, self.rectification_edit):
            edit.textChanged.connect(self._update_dirty)
        self.amount_edit.textChanged.connect(self._update_dirty)
        self.refund_edit.textChanged.connect(self._update_dirty)
        self.findings.changed.connect(self._update_dirty)

    # -- values ----------------------------------------------------------------------------------

    def draft(self) -> Draft:
        return Draft(
            self.facts_edit.toPlainText(),
            self.findings.case_finding(),
            self.resolution_edit.toPlainText(),
            self.refund_edit.text(),
            self.amount_edit.text(),
            self.rectification_edit.toPlainText(),
        )

    def _fill(self, draft: Draft) -> None:
        self.facts_edit.setPlainText(draft.facts)
        self.resolution_edit.setPlainText(draft.resolution)
        self.refund_edit.setText(draft.refund)
        self.amount_edit.setText(draft.compensation)
        self.rectification_edit.setPlainText(draft.rectification)

    def set_revisions(self, revisions: list[Revision]) -> None:
        self.history.set_revisions(revisions)

    def is_dirty(self) -> bool:
        return self.editable and (self.draft() != self._loaded or self.findings.is_dirty())

    def issue_findings(self) -> dict:
        """Issue id → finding and note, as the form says (saved with the draft)."""
        return self.findings.findings()

    def override(self) -> FindingChoice | None:
        """改定案件结论 as the form says, or None when unchanged."""
        return self.findings.override()

    def take_merge(self, merged: Draft, base_revision: int) -> None:
        """After a conflict: the merged text, to be saved over revision `base_revision`."""
        self._fill(merged)
        self.base_revision = base_revision
        self._update_dirty()

    # -- view ------------------------------------------------------------------------------------

    def set_view(self, view: CaseView, decision: Decision, keep_edits: bool = True) -> None:
        """Show the case's draft; keep the user's unsaved text when `keep_edits` and it differs."""
        keep = keep_edits and self.is_dirty()
        self._loaded = draft_of(view)
        self.editable = bool(decision)
        if not keep:
            self._fill(self._loaded)
            self.base_revision = view.draft_revision
        self.findings.set_issues(view.issues, view.case_finding, keep=keep)
        self.form_box.setVisible(self.editable)
        self.save_button.setVisible(self.editable)
        if not self.editable:
            self.summary.set_rows(self._summary_rows(view))
        comment = view.approval_comment
        returned = view.state == State.DRAFTING and comment
        self.approval.setText(("主任退回意见：" if returned else "审批意见：") + comment)
        self.approval.setVisible(bool(comment))
        empty = not (view.facts or view.finding or view.resolution)
        self.state_hint.setText(f"尚未拟定处理意见。{decision.reason}" if empty and not self.editable else "")
        self.state_hint.setVisible(bool(self.state_hint.text()))
        self.summary.setVisible(not self.editable and not empty)
        self._offer_replies(view.assignments)
        self._update_dirty()
        self._update_capitals()

    def _offer_replies(self, assignments: tuple[AssignmentView, ...]) -> None:
        """One menu entry per department that replied, and 全部 when there are several."""
        replies = [(a.department, a.responded_at, a.responder, a.response) for a in assignments if a.response.strip()]
        self.replies_menu.clear()
        for reply in replies:
            when = f"{reply[1]:%m-%d}" if reply[1] else ""
            action = self.replies_menu.addAction(f"{reply[0]}" + (f"（{when} 反馈）" if when else ""))
            action.triggered.connect(lambda _c=False, r=reply: self.insert_quote(replies_quote([r])))
        if len(replies) > 1:
            self.replies_menu.addSeparator()
            every = self.replies_menu.addAction(f"全部 {len(replies)} 个科室的反馈")
            every.triggered.connect(lambda _c=False: self.insert_quote(replies_quote(replies)))
        self.insert_reply.setVisible(bool(replies))
        self.no_replies.setVisible(not replies)

    def insert_quote(self, text: str) -> None:
        """Insert at the cursor, on a paragraph of its own; the text stays unsaved until 保存."""
        cursor = self.facts_edit.textCursor()
        before = self.facts_edit.toPlainText()[: cursor.position()]
        prefix = "\n" if before and not before.endswith("\n") else ""
        cursor.insertText(prefix + text + "\n")
        self.facts_edit.setTextCursor(cursor)
        self.facts_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    @staticmethod
    def _summary_rows(view: CaseView) -> list[tuple[str, str]]:
        def money(amount: object) -> str:
            return f"{amount:,.2f} 元（{amount_in_capitals(str(amount))}）" if amount is not None else "无"

        return [
            ("调查核实情况", view.facts),
            ("投诉事项认定", issue_lines(view)),
            ("案件结论", case_finding_text(view)),
            ("处理意见", view.resolution),
            ("退费金额", money(view.refund_amount)),
            ("赔偿金额", money(view.compensation_amount)),
            ("整改措施", view.rectification),
        ]

    def focus_first(self) -> None:
        self.facts_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_field(self, field: str) -> None:
        widget = self.fields.get(field) or self.findings.widgets().get(field)
        if widget is not None:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def _update_dirty(self, *_args: object) -> None:
        self.dirty_label.setText("有未保存的修改" if self.is_dirty() else "")

    def _update_capitals(self, *_args: object) -> None:
        self.capitals.setText(capitals_hint(self.amount_edit.text()))
        self.refund_capitals.setText(capitals_hint(self.refund_edit.text()))

    def _save(self) -> None:
        if self.editable:
            self.save_requested.emit()
