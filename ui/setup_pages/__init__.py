"""The pages of the first-run wizard (ui.setup_wizard): the shared base here, the local path in
`local`, the server paths in `server`."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWizardPage

if TYPE_CHECKING:
    from ui.setup_wizard import SetupWizard


def paragraph(text: str) -> QLabel:
    """A wrapped paragraph of rich text."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    return label


def title(text: str) -> str:
    """A page title in the wizard's heading style."""
    return f"<span style='font-size:14pt; font-weight:600; color:#123B5E'>{text}</span>"


def form_layout() -> QFormLayout:
    """The wizard's form look: labels right-aligned, calm spacing."""
    form = QFormLayout()
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    form.setHorizontalSpacing(12)
    form.setVerticalSpacing(10)
    return form


class Page(QWizardPage):
    """A page of the setup wizard. It reaches the wizard through Qt (`wizard()`), never through a
    Python attribute: a page ↔ wizard reference cycle would leave the wizard's deletion to the
    garbage collector, at a moment when Qt may be walking its widgets."""

    @property
    def setup(self) -> SetupWizard:
        return cast("SetupWizard", self.wizard())


class FormPage(Page):
    """A page whose 下一步 waits until every required field has text."""

    def __init__(self) -> None:
        super().__init__()
        self.required: list[QLineEdit] = []

    def require(self, *edits: QLineEdit) -> None:
        for edit in edits:
            self.required.append(edit)
            edit.textChanged.connect(self.completeChanged)

    def isComplete(self) -> bool:
        return all(edit.text().strip() for edit in self.required)
