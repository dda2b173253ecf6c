"""Search texts for the benchmark: common and rare terms, names, numbers, several words."""

from __future__ import annotations

import random

from models.cases import Case, Complainant

# ≥ 3 characters per term: FTS5 trigram index.
FTS_TEXTS = (
    "态度生硬",
    "核磁共振",
    "停车场",
    "索要红包",
    "医保报销",
    "住院部",
    "护士站",
    "申请退费",
    "重复扣款",
    "号贩子",
    "误诊漏诊",
    "心血管内科",
    "急诊科",
    "抢救不及时",
    "异地就医",
    "病历复印",
    "呼叫铃",
    "扎了四五针",
    "呼叫铃 护士站",
    "医保电子凭证",
    "骨科钢板",
    "心血管内科 态度生硬",
)
# 1–2 characters: LIKE over the indexed text.
SHORT_TEXTS = ("王", "李", "红包", "医保", "态度", "停车", "误诊", "压疮", "退费", "电梯", "发热", "欧阳")


def _names(rng: random.Random, length: int, count: int) -> list[str]:
    """Complainant names of the given length, from random cases of the database."""
    top = Case.select(Case.id).order_by(Case.id.desc()).limit(1).scalar() or 0
    found: list[str] = []
    for _ in range(200):
        if len(found) >= count or not top:
            break
        row = (
            Complainant.select(Complainant.name)
            .join(Case, on=(Case.complainant == Complainant.id))
            .where(Case.id == rng.randint(1, top))
            .first()
        )
        if row and len(row.name) == length and row.name not in found:
            found.append(row.name)
    return found


def fts_queries(rng: random.Random) -> list[str]:
    """30 texts: fixed phrases, three-character names and case numbers of this database."""
    top = Case.select(Case.id).order_by(Case.id.desc()).limit(1).scalar() or 1
    numbers = [Case.get_by_id(rng.randint(1, top)).case_no for _ in range(3)]
    prefix = numbers[0].rsplit("-", 1)[0]
    texts = [*FTS_TEXTS, *_names(rng, 3, 4), *numbers, f"{prefix}-0001"]
    return texts[:30]


def short_queries(rng: random.Random) -> list[str]:
    """20 texts of one or two characters, including two-character names of this database."""
    return [*SHORT_TEXTS, *_names(rng, 2, 8)][:20]
