"""Cell values as offices write them: dates in every form, phones with spaces or 无, 属实/部分属实/不属实,
amounts, channels, 已办结. Each parser returns the value or raises ValueError with the Chinese reason."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from app.errors import ValidationError
from app.validation import validate_amount, validate_phone

EXCEL_EPOCH = date(1899, 12, 30)
_FULL = re.compile(r"^\s*(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
_NO_YEAR = re.compile(r"^\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?")
_SERIAL = re.compile(r"^\s*(\d{5})(\.\d+)?\s*$")
NONE_WORDS = {"无", "没有", "不详", "未知", "未留", "无电话", "/", "-", "—", "——", "拒绝提供", "未提供", "空"}


def text(value: Any) -> str:
    """The cell as text: numbers without a trailing .0, dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d") if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _checked(year: int, month: int, day: int, original: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"日期“{original}”不存在") from None


def parse_date(value: Any, year: int | None) -> date | None:
    """An Excel date, an Excel serial number, 2025.3.5, 2025/03/05, 2025-3-5, 2025年3月5日, 20250305,
    or 3月5日 / 3.5 (the year from the title, or as asked). None for an empty cell."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 <= value <= 80000:
            return EXCEL_EPOCH + timedelta(days=int(value))
        raise ValueError(f"无法识别的日期“{text(value)}”")
    original = unicodedata.normalize("NFKC", str(value)).strip()
    for pattern in (_FULL, _COMPACT):
        found = pattern.match(original)
        if found:
            return _checked(int(found.group(1)), int(found.group(2)), int(found.group(3)), original)
    serial = _SERIAL.match(original)
    if serial and 20000 <= int(serial.group(1)) <= 80000:
        return EXCEL_EPOCH + timedelta(days=int(serial.group(1)))
    short = _NO_YEAR.match(original)
    if short:
        if year is None:
            raise ValueError(f"日期“{original}”没有年份，请在导入时指定年份")
        return _checked(year, int(short.group(1)), int(short.group(2)), original)
    raise ValueError(f"无法识别的日期“{original}”")


def parse_phone(value: Any) -> str:
    """ "" for an empty cell or 无; the normalized number; ValueError for something else."""
    raw = text(value)
    if not raw or raw in NONE_WORDS:
        return ""
    try:
        return validate_phone(re.sub(r"[\s\u3000]", "", unicodedata.normalize("NFKC", raw)))
    except ValidationError:
        first = re.split(r"[,，;；/、]", raw)[0]  # two numbers in one cell: keep the first
        if first != raw:
            return parse_phone(first)
        raise ValueError(f"电话“{raw}”格式不正确") from None


FINDING_WORDS = {
    "属实": "upheld",
    "成立": "upheld",
    "基本属实": "partly_upheld",
    "部分属实": "partly_upheld",
    "部分成立": "partly_upheld",
    "不属实": "not_upheld",
    "不成立": "not_upheld",
    "无法认定": "undetermined",
    "无法核实": "undetermined",
    "无法确定": "undetermined",
    "待核实": "undetermined",
}


def parse_finding(value: Any) -> str:
    raw = re.sub(r"\s", "", text(value))
    if not raw:
        return ""
    for word in sorted(FINDING_WORDS, key=len, reverse=True):  # 不属实 before 属实
        if raw.startswith(word):
            return FINDING_WORDS[word]
    raise ValueError(f"“{raw}”不是 属实/部分属实/不属实")


def parse_amount(value: Any) -> Decimal | None:
    raw = text(value)
    if not raw or raw in NONE_WORDS or raw in {"0", "0.00"}:
        return None
    try:
        return validate_amount(raw, required=False)
    except ValidationError as exc:
        raise ValueError(f"金额“{raw}”{exc.problem}") from None


CHANNEL_WORDS: tuple[tuple[str, str, str], ...] = (
    ("12345", "transfer", "hotline_12345"),
    ("12320", "transfer", "hotline_12320"),
    ("卫健", "transfer", "health_commission"),
    ("信访", "transfer", "petition"),
    ("转办", "transfer", "other"),
    ("来访", "visit", ""),
    ("现场", "visit", ""),
    ("当面", "visit", ""),
    ("电话", "phone", ""),
    ("来电", "phone", ""),
    ("来信", "letter", ""),
    ("信件", "letter", ""),
    ("书信", "letter", ""),
    ("邮件", "email", ""),
    ("网络", "online", ""),
    ("网上", "online", ""),
    ("微信", "online", ""),
    ("院长信箱", "online", ""),
    ("院内", "internal", ""),
)


def parse_channel(value: Any) -> tuple[str, str]:
    """(channel, transfer source); ("other", "") for an empty or unknown cell."""
    raw = text(value)
    for word, channel, source in CHANNEL_WORDS:
        if word in raw:
            return channel, source
    return "other", ""


CLOSED_WORDS = ("已办结", "办结", "已结案", "结案", "已处理", "已答复", "已完成", "完成", "已解决", "是")
OPEN_WORDS = ("未办结", "处理中", "办理中", "未处理", "未完成", "未解决", "否", "待")


def parse_status(value: Any) -> bool | None:
    """True closed, False open, None not said."""
    raw = re.sub(r"\s", "", text(value))
    if not raw:
        return None
    if any(raw.startswith(word) for word in OPEN_WORDS):
        return False
    if any(raw.startswith(word) for word in CLOSED_WORDS):
        return True
    return None


SATISFACTION_WORDS = (("不满意", "dissatisfied"), ("基本满意", "basically_satisfied"), ("满意", "satisfied"))


def parse_satisfaction(value: Any) -> str:
    raw = text(value)
    for word, key in SATISFACTION_WORDS:
        if word in raw:
            return key
    return ""


TOTAL_WORDS = ("合计", "总计", "小计", "共计", "累计")


def is_total_row(values: list[str]) -> bool:
    filled = [v for v in values if v]
    return bool(filled) and any(re.sub(r"\s", "", filled[0]).startswith(w) for w in TOTAL_WORDS)
