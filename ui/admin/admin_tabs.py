"""管理: the administration pages the user may use, one tab each, each built on first view."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.policy import Action


@dataclass(frozen=True)
class AdminPageSpec:
    key: str
    title: str
    tip: str
    action: Action  # the policy action the page needs
    make: Callable[[], QWidget]


class AdminTabs(QTabWidget):
    def __init__(self, specs: Sequence[AdminPageSpec], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("adminTabs")
        self.setDocumentMode(True)
        self.setStyleSheet(
            "QTabWidget#adminTabs QTabBar::tab { padding: 9px 18px; border: none; background: #FFFFFF;"
            " border-bottom: 2px solid #DCE3EA; color: #33475B; }"
            "QTabWidget#adminTabs QTabBar::tab:selected { border-bottom: 2px solid #17669E; color: #123B5E;"
            " font-weight: 600; }"
            "QTabWidget#adminTabs QTabBar::tab:hover { background: #EEF4F9; }"
            "QTabWidget#adminTabs QTabBar { background: #FFFFFF; }"
        )
        self.specs = list(specs)
        self.pages: dict[str, QWidget] = {}
        for spec in self.specs:
            holder = QWidget()
            layout = QVBoxLayout(holder)
            layout.setContentsMargins(0, 0, 0, 0)
            self.addTab(holder, spec.title)
            self.setTabToolTip(self.count() - 1, spec.tip)
        self.currentChanged.connect(self._build)
        if self.specs:
            self._build(0)

    def _build(self, index: int) -> QWidget | None:
        if not 0 <= index < len(self.specs):
            return None
        spec = self.specs[index]
        page = self.pages.get(spec.key)
        if page is None:
            page = spec.make()
            self.widget(index).layout().addWidget(page)
            self.pages[spec.key] = page
        return page

    def keys(self) -> list[str]:
        return [spec.key for spec in self.specs]

    def show_tab(self, key: str) -> QWidget:
        index = self.keys().index(key)
        self.setCurrentIndex(index)
        page = self._build(index)
        assert page is not None
        return page

    def current_key(self) -> str:
        index = self.currentIndex()
        return self.specs[index].key if 0 <= index < len(self.specs) else ""
