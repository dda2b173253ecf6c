"""Slot values of one case for the narrative templates: the patient as the narrator calls them,
departments, dates, staff, examinations, amounts (each computed on first use)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from app.demo.people import REGIONS, SURNAME_PICK, Person, Region
from app.demo.randomness import chance, one, randint
from app.demo.texts import (
    DIAGNOSES,
    DRUGS,
    EXAMS,
    IMAGING,
    OTHER_HOSPITALS,
    SURGERIES,
    SYMPTOMS,
    TECH_DEPTS,
    WINDOWS,
)

if TYPE_CHECKING:
    from app.demo.generator import DemoGenerator


class Slots(dict):
    """Slot values of one case, computed on first use. `who` names the patient in full the first
    time and briefly afterwards."""

    def __init__(self, gen: DemoGenerator, rng: random.Random, ctx: dict[str, Any]) -> None:
        super().__init__()
        self.gen, self.rng, self.ctx = gen, rng, ctx
        self._who_used = False

    def __getitem__(self, key: str) -> str:
        if key == "who":
            full, short = self.ctx["who"]
            if self._who_used:
                return short
            self._who_used = True
            return full
        return super().__getitem__(key)

    def __missing__(self, key: str) -> str:
        value = getattr(self, "_" + key)()
        self[key] = value
        return value

    def _pick(self, seq: Sequence[str]) -> str:
        return one(self.rng, seq)

    def _c(self) -> str:
        return self.ctx["profile"].complainant.name

    def _p(self) -> str:
        return self.ctx["profile"].patient.name

    def _rel(self) -> str:
        return self.ctx["rel_label"]

    def _rel_self(self) -> str:
        return self.ctx["rel_self"]

    def _we(self) -> str:
        return self.ctx["we"]

    def _dept(self) -> str:
        return self.ctx["dept_name"] or "门诊"

    def _tech_dept(self) -> str:
        return self._pick(TECH_DEPTS)

    def _ward(self) -> str:
        dept = self._dept()
        if chance(self.rng, 0.5):
            return f"{dept}{randint(self.rng, 1, 3)}病区"
        return f"住院部{randint(self.rng, 1, 5)}号楼{randint(self.rng, 3, 18)}楼{dept}病区"

    def _window(self) -> str:
        return self._pick(WINDOWS)

    def _date(self) -> str:
        visit: date = self.ctx["visit_date"]
        received: datetime = self.ctx["received_at"]
        return (
            f"{visit.year}年{visit.month}月{visit.day}日"
            if visit.year != received.year
            else f"{visit.month}月{visit.day}日"
        )

    def _time_phrase(self) -> str:
        return self._pick(("上午", "下午", "晚上", "凌晨", "中午")) + self._pick(
            ("", "", "十点多", "三点左右", "八点多")
        )

    def _staff_surname(self) -> str:
        return SURNAME_PICK.pick(self.rng)

    def _doctor(self) -> str:
        return (
            self._staff_surname() + self._pick(("医生", "医生", "主任", "大夫"))
            if chance(self.rng, 0.8)
            else "接诊医生"
        )

    def _nurse(self) -> str:
        return (
            self._staff_surname() + "护士"
            if chance(self.rng, 0.5)
            else self._pick(("一名护士", "值班护士", "责任护士"))
        )

    def _staff(self) -> str:
        choice = randint(self.rng, 0, 3)
        return ("当事医生", "当班护士", "相关工作人员")[choice] if choice < 3 else self._doctor()

    def _exam(self) -> str:
        return self._pick(EXAMS)

    def _imaging(self) -> str:
        return self._pick(IMAGING)

    def _surgery(self) -> str:
        return self._pick(SURGERIES)

    def _drug(self) -> str:
        return self._pick(DRUGS)

    def _symptom(self) -> str:
        return self._pick(SYMPTOMS)

    def _diagnosis(self) -> tuple[str, str]:
        if "diagnosis" not in self.ctx:
            self.ctx["diagnosis"] = one(self.rng, DIAGNOSES)
        return self.ctx["diagnosis"]

    def _dx_wrong(self) -> str:
        return self._diagnosis()[0]

    def _dx_right(self) -> str:
        return self._diagnosis()[1]

    def _other_hospital(self) -> str:
        return self._pick(OTHER_HOSPITALS)

    def _amount(self) -> str:
        return str(randint(self.rng, 8, 600) * 50)

    def _amount_small(self) -> str:
        return str(randint(self.rng, 2, 300) * 5)

    def _days(self) -> str:
        return str(randint(self.rng, 3, 25))

    def _n(self) -> str:
        return self._pick("二三四五")

    def _age(self) -> str:
        patient: Person = self.ctx["profile"].patient
        return str(max(1, (self.ctx["received_at"].date() - patient.birth).days // 365))

    def _province(self) -> str:
        region: Region = self.ctx["profile"].complainant.region
        if not region.code.startswith("3201"):
            return region.prefix
        return one(self.rng, [r.prefix for r in REGIONS if not r.code.startswith("32")])

    def _source(self) -> str:
        return self.ctx["source_label"]

    def _ref(self) -> str:
        return self.ctx["reference"]

    def _src_dept(self) -> str:
        return self.ctx["source_department_name"]


@dataclass(frozen=True, slots=True)
class _Kinship:
    third: tuple[str, str]  # the patient in the office's words: first mention, later mentions
    first: tuple[str, str]  # the patient in the complainant's own words
    rel_self: str  # who the complainant is, in their own words


def kinship(relation: str, complainant: Person, patient: Person) -> _Kinship:
    """How the narrator names the patient and the complainant, by their relation."""
    if relation == "self":
        return _Kinship(("投诉人", "患者"), ("我", "我"), "患者本人")
    if relation == "other":
        return _Kinship(
            (f"患者{patient.name}", "患者"), (f"我的亲戚{patient.name}", "亲戚"), f"患者{patient.name}的亲属"
        )
    if relation == "spouse":
        kin, mine = ("丈夫" if patient.male else "妻子"), ("丈夫" if complainant.male else "妻子")
        child = "患者"
    elif relation == "child":  # the complainant is the patient's son or daughter
        kin, mine = ("父亲" if patient.male else "母亲"), ("儿子" if complainant.male else "女儿")
        child = "患者"
    else:  # parent: the patient is the complainant's child
        kin, mine = ("儿子" if patient.male else "女儿"), ("父亲" if complainant.male else "母亲")
        child = "患儿"
    return _Kinship(
        (f"其{kin}{patient.name}", f"其{kin}"), (f"我{kin}", f"我{kin}"), f"{child}{patient.name}的{mine}"
    )
