"""The intake form's validation: a refused registration names the field in Chinese and writes
nothing (no case row, no complainant, no audit entry, no number consumed)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from app.cases import intake, views
from app.errors import ValidationError
from models.cases import Case, CaseText, Complainant
from tests.support.cases import PHONE
from tests.support.desk import Desk

from .conftest import audit_count, audit_ok, case_data, make_form

# channel -> the fields it needs, each with the refusal when left blank (DESIGN §3 channels)
REQUIRED = {
    "visit": {
        "complainant_name": "投诉人姓名：不能为空",
        "complainant_phone": "联系电话：不能为空",
        "content": "投诉内容：不能为空",
    },
    "phone": {
        "complainant_name": "投诉人姓名：不能为空",
        "complainant_phone": "联系电话：不能为空",
        "content": "投诉内容：不能为空",
    },
    "letter": {
        "complainant_name": "投诉人姓名：不能为空",
        "complainant_address": "联系地址：不能为空",
        "content": "投诉内容：不能为空",
    },
    "online": {"complainant_name": "投诉人姓名：不能为空", "content": "投诉内容：不能为空"},
    "email": {"complainant_email": "电子邮箱：不能为空", "content": "投诉内容：不能为空"},
    "transfer": {
        "transfer_source": "转办单位：不能为空",
        "transfer_reference": "转办编号：不能为空",
        "content": "投诉内容：不能为空",
    },
    "internal": {"source_department": "转来科室：不能为空", "content": "投诉内容：不能为空"},
    "other": {"complainant_name": "投诉人姓名：不能为空", "content": "投诉内容：不能为空"},
}

COMPLETE = {
    "visit": {},
    "phone": {},
    "letter": {"complainant_address": "江宁区天元中路 88 号"},
    "online": {"complainant_online_account": "微信 zhangguilan"},
    "email": {"complainant_email": "zhang@Example.COM"},
    "transfer": {"transfer_source": "hotline_12345", "transfer_reference": "12345-2026-0310-001"},
    "internal": {"source_department": "emergency"},
    "other": {},
}


def _refused(desk: Desk, expected: str, role: str = "clerk", **fields: object) -> ValidationError:
    """Registering these fields is refused with `expected`, and nothing at all is written."""
    before, audits = case_data(), audit_count()
    with pytest.raises(ValidationError) as info:
        intake.register(desk[role], make_form(**fields))
    assert info.value.message == expected
    assert case_data() == before
    assert audit_count() == audits
    return info.value


@pytest.mark.parametrize("channel", list(REQUIRED))
def test_each_channel_refuses_its_missing_required_fields(desk: Desk, channel: str) -> None:
    complete = {"channel": channel, **COMPLETE[channel]}
    for field, expected in REQUIRED[channel].items():
        blank = "" if field == "transfer_source" else " \t "  # a list choice, or typed-in spaces
        error = _refused(desk, expected, **{**complete, field: blank})
        assert error.field == field
    # and registers once everything is there: the first number, nothing consumed by the refusals
    reg = intake.register(desk["clerk"], make_form(**complete))
    assert reg.case_no == "YH-2026-000001"


@pytest.mark.parametrize("channel", ["online", "other"])
def test_online_and_other_need_at_least_one_way_to_reach_the_complainant(desk: Desk, channel: str) -> None:
    nobody = {
        "complainant_phone": "",
        "complainant_email": "",
        "complainant_address": "",
        "complainant_online_account": "",
    }
    error = _refused(desk, "联系方式：电话、邮箱、地址或网络账号至少填写一项", channel=channel, **nobody)
    assert error.label == "联系方式"
    for way, value in [("complainant_email", "a@b.cn"), ("complainant_online_account", "12345 平台账号")]:
        intake.register(desk["clerk"], make_form(channel=channel, **{**nobody, way: value}))


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("1391234567", "手机号码应为 11 位（现有 10 位）"),
        ("139123456789", "手机号码应为 11 位（现有 12 位）"),
        ("12912345678", "手机号码第二位应为 3–9"),  # no 12x mobiles
        ("025-123", "固定电话的本地号码应为 7 或 8 位（现有 3 位）"),
        ("010-12345678", "固定电话的本地号码不能以 1 开头（区号之后应为 2–9 开头的 7 或 8 位数字）"),
        ("0251-8320123A", "只能包含数字、空格、短横线和括号（分机可写作“转8001”或 0755-86661234-8001）"),
        ("电话13912345678", "只能包含数字、空格、短横线和括号（分机可写作“转8001”或 0755-86661234-8001）"),
        ("+86 25", "不是有效的手机号码或固定电话号码（固定电话如 010-62345678，分机如 0755-86661234-8001）"),
    ],
)
def test_bad_phone_numbers_are_refused(desk: Desk, phone: str, expected: str) -> None:
    error = _refused(desk, f"联系电话：{expected}", complainant_phone=phone)
    assert (error.field, error.label) == ("complainant_phone", "联系电话")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("139 1234 5678", "13912345678"),
        ("+86-139-1234-5678", "13912345678"),
        ("025-83201234", "025-83201234"),
        ("(025) 8320 1234 转 801", "025-83201234-801"),
        ("010 6512 3456", "010-65123456"),
        ("８３２０１２３４", "83201234"),  # full-width digits from a Chinese IME
    ],
)
def test_mobile_and_landline_numbers_are_stored_normalised(desk: Desk, typed: str, stored: str) -> None:
    reg = intake.register(desk["officer"], make_form(complainant_phone=typed))
    assert Complainant.get_by_id(Case.get_by_id(reg.case_id).complainant_id).phone == stored


@pytest.mark.parametrize(
    ("id_number", "problem"),
    [
        ("110105194912310021", "校验位不正确，请核对号码"),
        ("11010519491231002Y", "应为 18 位，最后一位可以是数字或 X"),
        ("110105491231002", "15 位旧号码已停止使用，请填写 18 位身份证号码"),
        ("11010519491331002X", "出生日期不正确"),  # month 13
        ("110105203001010011", "出生日期不正确"),  # born in the future
        ("000105194912310020", "地区码不正确"),
    ],
)
def test_bad_id_numbers_are_refused(desk: Desk, id_number: str, problem: str) -> None:
    error = _refused(desk, f"身份证号码：{problem}", complainant_id_number=id_number)
    assert error.field == "complainant_id_number"


def test_a_valid_id_number_is_stored_upper_case_without_spaces(desk: Desk) -> None:
    reg = intake.register(desk["officer"], make_form(complainant_id_number="110105 19491231 002x"))
    view = views.open_case(desk["officer"], reg.case_id)
    assert view.complainant_id_number == "11010519491231002X"


def test_dates_in_the_future_are_refused(desk: Desk) -> None:
    now = desk.clock.at
    _refused(desk, "接待时间：不能晚于当前时间", received_at=now + timedelta(hours=1))
    _refused(desk, "就诊日期：不能晚于今天", visit_date=now.date() + timedelta(days=1))
    _refused(
        desk,
        "就诊日期：不能晚于接待日期",
        received_at=now - timedelta(days=3),
        visit_date=now.date() - timedelta(days=1),
    )
    _refused(desk, "接待时间：不能早于一年以前", received_at=now - timedelta(days=367))
    # A few minutes of clock drift between workstations is tolerated.
    reg = intake.register(desk["clerk"], make_form(received_at=now + timedelta(minutes=4)))
    assert Case.get_by_id(reg.case_id).received_at == now + timedelta(minutes=4)


@pytest.mark.parametrize(
    ("field", "limit", "label"),
    [
        ("content", 20000, "投诉内容"),
        ("complainant_name", 40, "投诉人姓名"),
        ("complainant_address", 200, "联系地址"),
        ("patient_name", 40, "患者姓名"),
        ("patient_record_no", 32, "门诊号/住院号"),
        ("demands", 2000, "诉求"),
    ],
)
def test_over_long_text_is_refused_with_the_count(desk: Desk, field: str, limit: int, label: str) -> None:
    text = "投" * (limit + 1)
    _refused(desk, f"{label}：不能超过 {limit} 个字（现有 {limit + 1} 个字）", **{field: text})
    reg = intake.register(desk["clerk"], make_form(**{field: "投" * limit}))
    assert Case.get_by_id(reg.case_id).case_no == "YH-2026-000001"


def test_control_characters_are_stripped(desk: Desk) -> None:
    reg = intake.register(
        desk["clerk"],
        make_form(
            complainant_name="张\x1b桂\u200b兰\n",
            content="第一行\x00内容\x07\r\n第二行\u202e内容\t（附表）",
            patient_name=" 李\x08建国 ",
            demands="\u2028要求道歉\x0c",
        ),
    )
    case = Case.get_by_id(reg.case_id)
    assert Complainant.get_by_id(case.complainant_id).name == "张桂兰"
    text = CaseText.get_by_id(reg.case_id)
    assert text.content == "第一行内容\n第二行内容\t（附表）"  # line breaks kept in long text
    assert case.patient_name == "李建国"
    assert text.demands == "要求道歉"


def test_content_of_only_control_characters_counts_as_empty(desk: Desk) -> None:
    _refused(desk, "投诉内容：不能为空", content="\x00\u200b\u200d\x1f ")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"channel": "fax"}, "投诉渠道：请从列表中选择"),
        ({"severity": "critical"}, "严重程度：请从列表中选择"),
        ({"relation": "neighbour"}, "与患者关系：请从列表中选择"),
        ({"category": "01"}, "投诉类别：请选择到最末一级类别"),
        ({"category": "999999"}, "投诉类别：请选择到最末一级类别"),
        ({"visit_department": "no_such_dept"}, "就诊科室：请从列表中选择科室"),
        ({"complainant_email": "zhang@"}, "电子邮箱：格式不正确"),
        (
            {"channel": "transfer", "transfer_source": "cctv", "transfer_reference": "x"},
            "转办单位：请从列表中选择",
        ),
        ({"channel": "internal", "source_department": "nowhere"}, "转来科室：请从列表中选择科室"),
    ],
)
def test_choices_must_come_from_their_lists(desk: Desk, fields: dict, expected: str) -> None:
    _refused(desk, expected, **fields)


UNKNOWN_PHONE = (
    "联系电话：不是有效的手机号码或固定电话号码（固定电话如 010-62345678，分机如 0755-86661234-8001）"
)


def test_every_intake_role_gets_the_same_refusals(desk: Desk) -> None:
    for role in ("clerk", "officer", "night_duty", "manager", "multi"):
        _refused(desk, UNKNOWN_PHONE, role=role, complainant_phone="110")


def test_a_valid_registration_after_many_refusals_is_number_one_and_audited(desk: Desk) -> None:
    for bad in ("1", "2", "3"):
        _refused(desk, UNKNOWN_PHONE, complainant_phone=bad)
    audits = audit_count()
    reg = intake.register(
        desk["clerk"],
        make_form(
            visit_date=date(2026, 3, 9),
            received_at=datetime(2026, 3, 10, 8, 45),
            category="020101",
            visit_department="nursing",
            patient_record_no=" zy-2026-00123 ",
        ),
    )
    assert reg.case_no == "YH-2026-000001"
    assert audit_count() == audits + 1
    case = Case.get_by_id(reg.case_id)
    assert case.patient_record_no == "ZY-2026-00123"
    assert (
        views.open_case(desk["officer"], reg.case_id).category_path
        == "护理质量 / 护理技术 / 穿刺注射技术不佳"
    )
    audit_ok()


def test_the_phone_number_is_normalised_for_the_record(desk: Desk) -> None:
    reg = desk.register(complainant_phone="+86 139-1234-5678")
    assert views.open_case(desk["officer"], reg.case_id).complainant_phone == PHONE
