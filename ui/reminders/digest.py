"""今日提醒摘要: shown once, at the user's first login of the working day (app.reminders.take_digest)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from app.reminders.compute import Digest

WEEKDAYS = "一二三四五六日"


def digest_html(digest: Digest) -> str:
    counts = "".join(
        f"<tr><td>{label}</td><td align='right'><b>{n}</b> 条</td></tr>" for _k, label, n in digest.counts
    )
    lines = "".join(f"<li>{_escape(r.title)}</li>" for r in digest.top)
    more = (
        f"<p>另有 {digest.total - len(digest.top)} 条，见“提醒”页。</p>"
        if digest.total > len(digest.top)
        else ""
    )
    return (
        f"<p>今天共有 <b>{digest.total}</b> 条提醒：</p>"
        f"<table cellspacing='0' cellpadding='3'>{counts}</table>"
        f"<p style='margin-top:10px'>最紧急的几条：</p><ul style='margin-left:-18px'>{lines}</ul>{more}"
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class DigestDialog(QDialog):
    """Emits `show_all` when the user asks for the 提醒 page."""

    show_all = Signal()

    def __init__(self, digest: Digest, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        day = digest.day
        self.setWindowTitle(f"今日提醒摘要 · {day:%m月%d日} 星期{WEEKDAYS[day.weekday()]}")
        self.setMinimumWidth(460)
        self.body = QLabel(digest_html(digest))
        self.body.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.all_button = buttons.addButton("查看全部提醒", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._show_all)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 14)
        layout.addWidget(self.body)
        layout.addWidget(buttons)

    def _show_all(self) -> None:
        self.show_all.emit()
        self.accept()
