"""The white card every home section sits in: a title with a count, an optional hint, a body."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget


class SectionCard(QFrame):
    def __init__(self, title: str, hint: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.title = QLabel(title)
        self.title.setObjectName("cardTitle")
        self.count = QLabel()
        self.count.setObjectName("sectionCount")
        self.heading = QHBoxLayout()
        self.heading.setSpacing(10)
        self.heading.addWidget(self.title)
        self.heading.addWidget(self.count)
        self.heading.addStretch(1)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(18, 14, 18, 16)
        self.body.setSpacing(8)
        self.body.addLayout(self.heading)
        self.hint = QLabel(hint)
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.hint.setVisible(bool(hint))
        self.body.addWidget(self.hint)

    def set_count(self, count: int, unit: str = "件") -> None:
        self.count.setText(f"{count:,} {unit}")
