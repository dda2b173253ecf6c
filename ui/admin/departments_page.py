"""科室管理: the hospital's departments (责任科室), add/edit and enable/disable."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QWidget

from app import departments
from app.departments import DEPARTMENT_KINDS, DepartmentInfo
from app.session import Session
from ui.admin.table_page import TablePage
from ui.common import confirm
from ui.form_dialog import FormDialog
from ui.operations import Change, Kind
from ui.table_model import MUTED, Column, RowTableModel


def departments_model(parent: QWidget | None = None) -> RowTableModel[DepartmentInfo]:
    def muted(d: DepartmentInfo) -> QColor | None:
        return None if d.active else MUTED

    return RowTableModel(
        [
            Column("代码", lambda d: d.code, colour=muted),
            Column("名称", lambda d: d.name, colour=muted),
            Column("别名", lambda d: d.aliases_text, colour=muted),
            Column("类别", lambda d: d.kind_label, colour=muted),
            Column("电话", lambda d: d.phone, colour=muted),
            Column("负责人", lambda d: d.head_name, colour=muted),
            Column("状态", lambda d: "启用" if d.active else "停用", colour=muted),
        ],
        parent,
    )


class DepartmentDialog(FormDialog):
    """Add (department None) or edit one department; the code cannot change once created."""

    def __init__(
        self, session: Session, department: DepartmentInfo | None, parent: QWidget | None = None
    ) -> None:
        super().__init__("添加科室" if department is None else "编辑科室", parent=parent)
        self.session = session
        self.change = Change(Kind.DEPARTMENTS)
        self.new = department is None
        self.saved: DepartmentInfo | None = None
        d = department
        self.code_edit = self.line_edit("code", "科室代码", d.code if d else "", 16)
        self.code_edit.setReadOnly(not self.new)
        self.name_edit = self.line_edit("name", "科室名称", d.name if d else "")
        self.aliases_edit = self.line_edit("aliases", "别名", d.aliases_text if d else "", 400)
        self.aliases_edit.setPlaceholderText("如 心内科、心内（用顿号或逗号分隔）")
        self.kind_combo = QComboBox()
        for kind, label in DEPARTMENT_KINDS.items():
            self.kind_combo.addItem(label, kind)
        if d is not None:
            self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(d.kind)))
        self.form.addRow("类别", self.kind_combo)
        self.fields["kind"] = self.kind_combo
        self.phone_edit = self.line_edit("phone", "电话", d.phone if d else "")
        self.head_edit = self.line_edit("head_name", "负责人", d.head_name if d else "")
        alias_note = "别名用顿号或逗号分隔：登记时输入别名、简称或拼音首字母都能找到本科室，导入台账时也按别名对应。"
        self.finish_layout(("科室代码用于导入和统计，创建后不能修改。" if self.new else "") + alias_note)
        (self.code_edit if self.new else self.name_edit).setFocus()

    def save(self) -> None:
        self.saved = departments.save_department(
            self.session,
            self.code_edit.text(),
            self.name_edit.text(),
            self.kind_combo.currentData(),
            self.phone_edit.text(),
            self.head_edit.text(),
            new=self.new,
            aliases=self.aliases_edit.text(),
        )


class DepartmentsPage(TablePage):
    kind = Kind.DEPARTMENTS

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(
            session,
            "科室管理",
            "投诉转办的责任科室。停用的科室不再出现在转办选项中，历史案件不受影响。",
            departments_model(),
            "按代码、名称、别名或负责人筛选",
            parent,
        )
        self.add_button("添加科室", self.add_department, needs_selection=False, primary=True)
        self.add_button("编辑", self.edit_department)
        self.active_button = self.add_button("停用", self.toggle_active)

    def load(self) -> list[DepartmentInfo]:
        return departments.list_departments()

    def key(self, row: DepartmentInfo) -> str:
        return row.code

    def activated(self) -> None:
        self.edit_department()

    def update_buttons(self) -> None:
        super().update_buttons()
        department: DepartmentInfo | None = self.selected()
        self.active_button.setText("启用" if department is not None and not department.active else "停用")

    def _edit(self, department: DepartmentInfo | None) -> None:
        dialog = DepartmentDialog(self.session, department, self)
        if dialog.exec() and dialog.saved is not None:  # the list was read again on the change
            self.select_key(dialog.saved.code)
            self.show_notice(f"已保存科室“{dialog.saved.name}”。")

    def add_department(self) -> None:
        self._edit(None)

    def edit_department(self) -> None:
        department = self.selected()
        if department is not None:
            self._edit(department)

    def toggle_active(self) -> None:
        d = self.selected()
        if d is None:
            return
        if d.active and not confirm(
            self, "停用科室", f"停用“{d.name}”？停用后不能再向该科室转办投诉。", "停用"
        ):
            return
        if self.run(lambda: departments.set_department_active(self.session, d.code, not d.active)):
            self.show_notice(f"已{'停用' if d.active else '启用'}科室“{d.name}”。")
