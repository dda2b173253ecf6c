"""回访: how the complainant was answered, the follow-up calls, and any external dispute route."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from app.cases.rules import RULES, RuleName
from app.cases.views import CaseView
from app.policy import Decision
from ui.common import format_datetime
from ui.workspace.models import followup_model, route_model
from ui.workspace.widgets import FieldGrid, fit_rows, heading, hint, table_view


class FollowUpSection(QWidget):
    """Emits `action_requested("external_route")` from its 更新外部途径 button."""

    action_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reply = FieldGrid("答复投诉人")
        self.followups = followup_model(self)
        self.followup_view = table_view(self.followups, widths=(140, 80, 60, 80, 90))
        self.followup_empty = hint("尚未回访。答复投诉人后点击上方“登记回访”。")
        self.routes = route_model(self)
        self.route_view = table_view(self.routes, widths=(110, 140, 80))
        self.route_button = QPushButton(RULES[RuleName.EXTERNAL_ROUTE].title + "…")
        self.route_button.setAutoDefault(False)
        self.route_button.clicked.connect(lambda: self.action_requested.emit(RuleName.EXTERNAL_ROUTE))
        self.routes_box = QWidget()
        routes_layout = QVBoxLayout(self.routes_box)
        routes_layout.setContentsMargins(0, 0, 0, 0)
        routes_layout.setSpacing(8)
        routes_layout.addWidget(heading("外部途径"))
        routes_layout.addWidget(self.route_view)
        row = QHBoxLayout()
        row.addWidget(self.route_button)
        row.addStretch(1)
        routes_layout.addLayout(row)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(12)
        layout.addWidget(self.reply)
        layout.addWidget(heading("回访记录"))
        layout.addWidget(self.followup_empty)
        layout.addWidget(self.followup_view)
        layout.addSpacing(6)
        layout.addWidget(self.routes_box)
        layout.addStretch(1)

    def set_view(self, view: CaseView, decision: Decision) -> None:
        self.reply.set_rows(
            [
                ("答复方式", view.reply_method_label or "尚未答复"),
                ("答复时间", format_datetime(view.replied_at)),
            ]
        )
        self.followups.set_rows(view.followups)
        fit_rows(self.followup_view, 6)
        self.followup_empty.setVisible(not view.followups)
        self.followup_view.setVisible(bool(view.followups))
        self.routes.set_rows(view.external_routes)
        fit_rows(self.route_view, 4)
        self.routes_box.setVisible(bool(view.external_routes))
        self.route_button.setEnabled(bool(decision))
        self.route_button.setToolTip("" if decision else decision.reason)
