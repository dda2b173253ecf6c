"""Base for small edit dialogs that save through one app/ service call.

`save()` runs through the operation runner (ui.operations.run): on a refusal the dialog stays open
with everything the user typed, the runner shows the Chinese message and focuses the field the
service named. `change` is what a successful save announces to the window.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ui.operations import Change, run


class FormDialog(QDialog):
    """Subclasses fill `self.form`, register fields in `self.fields`, and implement `save()`."""

    def __init__(self, title: str, ok_text: str = "保存", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.fields: dict[str, QWidget] = {}
        self.change: Change | None = None
        self.on_reload: Callable[[], object] | None = None
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.form.setHorizontalSpacing(12)
        self.form.setVerticalSpacing(10)
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setDefault(True)
        self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(24, 20, 24, 16)
        self.body.setSpacing(10)
        self.body.addLayout(self.form)

    def finish_layout(self, note: str = "") -> None:
        """Call at the end of the subclass constructor."""
        if note:
            hint = QLabel(note)
            hint.setObjectName("hint")
            hint.setWordWrap(True)
            self.body.addWidget(hint)
        self.body.addSpacing(4)
        self.body.addWidget(self.buttons)
        self.setMinimumWidth(460)

    def line_edit(self, key: str, label: str, text: str = "", max_length: int = 32) -> QLineEdit:
        edit = QLineEdit(text)
        edit.setMaxLength(max_length)
        self.form.addRow(label, edit)
        self.fields[key] = edit
        return edit

    def save(self) -> None:
        raise NotImplementedError

    def submit(self) -> None:
        if run(self, self.save, changed=self.change, focus=self.focus_field, on_reload=self.on_reload):
            self.accept()

    def focus_field(self, key: str) -> None:
        widget = self.fields.get(key)
        if widget is None:
            return
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        if isinstance(widget, QLineEdit):
            widget.selectAll()
