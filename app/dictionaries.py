"""Bundled default dictionaries and the category picker's search.

Loads resources/departments.json, categories.json (3-level 投诉类别, each leaf with a default
responsible department), rejection_reasons.json (不予受理) and external_routes.json (dispute routes
after an unsatisfied follow-up). Each file is read once. The admin edits copies of these in the
database; `parse_departments` / `parse_categories` check such data the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from app.errors import NotFoundError

DEPARTMENT_KINDS = ("clinical", "technical", "administrative")  # 临床 / 医技 / 职能


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()  # what staff also call it: 心内科, 心内 for 心血管内科


@dataclass(frozen=True)
class Category:
    """One node of the category tree; `path` holds the names from 一级 down to this node."""

    code: str
    name: str
    level: int
    parent_code: str | None
    path: tuple[str, ...]
    department_code: str | None = None  # set on leaves only

    @property
    def is_leaf(self) -> bool:
        return self.department_code is not None

    @property
    def full_name(self) -> str:
        return " / ".join(self.path)


@dataclass(frozen=True)
class RejectionReason:
    code: str
    text: str


@dataclass(frozen=True)
class ExternalRoute:
    """A dispute route; `article_22` marks those listed in 《医疗纠纷预防和处理条例》第二十二条."""

    id: str
    name: str
    description: str
    article_22: bool


def _resource(name: str) -> dict[str, Any]:
    return json.loads(files("resources").joinpath(name).read_text(encoding="utf-8"))


def _unique(codes: Iterable[str], what: str) -> None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise ValueError(f"duplicate {what} code {code!r}")
        seen.add(code)


# --------------------------------------------------------------------------- departments


def parse_departments(data: Mapping[str, Any]) -> tuple[Department, ...]:
    """Departments from the JSON form; raises ValueError on a duplicate code or unknown kind."""
    result = tuple(
        Department(d["code"], d["name"], d["kind"], tuple(d.get("aliases", ()))) for d in data["departments"]
    )
    _unique((d.code for d in result), "department")
    for d in result:
        if d.kind not in DEPARTMENT_KINDS:
            raise ValueError(f"department {d.code!r} has unknown kind {d.kind!r}")
    return result


@cache
def departments() -> tuple[Department, ...]:
    """The bundled default departments, in display order."""
    return parse_departments(_resource("departments.json"))


@cache
def _departments_by_code() -> dict[str, Department]:
    return {d.code: d for d in departments()}


def department_by_code(code: str) -> Department:
    try:
        return _departments_by_code()[code]
    except KeyError:
        raise NotFoundError(f"科室代码“{code}”不存在") from None


# --------------------------------------------------------------------------- categories

MAX_CATEGORY_LEVEL = 3


def _flatten(nodes: Sequence[Mapping[str, Any]], parent: Category | None) -> list[Category]:
    result: list[Category] = []
    for node in nodes:
        level = parent.level + 1 if parent else 1
        children = node.get("children") or []
        category = Category(
            code=node["code"],
            name=node["name"],
            level=level,
            parent_code=parent.code if parent else None,
            path=(*parent.path, node["name"]) if parent else (node["name"],),
            department_code=None if children else node.get("department"),
        )
        if level > MAX_CATEGORY_LEVEL:
            raise ValueError(f"category {category.code!r} is deeper than {MAX_CATEGORY_LEVEL} levels")
        if not children and not category.department_code:
            raise ValueError(f"leaf category {category.code!r} has no responsible department")
        result.append(category)
        result.extend(_flatten(children, category))
    return result


def parse_categories(data: Mapping[str, Any], department_codes: Iterable[str]) -> tuple[Category, ...]:
    """All category nodes, depth first. Raises ValueError on duplicate codes, a leaf without a
    department or with an unknown one, or more than three levels."""
    nodes = tuple(_flatten(data["categories"], None))
    _unique((c.code for c in nodes), "category")
    known = set(department_codes)
    for c in nodes:
        if c.is_leaf and c.department_code not in known:
            raise ValueError(f"category {c.code!r} maps to unknown department {c.department_code!r}")
    return nodes


@cache
def categories() -> tuple[Category, ...]:
    """The bundled default category tree, all levels, depth first."""
    return parse_categories(_resource("categories.json"), (d.code for d in departments()))


@cache
def _categories_by_code() -> dict[str, Category]:
    return {c.code: c for c in categories()}


def category_by_code(code: str) -> Category:
    try:
        return _categories_by_code()[code]
    except KeyError:
        raise NotFoundError(f"投诉类别代码“{code}”不存在") from None


def category_leaves() -> tuple[Category, ...]:
    """The selectable (third-level) categories, in dictionary order."""
    return tuple(c for c in categories() if c.is_leaf)


def category_path(code: str) -> tuple[str, ...]:
    """Names from 一级 down to the category, e.g. ("医疗质量", "诊断问题", "误诊漏诊")."""
    return category_by_code(code).path


# --------------------------------------------------------------------------- other lists


@cache
def rejection_reasons() -> tuple[RejectionReason, ...]:
    """Default 不予受理 reasons (DESIGN §4)."""
    reasons = tuple(
        RejectionReason(r["code"], r["text"]) for r in _resource("rejection_reasons.json")["reasons"]
    )
    _unique((r.code for r in reasons), "rejection reason")
    return reasons


@cache
def external_routes() -> tuple[ExternalRoute, ...]:
    """Routes open to an unsatisfied complainant: 人民调解, 行政调解, 诉讼, 医学会鉴定, 信访."""
    routes = tuple(
        ExternalRoute(r["id"], r["name"], r["description"], bool(r["article_22"]))
        for r in _resource("external_routes.json")["routes"]
    )
    _unique((r.id for r in routes), "external route")
    return routes


# --------------------------------------------------------------------------- pinyin search

_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def _pinyin(text: str, *, initials: bool) -> str:
    from pypinyin import Style, lazy_pinyin  # imported on first use: loading its tables takes ~0.3 s

    style = Style.FIRST_LETTER if initials else Style.NORMAL
    return _NOT_ALNUM.sub("", "".join(lazy_pinyin(text, style=style)).lower())


def pinyin_spelled(text: str) -> str:
    """Full pinyin without tones or spaces: "误诊漏诊" → "wuzhenlouzhen"."""
    return _pinyin(text, initials=False)


def pinyin_initials(text: str) -> str:
    """Lower-case first letters of each Chinese character; Latin letters and digits kept as typed
    (lower-cased), everything else dropped: "误诊漏诊" → "wzlz", "CT检查" → "ctjc"."""
    return _pinyin(text, initials=True)


@dataclass(frozen=True)
class _SearchKeys:
    name: str
    code: str
    initials: str
    spelled: str
    ancestors: tuple[str, ...]
    ancestor_pinyin: tuple[str, ...]


@cache
def _search_keys(category: Category) -> _SearchKeys:
    ancestors = category.path[:-1]
    return _SearchKeys(
        name=category.name.lower(),
        code=category.code.lower(),
        initials=pinyin_initials(category.name),
        spelled=_pinyin(category.name, initials=False),
        ancestors=tuple(a.lower() for a in ancestors),
        ancestor_pinyin=tuple(
            key for a in ancestors for key in (pinyin_initials(a), _pinyin(a, initials=False))
        ),
    )


def _term_rank(term: str, keys: _SearchKeys) -> int | None:
    """0 best … 4 weakest; None when the term does not match this category at all."""
    if keys.name.startswith(term) or keys.code.startswith(term):
        return 0
    if term in keys.name:
        return 1
    if keys.initials.startswith(term) or keys.spelled.startswith(term):
        return 2
    if term in keys.initials or term in keys.spelled:
        return 3
    if any(term in a for a in keys.ancestors) or any(p.startswith(term) for p in keys.ancestor_pinyin):
        return 4
    return None


def _leaf_rank(terms: Sequence[str], keys: _SearchKeys) -> int | None:
    """The weakest term rank, or None when some term does not match."""
    worst = 0
    for term in terms:
        rank = _term_rank(term, keys)
        if rank is None:
            return None
        worst = max(worst, rank)
    return worst


def match_category(query: str, leaves: Iterable[Category]) -> list[Category]:
    """Leaves matching every whitespace-separated term of `query`, best first.

    A term matches the leaf's name or code, its pinyin initials or full pinyin, or the name or
    pinyin of a parent level: "wz" and "误诊" find 误诊漏诊, "ylzl" and "医疗" find every leaf under
    医疗质量. Ties keep dictionary order. An empty query returns all leaves.
    """
    terms = query.lower().split()
    ranked: list[tuple[int, int, Category]] = []
    for position, leaf in enumerate(leaves):
        rank = _leaf_rank(terms, _search_keys(leaf))
        if rank is not None:
            ranked.append((rank, position, leaf))
    ranked.sort(key=lambda item: item[:2])
    return [leaf for _, _, leaf in ranked]
