"""Amounts of money in Chinese financial capitals (中文大写金额), as written on vouchers and letters.

The zero rules follow the usual bookkeeping convention (《正确填写票据和结算凭证的基本规定》):
a run of zeros inside the yuan part is written as one 零; zeros at the end of a 万/亿 section are
not written; whole yuan end with 整; 零 is written between 元 and 分 when the 角 digit is zero;
the leading 10 is 壹拾, never 拾.
"""

from __future__ import annotations

from decimal import Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_SECTION_UNITS = ("", "万", "亿", "万亿")
_CENT = Decimal("0.01")
LIMIT = Decimal(10) ** 16
"""Amounts must be below this (9999万亿…): larger figures are not money a hospital pays."""


def rmb_upper(amount: Decimal | int) -> str:
    """Return `amount` in yuan as Chinese capitals, e.g. Decimal("1234.50") → 壹仟贰佰叁拾肆元伍角.

    Raises TypeError for floats (inexact) and ValueError for negative, non-finite, too large
    amounts or amounts with a non-zero digit beyond the fen (分).
    """
    value = _checked(amount)
    fen_total = int((value * 100).to_integral_value())
    yuan, rest = divmod(fen_total, 100)
    jiao, fen = divmod(rest, 10)
    text = _yuan_text(yuan) if yuan else ""
    if text:
        text += "元"
    if not jiao and not fen:
        return (text or "零元") + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if fen:
        text += DIGITS[fen] + "分"
    return text


def _checked(amount: Decimal | int) -> Decimal:
    """Validate and convert the amount to Decimal."""
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
        raise TypeError("金额必须是 Decimal 或整数，不能是浮点数")
    value = Decimal(amount)
    if not value.is_finite():
        raise ValueError("金额不是有效数字")
    if value < 0:
        raise ValueError("金额不能为负数")
    if value >= LIMIT:
        raise ValueError("金额过大")
    if value != value.quantize(_CENT):
        raise ValueError("金额最多保留两位小数（分）")
    return value


def _yuan_text(yuan: int) -> str:
    """Capitals of a positive whole number of yuan, without the 元."""
    sections: list[int] = []
    while yuan:
        yuan, section = divmod(yuan, 10000)
        sections.append(section)
    parts: list[str] = []
    need_zero = False
    for index in range(len(sections) - 1, -1, -1):
        section = sections[index]
        if section == 0:
            need_zero = bool(parts)
            continue
        if parts and (need_zero or section < 1000):
            parts.append("零")
        parts.append(_section_text(section) + _SECTION_UNITS[index])
        need_zero = False
    return "".join(parts)


def _section_text(section: int) -> str:
    """Capitals of 1..9999 with 拾佰仟 and single inner zeros, no trailing zeros."""
    digits = f"{section:04d}".lstrip("0")
    out: list[str] = []
    pending_zero = False
    for position, char in enumerate(digits):
        digit = int(char)
        unit = _SMALL_UNITS[len(digits) - 1 - position]
        if digit == 0:
            pending_zero = True
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        out.append(DIGITS[digit] + unit)
    return "".join(out)


def format_yuan(amount: Decimal | int) -> str:
    """Figures with thousands separators and two decimals, e.g. 1,234.50."""
    return f"{_checked(amount):,.2f}"
