"""Case search (FTS5 trigram for 3+ characters, LIKE for 1–2, identifiers by exact match) and
duplicate detection at intake, always within what the user may see."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.cases import acceptance, intake, overlays, routing, search
from app.cases.states import State
from tests.support.cases import ID_NUMBER, PHONE
from tests.support.desk import Desk

from .conftest import audit_ok

PHONE_B = "13588886666"
ID_B = "320102198001011238"


@pytest.fixture
def cases(desk: Desk) -> dict[str, int]:
    """Five complaints with distinct words, people, departments and identifiers."""
    reg: dict[str, int] = {}
    reg["rude"] = desk.register(
        "clerk",
        content="心内科门诊医生态度冷漠，问诊不到两分钟就开单。",
        complainant_name="张桂兰",
        patient_name="李建国",
        complainant_id_number=ID_NUMBER,
        visit_department="cardiology",
        patient_record_no="MZ0012345",
    ).case_id
    desk.clock.advance(minutes=1)
    reg["billing"] = desk.register(
        "clerk",
        content="收费处重复收取 CT 检查费 320 元，要求退还。",
        complainant_name="王五",
        patient_name="王小五",
        complainant_phone=PHONE_B,
        complainant_id_number=ID_B,
        patient_record_no="2026000777",
    ).case_id
    desk.clock.advance(minutes=1)
    reg["secret"] = desk.register(
        "clerk",
        content="举报某科室医生收受红包，手术前暗示家属。",
        complainant_name="欧阳娜娜",
        patient_name="欧阳娜娜",
        complainant_phone="13700007777",
        patient_record_no="ZY7654321",
    ).case_id
    desk.clock.advance(minutes=1)
    reg["percent"] = desk.register(
        "clerk",
        content='药费打折 50% 未兑现，"优惠券" 无法使用 (门诊) *星号* NEAR 停车场',
        complainant_name="赵六",
        patient_name="赵六",
        complainant_phone="13611112222",
    ).case_id
    desk.clock.advance(minutes=1)
    reg["parking"] = desk.register(
        "officer",
        content="停车场收费不合理，排队出场一个小时。",
        complainant_name="钱七",
        patient_name="钱小七",
        complainant_phone="13622223333",
    ).case_id
    officer = desk["officer"]
    acceptance.accept(officer, reg["billing"])
    routing.assign(officer, reg["billing"], ["pricing", "finance"])
    overlays.restrict(desk["manager"], reg["secret"], True, ["wangzq"])
    return reg


def _find(desk: Desk, role: str, text: str) -> set[int]:
    return set(search.search(desk[role], text))


# --------------------------------------------------------------------------- text search


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("态度冷漠", {"rude"}),  # 3+ characters: FTS5 trigram
        ("重复收取", {"billing"}),
        ("张桂兰", {"rude"}),  # complainant
        ("李建国", {"rude"}),  # patient
        ("心血管内科", {"rude"}),  # visit department
        ("价格管理办公室", {"billing"}),  # a department the case was sent to
        ("YH-2026-000002", {"billing"}),  # the case number
        ("2026-000005", {"parking"}),
        ("停车场", {"percent", "parking"}),
        ("停车场 排队", {"parking"}),  # every term must match
        ("态度", {"rude"}),  # 1–2 characters: LIKE
        ("CT", {"billing"}),
        ("ct", {"billing"}),  # case-insensitive for Latin letters
        ("王", {"billing"}),
        ("停车 收费", {"parking"}),
        ("门诊 态度冷漠", {"rude"}),  # a mix of short and long terms
        ("收费", {"billing", "parking"}),
        ("不存在的词语", set()),
    ],
)
def test_text_search_finds_the_right_cases(
    desk: Desk, cases: dict[str, int], text: str, expected: set
) -> None:
    found = _find(desk, "officer", text)
    assert found == {cases[k] for k in expected}


def test_results_are_newest_first(desk: Desk, cases: dict[str, int]) -> None:
    desk.clock.advance(hours=1)
    newer = desk.register(content="停车场收费员态度差。").case_id
    assert search.search(desk["officer"], "停车场")[0] == newer
    assert search.search(desk["officer"], "停车") == [newer, cases["parking"], cases["percent"]]


@pytest.mark.parametrize(
    "text",
    [
        '"',
        '""',
        '"态度',
        '态度冷漠"',
        "*",
        "态度*",
        "AND",
        "OR",
        "NOT",
        "态度 AND 冷漠",
        "NEAR",
        "NEAR(态度 冷漠)",
        "NEAR(态度冷漠, 2)",
        "(",
        ")",
        "((门诊",
        "%",
        "%%%",
        "_",
        "\\",
        "'",
        "content:态度",
        "{content people}: 张",
        "^态度",
        "-态度",
        "+",
        "态度 OR 1=1",
        "'; DROP TABLE case; --",
        "\x00",
        "00\x00",
        "态度\x00\x00冷漠",
        "\u200b",
        "   ",
        "a" * 500,
    ],
)
def test_user_input_is_never_taken_as_query_syntax(desk: Desk, cases: dict[str, int], text: str) -> None:
    for role in ("officer", "clerk", "manager"):
        found = search.search(desk[role], text)
        assert isinstance(found, list)


def test_operators_and_wildcards_are_matched_literally(desk: Desk, cases: dict[str, int]) -> None:
    assert _find(desk, "officer", "%") == {cases["percent"]}  # not "everything"
    assert _find(desk, "officer", "50%") == {cases["percent"]}
    assert _find(desk, "officer", "_") == set()
    assert _find(desk, "officer", "*星号*") == {cases["percent"]}
    assert _find(desk, "officer", '"优惠券"') == {cases["percent"]}
    assert _find(desk, "officer", "(门诊)") == {cases["percent"]}
    assert _find(desk, "officer", "NEAR") == {cases["percent"]}
    assert _find(desk, "officer", "态度 OR 停车场") == set()  # OR is a word here, not an operator
    assert _find(desk, "officer", "态度\x00冷漠\u200b") == {cases["rude"]}  # pasted control characters
    assert _find(desk, "officer", "态度\n冷漠") == {cases["rude"]}  # a line break separates terms


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=40))
def test_any_text_searches_without_error(desk: Desk, text: str) -> None:
    for role in ("officer", "clerk"):
        found = search.search(desk[role], text)
        assert all(isinstance(i, int) for i in found)


# --------------------------------------------------------------------------- restricted cases


@pytest.mark.parametrize(
    "text", ["收受红包", "红包", "欧阳娜娜", "YH-2026-000003", "13700007777", "ZY7654321"]
)
def test_restricted_cases_never_leak_through_search(desk: Desk, cases: dict[str, int], text: str) -> None:
    secret = cases["secret"]
    for role in ("officer", "clerk", "clerk2", "night_duty", "admin", "multi", "officer_admin"):
        assert secret not in _find(desk, role, text), role
    assert _find(desk, "manager", text) == {secret}
    assert _find(desk, "officer2", text) == {secret}  # named on it


# --------------------------------------------------------------------------- identifiers


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        (PHONE_B, "billing"),
        ("135 8888 6666", "billing"),
        ("135-8888-6666", "billing"),
        (ID_NUMBER, "rude"),
        (ID_NUMBER.lower(), "rude"),
        (ID_B, "billing"),
        ("2026000777", "billing"),  # a numeric 门诊号/住院号
    ],
)
def test_phone_and_id_exact_search_for_officers_and_managers(
    desk: Desk, cases: dict[str, int], typed: str, key: str
) -> None:
    for role in ("officer", "manager", "officer_admin"):
        assert _find(desk, role, typed) == {cases[key]}, role
    for role in ("clerk", "night_duty", "multi", "admin"):
        assert _find(desk, role, typed) == set(), role


def test_identifiers_match_exactly_not_in_part(desk: Desk, cases: dict[str, int]) -> None:
    assert _find(desk, "officer", "1358888") == set()
    assert _find(desk, "officer", ID_NUMBER[:12]) == set()
    assert _find(desk, "officer", PHONE) == {cases["rude"]}
    assert _find(desk, "officer", "MZ0012345") == {cases["rude"]}  # a 门诊号 with letters
    assert _find(desk, "officer", "mz0012345") == {cases["rude"]}
    assert _find(desk, "clerk", "MZ0012345") == set()


def test_phone_numbers_are_not_in_the_text_index(desk: Desk, cases: dict[str, int]) -> None:
    """A clerk cannot find a case by a phone number through the words either."""
    assert _find(desk, "clerk", "88886666") == set()
    assert _find(desk, "clerk", "8888") == set()
    assert _find(desk, "clerk", ID_B[-6:]) == set()


# --------------------------------------------------------------------------- duplicates


def _dupes(desk: Desk, role: str, **keys: str) -> dict[int, str]:
    return {c.case_id: c.matched_on for c in intake.find_duplicates(desk[role], **keys)}


def test_duplicates_by_phone_id_and_record_number_within_180_days(desk: Desk) -> None:
    now = desk.clock.at = datetime(2026, 9, 10, 9, 0)
    old = desk.register(received_at=now - timedelta(days=181), complainant_id_number=ID_NUMBER).case_id
    edge = desk.register(received_at=now - timedelta(days=179), patient_record_no="ZY2026001").case_id
    recent = desk.register(received_at=now - timedelta(days=3), complainant_phone="135 8888 6666").case_id
    unrelated = desk.register(complainant_phone="13600000000", complainant_id_number=ID_B).case_id

    assert _dupes(desk, "clerk", phone=PHONE) == {edge: "电话"}  # old is beyond 180 days
    assert _dupes(desk, "clerk", phone="+86 139 1234 5678") == {edge: "电话"}
    assert _dupes(desk, "clerk", id_number=ID_NUMBER) == {}
    assert _dupes(desk, "clerk", id_number=ID_B) == {unrelated: "身份证号"}
    assert _dupes(desk, "clerk", record_no="zy2026001") == {edge: "门诊号/住院号"}
    assert _dupes(desk, "clerk", phone=PHONE_B) == {recent: "电话"}
    combined = intake.find_duplicates(desk["officer"], phone=PHONE_B, id_number=ID_B, record_no="ZY2026001")
    assert [c.case_id for c in combined] == [unrelated, recent, edge]  # newest first
    assert {c.case_id: c.matched_on for c in combined} == {
        unrelated: "身份证号",
        recent: "电话",
        edge: "门诊号/住院号",
    }
    assert _dupes(desk, "officer", phone=PHONE_B, record_no="ZY2026001") == {
        recent: "电话",
        edge: "门诊号/住院号",
    }
    assert old not in _dupes(desk, "manager", phone=PHONE, id_number=ID_NUMBER)
    # The case being registered itself is left out.
    assert intake.find_duplicates(desk["officer"], phone=PHONE_B, exclude_case_id=recent) == []
    # Half-typed or invalid input simply finds nothing.
    assert _dupes(desk, "clerk", phone="1391") == {}
    assert _dupes(desk, "clerk", id_number="1101051949") == {}
    candidate = intake.find_duplicates(desk["clerk"], phone=PHONE)[0]
    assert candidate.case_no == "YH-2026-000002"
    assert candidate.state == State.REGISTERED
    assert candidate.summary.startswith("患者在门诊候诊三小时")


def test_duplicates_respect_visibility(desk: Desk) -> None:
    open_case = desk.register("clerk").case_id
    secret = desk.register("clerk", content="保密投诉").case_id
    overlays.restrict(desk["manager"], secret, True, ["wangzq"])
    desk.clock.set(datetime(2026, 3, 10, 22, 0))
    night = desk.register("night_duty", channel="phone").case_id

    everything = {open_case, secret, night}
    assert set(_dupes(desk, "manager", phone=PHONE)) == everything
    assert set(_dupes(desk, "officer2", phone=PHONE)) == everything  # named on the restricted one
    assert set(_dupes(desk, "officer", phone=PHONE)) == {open_case, night}
    assert set(_dupes(desk, "clerk", phone=PHONE)) == {open_case, night}
    assert set(_dupes(desk, "night_duty", phone=PHONE)) == {night}  # only their own night intake
    assert set(_dupes(desk, "multi", phone=PHONE)) == {open_case, night}
    audit_ok()
