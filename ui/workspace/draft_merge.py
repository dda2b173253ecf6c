"""合并处理意见: shown when another officer saved the draft first. Theirs (read-only) and mine
(editable, prefilled with what was typed) side by side, field by field; 采用对方 copies their text
into mine. Saving stores the merged text as a new revision over theirs; closing keeps mine in the
form — nothing typed is discarded."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.cases.drafts import FIELD_LABELS, DraftConflict, DraftText
from app.validation import FINDINGS
from ui.common import make_primary
from ui.workspace.dialogs import choice_combo
from ui.workspace.widgets import hint

LONG_FIELDS = ("facts", "resolution", "rectification")


class DraftMergeDialog(QDialog):
    """`merged()` is the text to save (over revision `conflict.theirs.number`) once accepted."""

    def __init__(self, conflict: DraftConflict, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("合并处理意见")
        self.conflict = conflict
        theirs, mine = conflict.theirs.text, conflict.mine
        self.theirs_widgets: dict[str, QWidget] = {}
        self.mine_widgets: dict[str, QPlainTextEdit | QLineEdit | QComboBox] = {}
        self.take_buttons: dict[str, QPushButton] = {}
        self.append_buttons: dict[str, QPushButton] = {}

        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(8)
        head_theirs = QLabel(
            f"对方：{conflict.theirs.saved_by} 保存的第 {conflict.theirs.number} 版"
            f"（{conflict.theirs.saved_at:%Y-%m-%d %H:%M}）"
        )
        head_mine = QLabel("我的修改（可编辑，保存的是这一栏）")
        for label in (head_theirs, head_mine):
            label.setObjectName("sectionTitle")
        grid.addWidget(head_theirs, 0, 1)
        grid.addWidget(head_mine, 0, 3)
        for row, (key, label) in enumerate(FIELD_LABELS.items(), start=1):
            their_value, my_value = getattr(theirs, key), getattr(mine, key)
            name = QLabel(label)
            name.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            grid.addWidget(name, row, 0)
            shown = QLabel(FINDINGS.get(their_value, "—") if key == "finding" else (their_value or "—"))
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            shown.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            shown.setObjectName("mergeTheirs")
            shown.setMinimumWidth(260)
            self.theirs_widgets[key] = shown
            grid.addWidget(shown, row, 1)
            take = QPushButton("采用对方 →")
            take.setAutoDefault(False)
            take.setEnabled(their_value != my_value)
            take.clicked.connect(lambda _c=False, k=key: self.take_theirs(k))
            self.take_buttons[key] = take
            moves = QVBoxLayout()
            moves.setSpacing(4)
            moves.addWidget(take)
            if key in LONG_FIELDS:
                append = QPushButton("追加对方 →")
                append.setToolTip("把对方的内容接在我的内容后面，两者都保留")
                append.setAutoDefault(False)
                append.setEnabled(bool(their_value) and their_value != my_value)
                append.clicked.connect(lambda _c=False, k=key: self.append_theirs(k))
                self.append_buttons[key] = append
                moves.addWidget(append)
            moves.addStretch(1)
            grid.addLayout(moves, row, 2)
            editor = self._editor(key, my_value)
            self.mine_widgets[key] = editor
            grid.addWidget(editor, row, 3)
            if their_value != my_value:
                name.setText(f"{label} ●")
                name.setToolTip("两版内容不同")
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

        body = QWidget()
        body.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)

        self.save_button = make_primary(QPushButton("保存合并结果"))
        self.save_button.clicked.connect(self.accept)
        self.keep_button = QPushButton("暂不保存（保留我的输入）")
        self.keep_button.clicked.connect(self.reject)
        for button in (self.save_button, self.keep_button):
            button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.keep_button)
        buttons.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.addWidget(hint(conflict.message))
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self.resize(1000, 640)

    def _editor(self, key: str, value: str) -> QPlainTextEdit | QLineEdit | QComboBox:
        if key == "finding":
            combo = choice_combo(FINDINGS)
            combo.setCurrentIndex(max(combo.findData(value), 0))
            return combo
        if key in LONG_FIELDS:
            edit = QPlainTextEdit(value)
            edit.setMinimumHeight(90)
            edit.setMaximumHeight(130)
            return edit
        line = QLineEdit(value)
        line.setMaximumWidth(200)
        return line

    def take_theirs(self, key: str) -> None:
        """Copy their value of `key` into my column."""
        value = getattr(self.conflict.theirs.text, key)
        editor = self.mine_widgets[key]
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findData(value), 0))
        elif isinstance(editor, QPlainTextEdit):
            editor.setPlainText(value)
        else:
            editor.setText(value)

    def append_theirs(self, key: str) -> None:
        """Keep my text of `key` and add theirs after it (long text fields)."""
        editor = self.mine_widgets[key]
        assert isinstance(editor, QPlainTextEdit)
        mine = editor.toPlainText().rstrip()
        theirs = getattr(self.conflict.theirs.text, key)
        editor.setPlainText(f"{mine}\n{theirs}" if mine else theirs)

    def merged(self) -> DraftText:
        values: dict[str, str] = {}
        for key, editor in self.mine_widgets.items():
            if isinstance(editor, QComboBox):
                values[key] = editor.currentData() or ""
            elif isinstance(editor, QPlainTextEdit):
                values[key] = editor.toPlainText()
            else:
                values[key] = editor.text()
        return DraftText(**values)
