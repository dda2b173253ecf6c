"""A row of joined toggle buttons choosing one of a few values (渠道, 严重程度, 纸张)."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QPushButton, QSizePolicy, QWidget


class SegmentedChoice(QWidget):
    """One Tab stop for the whole row: Left/Right (or Home/End) move the choice, a click picks one.

    `choices` maps the stored value to its Chinese label; `changed(value)` fires on every change.
    """

    changed = Signal(str)

    def __init__(self, choices: Mapping[str, str], value: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("segmented")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self.buttons: dict[str, QPushButton] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        keys = list(choices)
        for position, key in enumerate(keys):
            button = QPushButton(choices[key])
            button.setObjectName("segment")
            button.setCheckable(True)
            button.setAutoDefault(False)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            edge = (
                "only" if len(keys) == 1 else "first" if position == 0 else "last" if key == keys[-1] else ""
            )
            button.setProperty("edge", edge)
            button.setProperty("value", key)
            button.clicked.connect(lambda _checked=False, k=key: self._pick(k))
            self._group.addButton(button)
            layout.addWidget(button)
            self.buttons[key] = button
        self.set_value(value if value in self.buttons else keys[0])

    def value(self) -> str:
        checked = self._group.checkedButton()
        return str(checked.property("value")) if checked is not None else ""

    def set_value(self, value: str) -> None:
        """Select `value` (unknown values are ignored); emits `changed` when the choice moves."""
        button = self.buttons.get(value)
        if button is None or button.isChecked():
            return
        button.setChecked(True)
        self.changed.emit(value)

    def _pick(self, value: str) -> None:
        self.buttons[value].setChecked(True)
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self.changed.emit(value)

    def _step(self, delta: int) -> None:
        keys = list(self.buttons)
        index = keys.index(self.value()) if self.value() in keys else 0
        self.set_value(keys[max(0, min(len(keys) - 1, index + delta))])

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = event.key()
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Up):
            self._step(-1)
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_Down):
            self._step(1)
        elif key == Qt.Key.Key_Home:
            self._step(-len(self.buttons))
        elif key == Qt.Key.Key_End:
            self._step(len(self.buttons))
        else:
            super().keyPressEvent(event)

    def _show_focus(self, focused: bool) -> None:
        for button in self.buttons.values():
            button.setProperty("focused", focused)
            button.style().unpolish(button)
            button.style().polish(button)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        self._show_focus(True)
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        self._show_focus(False)
        super().focusOutEvent(event)
