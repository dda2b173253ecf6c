"""Seeding and reading the department list and the 3-level category dictionary of a database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from peewee import JOIN

from app import dictionaries
from app.departments import seed_departments
from models.cases import Category
from models.organisation import Department


def seed_defaults() -> None:
    """Fill an empty database with the default departments and categories (at creation only)."""
    seed_departments(
        [{"code": d.code, "name": d.name, "kind": d.kind, "aliases": d.aliases} for d in dictionaries.departments()]
    )
    if Category.select().exists():
        return
    dept_ids = {d.code: d.id for d in Department.select(Department.id, Department.code)}
    ids: dict[str, int] = {}
    for order, node in enumerate(dictionaries.categories(), start=1):
        row = Category.create(
            code=node.code,
            name=node.name,
            level=node.level,
            path=node.full_name,
            parent=ids.get(node.parent_code) if node.parent_code else None,
            default_department=dept_ids.get(node.department_code or ""),
            sort_order=order,
        )
        ids[node.code] = row.id


@dataclass(frozen=True)
class CategoryLeaf:
    code: str
    name: str
    path: str
    default_department_code: str


def category_leaves() -> list[CategoryLeaf]:
    """Active leaves of this database's dictionary, in dictionary order."""
    parents = Category.select(Category.parent).where(Category.parent.is_null(False))
    rows = (
        Category.select(Category, Department.code.alias("dept_code"))
        .join(Department, on=(Category.default_department == Department.id), join_type=JOIN.LEFT_OUTER)
        .where(Category.active == True, Category.id.not_in(parents))  # noqa: E712
        .order_by(Category.sort_order)
        .objects()
    )
    return [CategoryLeaf(r.code, r.name, r.path, r.dept_code or "") for r in rows]


def match_leaves(query: str, leaves: Sequence[CategoryLeaf]) -> list[CategoryLeaf]:
    """The category picker's search over this database's leaves, best first.

    Same matching as `dictionaries.match_category` (Chinese text, code, pinyin initials or full
    pinyin of the leaf or of a parent level: "fwtd" finds the 服务态度 leaves).
    """
    by_node: dict[dictionaries.Category, CategoryLeaf] = {}
    for leaf in leaves:
        path = tuple(leaf.path.split(" / ")) if leaf.path else (leaf.name,)
        node = dictionaries.Category(
            leaf.code, leaf.name, len(path), None, path, leaf.default_department_code or None
        )
        by_node[node] = leaf
    return [by_node[node] for node in dictionaries.match_category(query, by_node)]
