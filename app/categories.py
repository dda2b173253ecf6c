"""The 投诉类别 dictionary editor (admin): add, rename, move, retire, reinstate, delete an unused
category, set a leaf's default department, and preview the intake picker's pinyin search.

Rules: the tree has at most three levels; names are unique among siblings; a category that any case
uses (itself or below it) is never deleted, only retired. Retiring a category retires everything
under it: new cases can no longer pick it (intake and the picker read active leaves only), while old
cases keep it and statistics still count them under it. A retired category comes back with 恢复,
once its parent is active again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import peewee

from app import dictionaries
from app.cases.category_tree import CategoryLeaf, category_leaves, match_leaves
from app.errors import NotFoundError, ValidationError
from app.policy import Action
from app.session import Session
from app.write_path import operation, require
from models.cases import Case, CaseIssue, Category
from models.organisation import Department

MAX_LEVEL = dictionaries.MAX_CATEGORY_LEVEL
NAME_MAX = 40
PATH_SEPARATOR = " / "
LEVEL_LABELS = {1: "一级", 2: "二级", 3: "三级"}


@dataclass(frozen=True)
class CategoryInfo:
    """One node as the editor shows it; `case_count` counts the cases filed under it or below."""

    code: str
    name: str
    level: int
    parent_code: str | None
    path: str
    department_code: str
    department_name: str
    active: bool
    has_children: bool
    case_count: int
    own_cases: int

    @property
    def in_use(self) -> bool:
        return self.case_count > 0

    @property
    def deletable(self) -> bool:
        """Only a category no case ever used and with nothing under it may be deleted."""
        return not self.in_use and not self.has_children


@dataclass(frozen=True)
class SearchKeys:
    """What the intake picker matches a category by, besides its name and code."""

    initials: str
    spelled: str


# -- reading -----------------------------------------------------------------------------------------


def _own_counts() -> dict[int, int]:
    query = (
        Case.select(Case.category, peewee.fn.COUNT(Case.id))
        .where(Case.category.is_null(False))
        .group_by(Case.category)
    )
    return dict(query.tuples())


def tree(session: Session) -> list[CategoryInfo]:
    """Every category, depth first in dictionary order, retired ones included."""
    require(session, Action.MANAGE_CATEGORIES)
    return _tree()


def _tree() -> list[CategoryInfo]:
    rows = list(Category.select().order_by(Category.sort_order, Category.id))
    departments = {
        d.id: (d.code, d.name) for d in Department.select(Department.id, Department.code, Department.name)
    }
    own = _own_counts()
    children: dict[int | None, list[Category]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    by_id = {row.id: row for row in rows}
    totals: dict[int, int] = {}

    def total(row: Category) -> int:
        if row.id not in totals:
            totals[row.id] = own.get(row.id, 0) + sum(total(c) for c in children.get(row.id, []))
        return totals[row.id]

    result: list[CategoryInfo] = []

    def walk(parent_id: int | None) -> None:
        for row in children.get(parent_id, []):
            code, name = departments.get(row.default_department_id, ("", ""))
            parent = by_id.get(row.parent_id)
            result.append(
                CategoryInfo(
                    row.code,
                    row.name,
                    row.level,
                    parent.code if parent else None,
                    row.path,
                    code,
                    name,
                    row.active,
                    bool(children.get(row.id)),
                    total(row),
                    own.get(row.id, 0),
                )
            )
            walk(row.id)

    walk(None)
    return result


def search_keys(name: str) -> SearchKeys:
    """The pinyin initials and full pinyin the intake picker will match for this name."""
    return SearchKeys(dictionaries.pinyin_initials(name), dictionaries.pinyin_spelled(name))


def search_preview(session: Session, query: str, limit: int = 20) -> list[CategoryLeaf]:
    """The leaves a clerk typing `query` in the intake form would be offered, best first."""
    require(session, Action.MANAGE_CATEGORIES)
    return match_leaves(query, category_leaves())[:limit]


# -- helpers -----------------------------------------------------------------------------------------


def _get(code: str) -> Category:
    row = Category.get_or_none(Category.code == code)
    if row is None:
        raise NotFoundError(f"投诉类别不存在：{code}")
    return row


def _clean_name(name: str) -> str:
    text = " ".join((name or "").split())
    if not text:
        raise ValidationError("name", "类别名称", "不能为空")
    if len(text) > NAME_MAX:
        raise ValidationError("name", "类别名称", f"不能超过 {NAME_MAX} 个字符")
    if "/" in text or any(ord(ch) < 32 for ch in text):
        raise ValidationError("name", "类别名称", "不能包含“/”或控制字符")
    return text


def _sibling_clash(parent_id: int | None, name: str, excluding: int | None = None) -> None:
    query = Category.select().where(Category.name == name)
    query = query.where(Category.parent.is_null() if parent_id is None else Category.parent == parent_id)
    if excluding is not None:
        query = query.where(Category.id != excluding)
    clash = query.first()
    if clash is not None:
        state = "" if clash.active else "（已停用，可恢复）"
        raise ValidationError("name", "类别名称", f"同一级下已有“{name}”{state}")


def _department_id(code: str | None) -> int | None:
    if not code:
        return None
    row = Department.get_or_none(Department.code == code)
    if row is None:
        raise ValidationError("department", "默认责任科室", f"科室不存在：{code}")
    if not row.active:
        raise ValidationError("department", "默认责任科室", f"科室“{row.name}”已停用")
    return row.id


def _descendants(row: Category) -> list[Category]:
    found: list[Category] = []
    frontier = [row.id]
    while frontier:
        batch = list(Category.select().where(Category.parent.in_(frontier)))
        found += batch
        frontier = [c.id for c in batch]
    return found


def _height(row: Category) -> int:
    """Levels from this node down to its deepest descendant (1 for a leaf)."""
    return max((c.level for c in _descendants(row)), default=row.level) - row.level + 1


def _in_use(rows: Iterable[Category]) -> bool:
    """A category named by a case, or by any of its 投诉事项 (not only the first one)."""
    ids = [r.id for r in rows]
    return (
        Case.select().where(Case.category.in_(ids)).exists()
        or CaseIssue.select().where(CaseIssue.category.in_(ids)).exists()
    )


def _next_code(parent: Category | None) -> str:
    prefix = parent.code if parent else ""
    query = Category.select(Category.code)
    query = query.where(Category.parent.is_null() if parent is None else Category.parent == parent.id)
    numbers = [int(c.code[len(prefix) :]) for c in query if c.code[len(prefix) :].isdigit()]
    number = max(numbers, default=0) + 1
    code = f"{prefix}{number:02d}"
    while Category.select().where(Category.code == code).exists():
        number += 1
        code = f"{prefix}{number:02d}"
    return code


def _repath(row: Category, parent: Category | None) -> None:
    """Set level and path of `row` under `parent`, then of everything below it."""
    row.level = parent.level + 1 if parent else 1
    row.path = f"{parent.path}{PATH_SEPARATOR}{row.name}" if parent else row.name
    row.save()
    for child in Category.select().where(Category.parent == row.id):
        _repath(child, row)


def _renumber() -> None:
    """Sort orders in depth-first dictionary order (what the picker and the lists follow)."""
    rows = list(
        Category.select(Category.id, Category.parent, Category.sort_order).order_by(
            Category.sort_order, Category.id
        )
    )
    children: dict[int | None, list[Category]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    order = 0

    def walk(parent_id: int | None) -> None:
        nonlocal order
        for row in children.get(parent_id, []):
            order += 1
            if row.sort_order != order:
                Category.update(sort_order=order).where(Category.id == row.id).execute()
            walk(row.id)

    walk(None)


def _info(code: str) -> CategoryInfo:
    return next(c for c in _tree() if c.code == code)


# -- writes ------------------------------------------------------------------------------------------


def add_category(
    session: Session, parent_code: str | None, name: str, department_code: str | None = None
) -> CategoryInfo:
    """A new category at the end of its parent's list (a 一级 category when `parent_code` is None)."""
    with operation(session, Action.MANAGE_CATEGORIES, "category.added") as op:
        parent = _get(parent_code) if parent_code else None
        if parent is not None and parent.level >= MAX_LEVEL:
            raise ValidationError("parent", "上级类别", f"类别最多 {MAX_LEVEL} 级，不能在三级类别下再添加")
        if parent is not None and not parent.active:
            raise ValidationError("parent", "上级类别", "上级类别已停用，请先恢复")
        clean = _clean_name(name)
        _sibling_clash(parent.id if parent else None, clean)
        code = _next_code(parent)
        path = f"{parent.path}{PATH_SEPARATOR}{clean}" if parent else clean
        last = (
            Category.select(peewee.fn.MAX(Category.sort_order)).scalar() or 0
        )  # renumbered below into place
        Category.create(
            code=code,
            name=clean,
            level=parent.level + 1 if parent else 1,
            path=path,
            parent=parent.id if parent else None,
            default_department=_department_id(department_code),
            sort_order=last + 1,
        )
        _renumber()
        op.target = code
        op.detail.update(name=clean, parent=parent_code, department=department_code or "")
    return _info(code)


def rename_category(session: Session, code: str, name: str) -> CategoryInfo:
    """A new name; old cases show it too (they keep the category, not its old name)."""
    with operation(session, Action.MANAGE_CATEGORIES, "category.renamed", target=code) as op:
        row = _get(code)
        clean = _clean_name(name)
        if clean == row.name:
            return _info(code)
        _sibling_clash(row.parent_id, clean, excluding=row.id)
        old = row.name
        row.name = clean
        _repath(row, Category.get_by_id(row.parent_id) if row.parent_id else None)
        op.detail.update(old=old, new=clean)
    return _info(code)


def move_category(session: Session, code: str, new_parent_code: str | None) -> CategoryInfo:
    """Move a category (with everything under it) to the end of another parent's list."""
    with operation(session, Action.MANAGE_CATEGORIES, "category.moved", target=code) as op:
        row = _get(code)
        parent = _get(new_parent_code) if new_parent_code else None
        if parent is not None:
            if parent.id == row.id or parent.id in {c.id for c in _descendants(row)}:
                raise ValidationError("parent", "移动到", "不能移到它自己或它的下级类别下")
            if not parent.active:
                raise ValidationError("parent", "移动到", "目标类别已停用")
        if row.parent_id == (parent.id if parent else None):
            return _info(code)
        new_level = parent.level + 1 if parent else 1
        if new_level + _height(row) - 1 > MAX_LEVEL:
            raise ValidationError("parent", "移动到", f"移动后将超过 {MAX_LEVEL} 级，请选择更高一级的位置")
        _sibling_clash(parent.id if parent else None, row.name, excluding=row.id)
        old_path = row.path
        row.parent = parent.id if parent else None
        row.sort_order = (Category.select(peewee.fn.MAX(Category.sort_order)).scalar() or 0) + 1
        _repath(row, parent)
        _renumber()
        op.detail.update(old_path=old_path, new_path=row.path)
    return _info(code)


def set_default_department(session: Session, code: str, department_code: str | None) -> CategoryInfo:
    """The department a new case of this leaf is routed to by default."""
    with operation(session, Action.MANAGE_CATEGORIES, "category.department_changed", target=code) as op:
        row = _get(code)
        if Category.select().where(Category.parent == row.id).exists():
            raise ValidationError("department", "默认责任科室", "只有最末一级类别设置默认责任科室")
        row.default_department = _department_id(department_code)
        row.save()
        op.detail["department"] = department_code or ""
    return _info(code)


def retire_category(session: Session, code: str) -> CategoryInfo:
    """停用: the category and everything under it can no longer be chosen for new cases."""
    with operation(session, Action.MANAGE_CATEGORIES, "category.retired", target=code) as op:
        row = _get(code)
        ids = [row.id, *(c.id for c in _descendants(row))]
        changed = (
            Category.update(active=False).where(Category.id.in_(ids) & (Category.active == True)).execute()
        )  # noqa: E712
        op.detail["retired"] = changed
    return _info(code)


def reinstate_category(session: Session, code: str) -> CategoryInfo:
    """恢复 a retired category and everything under it (its parent must be active)."""
    with operation(session, Action.MANAGE_CATEGORIES, "category.reinstated", target=code) as op:
        row = _get(code)
        if row.parent_id and not Category.get_by_id(row.parent_id).active:
            raise ValidationError("active", "状态", "上级类别已停用，请先恢复上级类别")
        ids = [row.id, *(c.id for c in _descendants(row))]
        op.detail["reinstated"] = Category.update(active=True).where(Category.id.in_(ids)).execute()
    return _info(code)


def delete_category(session: Session, code: str) -> None:
    """Delete a category no case has used and that has nothing under it (otherwise: retire it)."""
    with operation(session, Action.MANAGE_CATEGORIES, "category.deleted", target=code) as op:
        row = _get(code)
        if Category.select().where(Category.parent == row.id).exists():
            raise ValidationError("code", "投诉类别", "下面还有类别，不能删除；可以停用")
        if _in_use([row]):
            raise ValidationError(
                "code", "投诉类别", "已有案件使用该类别，不能删除；可以停用，历史案件和统计不受影响"
            )
        op.detail["path"] = row.path
        row.delete_instance()
        _renumber()
