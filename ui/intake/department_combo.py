"""A department chooser that can be typed into: the Chinese name, an alias (心内, 急诊, 收费处), pinyin
initials or the code all find it."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from app.departments import DepartmentInfo
from app.dictionaries import pinyin_initials

SEARCH_ROLE = Qt.ItemDataRole.UserRole + 1


@cache
def _search_text(name: str, code: str, aliases: tuple[str, ...]) -> str:
    names = (name, *aliases)
    return " ".join([*names, *(pinyin_initials(n) for n in names), code.lower()])


class _NameCompleter(QCompleter):
    """Matches on the search text (name, initials, code) but puts only the name into the box."""

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:  # noqa: N802 - Qt override
        return str(index.data(Qt.ItemDataRole.DisplayRole) or "")


class DepartmentCombo(QComboBox):
    """Editable combo of active departments; `code()` is the chosen department's code.

    Text that is not a listed name is returned as typed: the intake service resolves what staff write
    (`app.departments.resolve_department`: alias, short name, pinyin initials) or refuses it with its
    own Chinese message ("请从列表中选择科室") instead of the form silently dropping it.
    """

    def __init__(
        self,
        departments: Sequence[DepartmentInfo],
        placeholder: str = "科室名称或拼音首字母",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(14)
        self.addItem("", "")
        for department in departments:
            self.addItem(department.name, department.code)
            search = _search_text(department.name, department.code, department.aliases)
            self.setItemData(self.count() - 1, search, SEARCH_ROLE)
            if department.aliases:
                self.setItemData(self.count() - 1, f"又称：{department.aliases_text}", Qt.ItemDataRole.ToolTipRole)
        completer = _NameCompleter(self.model(), self)
        completer.setCompletionRole(SEARCH_ROLE)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        completer.popup().installEventFilter(self)
        self.lineEdit().setPlaceholderText(placeholder)
        self.setCurrentIndex(0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Enter in the list picks the department and stays in the field (the form's own Enter
        would otherwise move on too, so the next Tab would land a field too far)."""
        popup = self.completer().popup()
        if watched is popup and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                index = popup.currentIndex()
                popup.hide()
                if index.isValid():
                    self.setCurrentIndex(max(self.findText(str(index.data())), 0))
                return True
        return super().eventFilter(watched, event)

    def code(self) -> str:
        text = self.currentText().strip()
        if not text:
            return ""
        index = self.findText(text, Qt.MatchFlag.MatchFixedString)
        return str(self.itemData(index)) if index > 0 else text

    def name_of(self, code: str) -> str:
        index = self.findData(code)
        return self.itemText(index) if index > 0 else ""

    def set_code(self, code: str) -> None:
        index = self.findData(code) if code else 0
        self.setCurrentIndex(max(index, 0))
        if index < 0:
            self.setEditText("")
