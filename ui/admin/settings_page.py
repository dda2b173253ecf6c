"""系统设置: one form over app.settings.DEFINITIONS, saved in one audited change."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app import settings
from app.errors import ValidationError
from app.session import Session
from app.settings import SettingDef
from ui.common import ErrorLabel, PageHeader, make_primary
from ui.failures import show_failure
from ui.operations import Change, Kind, run
from ui.statistics.config_card import StatisticsConfigCard


class SettingField(QWidget):
    """The editor for one setting (spin box for numbers, line edit for text) and its inline error."""

    changed = Signal()

    def __init__(self, definition: SettingDef, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.definition = definition
        self.editor: QSpinBox | QLineEdit | QTimeEdit | QCheckBox
        if definition.kind == "time":
            picker = QTimeEdit()
            picker.setDisplayFormat("HH:mm")
            picker.setMaximumWidth(120)
            picker.timeChanged.connect(self.check)
            self.editor = picker
        elif isinstance(definition.default, bool):
            box = QCheckBox("是")
            box.toggled.connect(self.check)
            self.editor = box
        elif isinstance(definition.default, int):
            spin = QSpinBox()
            spin.setRange(
                definition.minimum if definition.minimum is not None else -1_000_000,
                definition.maximum if definition.maximum is not None else 1_000_000,
            )
            spin.setMaximumWidth(140)
            spin.valueChanged.connect(self.check)
            self.editor = spin
        else:
            edit = QLineEdit()
            edit.setMaxLength(definition.max_len)
            edit.textChanged.connect(self.check)
            self.editor = edit
        self.error = ErrorLabel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.editor)
        layout.addWidget(self.error)

    def value(self) -> Any:
        if isinstance(self.editor, QTimeEdit):
            return self.editor.time().toString("HH:mm")
        if isinstance(self.editor, QCheckBox):
            return self.editor.isChecked()
        return self.editor.value() if isinstance(self.editor, QSpinBox) else self.editor.text()

    def set_value(self, value: Any) -> None:
        if isinstance(self.editor, QTimeEdit):
            self.editor.setTime(QTime.fromString(str(value), "HH:mm"))
        elif isinstance(self.editor, QCheckBox):
            self.editor.setChecked(bool(value))
        elif isinstance(self.editor, QSpinBox):
            self.editor.setValue(int(value))
        else:
            self.editor.setText(str(value))
        self.error.clear_message()

    def check(self) -> bool:
        """Validate with the core's rule and show its message inline."""
        problem = settings.problem(self.definition.key, self.value())
        self.error.show_message(problem)
        self.changed.emit()
        return not problem

    def is_valid(self) -> bool:
        return not self.error.text()


class SettingsPage(QWidget):
    """Emits `saved` with the stored values after a successful save."""

    saved = Signal(dict)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.session = session
        self.fields: dict[str, SettingField] = {}
        group = QFrame()
        group.setObjectName("card")
        form = QFormLayout(group)
        form.setContentsMargins(20, 18, 24, 18)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(10)
        for key, definition in settings.DEFINITIONS.items():
            if key.startswith("_"):
                continue
            field = SettingField(definition)
            field.changed.connect(self._update_save_button)
            self.fields[key] = field
            label = QLabel(definition.label)
            label.setMinimumHeight(field.editor.sizeHint().height())
            form.addRow(label, field)

        self.save_button = make_primary(QPushButton("保存"))
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("还原")
        self.revert_button.setToolTip("放弃未保存的修改")
        self.revert_button.clicked.connect(self.load)
        self.notice = QLabel()
        self.notice.setObjectName("noticeLabel")
        self.notice.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.notice, 1)
        buttons.addStretch(0)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)

        column = QVBoxLayout()
        column.setSpacing(12)
        column.addWidget(
            PageHeader("系统设置", "这些设置对本数据库的所有用户生效；每次修改都会记入审计日志。")
        )
        column.addWidget(group)
        column.addLayout(buttons)
        column.addStretch(1)
        column.setContentsMargins(0, 0, 8, 0)
        holder = QWidget()
        holder.setObjectName("page")
        holder.setLayout(column)
        self.scroll = QScrollArea()  # taller than a 1280×800 screen's page: the form scrolls, not the window
        self.scroll.setWidget(holder)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(28, 22, 28, 18)
        outer.addWidget(self.scroll, 3)
        outer.addWidget(StatisticsConfigCard(session), 2, Qt.AlignmentFlag.AlignTop)
        self.load()

    def load(self) -> None:
        outcome = run(self, settings.get_all)
        if not outcome or outcome.value is None:
            return
        values = outcome.value
        for key, field in self.fields.items():
            field.set_value(values[key])
        self.notice.hide()
        self._update_save_button()

    def _update_save_button(self) -> None:
        """Each field's own check, then whether they fit together (下班 after 上班)."""
        key, problem = settings.cross_problem({k: f.value() for k, f in self.fields.items()})
        for name in settings.OFFICE_HOURS:
            field = self.fields.get(name)
            if field is not None and not settings.problem(name, field.value()):
                field.error.show_message(problem if name == key else "")
        self.save_button.setEnabled(all(field.is_valid() for field in self.fields.values()))

    def save(self) -> None:
        changes = {key: field.value() for key, field in self.fields.items()}
        outcome = run(
            self,
            lambda: settings.update(self.session, changes),
            changed=Change(Kind.SETTINGS),
            expected=(ValidationError,),
        )
        error = outcome.error
        if isinstance(error, ValidationError):  # shown under its field, like a check while typing
            field = self.fields.get(error.field)
            if field is None:
                show_failure(self, error)
                return
            field.error.show_message(error.problem)
            field.editor.setFocus()
            self._update_save_button()
            return
        if not outcome or outcome.value is None:
            return
        stored = outcome.value
        self.load()
        self.notice.setText("设置已保存。")
        self.notice.show()
        self.saved.emit(stored)
