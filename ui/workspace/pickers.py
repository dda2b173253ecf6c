"""A filterable check list: departments for 转办 / 改派, officers for 保密 (pinyin initials match too)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from app.dictionaries import pinyin_initials

KEY_ROLE = Qt.ItemDataRole.UserRole


class CheckPicker(QWidget):
    """Items are (key, label); the user ticks any number of them. Space toggles the current item."""

    def __init__(
        self,
        items: Sequence[tuple[str, str]],
        filter_hint: str,
        checked: Iterable[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        chosen = set(checked)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(filter_hint)
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._filter)
        self.list = QListWidget()
        self.list.setMinimumHeight(180)
        self._search: dict[str, str] = {}
        for key, label in items:
            item = QListWidgetItem(label)
            item.setData(KEY_ROLE, key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if key in chosen else Qt.CheckState.Unchecked)
            self.list.addItem(item)
            self._search[key] = f"{label.lower()} {pinyin_initials(label)} {key.lower()}"
        self.summary = QLabel()
        self.summary.setObjectName("hint")
        self.list.itemChanged.connect(lambda _item: self._update_summary())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.summary)
        self._update_summary()

    def _items(self) -> list[QListWidgetItem]:
        return [self.list.item(i) for i in range(self.list.count())]

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        for item in self._items():
            item.setHidden(bool(needle) and needle not in self._search[item.data(KEY_ROLE)])

    def _update_summary(self) -> None:
        names = [item.text() for item in self._items() if item.checkState() == Qt.CheckState.Checked]
        self.summary.setText(f"已选 {len(names)} 项：{'、'.join(names)}" if names else "尚未选择")

    def checked_keys(self) -> list[str]:
        return [item.data(KEY_ROLE) for item in self._items() if item.checkState() == Qt.CheckState.Checked]

    def set_checked(self, keys: Iterable[str]) -> None:
        wanted = set(keys)
        for item in self._items():
            item.setCheckState(
                Qt.CheckState.Checked if item.data(KEY_ROLE) in wanted else Qt.CheckState.Unchecked
            )
