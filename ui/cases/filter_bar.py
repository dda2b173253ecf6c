"""The filter row of the board and the case list: 科室, 类别, 经办人, 严重程度, 仅逾期, 我的案件,
and for the list also 状态 and 含已结案. Department and category are searchable (type part of the
name: 心内, 态度 …)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QCompleter, QHBoxLayout, QPushButton, QSizePolicy, QWidget

from app.cases.board import BoardFilter
from app.cases.queues import FilterChoices
from app.cases.states import STATE_LABELS
from app.validation import SEVERITIES


def choice_combo(
    everything: str, items: list[tuple[object, str]], searchable: bool = False, width: int = 150
) -> QComboBox:
    """A combo whose first entry (data None) means no filter; `searchable` lets the user type."""
    combo = QComboBox()
    combo.addItem(everything, None)
    for data, text in items:
        combo.addItem(text, data)
        combo.setItemData(combo.count() - 1, text, Qt.ItemDataRole.ToolTipRole)
    # Full width when there is room; narrower (the text elided, the popup still wide) at 1024 px.
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(4)
    combo.setMinimumWidth(min(width, 88))
    combo.setMaximumWidth(width + 40)
    combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    combo.setMaxVisibleItems(18)
    combo.view().setMinimumWidth(width + 120)
    if searchable:
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = combo.completer()
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.popup().setMinimumWidth(width + 160)
        combo.lineEdit().setPlaceholderText(everything)
        combo.lineEdit().editingFinished.connect(lambda: _snap(combo))
    return combo


def _snap(combo: QComboBox) -> None:
    """Typed text that names no entry falls back to the current entry (never a half-typed filter)."""
    index = combo.findText(combo.currentText(), Qt.MatchFlag.MatchFixedString)
    if index < 0:
        index = combo.currentIndex()
    if combo.currentIndex() != index:
        combo.setCurrentIndex(index)
    else:
        combo.setEditText(combo.itemText(index))


def _set_data(combo: QComboBox, data: object) -> None:
    index = combo.findData(data)
    combo.setCurrentIndex(max(index, 0))


class FilterBar(QWidget):
    """Emits `changed` whenever the filter changes; `value()` is the BoardFilter it describes."""

    changed = Signal()

    def __init__(
        self, choices: FilterChoices, with_states: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.department = choice_combo("全部科室", list(choices.departments), searchable=True, width=130)
        self.category = choice_combo(
            "全部类别", [(c.code, c.path) for c in choices.categories], searchable=True, width=170
        )
        self.officer = choice_combo("全部经办人", list(choices.officers), width=100)
        self.severity = choice_combo("全部严重程度", list(SEVERITIES.items()), width=104)
        self.state = choice_combo("全部状态", [(s, STATE_LABELS[s]) for s in STATE_LABELS], width=110)
        self.overdue = QCheckBox("仅逾期")
        self.mine = QCheckBox("我的案件")
        self.mine.setToolTip("本人承办或本人登记的案件")
        self.include_final = QCheckBox("含已结案")
        self.include_final.setToolTip("同时列出已销项、不予受理和已合并的案件")
        self.include_final.setChecked(True)
        self.reset_button = QPushButton("清除筛选")
        self.reset_button.setProperty("link", True)
        self.reset_button.setAutoDefault(False)
        self.reset_button.clicked.connect(self.reset)
        self.with_states = with_states
        self.department.setToolTip("责任科室或就诊科室")
        self.category.setToolTip("投诉类别（选上级类别包括其下所有类别）")

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        widgets: list[QWidget] = [self.department, self.category, self.officer, self.severity]
        if with_states:
            widgets.append(self.state)
        widgets += [self.overdue, self.mine]
        if with_states:
            widgets.append(self.include_final)
        for widget in widgets:  # the combos take the room first, up to their full width
            layout.addWidget(widget, 1 if isinstance(widget, QComboBox) else 0)
        for unused in (self.state, self.include_final):  # the board's bar: kept (value() reads
            if unused not in widgets:  # them) but inside the bar, so they go with it
                unused.setParent(self)
                unused.hide()
        layout.addWidget(self.reset_button)
        layout.addStretch(0)
        for combo in (self.department, self.category, self.officer, self.severity, self.state):
            combo.currentIndexChanged.connect(self._emit)
        for box in (self.overdue, self.mine, self.include_final):
            box.toggled.connect(self._emit)
        self._quiet = False
        self._update_reset()

    def value(self) -> BoardFilter:
        state = self.state.currentData() if self.with_states else None
        return BoardFilter(
            department=self.department.currentData() or "",
            category=self.category.currentData() or "",
            officer_id=self.officer.currentData(),
            severity=self.severity.currentData() or "",
            overdue_only=self.overdue.isChecked(),
            mine=self.mine.isChecked(),
            states=(state,) if state else (),
            include_final=self.with_states and self.include_final.isChecked(),
        )

    def set_value(self, flt: BoardFilter) -> None:
        """Show `flt` (its queue is not a control here); emits `changed` once."""
        self._quiet = True
        try:
            _set_data(self.department, flt.department or None)
            _set_data(self.category, flt.category or None)
            _set_data(self.officer, flt.officer_id)
            _set_data(self.severity, flt.severity or None)
            _set_data(self.state, flt.states[0] if len(flt.states) == 1 else None)
            self.overdue.setChecked(flt.overdue_only)
            self.mine.setChecked(flt.mine)
            self.include_final.setChecked(flt.include_final or bool(flt.states))
        finally:
            self._quiet = False
        self._emit()

    def is_default(self) -> bool:
        default = BoardFilter(include_final=self.with_states)
        return replace(self.value(), queue="") == default

    def reset(self) -> None:
        self.set_value(BoardFilter(include_final=self.with_states))

    def _emit(self) -> None:
        if self._quiet:
            return
        self._update_reset()
        self.changed.emit()

    def _update_reset(self) -> None:
        self.reset_button.setVisible(not self.is_default())
