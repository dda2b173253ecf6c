"""Building blocks of the intake forms: a field with its inline hint, a titled section laid out as
label/field pairs, and the registry that finds a field by its service name (ValidationError.field).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from html import escape

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDateTimeEdit,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.validation import CONTACT_FIELDS, SEVERITIES, try_value
from ui.intake.segmented import SegmentedChoice

REQUIRED_MARK = '<span style="color:#B3261E;">&nbsp;*</span>'
WEEKDAYS = "一二三四五六日"
LABEL_WIDTH = 84


def format_day(day: date) -> str:
    """ "2026-03-16（星期一）": a date to read out to a caller."""
    return f"{day.isoformat()}（星期{WEEKDAYS[day.weekday()]}）"


class FieldHint(QLabel):
    """A one-line message under a field: red for a problem, grey for information; hidden when empty.

    Its line is kept while it is hidden, so a hint that appears or goes away moves nothing on the
    form. A message longer than the field is cut with … and shown whole in the tooltip (and, for a
    problem found on saving, in the page's status bar)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fieldHint")
        self.setWordWrap(False)
        policy = self.sizePolicy()
        policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)  # never widens its column
        policy.setVerticalPolicy(QSizePolicy.Policy.Fixed)
        policy.setRetainSizeWhenHidden(True)
        self.setSizePolicy(policy)
        self.hide()

    def show_error(self, message: str) -> None:
        self._show(message, "error")

    def show_info(self, message: str) -> None:
        self._show(message, "info")

    def clear(self) -> None:
        self._show("", "info")

    def is_error(self) -> bool:
        return self.isVisible() and self.property("kind") == "error"

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(0, self._line_height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self.sizeHint()

    def _line_height(self) -> int:
        margins = self.contentsMargins()
        return self.fontMetrics().height() + margins.top() + margins.bottom()

    def _show(self, message: str, kind: str) -> None:
        self.setText(message)
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)
        self.setFixedHeight(self._line_height())  # the style sheet's font size is known now
        self._update_tooltip()
        self.setVisible(bool(message))

    def _elided(self) -> str:
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, self.contentsRect().width())

    def _update_tooltip(self) -> None:
        self.setToolTip(self.text() if self.text() and self._elided() != self.text() else "")

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._update_tooltip()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        rect = self.contentsRect()
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        self.style().drawItemText(painter, rect, align, self.palette(), True, self._elided(), self.foregroundRole())


class FieldCell(QWidget):
    """An editor (or a row of widgets whose first is the editor) with its FieldHint below."""

    def __init__(self, editor: QWidget, *extras: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.hint = FieldHint()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(editor)
        for extra in extras:
            layout.addWidget(extra)
        layout.addWidget(self.hint)

    def focus(self) -> None:
        """Give the editor keyboard focus and select what it holds, ready to be corrected."""
        target = self.editor.focusProxy() or self.editor
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        if isinstance(target, QLineEdit):
            target.selectAll()
        elif isinstance(target, QComboBox) and target.isEditable():
            target.lineEdit().selectAll()
        elif isinstance(target, QAbstractSpinBox):
            target.selectAll()


def _when_edited(widget: QWidget, callback: Callable[[], None]) -> None:
    """Call `callback` whenever the user changes what `widget` (or an editor inside it) holds."""
    changed = getattr(widget, "changed", None)
    if isinstance(widget, SegmentedChoice) and changed is not None:
        changed.connect(lambda *_a: callback())
    for child in [widget, *widget.findChildren(QWidget)]:
        if isinstance(child, QLineEdit):
            child.textEdited.connect(lambda *_a: callback())
        elif isinstance(child, QPlainTextEdit):
            child.textChanged.connect(callback)
        elif isinstance(child, QComboBox):
            child.currentIndexChanged.connect(lambda *_a: callback())
        elif isinstance(child, QDateTimeEdit):
            child.dateTimeChanged.connect(lambda *_a: callback())


class FieldRegistry:
    """Fields by their IntakeForm name, so a ValidationError can be shown next to its field.

    An error the save reported goes away as soon as the user changes that field (`on_corrected`
    is then called, e.g. to clear the page's message line)."""

    def __init__(self) -> None:
        self.cells: dict[str, FieldCell] = {}
        self.labels: dict[str, QLabel] = {}
        self._titles: dict[str, str] = {}
        self.on_corrected: Callable[[], None] | None = None

    def add(self, key: str, title: str, cell: FieldCell, label: QLabel) -> None:
        self.cells[key] = cell
        self.labels[key] = label
        self._titles[key] = title
        _when_edited(cell.editor, lambda: self._corrected(cell))

    def _corrected(self, cell: FieldCell) -> None:
        if cell.hint.property("fromSave"):
            cell.hint.setProperty("fromSave", False)
            cell.hint.clear()
            if self.on_corrected is not None:
                self.on_corrected()

    def message_for(self, field: str, label: str, problem: str) -> str:
        """The refusal worded with this form's own label for the field (地点/科室, not 就诊科室)."""
        return f"{self._titles.get(field, label)}：{problem}"

    def set_required(self, key: str, required: bool) -> None:
        label = self.labels[key]
        label.setText(escape(self._titles[key]) + (REQUIRED_MARK if required else ""))

    def cell_for(self, field: str) -> FieldCell | None:
        """The cell of `field`; "contact" (at least one contact detail) means the first visible one."""
        if field == "contact":
            shown = [
                self.cells[k] for k in CONTACT_FIELDS if k in self.cells and not self.cells[k].isHidden()
            ]
            return shown[0] if shown else None
        if field.startswith("issue_"):  # a problem with one of the 投诉事项 (issue_summary, issue_category)
            return self.cells.get("issues")
        return self.cells.get(field)

    def show_error(self, field: str, message: str) -> FieldCell | None:
        """Show `message` (a refusal of the save) under the field and focus it, until the user
        changes the field; None when this form has no such field."""
        cell = self.cell_for(field)
        if cell is None:
            return None
        cell.hint.show_error(message)
        cell.hint.setProperty("fromSave", True)
        cell.focus()
        return cell

    def clear_errors(self, keys: Iterable[str] | None = None) -> None:
        for key in keys if keys is not None else self.cells:
            hint = self.cells[key].hint
            if hint.property("kind") == "error":
                hint.clear()


class FormSection(QGroupBox):
    """A titled box of label/field pairs on a grid: two pairs per row, or one spanning the row."""

    def __init__(self, title: str, registry: FieldRegistry, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.registry = registry
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(12, 14, 12, 8)
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(2)  # each field keeps a line for its hint below it
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(3, 1)
        self.grid.setColumnMinimumWidth(0, LABEL_WIDTH)  # the same label width in every section,
        self.grid.setColumnMinimumWidth(2, LABEL_WIDTH)  # so fields line up from box to box
        self._rows: dict[str, tuple[QLabel, FieldCell]] = {}

    def add_field(
        self,
        key: str,
        title: str,
        editor: QWidget,
        *extras: QWidget,
        row: int,
        column: int = 0,
        span: bool = False,
        required: bool = False,
    ) -> FieldCell:
        """Place `editor` at (row, column 0 or 1); `span` makes it take the whole row."""
        cell = FieldCell(editor, *extras)
        label = QLabel()
        label.setObjectName("fieldLabel")
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        label.setBuddy(editor)
        editor.setAccessibleName(title)
        self.grid.addWidget(label, row, column * 2, Qt.AlignmentFlag.AlignTop)
        self.grid.addWidget(cell, row, column * 2 + 1, 1, 3 if span else 1)
        self.registry.add(key, title, cell, label)
        self.registry.set_required(key, required)
        self._rows[key] = (label, cell)
        return cell

    def set_field_visible(self, key: str, visible: bool) -> None:
        label, cell = self._rows[key]
        label.setVisible(visible)
        cell.setVisible(visible)


def check_inline(cell: FieldCell, validate: Callable[[str], str], live_from: int) -> None:
    """Check a QLineEdit with an app/ validator without ever blocking typing.

    The hint appears when the user leaves the field, or while typing once the text is `live_from`
    characters long; a shown problem is re-checked on every keystroke so it goes away as soon as the
    text is right. A valid text stored differently ("025 8320 1234") says how it will be saved.
    """
    edit = cell.editor
    assert isinstance(edit, QLineEdit)

    def check(leaving: bool) -> None:
        text = edit.text().strip()
        if not text:
            cell.hint.clear()
            return
        if not (leaving or cell.hint.is_error() or len(text) >= live_from):
            return
        value, problem = try_value(validate, text)
        if problem:
            cell.hint.show_error(problem)
            return
        cell.hint.show_info(f"将保存为 {value}" if value != text else "")

    edit.textChanged.connect(lambda _text: check(False))
    edit.editingFinished.connect(lambda: check(True))


def warn_unprintable(cell: FieldCell, unprintable: Callable[[str], str]) -> None:
    """On leaving a name field: say which characters the documents cannot print (they show as □)."""
    edit = cell.editor
    assert isinstance(edit, QLineEdit)

    def check() -> None:
        if cell.hint.is_error():
            return
        missing = unprintable(edit.text())
        cell.hint.show_info(
            f"“{'、'.join(missing)}”无法打印，文书中将显示为 □；请改用文字或拼音" if missing else ""
        )

    edit.editingFinished.connect(check)


def counted_text(limit: int, placeholder: str, minimum_height: int) -> tuple[QPlainTextEdit, QLabel]:
    """A multi-line text box (Tab leaves it) and a counter label "已输入 12 字 / 上限 20000"."""
    edit = QPlainTextEdit()
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)
    edit.setMinimumHeight(minimum_height)
    counter = QLabel()
    counter.setObjectName("counter")
    counter.setAlignment(Qt.AlignmentFlag.AlignRight)

    def update() -> None:
        count = len(edit.toPlainText().strip())
        counter.setText(f"已输入 {count} 字 / 上限 {limit}")
        counter.setProperty("over", count > limit)
        counter.style().unpolish(counter)
        counter.style().polish(counter)

    edit.textChanged.connect(update)
    update()
    return edit, counter


MAJOR_NOTE = "重大投诉（可能的医疗过失、人身伤害、媒体关注或群体投诉）登记后即时上报院领导。"


def severity_choice(cell_hint: Callable[[], FieldHint]) -> SegmentedChoice:
    """一般 / 重要 / 重大; choosing 重大 explains what happens in the field's hint."""
    choice = SegmentedChoice(SEVERITIES, "minor")
    choice.changed.connect(
        lambda value: cell_hint().show_info(MAJOR_NOTE) if value == "major" else cell_hint().clear()
    )
    return choice
