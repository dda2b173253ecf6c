"""Complainants and patients: names, regions, addresses, phone numbers, ID numbers (GB 11643),
e-mail addresses and 门诊号/住院号. The names and places are in resources/demo/people.json."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from app.demo.randomness import Weighted, chance, one, randint
from app.demo.texts import load
from app.validation import id_check_digit


@dataclass(frozen=True, slots=True)
class Region:
    """A district complainants live in: ID-number code, address prefix, weight, area code."""

    code: str  # 6-digit 行政区划代码 used in ID numbers
    prefix: str  # address prefix: province + city + district
    weight: int
    area_code: str = "025"


_PEOPLE = load("people.json")
_SEXES = {True: "male", False: "female"}

SURNAMES: tuple[tuple[str, int], ...] = tuple(_PEOPLE["surnames"].items())  # with their frequency
# Given names by (male?, generation): 0 born before 1965, 1 before 1990, 2 after.
GIVEN_NAMES: dict[tuple[bool, int], tuple[str, ...]] = {
    (male, generation): tuple(names)
    for male, sex in _SEXES.items()
    for generation, names in enumerate(_PEOPLE["given_names"][sex])
}
# Two-character given names: a first and a second character.
GIVEN_FIRST: dict[bool, str] = {male: _PEOPLE["given_first"][sex] for male, sex in _SEXES.items()}
GIVEN_SECOND: dict[bool, str] = {male: _PEOPLE["given_second"][sex] for male, sex in _SEXES.items()}
REGIONS: tuple[Region, ...] = tuple(Region(*row) for row in _PEOPLE["regions"])
STREETS: tuple[str, ...] = tuple(_PEOPLE["streets"])
COMMUNITIES: tuple[str, ...] = tuple(_PEOPLE["communities"])
TOWNS: tuple[str, ...] = tuple(_PEOPLE["towns"])
MOBILE_PREFIXES: tuple[str, ...] = tuple(_PEOPLE["mobile_prefixes"])
EMAIL_DOMAINS: tuple[tuple[str, int], ...] = tuple(_PEOPLE["email_domains"].items())

SURNAME_PICK = Weighted(SURNAMES)
_REGION_PICK = Weighted((r, r.weight) for r in REGIONS)
_EMAIL_PICK = Weighted(EMAIL_DOMAINS)


@dataclass(frozen=True, slots=True)
class Person:
    """A complainant or patient."""

    name: str
    male: bool
    birth: date
    id_number: str
    phone: str
    address: str
    region: Region


def _given_name(rng: random.Random, male: bool, birth_year: int) -> str:
    generation = 0 if birth_year < 1965 else 1 if birth_year < 1990 else 2
    if chance(rng, 0.6):
        return one(rng, GIVEN_NAMES[(male, generation)])
    return one(rng, GIVEN_FIRST[male]) + one(rng, GIVEN_SECOND[male])


def person_name(rng: random.Random, male: bool, birth_year: int, surname: str = "") -> str:
    """A surname (common ones more often) and a given name of the person's generation."""
    return (surname or SURNAME_PICK.pick(rng)) + _given_name(rng, male, birth_year)


def mobile_number(rng: random.Random) -> str:
    """An 11-digit mobile number."""
    return one(rng, MOBILE_PREFIXES) + f"{randint(rng, 0, 10**8 - 1):08d}"


def id_number(rng: random.Random, region: Region, birth: date, male: bool) -> str:
    """An 18-digit GB 11643 number: region, birth date, sequence (odd for men), check digit."""
    sequence = randint(rng, 0, 99) * 10 + randint(rng, 0, 4) * 2 + (1 if male else 0)
    first17 = f"{region.code}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_digit(first17)


def address(rng: random.Random, region: Region) -> str:
    """A street address in the region (in 江宁 sometimes a village)."""
    if region.code.startswith("3201"):
        if region.code == "320115" and chance(rng, 0.2):
            return f"{region.prefix}{one(rng, TOWNS)}{one(rng, '东西南北新')}塘村{randint(rng, 1, 12)}组{randint(rng, 1, 80)}号"
        return (
            f"{region.prefix}{one(rng, STREETS)}{randint(rng, 1, 399)}号{one(rng, COMMUNITIES)}"
            f"{randint(rng, 1, 36)}栋{randint(rng, 1, 4)}单元{randint(rng, 1, 28)}0{randint(rng, 1, 4)}室"
        )
    return f"{region.prefix}{one(rng, STREETS)}{randint(rng, 1, 600)}号"


def make_person(
    rng: random.Random, age: int, today: date, male: bool | None = None, surname: str = ""
) -> Person:
    """A person of the given age (and sex and surname, if given)."""
    male = chance(rng, 0.5) if male is None else male
    birth = today - timedelta(days=age * 365 + rng.randrange(365))
    region = _REGION_PICK.pick(rng)
    phone = (
        f"{region.area_code}-{rng.choice('568')}{rng.randrange(10**7):07d}"
        if chance(rng, 0.04) and region.area_code == "025"
        else mobile_number(rng)
    )
    return Person(
        name=person_name(rng, male, birth.year, surname),
        male=male,
        birth=birth,
        id_number=id_number(rng, region, birth, male),
        phone=phone,
        address=address(rng, region),
        region=region,
    )


def email_for(rng: random.Random, person: Person) -> str:
    """An e-mail address (QQ numbers or letters and the birth year)."""
    domain = _EMAIL_PICK.pick(rng)
    if domain == "qq.com":
        return f"{randint(rng, 10**7, 3 * 10**9)}@qq.com"
    letters = "".join(rng.choice("abcdefghjkmnpqrstwxyz") for _ in range(randint(rng, 3, 7)))
    return f"{letters}{person.birth:%y}{randint(rng, 0, 999)}@{domain}"


def record_number(rng: random.Random, inpatient: bool, year: int) -> str:
    """门诊号 (10 digits or MZ+yymm+6) or 住院号 (ZY+7 or 7 digits)."""
    if inpatient:
        return f"ZY{rng.randrange(10**7):07d}" if chance(rng, 0.6) else f"{randint(rng, 10**6, 10**7 - 1)}"
    if chance(rng, 0.5):
        return f"{rng.randrange(10**10):010d}"
    return f"MZ{year % 100:02d}{randint(rng, 1, 12):02d}{rng.randrange(10**6):06d}"
