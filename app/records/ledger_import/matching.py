"""What a ledger calls a department or a category, matched to this database: departments through
`app.departments.resolve_department` (names, codes, aliases, short names, pinyin initials), categories
through the category dictionary (a leaf or a level written out) and the words offices use for them.
What neither finds — and what the user decided for it — is kept per value (`choices`)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from app.departments import list_departments, resolve_department
from app.errors import ValidationError
from models.cases import Category

# Free-text words of ledgers → a category code of the bundled dictionary (used when the code exists).
CATEGORY_SYNONYMS: tuple[tuple[str, str], ...] = (
    ("红包", "050101"),
    ("回扣", "050101"),
    ("误诊", "010101"),
    ("漏诊", "010101"),
    ("用药", "010203"),
    ("抢救", "010204"),
    ("并发症", "010202"),
    ("多收费", "040101"),
    ("乱收费", "040101"),
    ("重复收费", "040101"),
    ("退费", "040201"),
    ("排队", "060201"),
    ("等候", "060201"),
    ("等待", "060201"),
    ("停车", "060301"),
    ("挂号", "110101"),
    ("号源", "110101"),
    ("医保", "08"),
    ("护士态度", "030201"),
    ("护理", "02"),
    ("态度", "03"),
    ("服务", "03"),
    ("收费", "04"),
    ("费用", "04"),
    ("医德", "05"),
    ("医风", "05"),
    ("纪律", "0502"),
    ("环境", "06"),
    ("卫生", "0601"),
    ("流程", "0602"),
    ("后勤", "07"),
    ("设备", "0701"),
    ("药品", "09"),
    ("药", "09"),
    ("治安", "1001"),
    ("安全", "10"),
    ("技术", "01"),
    ("医疗质量", "01"),
    ("质量", "01"),
    ("诊疗", "01"),
    ("治疗", "0102"),
    ("诊断", "0101"),
    ("医疗", "01"),
)


def _normal(text: str) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", text or ""))


@dataclass
class Matcher:
    """Resolves ledger texts; `choices` maps a text to the code the user chose ("" = leave empty)."""

    department_choices: dict[str, str] = field(default_factory=dict)
    category_choices: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._departments = tuple(list_departments())
        self._codes = {d.code for d in self._departments}
        rows = list(
            Category.select(Category.id, Category.code, Category.name, Category.path, Category.active)
        )
        self._category_ids = {r.code: r.id for r in rows}
        self._category_paths = {r.code: r.path for r in rows}
        self._by_name: dict[str, str] = {}
        for row in rows:
            for key in (_normal(row.name), _normal(row.path), _normal(row.path.replace(" / ", "/"))):
                self._by_name.setdefault(key, row.code)
        self._cache: dict[tuple[str, str], tuple[str | None, str]] = {}

    # -- departments -------------------------------------------------------------------------------

    def department(self, text: str) -> tuple[str | None, str]:
        """(code or None, problem). None with a problem: not found or ambiguous (ask the user)."""
        key = _normal(text)
        if not key:
            return None, ""
        if key in self.department_choices:
            return self.department_choices[key] or None, ""
        cached = self._cache.get(("d", key))
        if cached is None:
            try:
                found = resolve_department(text, self._departments)
                cached = (found.code, "") if found else (None, f"科室“{text.strip()}”未能识别")
            except ValidationError as exc:
                cached = (None, exc.problem)
            self._cache[("d", key)] = cached
        return cached

    def department_names(self) -> list[tuple[str, str]]:
        return [(d.code, d.name) for d in self._departments if d.active]

    # -- categories --------------------------------------------------------------------------------

    def category(self, text: str) -> tuple[str | None, str]:
        key = _normal(text)
        if not key:
            return None, ""
        if key in self.category_choices:
            return self.category_choices[key] or None, ""
        cached = self._cache.get(("c", key))
        if cached is None:
            code = self._by_name.get(key)
            if code is None:
                code = next(
                    (c for word, c in CATEGORY_SYNONYMS if word in key and c in self._category_ids), None
                )
            cached = (code, "") if code else (None, f"类别“{text.strip()}”未能识别")
            self._cache[("c", key)] = cached
        return cached

    def category_id(self, code: str | None) -> int | None:
        return self._category_ids.get(code) if code else None

    def category_path(self, code: str | None) -> str:
        return self._category_paths.get(code, "") if code else ""

    def category_names(self) -> list[tuple[str, str]]:
        return sorted(self._category_paths.items(), key=lambda item: item[0])

    def department_id_of(self, code: str | None) -> str | None:
        return code if code in self._codes else None
