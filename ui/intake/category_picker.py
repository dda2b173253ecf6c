"""投诉类别 picker: type Chinese or pinyin initials ("wz" → 误诊漏诊, "fwtd" → the 服务态度 leaves),
move with Up/Down, choose with Enter or a click. The list floats over the window under the box."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from app.cases.category_tree import CategoryLeaf, match_leaves
from app.errors import ValidationError

Index = QModelIndex | QPersistentModelIndex
PATH_SEPARATOR = " › "
CODE_ROLE = Qt.ItemDataRole.UserRole
VISIBLE_ROWS = 9
MUTED = QColor("#6B7785")


def leaf_path(leaf: CategoryLeaf) -> str:
    """ "服务态度 › 医生服务态度 › 门诊医生态度生硬"."""
    return PATH_SEPARATOR.join(leaf.path.split(" / ")) if leaf.path else leaf.name


class CategoryListModel(QAbstractListModel):
    """The leaves found by the current search; DisplayRole is the full path, CODE_ROLE the code."""

    def __init__(
        self, department_names: Mapping[str, str] | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._rows: list[CategoryLeaf] = []
        self._departments = dict(department_names or {})

    def set_rows(self, rows: Sequence[CategoryLeaf]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def leaf(self, row: int) -> CategoryLeaf:
        return self._rows[row]

    def department_name(self, leaf: CategoryLeaf) -> str:
        return self._departments.get(leaf.default_department_code, "")

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        leaf = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return leaf_path(leaf)
        if role == CODE_ROLE:
            return leaf.code
        if role == Qt.ItemDataRole.ToolTipRole:
            department = self.department_name(leaf)
            return f"{leaf_path(leaf)}\n默认责任科室：{department}" if department else leaf_path(leaf)
        return None


class _LeafDelegate(QStyledItemDelegate):
    """Parent levels in grey, the leaf name in bold, its default department on the right."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        model = index.model()
        assert isinstance(model, CategoryListModel)
        leaf = model.leaf(index.row())
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else QStyle()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        rect = option.rect.adjusted(10, 0, -10, 0)
        painter.save()
        department = model.department_name(leaf)
        if department:
            painter.setPen(MUTED)
            painter.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, department)
            rect.setRight(rect.right() - option.fontMetrics.horizontalAdvance(department) - 16)
        parents = leaf_path(leaf)[: -len(leaf.name)] if leaf.path else ""
        painter.setPen(MUTED)
        painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, parents)
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(option.palette.text().color())
        name_rect = QRect(rect)
        name_rect.setLeft(rect.left() + option.fontMetrics.horizontalAdvance(parents))
        painter.drawText(name_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, leaf.name)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802 - Qt override
        return QSize(option.rect.width(), option.fontMetrics.height() + 14)


class CategoryPicker(QWidget):
    """Emits `chosen(leaf)` when a leaf is picked, `chosen(None)` when the text no longer names one,
    and `left_unmatched(text)` when the user leaves with a text that names none (a date typed in the
    wrong box): the form says so at once instead of keeping it silently."""

    chosen = Signal(object)
    left_unmatched = Signal(str)  # the user left the box with text that names no category

    def __init__(
        self,
        leaves: Sequence[CategoryLeaf],
        department_names: Mapping[str, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._leaves = list(leaves)
        self._leaf: CategoryLeaf | None = None
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("名称或拼音首字母，如 fwtd")
        self.edit.setToolTip("输入类别名称或拼音首字母，如 fwtd（服务态度）；按 ↓ 列出全部类别")
        self.edit.setClearButtonEnabled(True)
        self.edit.textEdited.connect(self._search)
        self.edit.installEventFilter(self)
        self.setFocusProxy(self.edit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)

        self.model = CategoryListModel(department_names, self)
        self.popup = QFrame(self)
        self.popup.setObjectName("categoryPopup")
        self.popup.setStyleSheet(
            "QFrame#categoryPopup { background: #FFFFFF; border: 1px solid #9FB3C8; border-radius: 4px; }"
            "QListView { border: none; background: #FFFFFF; selection-background-color: #D6E7F5;"
            " selection-color: #10293F; }"
            "QLabel { color: #6B7785; padding: 10px 12px; }"
        )
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setItemDelegate(_LeafDelegate(self.view))
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setUniformItemSizes(True)
        self.view.setMouseTracking(True)
        self.view.clicked.connect(lambda index: self._choose_row(index.row()))
        self.empty_label = QLabel("没有匹配的类别，可换一个词，或输入拼音首字母")
        popup_layout = QVBoxLayout(self.popup)
        popup_layout.setContentsMargins(1, 1, 1, 1)
        popup_layout.addWidget(self.view)
        popup_layout.addWidget(self.empty_label)
        self.popup.hide()
        self.destroyed.connect(self.popup.deleteLater)  # it may live on the window, not on the picker

    # -- value -----------------------------------------------------------------------------------

    def leaf(self) -> CategoryLeaf | None:
        return self._leaf

    def code(self) -> str:
        """The chosen leaf's code; "" when empty; ValidationError when text names no leaf."""
        if self._leaf is not None:
            return self._leaf.code
        if self.edit.text().strip():
            raise ValidationError("category", "投诉类别", "请从列表中选择到最末一级类别")
        return ""

    def set_leaf(self, leaf: CategoryLeaf | None) -> None:
        self._leaf = leaf
        self.edit.setText(leaf_path(leaf) if leaf else "")
        self.edit.setCursorPosition(0)  # a long path shows from its 一级 name, not cut at the left
        self.edit.setToolTip(leaf_path(leaf) if leaf else "")
        self.hide_popup()
        self.chosen.emit(leaf)

    def clear(self) -> None:
        self.set_leaf(None)

    # -- search list -----------------------------------------------------------------------------

    def is_popup_visible(self) -> bool:
        return self.popup.isVisible()

    def search(self, text: str) -> None:
        """Fill the list with the leaves matching `text` and show it with the best one current."""
        self.model.set_rows(match_leaves(text, self._leaves))
        self._show_popup()

    def _search(self, text: str) -> None:
        if self._leaf is not None:
            self._leaf = None
            self.edit.setToolTip("")
            self.chosen.emit(None)
        if text.strip():
            self.search(text)
        else:
            self.hide_popup()

    def _show_popup(self) -> None:
        window = self.edit.window()
        if self.popup.parentWidget() is not window:
            self.popup.setParent(window)
        rows = self.model.rowCount()
        self.view.setVisible(rows > 0)
        self.empty_label.setVisible(rows == 0)
        if rows:
            self.view.setCurrentIndex(self.model.index(0, 0))
            self.view.scrollToTop()
        row_height = self.view.sizeHintForRow(0) if rows else 0
        height = (
            (min(rows, VISIBLE_ROWS) * row_height + 4) if rows else self.empty_label.sizeHint().height() + 4
        )
        width = max(self.edit.width(), 460)
        below = self.edit.mapTo(window, QPoint(0, self.edit.height() + 2))
        top = below.y()
        if top + height > window.height() and below.y() - self.edit.height() - 4 - height >= 0:
            top = below.y() - self.edit.height() - 4 - height
        left = min(below.x(), max(0, window.width() - width))
        self.popup.setGeometry(left, top, width, height)
        self.popup.show()
        self.popup.raise_()

    def hide_popup(self) -> None:
        self.popup.hide()

    def _move(self, delta: int) -> None:
        rows = self.model.rowCount()
        if not rows:
            return
        current = self.view.currentIndex().row()
        row = max(0, min(rows - 1, (current if current >= 0 else -1) + delta))
        self.view.setCurrentIndex(self.model.index(row, 0))

    def _choose_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.set_leaf(self.model.leaf(row))

    def _resolve_typed(self) -> None:
        """Leaving the box with a text that names exactly one leaf chooses it."""
        text = self.edit.text().strip()
        if self._leaf is not None or not text:
            return
        found = match_leaves(text, self._leaves)
        exact = [leaf for leaf in found if text in (leaf.name, leaf_path(leaf), leaf.path)]
        if len(exact) == 1 or len(found) == 1:
            self.set_leaf((exact or found)[0])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.edit:
            if event.type() == QEvent.Type.KeyPress:
                return self._key(event)  # type: ignore[arg-type]
            if event.type() == QEvent.Type.FocusOut:
                self.hide_popup()
                self._resolve_typed()
                if self._leaf is None and self.edit.text().strip():
                    self.left_unmatched.emit(self.edit.text().strip())
        return super().eventFilter(watched, event)

    def _key(self, event: QKeyEvent) -> bool:
        key = event.key()
        shown = self.popup.isVisible()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
            if not shown:
                self.search("" if self._leaf is not None else self.edit.text())
                return True
            step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: VISIBLE_ROWS}
            self._move(step.get(key, -VISIBLE_ROWS))
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and shown:
            self._choose_row(self.view.currentIndex().row())
            return True
        if key == Qt.Key.Key_Escape and shown:
            self.hide_popup()
            return True
        return False
