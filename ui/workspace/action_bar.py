"""The action bar: one control per case rule that matters in the case's state.

Allowed actions are enabled; relevant ones the user's role may take but not now are disabled with
the reason as their tooltip; irrelevant ones and those the role can never take are hidden. The
workflow steps are buttons, the overlays sit in the 更多操作 menu (a plain button when only one is
offered). Relevance is presentation only: the decisions come from `views.available_actions` and
`views.possible_actions`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QPushButton, QToolButton, QWidget

from app.cases.rules import RULES, RuleName
from app.cases.states import ExtensionState
from app.cases.views import CaseView
from app.policy import Decision

# The workflow steps, in lifecycle order (buttons).
MAIN_ACTIONS = (
    RuleName.ACCEPT,
    RuleName.RESOLVE_ON_SPOT,
    RuleName.REJECT,
    RuleName.ASSIGN,
    RuleName.DRAFT,
    RuleName.SUBMIT,
    RuleName.APPROVE,
    RuleName.RETURN_DRAFT,
    RuleName.REPLY,
    RuleName.FOLLOW_UP,
    RuleName.SIGN_OFF,
    RuleName.RESUME,
    RuleName.DECIDE_EXTENSION,
    RuleName.ARCHIVE,
)
# Overlays and extras (the 更多操作 menu).
MORE_ACTIONS = (
    RuleName.CORRECT,
    RuleName.NOTE,
    RuleName.ATTACHMENT,
    RuleName.HOLD,
    RuleName.REQUEST_EXTENSION,
    RuleName.ESCALATE,
    RuleName.RESTRICT,
    RuleName.LINK,
    RuleName.MERGE,
    RuleName.CLOSE_UNRESOLVABLE,
)
# The primary (blue) step of each state, when the user may take it.
PRIMARY = frozenset({RuleName.ACCEPT, RuleName.ASSIGN, RuleName.DRAFT, RuleName.SUBMIT, RuleName.APPROVE, RuleName.REPLY, RuleName.FOLLOW_UP, RuleName.SIGN_OFF})


def _pending_extension(view: CaseView) -> bool:
    return any(x.state == ExtensionState.PENDING for x in view.extensions)


# Extra conditions beyond the rule's states (what the case already has or lacks).
CONDITIONS: dict[str, Callable[[CaseView], bool]] = {
    RuleName.HOLD: lambda v: not v.on_hold,
    RuleName.RESUME: lambda v: v.on_hold,
    RuleName.REQUEST_EXTENSION: lambda v: not _pending_extension(v),
    RuleName.DECIDE_EXTENSION: _pending_extension,
    RuleName.ESCALATE: lambda v: v.escalated_at is None,
    RuleName.ARCHIVE: lambda v: not v.archived,
}


def relevant(name: str, view: CaseView) -> bool:
    condition = CONDITIONS.get(name)
    return view.state in RULES[name].states and (condition is None or condition(view))


class ActionBar(QWidget):
    """Emits `triggered(rule_name)`."""

    triggered = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("actionBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.buttons: dict[str, QPushButton] = {}
        self.actions_: dict[str, QAction] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(20, 8, 20, 8)
        layout.setSpacing(8)
        for name in MAIN_ACTIONS:
            button = QPushButton(RULES[name].title)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, n=name: self.triggered.emit(n))
            button.hide()  # until update_actions: all of them side by side would widen the window
            self.buttons[name] = button
            layout.addWidget(button)
        self.menu = QMenu(self)
        self.menu.setToolTipsVisible(True)
        for name in MORE_ACTIONS:
            action = self.menu.addAction(RULES[name].title + "…")
            action.triggered.connect(lambda _c=False, n=name: self.triggered.emit(n))
            self.actions_[name] = action
        self.more = QToolButton()
        self.more.setObjectName("moreActions")
        self.more.setText("更多操作")
        self.more.setMenu(self.menu)
        self.more.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.more.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        layout.addWidget(self.more)
        self.single = QPushButton()  # the one overlay offered, as a button instead of a menu
        self.single.setObjectName("singleMore")
        self.single.setAutoDefault(False)
        self.single.clicked.connect(lambda: self._single_action and self._single_action.trigger())
        self._single_action: QAction | None = None
        self.single.hide()
        self.more.hide()
        layout.addWidget(self.single)
        self.none_label = QLabel("当前没有可执行的操作")
        self.none_label.setObjectName("hint")
        layout.addWidget(self.none_label)
        layout.addStretch(1)
        self.notice = QLabel()
        self.notice.setObjectName("noticeLabel")
        self.notice.hide()
        layout.addWidget(self.notice)

    def update_actions(
        self, view: CaseView, decisions: Mapping[str, Decision], possible: Collection[str] | None = None
    ) -> None:
        """Show, enable and explain each control for this view: hidden when irrelevant in this state
        or never possible for the user's roles (`possible`), disabled when not possible yet
        (intake-only roles: allowed ones only)."""
        for name, control in [*self.buttons.items(), *self.actions_.items()]:
            decision = decisions.get(name, Decision(False, ""))
            could = possible is None or name in possible
            shown = relevant(name, view) and (bool(decision) or (view.handling_visible and could))
            control.setVisible(shown)
            control.setEnabled(bool(decision))
            control.setToolTip("" if decision else decision.reason)
            if isinstance(control, QPushButton):
                control.setProperty("primary", bool(decision) and name in PRIMARY)
                control.style().unpolish(control)
                control.style().polish(control)
        offered = [self.actions_[n] for n in MORE_ACTIONS if self.actions_[n].isVisible()]
        any_main = any(not b.isHidden() for b in self.buttons.values())
        self._single_action = offered[0] if len(offered) == 1 else None
        if self._single_action is not None:
            self.single.setText(self._single_action.text())
            self.single.setEnabled(self._single_action.isEnabled())
            self.single.setToolTip(self._single_action.toolTip())
        self.single.setVisible(self._single_action is not None)
        self.more.setVisible(len(offered) > 1)
        self.none_label.setVisible(not offered and not any_main)

    def control(self, name: str) -> QPushButton | QAction:
        return self.buttons.get(name) or self.actions_[name]

    def show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def is_shown(self, name: str) -> bool:
        control = self.control(name)
        return control.isVisible() if isinstance(control, QAction) else not control.isHidden()
