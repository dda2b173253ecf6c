"""Department administration (责任科室): list, add, edit, enable/disable."""

from __future__ import annotations

from dataclasses import dataclass

import peewee

from app.errors import NotFoundError, ValidationError
from app.policy import Action
from app.session import Session
from app.write_path import operation
from models.organisation import DEPARTMENT_KINDS, Department


@dataclass(frozen=True)
class DepartmentInfo:
    code: str
    name: str
    kind: str
    phone: str
    head_name: str
    active: bool

    @property
    def kind_label(self) -> str:
        return DEPARTMENT_KINDS.get(self.kind, self.kind)


def _info(row: Department) -> DepartmentInfo:
    return DepartmentInfo(row.code, row.name, row.kind, row.phone, row.head_name, row.active)


def _clean(value: str, field: str, label: str, max_len: int, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError(field, label, "不能为空")
    if len(text) > max_len:
        raise ValidationError(field, label, f"不能超过 {max_len} 个字符")
    if any(ord(ch) < 32 for ch in text):
        raise ValidationError(field, label, "不能包含控制字符")
    return text


def list_departments(include_inactive: bool = True) -> list[DepartmentInfo]:
    """Department names are not personal data: every logged-in role may read them."""
    query = Department.select().order_by(Department.sort_order, Department.code)
    if not include_inactive:
        query = query.where(Department.active == True)  # noqa: E712
    return [_info(row) for row in query]


def save_department(
    session: Session, code: str, name: str, kind: str, phone: str = "", head_name: str = "", *, new: bool
) -> DepartmentInfo:
    """Add (new=True) or edit a department, identified by its code."""
    code = _clean(code, "code", "科室代码", 16, required=True)
    values = {
        "name": _clean(name, "name", "科室名称", 32, required=True),
        "kind": kind,
        "phone": _clean(phone, "phone", "科室电话", 32),
        "head_name": _clean(head_name, "head_name", "科室负责人", 32),
    }
    if kind not in DEPARTMENT_KINDS:
        raise ValidationError("kind", "科室类别", "请选择临床、医技或职能")
    existing = Department.get_or_none(Department.code == code)
    if new and existing is not None:
        raise ValidationError("code", "科室代码", f"“{code}”已存在")
    if not new and existing is None:
        raise NotFoundError(f"科室不存在：{code}")
    clash = Department.get_or_none((Department.name == values["name"]) & (Department.code != code))
    if clash is not None:
        raise ValidationError("name", "科室名称", f"“{values['name']}”已被科室 {clash.code} 使用")
    action = "department.added" if new else "department.changed"
    with operation(session, Action.MANAGE_DEPARTMENTS, action, target=code) as op:
        if new:
            sort_order = (Department.select(peewee.fn.MAX(Department.sort_order)).scalar() or 0) + 1
            row = Department.create(code=code, sort_order=sort_order, **values)
        else:
            Department.update(**values).where(Department.code == code).execute()
            row = Department.get(Department.code == code)
        op.detail.update({k: v for k, v in values.items() if k != "phone"})
    return _info(row)


def set_department_active(session: Session, code: str, active: bool) -> None:
    if Department.get_or_none(Department.code == code) is None:
        raise NotFoundError(f"科室不存在：{code}")
    action = "department.enabled" if active else "department.disabled"
    with operation(session, Action.MANAGE_DEPARTMENTS, action, target=code):
        Department.update(active=active).where(Department.code == code).execute()


def seed_departments(rows: list[dict]) -> int:
    """Insert the default department list into an empty table (database creation only)."""
    if Department.select().exists():
        return 0
    for order, item in enumerate(rows, start=1):
        Department.create(
            code=item["code"], name=item["name"], kind=item.get("kind", "clinical"), sort_order=order
        )
    return len(rows)
