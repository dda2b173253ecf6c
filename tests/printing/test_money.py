"""rmb_upper: Chinese financial capitals, table-driven and property-based."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from printing.money import DIGITS, LIMIT, format_yuan, rmb_upper

TABLE = [
    ("0", "零元整"),
    ("0.05", "伍分"),
    ("0.5", "伍角"),
    ("0.35", "叁角伍分"),
    ("1", "壹元整"),
    ("1.05", "壹元零伍分"),
    ("10", "壹拾元整"),
    ("10.50", "壹拾元伍角"),
    ("15", "壹拾伍元整"),
    ("110", "壹佰壹拾元整"),
    ("325.04", "叁佰贰拾伍元零肆分"),
    ("1005", "壹仟零伍元整"),
    ("1050", "壹仟零伍拾元整"),
    ("1234.50", "壹仟贰佰叁拾肆元伍角"),
    ("1409.50", "壹仟肆佰零玖元伍角"),
    ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
    ("6007.14", "陆仟零柒元壹角肆分"),
    ("10000", "壹万元整"),
    ("10500", "壹万零伍佰元整"),
    ("100000", "壹拾万元整"),
    ("107000.53", "壹拾万柒仟元伍角叁分"),
    ("1000100", "壹佰万零壹佰元整"),
    ("10010000", "壹仟零壹万元整"),
    ("100000000", "壹亿元整"),
    ("100050000", "壹亿零伍万元整"),
    ("100000500", "壹亿零伍佰元整"),
    ("1.500", "壹元伍角"),
]


@pytest.mark.parametrize(("amount", "expected"), TABLE)
def test_table(amount: str, expected: str) -> None:
    assert rmb_upper(Decimal(amount)) == expected


def test_int_accepted() -> None:
    assert rmb_upper(20) == "贰拾元整"


@pytest.mark.parametrize(
    "amount", [Decimal("-0.01"), Decimal("1.005"), Decimal("NaN"), Decimal("Infinity"), LIMIT]
)
def test_rejected_values(amount: Decimal) -> None:
    with pytest.raises(ValueError):
        rmb_upper(amount)


@pytest.mark.parametrize("amount", [1.5, "12", True])
def test_rejected_types(amount: object) -> None:
    with pytest.raises(TypeError):
        rmb_upper(amount)  # type: ignore[arg-type]


def test_format_yuan() -> None:
    assert format_yuan(Decimal("1234.5")) == "1,234.50"


_UNITS = {"拾": 10, "佰": 100, "仟": 1000}


def parse_upper(text: str) -> Decimal:
    """Inverse of rmb_upper, written independently, for the round-trip property."""
    if text == "零元整":
        return Decimal(0)
    text = text.removesuffix("整")
    yuan_text, _, fraction = text.rpartition("元") if "元" in text else ("", "", text)
    total = 0
    for big, factor in (("亿", 10**8), ("万", 10**4)):
        if big in yuan_text:
            head, yuan_text = yuan_text.split(big, 1)
            total += _section_value(head) * factor
    total += _section_value(yuan_text)
    cents = 0
    fraction = fraction.lstrip("零")
    if "角" in fraction:
        head, fraction = fraction.split("角")
        cents += DIGITS.index(head) * 10
    if "分" in fraction:
        cents += DIGITS.index(fraction.removesuffix("分").lstrip("零"))
    return Decimal(total) + Decimal(cents) / 100


def _section_value(text: str) -> int:
    value, digit = 0, 0
    for char in text:
        if char in DIGITS:
            digit = DIGITS.index(char)
        elif char in _UNITS:
            value += digit * _UNITS[char]
            digit = 0
    return value + digit


amounts = st.integers(min_value=0, max_value=10**12 - 1).map(lambda cents: Decimal(cents) / 100)


@given(amounts)
def test_round_trip(amount: Decimal) -> None:
    assert parse_upper(rmb_upper(amount)) == amount


@given(amounts)
def test_zero_rules(amount: Decimal) -> None:
    text = rmb_upper(amount)
    assert "零零" not in text
    assert not text.startswith("零") or text == "零元整"
    assert not text.endswith("零")
    assert text.endswith("整") == (amount == amount.to_integral_value())
    assert "零元" not in text or text == "零元整"
    assert "零万" not in text and "零亿" not in text
    assert not text.startswith("拾")
