"""What a search term finds with text indexes that keep no positions (models/search_index.py):
a 1–2 character term is one token of the character index, a 3-character term one trigram, a
longer term the cases holding all its trigrams, checked against the texts. Every term is found
where it stands in one of the case's texts, as one piece, and nowhere else."""

from __future__ import annotations

import random
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.cases import search
from models.cases import Case
from tests.support.desk import Desk

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def _find(desk: Desk, text: str, role: str = "officer") -> set[int]:
    return set(search.search(desk[role], text))


def _candidates(text: str) -> set[int]:
    source, params = search._candidates(text.split())
    return set(search._ids(source, params))


@pytest.fixture
def texts(desk: Desk) -> dict[str, int]:
    reg = {
        "ct": desk.register(
            content="收费处重复收取CT室检查费320元，要求退还。B超另计。", complainant_name="王五"
        ),
        "far": desk.register(content="停车场很远。去车场收费处排队，停，车位满了。", complainant_name="钱七"),
        "parking": desk.register(content="停车场收费不合理，排队一个小时。", complainant_name="孙八"),
        "names": desk.register(
            content="阳明山下的分院门诊候诊太久。", complainant_name="欧阳明", patient_name="李四"
        ),
        "spaced": desk.register(content="患者 家属 称医生态度差", complainant_name="周九"),
    }
    return {key: registered.case_id for key, registered in reg.items()}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("停", {"far", "parking"}),  # 1 character: its token
        ("ct", {"ct"}),  # 2 characters: the pair's token, case folded
        ("Ct", {"ct"}),
        ("T室", {"ct"}),  # a pair of an ASCII letter and a Chinese character
        ("32", {"ct"}),
        ("停车", {"far", "parking"}),  # "停，车" is no pair: the comma separates
        ("者家", set()),  # nor across whitespace
        ("四欧", set()),  # nor across two people's names
        ("明李", set()),
        ("停车场", {"far", "parking"}),  # 3 characters: one trigram
        ("车场收", {"far", "parking"}),
        ("停车场收", {"parking"}),  # "far" holds 停车场 and 车场收, not 停车场收
        ("停车场收费", {"parking"}),
        ("欧阳明山", set()),  # 欧阳明 in the name, 阳明山 in the narrative: no text holds it
        ("阳明山下", {"names"}),
        ("320元", {"ct"}),  # digits and Chinese, 4 characters
        ("CT室检查费", {"ct"}),
        ("ct室检查费", {"ct"}),
        ("B超 320", {"ct"}),  # several terms, each as it is
        ("停车 停车场收", {"parking"}),
        ("排队 停车场收费", {"parking"}),
        ("门诊 阳明山下 欧阳", {"names"}),  # one term of each kind
        ("停，车", {"far"}),  # punctuation: the texts themselves
        ("停， 车场", {"far"}),
        ("医生态度", {"spaced"}),
    ],
)
def test_each_term_is_found_as_one_piece_of_a_text(
    desk: Desk, texts: dict[str, int], text: str, expected: set[str]
) -> None:
    assert _find(desk, text) == {texts[k] for k in expected}


def test_a_long_terms_false_candidates_are_checked_away(desk: Desk, texts: dict[str, int]) -> None:
    """The cases holding every trigram of the term are candidates; the texts decide."""
    assert texts["far"] in _candidates("停车场收") and texts["far"] not in _find(desk, "停车场收")
    assert texts["names"] in _candidates("欧阳明山") and _find(desk, "欧阳明山") == set()


def test_a_case_number_is_found_by_its_pieces(desk: Desk, texts: dict[str, int]) -> None:
    number = Case.get_by_id(texts["far"]).case_no  # YH-2026-000002
    assert _find(desk, number) == {texts["far"]}
    assert _find(desk, number[2:]) == {texts["far"]}  # "-2026-000002": the trigram index, checked
    assert _find(desk, number[-7:]) == {texts["far"]}  # "-000002"
    assert texts["far"] not in _find(desk, number[-4:] + "9")


def test_many_candidates_are_checked_on_the_walk_newest_first(
    desk: Desk, texts: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above MANY candidates the cases are tested newest first, each checked against its texts."""
    monkeypatch.setattr(search, "MANY", 1)
    assert search.search(desk["officer"], "停车场收") == [texts["parking"]]
    assert search.search(desk["officer"], "停车场") == [texts["parking"], texts["far"]]
    assert search.search(desk["officer"], "停车 车场收") == [texts["parking"], texts["far"]]
    assert search.search(desk["officer"], "停， 车场") == [texts["far"]]


def test_candidates_are_checked_a_page_at_a_time_newest_first(desk: Desk, texts: dict[str, int]) -> None:
    """A newer false candidate does not take the place of an older case that holds the term."""
    desk.clock.advance(minutes=5)
    newer = desk.register(content="停车场在东门，去车场收费处缴费。").case_id  # 停车场, 车场收: no 停车场收
    assert newer in _candidates("停车场收")
    assert search.search(desk["officer"], "停车场收", limit=1) == [texts["parking"]]
    assert search.search(desk["officer"], "停车场 车场收", limit=2) == [newer, texts["parking"]]
    assert search.search(desk["officer"], "车场收费", limit=2) == [newer, texts["parking"]]


# --------------------------------------------------------------------------- against a plain reading

ALPHABET = "停车场收费aBx，"


@pytest.fixture
def random_cases(desk: Desk) -> dict[int, list[str]]:
    """Fifteen cases over a small alphabet (terms found everywhere, candidates that are not), and
    each case's texts: people, narrative, demands, category, departments (their numbers use none
    of the alphabet's characters)."""
    rng = random.Random(7)

    def words(low: int, high: int) -> str:
        return "".join(rng.choice(ALPHABET + " \n") for _ in range(rng.randint(low, high))).strip() or "停"

    found: dict[int, list[str]] = {}
    for _ in range(15):
        case_id = desk.register(
            content=words(20, 60),
            demands=words(0, 12),
            complainant_name=words(2, 3).replace(" ", "").replace("\n", "") or "停车",
            patient_name=rng.choice(["", "场收", "aB"]),
        ).case_id
        _number, people, content, departments, category = search._fts_text(Case.get_by_id(case_id))
        found[case_id] = [people, content, departments, category]
    return found


def _holds(texts: list[str], term: str) -> bool:
    term = term.translate(_ASCII_LOWER)
    return any(term in text.translate(_ASCII_LOWER) for text in texts)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(terms=st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=6), min_size=1, max_size=3))
def test_search_finds_what_a_plain_reading_of_the_texts_finds(
    desk: Desk, random_cases: dict[int, list[str]], terms: list[str]
) -> None:
    expected = {case_id for case_id, texts in random_cases.items() if all(_holds(texts, t) for t in terms)}
    assert _find(desk, " ".join(terms), "manager") == expected
