"""时间线: the case history, newest first (time, who, what, notes, clickable attachments)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from app.cases.views import TimelineItem
from ui.workspace.widgets import heading

ATTACHMENT_SCHEME = "attachment"
STYLE = """
<style>
  p { margin: 0; }
  .when { color: #5F6B7A; }
  .who { color: #17669E; font-weight: 600; }
  .note { color: #33475B; }
  a { color: #17669E; }
</style>
"""


def _note_html(text: str) -> str:
    return "<br>".join(escape(line) for line in text.splitlines())


def timeline_html(items: Sequence[TimelineItem]) -> str:
    """The entries as rich text; every user-typed value is escaped."""
    if not items:
        return STYLE + "<p class='when'>暂无记录</p>"
    blocks = []
    for item in items:
        parts = [
            f"<p><span class='when'>{item.at:%Y-%m-%d %H:%M}</span>　"
            f"<span class='who'>{escape(item.actor or '系统')}</span></p>",
            f"<p><b>{escape(item.summary)}</b></p>",
        ]
        if item.note:
            parts.append(f"<p class='note'>{_note_html(item.note)}</p>")
        if item.attachment_id is not None:
            name = escape(item.attachment_name or "附件")
            parts.append(f"<p>附件：<a href='{ATTACHMENT_SCHEME}:{item.attachment_id}'>{name}</a></p>")
        blocks.append(
            "<table width='100%' cellspacing='0' cellpadding='0' style='margin-bottom: 12px;'>"
            "<tr><td width='10' style='background-color: #A9C6DF;'></td><td width='8'></td>"
            f"<td>{''.join(parts)}</td></tr></table>"
        )
    return STYLE + "".join(blocks)


class TimelinePanel(QWidget):
    """Emits `attachment_requested(id)` for a clicked attachment and `note_requested` for 添加备注."""

    attachment_requested = Signal(int)
    note_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelinePanel")
        self.browser = QTextBrowser()
        self.browser.setObjectName("timeline")
        self.browser.setOpenLinks(False)
        self.browser.setOpenExternalLinks(False)
        self.browser.anchorClicked.connect(self._clicked)
        self.count = QLabel()
        self.count.setObjectName("hint")
        self.note_button = QPushButton("添加备注…")
        self.note_button.setAutoDefault(False)
        self.note_button.clicked.connect(self.note_requested.emit)
        top = QHBoxLayout()
        top.addWidget(heading("时间线"))
        top.addWidget(self.count)
        top.addStretch(1)
        top.addWidget(self.note_button)
        self.warning = QLabel()
        self.warning.setObjectName("errorLabel")
        self.warning.setWordWrap(True)
        self.warning.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 10, 8)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.warning)
        layout.addWidget(self.browser, 1)
        self.items: tuple[TimelineItem, ...] = ()

    def set_items(self, items: Sequence[TimelineItem], problem: str = "") -> None:
        """Show the entries; `problem` (a broken hash chain) shows as a warning above them."""
        self.warning.setText(f"⚠ {problem}" if problem else "")
        self.warning.setVisible(bool(problem))
        self.items = tuple(items)
        self.count.setText(f"共 {len(self.items)} 条，最新在前")
        self.browser.setHtml(timeline_html(self.items))

    def _clicked(self, url: QUrl) -> None:
        if url.scheme() == ATTACHMENT_SCHEME and url.path().isdigit():
            self.attachment_requested.emit(int(url.path()))
