"""Department administration (责任科室): list, add, edit (with aliases), enable/disable, and
`resolve_department`, the one lookup from what staff write to a department."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import peewee

from app.dictionaries import pinyin_initials
from app.errors import NotFoundError, ValidationError
from app.policy import Action
from app.session import Session
from app.write_path import operation
from models.organisation import ALIAS_SEPARATOR, DEPARTMENT_KINDS, Department

MAX_ALIASES = 20
_ALIAS_SPLIT = re.compile(r"[、,，;；/\s]+")
_SHORT_SUFFIXES = ("办公室", "中心", "科", "室", "部", "处", "办")


@dataclass(frozen=True)
class DepartmentInfo:
    code: str
    name: str
    kind: str
    phone: str
    head_name: str
    active: bool
    aliases: tuple[str, ...] = ()

    @property
    def kind_label(self) -> str:
        return DEPARTMENT_KINDS.get(self.kind, self.kind)

    @property
    def aliases_text(self) -> str:
        return ALIAS_SEPARATOR.join(self.aliases)


def _info(row: Department) -> DepartmentInfo:
    return DepartmentInfo(
        row.code, row.name, row.kind, row.phone, row.head_name, row.active, split_aliases(row.aliases)
    )


def split_aliases(text: str) -> tuple[str, ...]:
    """Aliases as typed or stored ("心内科、心内", "心内科, 心内" or one a line), blanks and repeats dropped."""
    seen: dict[str, str] = {}
    for alias in _ALIAS_SPLIT.split(text or ""):
        if alias and alias.lower() not in seen:
            seen[alias.lower()] = alias
    return tuple(seen.values())


def _normal(text: str) -> str:
    """Full-width letters and digits folded (ＩＣＵ → icu), spaces dropped, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).lower()


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


def _clean_aliases(aliases: str | Sequence[str], code: str, name: str) -> str:
    """The aliases to store, checked: short, no control characters, none naming another department
    (its name, code or one of its aliases) and none repeating this department's name."""
    text = aliases if isinstance(aliases, str) else ALIAS_SEPARATOR.join(aliases)
    found = split_aliases(text)
    if len(found) > MAX_ALIASES:
        raise ValidationError("aliases", "别名", f"最多 {MAX_ALIASES} 个")
    for alias in found:
        _clean(alias, "aliases", "别名", 32)
    others: dict[str, str] = {}
    for row in Department.select(Department.code, Department.name, Department.aliases).where(
        Department.code != code
    ):
        for known in (row.code, row.name, *split_aliases(row.aliases)):
            others[_normal(known)] = row.name
    kept = [a for a in found if _normal(a) != _normal(name)]
    for alias in kept:
        if _normal(alias) in others:
            raise ValidationError("aliases", "别名", f"“{alias}”已指向科室“{others[_normal(alias)]}”")
    return ALIAS_SEPARATOR.join(kept)


def save_department(
    session: Session,
    code: str,
    name: str,
    kind: str,
    phone: str = "",
    head_name: str = "",
    *,
    new: bool,
    aliases: str | Sequence[str] | None = None,
) -> DepartmentInfo:
    """Add (new=True) or edit a department, identified by its code. `aliases` are the other names
    staff write for it (心内科、心内), as a list or as text separated by 、 , ; or spaces; None keeps
    the stored ones."""
    with operation(
        session, Action.MANAGE_DEPARTMENTS, "department.added" if new else "department.changed", target=code
    ) as op:
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
        for row in Department.select(Department.name, Department.aliases).where(Department.code != code):
            if _normal(values["name"]) in {_normal(a) for a in split_aliases(row.aliases)}:
                raise ValidationError("name", "科室名称", f"“{values['name']}”已是科室“{row.name}”的别名")
        if aliases is None:
            aliases = existing.aliases if existing is not None else ""
        values["aliases"] = _clean_aliases(aliases, code, values["name"])
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
            code=item["code"],
            name=item["name"],
            kind=item.get("kind", "clinical"),
            aliases=ALIAS_SEPARATOR.join(item.get("aliases", ())),
            sort_order=order,
        )
    return len(rows)


# --------------------------------------------------------------------------- what staff write


def short_name(name: str) -> str:
    """The name without its 科/室/部/中心/办公室… ending: 急诊科 → 急诊, 健康管理中心 → 健康管理."""
    for suffix in _SHORT_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


@lru_cache(maxsize=8)
def _lookup_tiers(departments: tuple[DepartmentInfo, ...]) -> tuple[dict[str, tuple[DepartmentInfo, ...]], ...]:
    """For each way of naming a department, strongest first, the normalised key → departments."""
    tiers: list[dict[str, list[DepartmentInfo]]] = [{}, {}, {}, {}]

    def put(tier: int, key: str, department: DepartmentInfo) -> None:
        found = tiers[tier].setdefault(_normal(key), [])
        if key and department not in found:
            found.append(department)

    for d in departments:
        put(0, d.name, d)
        put(0, d.code, d)
        for alias in d.aliases:
            put(1, alias, d)
        for name in (d.name, *d.aliases):
            put(2, short_name(name), d)
            put(3, pinyin_initials(name), d)
    return tuple({key: tuple(found) for key, found in tier.items() if key} for tier in tiers)


def resolve_department(
    text: str,
    departments: Sequence[DepartmentInfo] | None = None,
    *,
    field: str = "department",
    label: str = "科室",
) -> DepartmentInfo | None:
    """The department that `text`, as staff write it, names; None when it names none.

    Tried in this order, the first that matches wins: the full name or the code (心血管内科,
    cardiology); an alias set by the admin (心内科, 心内, 收费处); the short name of the name or of an
    alias, without its 科/室/部/中心/办公室 ending (急诊 for 急诊科); the pinyin initials of the name
    or of an alias (xxgnk, xnk). Full-width characters, spaces and letter case do not matter.

    `departments` is the list to choose from (default: every department, disabled ones included, as
    old records name them); pass the same list for many lookups, as a ledger import does: its index
    is built once. Raises ValidationError (on `field`, labelled `label`) when the text fits several
    departments equally well, naming them, so the caller can ask for the full name.
    """
    key = _normal(text)
    if not key:
        return None
    pool = tuple(departments) if departments is not None else tuple(list_departments())
    for tier in _lookup_tiers(pool):
        found = tier.get(key, ())
        if len(found) == 1:
            return found[0]
        if found:
            names = "、".join(d.name for d in found)
            raise ValidationError(field, label, f"“{text.strip()}”可指多个科室：{names}，请写全称")
    return None


def active_department_id(written: str, *, field: str, label: str) -> int | None:
    """The active department chosen by code, or written as staff write it (心内, 急诊, 收费处);
    None for an empty text, ValidationError (on `field`) when it names no active department."""
    written = (written or "").strip()
    if not written:
        return None
    row = Department.get_or_none((Department.code == written) & (Department.active == True))  # noqa: E712
    if row is None:
        found = resolve_department(written, list_departments(include_inactive=False), field=field, label=label)
        if found is None:
            raise ValidationError(field, label, "请从列表中选择科室")
        row = Department.get(Department.code == found.code)
    return row.id
