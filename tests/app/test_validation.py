"""Field validators, masking and choice tables (table-driven)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from app.errors import ValidationError
from app.validation import (
    CHANNELS,
    FINDINGS,
    RELATIONS,
    SATISFACTIONS,
    SEVERITIES,
    TRANSFER_SOURCES,
    clean_text,
    id_check_digit,
    mask_id_number,
    mask_name,
    mask_phone,
    missing_fields,
    require_fields,
    required_fields_for_channel,
    validate_amount,
    validate_choice,
    validate_email,
    validate_id_number,
    validate_not_future,
    validate_phone,
)

# --------------------------------------------------------------------------- clean_text


@pytest.mark.parametrize(
    ("raw", "multiline", "expected"),
    [
        ("  张三  ", False, "张三"),
        ("\u3000张三\u3000", False, "张三"),
        ("张\x00三\x07", False, "张三"),
        ("张\u200b三\u202e", False, "张三"),
        ("第一行\n第二行", False, "第一行 第二行"),
        ("第一行\r\n第二行\r第三行\u2028第四行", True, "第一行\n第二行\n第三行\n第四行"),
        ("列1\t列2", True, "列1\t列2"),
        ("列1\t列2", False, "列1 列2"),
        ("e\u0301", False, "\u00e9"),  # NFC
        (None, False, ""),
    ],
)
def test_clean_text(raw: str | None, multiline: bool, expected: str) -> None:
    assert clean_text(raw, field="f", label="字段", max_len=50, multiline=multiline) == expected


def test_clean_text_required_and_length() -> None:
    with pytest.raises(ValidationError) as info:
        clean_text(" \x00 ", field="complainant_name", label="投诉人姓名", max_len=10, required=True)
    assert (info.value.field, info.value.message) == ("complainant_name", "投诉人姓名：不能为空")
    assert clean_text("一二三四五", field="f", label="摘要", max_len=5) == "一二三四五"
    with pytest.raises(ValidationError, match="摘要：不能超过 5 个字（现有 6 个字）"):
        clean_text("一二三四五六", field="f", label="摘要", max_len=5)


# --------------------------------------------------------------------------- phones


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("13812345678", "13812345678"),
        (" 138 1234 5678 ", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("0086 13812345678", "13812345678"),
        ("013812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("14712345678", "14712345678"),
        ("16612345678", "16612345678"),
        ("19912345678", "19912345678"),
        ("025-83201234", "025-83201234"),
        ("025 8320 1234", "025-83201234"),
        ("(025)83201234", "025-83201234"),
        ("（025）83201234", "025-83201234"),
        ("02583201234", "025-83201234"),
        ("025—83201234", "025-83201234"),
        ("0251-8320123", "0251-8320123"),
        ("0571-87654321", "0571-87654321"),
        ("057187654321", "0571-87654321"),
        ("010-65123456", "010-65123456"),
        ("83201234", "83201234"),
        ("8320123", "8320123"),
        ("8320-1234", "83201234"),
        ("025-83201234-801", "025-83201234-801"),
        ("025-83201234转801", "025-83201234-801"),
        ("025-83201234 分机 801", "025-83201234-801"),
        ("025-83201234 ext. 801", "025-83201234-801"),
        ("025-8320-1234-801", "025-83201234-801"),
        ("83201234转6", "83201234-6"),
        ("+86 25 8320 1234", "025-83201234"),
        ("+86 025 83201234", "025-83201234"),
        ("+86 10 6512 3456", "010-65123456"),
        ("+852 9123 4567", "+85291234567"),
        ("00852 91234567", "+85291234567"),
        ("+1 (415) 555-2671", "+14155552671"),
    ],
)
def test_valid_phones(raw: str, normalized: str) -> None:
    assert validate_phone(raw) == normalized
    assert validate_phone(normalized) == normalized  # normalizing is idempotent


@pytest.mark.parametrize(
    "raw",
    [
        "12345678901",  # no mobile starts with 12
        "10812345678",
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "23812345678",
        "12345",
        "12320",
        "400-123-4567",
        "010-1234567",  # local numbers do not start with 1
        "025-0123456",  # nor with 0
        "025-83201",
        "025-83201234-1234567",  # extension too long
        "138abcd5678",
        "电话13812345678",
        "+86 12345",
        "+8612345678901",
        "+12345",
        "0000000",
        "---",
    ],
)
def test_invalid_phones(raw: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_phone(raw, field="complainant_phone", label="联系电话")
    assert info.value.field == "complainant_phone"
    assert info.value.message.startswith("联系电话：") and len(info.value.problem) > 8


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("010-12345678", "固定电话的本地号码不能以 1 开头"),
        ("025-0123456", "固定电话的本地号码不能以 0 开头"),
        ("025-83201", "固定电话的本地号码应为 7 或 8 位（现有 5 位）"),
        ("025-83201234-1234567", "分机号最多 6 位"),
        ("1381234567", "手机号码应为 11 位（现有 10 位）"),
        ("12345678901", "手机号码第二位应为 3–9"),
        ("138abcd5678", "只能包含数字、空格、短横线和括号"),
        ("+86 25", "不是有效的手机号码或固定电话号码"),
    ],
)
def test_a_refused_phone_says_what_is_wrong(raw: str, problem: str) -> None:
    """A landline refused is not told as a wrong mobile number, and the reverse."""
    with pytest.raises(ValidationError) as info:
        validate_phone(raw)
    assert info.value.problem.startswith(problem)


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("0755-86661234-8001", "0755-86661234-8001"),
        ("0755 8666 1234 转 8001", "0755-86661234-8001"),
        ("(010) 62345678 分机 12", "010-62345678-12"),
    ],
)
def test_landlines_with_extensions_are_accepted(raw: str, normalized: str) -> None:
    assert validate_phone(raw) == normalized


def test_phone_empty_and_required() -> None:
    assert validate_phone("  ") == ""
    with pytest.raises(ValidationError, match="联系电话：不能为空"):
        validate_phone("", required=True)


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812341234", "138****1234"),
        ("+86 138 1234 1234", "138****1234"),
        ("025-83201234", "025-****1234"),
        ("025-83201234-801", "025-****1234"),
        ("0251-8320123", "0251-***0123"),
        ("83201234", "****1234"),
        ("+85291234567", "+852****4567"),
        ("无效号码12", "**号码12"),
        ("123", "***"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(phone: str | None, masked: str) -> None:
    assert mask_phone(phone) == masked


# --------------------------------------------------------------------------- ID numbers

TODAY = date(2026, 3, 1)


def with_check(first17: str) -> str:
    """Independent GB 11643 check: weight of position i (from the left) is 2^(17-i) mod 11."""
    total = sum(int(c) * (2 ** (17 - i) % 11) for i, c in enumerate(first17))
    return first17 + "10X98765432"[total % 11]


@pytest.mark.parametrize(
    "first17",
    [
        "32010219900307123",  # 南京
        "11010519491231002",  # the example printed in GB 11643-1999 (check X)
        "31011520000229456",  # leap day
        "65010220260101001",  # born this year
        "81000019850615123",  # 港澳台居民居住证
        "93101619900101123",  # 外国人永久居留身份证 (2023)
    ],
)
def test_valid_id_numbers(first17: str) -> None:
    number = with_check(first17)
    assert id_check_digit(first17) == number[-1]
    assert validate_id_number(number, today=TODAY) == number
    assert validate_id_number(f" {number.lower()[:6]} {number.lower()[6:]} ", today=TODAY) == number


def test_standard_examples_have_the_published_check_characters() -> None:
    assert with_check("11010519491231002") == "11010519491231002X"
    assert with_check("44052418800101001") == "440524188001010014"


def _wrong_check(first17: str) -> str:
    right = with_check(first17)[-1]
    return first17 + ("1" if right != "1" else "2")


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        (_wrong_check("32010219900307123"), "校验位不正确，请核对号码"),
        (_wrong_check("11010519491231002"), "校验位不正确，请核对号码"),
        ("320102900307123", "15 位旧号码已停止使用，请填写 18 位身份证号码"),
        ("3201021990030712", "应为 18 位，最后一位可以是数字或 X"),
        (with_check("32010219900307123") + "1", "应为 18 位，最后一位可以是数字或 X"),
        ("32010219900X071234", "应为 18 位，最后一位可以是数字或 X"),
        ("A20102199003071234", "应为 18 位，最后一位可以是数字或 X"),
        (with_check("00010219900307123"), "地区码不正确"),
        (with_check("72010219900307123"), "地区码不正确"),
        (with_check("32010219900230123"), "出生日期不正确"),  # 2 月 30 日
        (with_check("32010219901301123"), "出生日期不正确"),
        (with_check("32010218991231123"), "出生日期不正确"),
        ("440524188001010014", "出生日期不正确"),  # the standard's example, born 1880: not plausible today
        (with_check("32010220260302123"), "出生日期不正确"),  # after TODAY
        (with_check("32010220300101123"), "出生日期不正确"),
    ],
)
def test_invalid_id_numbers(number: str, problem: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_id_number(number, today=TODAY)
    assert info.value.field == "complainant_id_number"
    assert info.value.message == f"身份证号码：{problem}"


def test_id_number_empty_and_required() -> None:
    assert validate_id_number("") == ""
    with pytest.raises(ValidationError, match="身份证号码：不能为空"):
        validate_id_number(None, required=True)


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("32010219900307123X", "3201**********123X"),
        ("320102900307123", "3201*******7123"),
        ("12345678", "********"),
        ("", ""),
    ],
)
def test_mask_id_number(number: str, masked: str) -> None:
    assert mask_id_number(number) == masked


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张*"),
        ("张三丰", "张**"),
        ("欧阳娜娜", "欧阳**"),
        ("欧阳锋", "欧阳*"),
        ("欧阳", "欧*"),
        ("诸葛亮", "诸葛*"),
        ("艾力·买买提", "艾*·***"),
        ("John Smith", "J*** *****"),
        ("张", "*"),
        ("  李四 ", "李*"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_name(name: str | None, masked: str) -> None:
    assert mask_name(name) == masked


# --------------------------------------------------------------------------- dates, amounts, e-mail

NOW = datetime(2026, 3, 9, 10, 0)


def test_validate_not_future() -> None:
    assert validate_not_future(date(2026, 3, 9), NOW, "visit_date", "就诊日期") == date(2026, 3, 9)
    assert validate_not_future(datetime(2026, 3, 9, 9, 59), NOW, "received_at", "受理时间")
    with pytest.raises(ValidationError, match="就诊日期：不能晚于今天"):
        validate_not_future(date(2026, 3, 10), NOW, "visit_date", "就诊日期")
    with pytest.raises(ValidationError, match="受理时间：不能晚于当前时间") as info:
        validate_not_future(datetime(2026, 3, 9, 10, 1), NOW, "received_at", "受理时间")
    assert info.value.field == "received_at"


@pytest.mark.parametrize(
    ("raw", "amount"),
    [
        ("0", Decimal("0.00")),
        ("-0", Decimal("0.00")),
        ("100", Decimal("100.00")),
        ("1,234.5", Decimal("1234.50")),
        ("¥1,234.56", Decimal("1234.56")),
        ("￥200", Decimal("200.00")),
        ("３００元", Decimal("300.00")),
        ("1.500", Decimal("1.50")),
        (250, Decimal("250.00")),
        (12.5, Decimal("12.50")),
        (Decimal("9999999.99"), Decimal("9999999.99")),
        ("10000000", Decimal("10000000.00")),
    ],
)
def test_valid_amounts(raw: object, amount: Decimal) -> None:
    result = validate_amount(raw, field="refund_amount", label="退费金额")
    assert result == amount
    assert str(result) == str(amount)


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("-1", "不能为负数"),
        ("1.234", "最多保留两位小数"),
        (0.1 + 0.2, "最多保留两位小数"),
        ("10000000.01", "不能超过 10,000,000.00 元"),
        ("1e30", "不能超过 10,000,000.00 元"),
        ("abc", "不是有效的金额"),
        ("NaN", "不是有效的金额"),
        ("Infinity", "不是有效的金额"),
        (True, "不是有效的金额"),
        ("", "不能为空"),
    ],
)
def test_invalid_amounts(raw: object, problem: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_amount(raw, field="refund_amount", label="退费金额")
    assert (info.value.field, info.value.problem) == ("refund_amount", problem)


def test_optional_amount() -> None:
    assert validate_amount(None, required=False) is None
    assert validate_amount("  ", required=False) is None


def test_validate_email() -> None:
    assert validate_email(" Zhang.San@Example.COM ") == "Zhang.San@example.com"
    for bad in ("zhangsan", "a@b", "a@@b.cn", "a b@c.cn", "a@b.cn."):
        with pytest.raises(ValidationError, match="电子邮箱：格式不正确"):
            validate_email(bad)


# --------------------------------------------------------------------------- choice tables


def test_choice_tables() -> None:
    assert dict(CHANNELS) == {
        "visit": "来访",
        "phone": "来电",
        "letter": "来信",
        "online": "网络",
        "email": "邮件",
        "transfer": "上级转办",
        "internal": "院内转来",
        "other": "其他",
    }
    assert list(RELATIONS.values()) == ["本人", "配偶", "子女", "父母", "其他"]
    assert dict(SEVERITIES) == {"minor": "一般", "serious": "重要", "major": "重大"}
    assert list(FINDINGS.values()) == ["成立", "部分成立", "不成立", "无法认定"]
    assert list(SATISFACTIONS.values()) == ["满意", "基本满意", "不满意"]
    assert {"卫健委", "信访部门"} <= set(TRANSFER_SOURCES.values())
    assert any("12345" in label for label in TRANSFER_SOURCES.values())
    assert any("12320" in label for label in TRANSFER_SOURCES.values())
    with pytest.raises(TypeError):
        CHANNELS["fax"] = "传真"  # type: ignore[index]
    assert validate_choice("major", SEVERITIES, field="severity", label="严重程度") == "major"
    with pytest.raises(ValidationError, match="严重程度：请从列表中选择"):
        validate_choice("huge", SEVERITIES, field="severity", label="严重程度")


@pytest.mark.parametrize(
    ("channel", "required"),
    [
        ("visit", {"complainant_name", "complainant_phone", "content"}),
        ("phone", {"complainant_name", "complainant_phone", "content"}),
        ("letter", {"complainant_name", "complainant_address", "content"}),
        ("online", {"complainant_name", "contact", "content"}),
        ("email", {"complainant_email", "content"}),
        ("transfer", {"transfer_source", "transfer_reference", "content"}),
        ("internal", {"source_department", "content"}),
        ("other", {"complainant_name", "contact", "content"}),
    ],
)
def test_required_fields_for_channel(channel: str, required: set[str]) -> None:
    assert required_fields_for_channel(channel) == required


def test_required_fields_for_unknown_channel() -> None:
    with pytest.raises(ValidationError, match="投诉渠道：请从列表中选择"):
        required_fields_for_channel("fax")


def test_missing_fields_and_the_contact_rule() -> None:
    online = {"complainant_name": "网友", "content": "排队太久"}
    assert missing_fields("online", online) == ["contact"]
    assert missing_fields("online", {**online, "complainant_online_account": "wx_123"}) == []
    assert missing_fields("visit", {"complainant_name": " ", "complainant_phone": None}) == [
        "complainant_name",
        "complainant_phone",
        "content",
    ]
    with pytest.raises(ValidationError, match="联系方式：电话、邮箱、地址或网络账号至少填写一项"):
        require_fields("online", online)
    with pytest.raises(ValidationError, match="转办编号：不能为空") as info:
        require_fields("transfer", {"transfer_source": "hotline_12345", "content": "投诉"})
    assert info.value.field == "transfer_reference"
    require_fields("letter", {"complainant_name": "王五", "complainant_address": "南京市", "content": "信"})
