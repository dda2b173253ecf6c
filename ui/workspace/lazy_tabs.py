"""Tab pages built when first shown and refilled when shown after the case was read again.

Opening a case builds only the visible tab: the others (each a form, tables, text boxes) are made
the first time the user switches to them, or the first time code asks for them (`page(index)`),
and filled from the case the workspace holds at that moment. After a reload the visible tab is
refilled at once and the others are marked stale: each is refilled when next shown, so a tab
never shows the previous reading of the case.

    tabs = LazyTabs(tab_widget)
    index = tabs.add("附件", build=lambda: AttachmentsSection(session), fill=fill_attachments)
    tabs.loaded()               # after every reading of the case (tabs.unload() when refused)
    section = tabs.page(index)  # built and filled if it was not yet
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget


@dataclass
class _Page:
    holder: QWidget
    build: Callable[[], QWidget]
    fill: Callable[[QWidget], None]
    section: QWidget | None = None
    stale: bool = True


class LazyTabs:
    """The pages of `tabs`; `fill(section)` shows the current case in a built section."""

    def __init__(self, tabs: QTabWidget) -> None:
        self.tabs = tabs
        self._pages: list[_Page] = []
        self._ready = False  # no case read yet: nothing to fill
        tabs.currentChanged.connect(self._shown)

    def add(self, title: str, build: Callable[[], QWidget], fill: Callable[[QWidget], None]) -> int:
        """A tab showing an empty holder until its section is needed; returns its index."""
        holder = QWidget()
        holder.setObjectName("sectionPage")
        holder.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self._pages.append(_Page(holder, build, fill))
        return self.tabs.addTab(holder, title)

    def page(self, index: int) -> QWidget:
        """The section of tab `index`, built and showing the current case."""
        page = self._pages[index]
        if page.section is None:
            section = page.build()
            section.setObjectName("sectionPage")
            section.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
            page.holder.layout().addWidget(section)
            section.show()  # at once: a widget added to a shown parent would only show on the next event pass
            page.section = section
        if page.stale and self._ready:
            page.stale = False
            page.fill(page.section)
        return page.section

    def built(self, index: int) -> QWidget | None:
        """The section of tab `index` if it has been built (never builds it)."""
        return self._pages[index].section

    def loaded(self, refill: tuple[int, ...] = ()) -> None:
        """The case was read (again): the visible tab and the built tabs in `refill` show it now,
        the other built tabs when next shown."""
        self._ready = True
        for page in self._pages:
            page.stale = True
        for index in (self.tabs.currentIndex(), *refill):
            if index >= 0 and (index == self.tabs.currentIndex() or self._pages[index].section is not None):
                self.page(index)

    def unload(self) -> None:
        """The case cannot be shown (refused, or gone): sections are not filled until it is read again."""
        self._ready = False

    def _shown(self, index: int) -> None:
        if index >= 0 and self._ready:
            self.page(index)
