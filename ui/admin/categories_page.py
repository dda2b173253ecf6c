"""管理 → 投诉类别: the 3-level dictionary as a tree; add, rename, move, retire or reinstate, delete
an unused category, a leaf's default department, and the intake picker's pinyin search as a preview."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import categories, departments
from app.categories import LEVEL_LABELS, MAX_LEVEL, CategoryInfo
from app.session import Session
from ui import operations
from ui.common import PageHeader, confirm, make_primary
from ui.form_dialog import FormDialog
from ui.operations import Change, Kind

PAGE_KEY = "categories"
MENU_TEXT = "投诉类别"
MENU_TIP = "三级投诉类别字典：添加、改名、移动、停用，末级类别的默认责任科室"
CodeRole = Qt.ItemDataRole.UserRole + 1
RETIRED = QColor("#8A96A3")
NO_DEPARTMENT = "（不设默认科室）"


def department_combo(selected: str = "") -> QComboBox:
    """Active departments, with an empty choice first."""
    combo = QComboBox()
    combo.addItem(NO_DEPARTMENT, "")
    for d in departments.list_departments(include_inactive=False):
        combo.addItem(f"{d.name}（{d.kind_label}）", d.code)
    combo.setCurrentIndex(max(0, combo.findData(selected)))
    return combo


def pinyin_text(name: str) -> str:
    keys = categories.search_keys(name)
    return f"{keys.initials} · {keys.spelled}" if keys.initials else "—"


class NameDialog(FormDialog):
    """添加 (parent given, or None for a 一级 category) or 改名 (category given)."""

    def __init__(
        self,
        session: Session,
        *,
        parent_node: CategoryInfo | None = None,
        category: CategoryInfo | None = None,
        parent: QWidget | None = None,
    ) -> None:
        adding = category is None
        level = (parent_node.level + 1 if parent_node else 1) if adding else category.level
        title = f"添加{LEVEL_LABELS[level]}类别" if adding else "类别改名"
        super().__init__(title, parent=parent)
        self.session = session
        self.change = Change(Kind.CATEGORIES)
        self.parent_node = parent_node
        self.category = category
        self.saved: CategoryInfo | None = None
        if parent_node is not None:
            self.form.addRow("上级类别", QLabel(parent_node.path))
        self.name_edit = self.line_edit(
            "name", "类别名称", category.name if category else "", categories.NAME_MAX
        )
        self.pinyin = QLabel(pinyin_text(self.name_edit.text()))
        self.pinyin.setObjectName("hint")
        self.form.addRow("拼音检索", self.pinyin)
        self.name_edit.textChanged.connect(lambda text: self.pinyin.setText(pinyin_text(text)))
        self.department: QComboBox | None = None
        if adding and level == MAX_LEVEL:
            self.department = department_combo()
            self.form.addRow("默认责任科室", self.department)
            self.fields["department"] = self.department
        self.finish_layout(
            "登记时可按名称、拼音首字母或全拼查找类别。" if adding else "改名后，历史案件也显示新名称。"
        )
        self.name_edit.setFocus()

    def save(self) -> None:
        name = self.name_edit.text()
        if self.category is not None:
            self.saved = categories.rename_category(self.session, self.category.code, name)
            return
        department = self.department.currentData() if self.department is not None else None
        parent_code = self.parent_node.code if self.parent_node else None
        self.saved = categories.add_category(self.session, parent_code, name, department)


class MoveDialog(FormDialog):
    """移动到: the top level or an active category where the moved subtree still fits three levels."""

    def __init__(
        self,
        session: Session,
        category: CategoryInfo,
        nodes: list[CategoryInfo],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("移动类别", ok_text="移动", parent=parent)
        self.session = session
        self.change = Change(Kind.CATEGORIES)
        self.category = category
        self.saved: CategoryInfo | None = None
        height = (
            1
            + max(
                (n.level for n in nodes if n.path.startswith(category.path + " / ")), default=category.level
            )
            - category.level
        )
        self.target = QComboBox()
        if height <= MAX_LEVEL:
            self.target.addItem("（作为一级类别）", "")
        for node in nodes:
            inside = node.code == category.code or node.path.startswith(category.path + " / ")
            if (
                node.active
                and not inside
                and node.level + height <= MAX_LEVEL
                and node.code != category.parent_code
            ):
                self.target.addItem("　" * (node.level - 1) + node.name, node.code)
        self.form.addRow("类别", QLabel(category.path))
        self.form.addRow("移动到", self.target)
        self.fields["parent"] = self.target
        self.finish_layout("下级类别随之移动；类别代码不变，历史案件和统计仍归入该类别。")

    def save(self) -> None:
        self.saved = categories.move_category(
            self.session, self.category.code, self.target.currentData() or None
        )


class CategoriesPage(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.session = session
        self.nodes: list[CategoryInfo] = []

        self.show_retired = QCheckBox("显示已停用")
        self.show_retired.setChecked(True)
        self.show_retired.toggled.connect(lambda _on: self.refresh())
        toolbar = QHBoxLayout()
        toolbar.setSpacing(8)
        self.add_top_button = self._button(toolbar, "添加一级类别", self.add_top)
        self.add_child_button = self._button(toolbar, "添加下级", self.add_child)
        self.rename_button = self._button(toolbar, "改名", self.rename)
        self.move_button = self._button(toolbar, "移动到…", self.move)
        self.retire_button = self._button(toolbar, "停用", self.toggle_active)
        self.delete_button = self._button(toolbar, "删除", self.delete)
        toolbar.addStretch(1)
        toolbar.addWidget(self.show_retired)
        make_primary(self.add_top_button)

        self.tree = QTreeWidget()
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels(["类别", "代码", "默认责任科室", "案件数"])
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 70), (2, 120), (3, 56)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.tree.setColumnWidth(column, width)
        self.tree.currentItemChanged.connect(lambda *_args: self._show_selected())
        self.tree.itemDoubleClicked.connect(lambda *_args: self.rename())

        splitter = QSplitter()
        splitter.addWidget(self.tree)
        splitter.addWidget(self._side_panel())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([640, 380])
        splitter.setChildrenCollapsible(False)

        self.notice = QLabel()
        self.notice.setObjectName("noticeLabel")
        self.notice.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 22, 28, 18)
        layout.setSpacing(12)
        layout.addWidget(
            PageHeader(
                "投诉类别",
                "登记时选择的三级类别。已有案件使用的类别不能删除，只能停用：停用后新案件不能再选，"
                "历史案件和统计不受影响。",
            )
        )
        layout.addLayout(toolbar)
        layout.addWidget(self.notice)
        layout.addWidget(splitter, 1)
        operations.bus().data_changed.connect(self._data_changed)
        self.refresh()

    # -- building --------------------------------------------------------------------------------

    def _button(self, row: QHBoxLayout, text: str, slot: Any) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(slot)
        row.addWidget(button)
        return button

    def _side_panel(self) -> QWidget:
        card = QFrame()
        card.setObjectName("card")
        card.setMinimumWidth(320)
        card.setMaximumWidth(520)
        column = QVBoxLayout(card)
        column.setContentsMargins(18, 14, 18, 14)
        column.setSpacing(8)
        title = QLabel("所选类别")
        title.setObjectName("sectionTitle")
        column.addWidget(title)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.path_label = QLabel("—")
        self.path_label.setWordWrap(True)
        self.level_label = QLabel("—")
        self.pinyin_label = QLabel("—")
        self.usage_label = QLabel("—")
        self.usage_label.setWordWrap(True)
        self.department = department_combo()
        self.department_button = QPushButton("保存科室")
        self.department_button.clicked.connect(self.save_department)
        department_row = QHBoxLayout()
        department_row.addWidget(self.department, 1)
        department_row.addWidget(self.department_button)
        form.addRow("完整路径", self.path_label)
        form.addRow("层级", self.level_label)
        form.addRow("拼音检索", self.pinyin_label)
        form.addRow("使用情况", self.usage_label)
        form.addRow("默认责任科室", department_row)
        column.addLayout(form)

        preview_title = QLabel("检索预览")
        preview_title.setObjectName("sectionTitle")
        column.addSpacing(6)
        column.addWidget(preview_title)
        self.search = QLineEdit()
        self.search.setPlaceholderText("输入名称、代码或拼音，如 wzlz")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.preview)
        column.addWidget(self.search)
        self.preview_hint = QLabel("登记页的类别选择框会按这里显示的顺序列出（只含启用的末级类别）。")
        self.preview_hint.setObjectName("hint")
        self.preview_hint.setWordWrap(True)
        column.addWidget(self.preview_hint)
        self.preview_list = QListWidget()
        self.preview_list.itemActivated.connect(lambda item: self.select_code(item.data(CodeRole)))
        column.addWidget(self.preview_list, 1)
        return card

    # -- data ------------------------------------------------------------------------------------

    def refresh(self) -> None:
        current = self.selected()
        outcome = operations.run(self, lambda: categories.tree(self.session))
        if not outcome:
            return
        self.nodes = outcome.value or []
        expanded = {item.data(0, CodeRole) for item in self._items() if item.isExpanded()} or {
            n.code for n in self.nodes if n.level == 1
        }
        self.tree.clear()
        items: dict[str, QTreeWidgetItem] = {}
        for node in self.nodes:
            if not node.active and not self.show_retired.isChecked():
                continue
            parent = items.get(node.parent_code or "")
            if node.parent_code and parent is None:
                continue  # under a hidden retired parent
            item = QTreeWidgetItem([node.name, node.code, node.department_name, str(node.case_count or "")])
            item.setData(0, CodeRole, node.code)
            item.setTextAlignment(3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if not node.active:
                item.setText(0, f"{node.name}（已停用）")
                for column in range(4):
                    item.setForeground(column, QBrush(RETIRED))
            (parent.addChild(item) if parent else self.tree.addTopLevelItem(item))
            items[node.code] = item
            item.setExpanded(node.code in expanded)
        if current is not None:
            self.select_code(current.code)
        self._show_selected()
        self.preview(self.search.text())

    def _items(self) -> list[QTreeWidgetItem]:
        found: list[QTreeWidgetItem] = []
        stack = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            item = stack.pop()
            found.append(item)
            stack += [item.child(i) for i in range(item.childCount())]
        return found

    def node(self, code: str | None) -> CategoryInfo | None:
        return next((n for n in self.nodes if n.code == code), None)

    def selected(self) -> CategoryInfo | None:
        item = self.tree.currentItem()
        return self.node(item.data(0, CodeRole)) if item is not None else None

    def select_code(self, code: str) -> None:
        for item in self._items():
            if item.data(0, CodeRole) == code:
                parent = item.parent()
                while parent is not None:
                    parent.setExpanded(True)
                    parent = parent.parent()
                self.tree.setCurrentItem(item)
                self.tree.scrollToItem(item)
                return

    def _show_selected(self) -> None:
        node = self.selected()
        has = node is not None
        for button in (self.add_child_button, self.rename_button, self.move_button, self.retire_button):
            button.setEnabled(has)
        self.add_child_button.setEnabled(has and node.level < MAX_LEVEL and node.active)
        self.retire_button.setText("恢复" if has and not node.active else "停用")
        self.delete_button.setEnabled(has and node.deletable)
        self.delete_button.setToolTip(
            "已有案件使用或下面还有类别的不能删除，可以停用" if has and not node.deletable else ""
        )
        leaf = has and not node.has_children
        self.department.setEnabled(leaf and node.active)
        self.department_button.setEnabled(leaf and node.active)
        if not has:
            for label in (self.path_label, self.level_label, self.pinyin_label, self.usage_label):
                label.setText("—")
            return
        self.path_label.setText(node.path + ("（已停用）" if not node.active else ""))
        self.level_label.setText(f"{LEVEL_LABELS[node.level]}{'（末级，可在登记时选择）' if leaf else ''}")
        self.pinyin_label.setText(pinyin_text(node.name))
        self.usage_label.setText(
            f"{node.case_count} 件案件" + ("（含下级类别）" if node.has_children else "")
            if node.in_use
            else "尚无案件使用"
        )
        self.department.setCurrentIndex(max(0, self.department.findData(node.department_code)))

    def preview(self, text: str) -> None:
        self.preview_list.clear()
        if not text.strip():
            return
        outcome = operations.run(self, lambda: categories.search_preview(self.session, text))
        if not outcome:
            return
        for leaf in outcome.value or []:
            self.preview_list.addItem(leaf.path)
            self.preview_list.item(self.preview_list.count() - 1).setData(CodeRole, leaf.code)
        if not self.preview_list.count():
            self.preview_list.addItem("（没有匹配的启用类别）")

    def _data_changed(self, kind: str, _case_id: object) -> None:
        if kind == Kind.CATEGORIES:
            self.refresh()

    # -- actions ---------------------------------------------------------------------------------

    def _notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.show()

    def _after(self, saved: CategoryInfo | None, text: str) -> None:
        if saved is not None:
            self.select_code(saved.code)
            self._notice(text.format(name=saved.name))

    def add_top(self) -> None:
        dialog = NameDialog(self.session, parent=self)
        if dialog.exec():
            self._after(dialog.saved, "已添加类别“{name}”。")

    def add_child(self) -> None:
        node = self.selected()
        if node is not None:
            dialog = NameDialog(self.session, parent_node=node, parent=self)
            if dialog.exec():
                self._after(dialog.saved, "已添加类别“{name}”。")

    def rename(self) -> None:
        node = self.selected()
        if node is not None:
            dialog = NameDialog(self.session, category=node, parent=self)
            if dialog.exec():
                self._after(dialog.saved, "已改名为“{name}”。")

    def move(self) -> None:
        node = self.selected()
        if node is not None:
            dialog = MoveDialog(self.session, node, self.nodes, self)
            if dialog.exec():
                self._after(dialog.saved, "已移动类别“{name}”。")

    def save_department(self) -> None:
        node = self.selected()
        if node is None:
            return
        code = self.department.currentData() or None
        outcome = operations.run(
            self,
            lambda: categories.set_default_department(self.session, node.code, code),
            changed=Change(Kind.CATEGORIES),
        )
        if outcome:
            self._notice(f"已设置“{node.name}”的默认责任科室。")

    def toggle_active(self) -> None:
        node = self.selected()
        if node is None:
            return
        if node.active:
            below = "及其全部下级类别" if node.has_children else ""
            if not confirm(
                self,
                "停用类别",
                f"停用“{node.path}”{below}？\n停用后新登记的案件不能再选择，历史案件和统计不受影响，可随时恢复。",
                "停用",
            ):
                return
            call, text = categories.retire_category, "已停用“{name}”。"
        else:
            call, text = categories.reinstate_category, "已恢复“{name}”。"
        outcome = operations.run(self, lambda: call(self.session, node.code), changed=Change(Kind.CATEGORIES))
        if outcome:
            self._after(outcome.value, text)

    def delete(self) -> None:
        node = self.selected()
        if node is None or not confirm(self, "删除类别", f"删除“{node.path}”？该类别尚无案件使用。", "删除"):
            return
        if operations.run(
            self, lambda: categories.delete_category(self.session, node.code), changed=Change(Kind.CATEGORIES)
        ):
            self._notice(f"已删除类别“{node.name}”。")
