"""Field validators, masking and the fixed choice tables of case intake.

Every validator raises `ValidationError(field, label, problem)` naming the field in Chinese and
returns the value in its normalized stored form. Decisions:

- Phones: mainland mobiles are stored as 11 digits; landlines as ``025-83201234`` (area code when
  given) with an optional extension ``-801``; foreign numbers as ``+`` and digits.
- ID numbers: only the 18-digit 公民身份号码 of GB 11643-1999 (also used by 港澳台居民居住证 and the
  2023 外国人永久居留身份证, which start with 8x/9x). The 15-digit first-generation numbers have not
  been valid identity documents since 2013 and are rejected with a hint to enter the 18-digit number.
- Masking keeps what the office needs to recognise a person on the phone and nothing more:
  ``138****1234``, ``025-****1234``, ``3201**********123X``, ``张*``, ``欧阳**``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from types import MappingProxyType

from app.errors import ValidationError

# --------------------------------------------------------------------------- choice tables


def _choices(*pairs: tuple[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(pairs))


CHANNELS = _choices(
    ("visit", "来访"),
    ("phone", "来电"),
    ("letter", "来信"),
    ("online", "网络"),
    ("email", "邮件"),
    ("transfer", "上级转办"),
    ("internal", "院内转来"),
    ("other", "其他"),
)
TRANSFER_SOURCES = _choices(
    ("health_commission", "卫健委"),
    ("hotline_12345", "12345 政务服务便民热线"),
    ("hotline_12320", "12320 卫生健康热线"),
    ("petition", "信访部门"),
    ("other", "其他上级部门"),
)
RELATIONS = _choices(
    ("self", "本人"), ("spouse", "配偶"), ("child", "子女"), ("parent", "父母"), ("other", "其他")
)
SEVERITIES = _choices(("minor", "一般"), ("serious", "重要"), ("major", "重大"))
FINDINGS = _choices(
    ("upheld", "成立"), ("partly_upheld", "部分成立"), ("not_upheld", "不成立"), ("undetermined", "无法认定")
)
SATISFACTIONS = _choices(
    ("satisfied", "满意"), ("basically_satisfied", "基本满意"), ("dissatisfied", "不满意")
)

FIELD_LABELS = _choices(
    ("complainant_name", "投诉人姓名"),
    ("complainant_phone", "联系电话"),
    ("complainant_address", "联系地址"),
    ("complainant_email", "电子邮箱"),
    ("complainant_online_account", "网络账号"),
    ("contact", "联系方式"),
    ("transfer_source", "转办单位"),
    ("transfer_reference", "转办编号"),
    ("source_department", "转来科室"),
    ("content", "投诉内容"),
)
# "contact" in a required set means: at least one of these is filled in.
CONTACT_FIELDS = (
    "complainant_phone",
    "complainant_email",
    "complainant_address",
    "complainant_online_account",
)

_REQUIRED_BY_CHANNEL: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "visit": frozenset({"complainant_name", "complainant_phone", "content"}),
        "phone": frozenset({"complainant_name", "complainant_phone", "content"}),
        "letter": frozenset({"complainant_name", "complainant_address", "content"}),
        "online": frozenset({"complainant_name", "contact", "content"}),
        "email": frozenset({"complainant_email", "content"}),
        "transfer": frozenset({"transfer_source", "transfer_reference", "content"}),
        "internal": frozenset({"source_department", "content"}),
        "other": frozenset({"complainant_name", "contact", "content"}),
    }
)


def validate_choice(value: str, choices: Mapping[str, str], *, field: str, label: str) -> str:
    """`value` must be one of the ids of `choices`."""
    if value not in choices:
        raise ValidationError(field, label, "请从列表中选择")
    return value


def required_fields_for_channel(channel: str) -> set[str]:
    """Field names that must be filled for a complaint received through `channel`."""
    validate_choice(channel, CHANNELS, field="channel", label="投诉渠道")
    return set(_REQUIRED_BY_CHANNEL[channel])


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def missing_fields(channel: str, values: Mapping[str, object]) -> list[str]:
    """Required fields of `channel` that are blank in `values`, in FIELD_LABELS order."""
    required = required_fields_for_channel(channel)
    missing = {name for name in required - {"contact"} if _is_blank(values.get(name))}
    if "contact" in required and all(_is_blank(values.get(name)) for name in CONTACT_FIELDS):
        missing.add("contact")
    return [name for name in FIELD_LABELS if name in missing]


def require_fields(channel: str, values: Mapping[str, object]) -> None:
    """Raise ValidationError for the first required field of `channel` left blank."""
    missing = missing_fields(channel, values)
    if missing:
        name = missing[0]
        problem = "电话、邮箱、地址或网络账号至少填写一项" if name == "contact" else "不能为空"
        raise ValidationError(name, FIELD_LABELS[name], problem)


# --------------------------------------------------------------------------- text

_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})  # control, format (zero-width, bidi), surrogates
_LINE_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029\x85]")


def clean_text(
    value: str | None,
    *,
    field: str,
    label: str,
    max_len: int,
    required: bool = False,
    multiline: bool = False,
) -> str:
    """Normalize (NFC), drop control/format characters, trim and check required and length.

    In multiline text newlines and tabs survive (CR/LF unified to \\n); in single-line text they
    become spaces.
    """
    text = _LINE_BREAKS.sub("\n", unicodedata.normalize("NFC", value or ""))
    kept = []
    for ch in text:
        if ch in "\n\t":
            kept.append(ch if multiline else " ")
        elif unicodedata.category(ch) not in _DROPPED_CATEGORIES:
            kept.append(ch)
    text = "".join(kept).strip()
    if required and not text:
        raise ValidationError(field, label, "不能为空")
    if len(text) > max_len:
        raise ValidationError(field, label, f"不能超过 {max_len} 个字（现有 {len(text)} 个字）")
    return text


def clean_note(value: str | None, label: str = "备注", required: bool = False, max_len: int = 2000) -> str:
    """Multiline free text of a case action (note, comment, resolution), reported as field ``note``."""
    return clean_text(value, field="note", label=label, max_len=max_len, required=required, multiline=True)


def validate_email(value: str | None, *, field: str = "complainant_email", label: str = "电子邮箱") -> str:
    """A plausible e-mail address (one @, a dot in the domain); the domain is lower-cased."""
    text = clean_text(value, field=field, label=label, max_len=254, required=True)
    match = re.fullmatch(r"([^@\s]+)@([^@\s]+\.[^@\s.]+)", text)
    if not match:
        raise ValidationError(field, label, "格式不正确")
    return f"{match.group(1)}@{match.group(2).lower()}"


# --------------------------------------------------------------------------- phones

_MOBILE = re.compile(r"(?:\+86|0086|86|0)?(1[3-9]\d{9})")  # a leading 0 is the old trunk prefix
_INTERNATIONAL = re.compile(r"(?:\+|00)([1-9]\d{6,14})")
_EXTENSION_WORD = re.compile(r"\s*(?:转|分机|ext\.?|x|#)\s*(\d{1,6})\s*$", re.IGNORECASE)
_AREA = re.compile(r"0\d{2,3}")
_LOCAL = re.compile(r"[2-9]\d{6,7}")


def _split_area(digits: str) -> tuple[str, str]:
    """Split an unseparated 0-prefixed run: 010 and 02x are 3-digit area codes, the rest 4-digit."""
    size = 3 if digits[1] in "12" else 4
    return digits[:size], digits[size:]


def _parse_landline(text: str) -> tuple[str | None, str]:
    """(the normalized fixed-line number, "") or (None, what is wrong with it in Chinese, or "" when
    the text does not look like a fixed-line number at all)."""
    extension = ""
    match = _EXTENSION_WORD.search(text)
    if match:
        extension, text = match.group(1), text[: match.start()]
    text = re.sub(r"^\s*(?:\+|00)86[\s\-]*0?", "0", text)  # +86 25 ... → 025 ...
    text = text.replace("(", " ").replace(")", " ")
    groups = [g for g in re.split(r"[\s\-]+", text) if g]
    if not groups or not all(g.isdigit() for g in groups):
        return None, ""
    area = ""
    if groups[0].startswith("0"):
        if len(groups[0]) <= 4 and len(groups) > 1:
            area, groups = groups[0], groups[1:]
        else:
            area, head = _split_area(groups[0])
            groups = [head, *groups[1:]]
    if len(groups) == 2 and len(groups[0]) >= 7 and not extension:
        groups, extension = groups[:1], groups[1]
    elif len(groups) == 3 and not extension:
        groups, extension = groups[:2], groups[2]
    local = "".join(groups)
    if not area and (not 6 <= len(local) <= 8 or local.startswith("1")):
        return None, ""  # not a landline (a short mobile number is explained as such)
    if area and not _AREA.fullmatch(area):
        return None, "区号应为以 0 开头的 3 或 4 位数字（如 010、0755）"
    if not local:
        return None, ""
    if not 7 <= len(local) <= 8:
        return None, f"固定电话的本地号码应为 7 或 8 位（现有 {len(local)} 位）"
    if not _LOCAL.fullmatch(local):
        return None, f"固定电话的本地号码不能以 {local[0]} 开头（区号之后应为 2–9 开头的 7 或 8 位数字）"
    if len(extension) > 6:
        return None, "分机号最多 6 位"
    number = f"{area}-{local}" if area else local
    return (f"{number}-{extension}" if extension else number), ""


def _phone_problem(text: str, compact: str, landline_problem: str) -> str:
    """Why a phone number was refused, so the clerk knows what to fix."""
    if landline_problem:
        return landline_problem
    if not re.fullmatch(r"[+\d]+", compact) and not _EXTENSION_WORD.search(text):
        return "只能包含数字、空格、短横线和括号（分机可写作“转8001”或 0755-86661234-8001）"
    digits = compact.lstrip("+")
    if digits.startswith("1") and len(digits) >= 7:  # shorter ones are service numbers (110, 12345)
        if len(digits) != 11:
            return f"手机号码应为 11 位（现有 {len(digits)} 位）"
        return "手机号码第二位应为 3–9"
    return "不是有效的手机号码或固定电话号码（固定电话如 010-62345678，分机如 0755-86661234-8001）"


def validate_phone(
    value: str | None, *, field: str = "complainant_phone", label: str = "联系电话", required: bool = False
) -> str:
    """Mainland mobile, landline (with optional area code and extension) or +international number.

    Returns the normalized form, or "" for an empty optional value; a refusal says what is wrong.
    """
    text = clean_text(value, field=field, label=label, max_len=40, required=required)
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).replace("—", "-").replace("–", "-")
    compact = re.sub(r"[\s\-().]", "", text)
    mobile = _MOBILE.fullmatch(compact)
    if mobile:
        return mobile.group(1)
    landline, problem = _parse_landline(text)
    if landline:
        return landline
    foreign = _INTERNATIONAL.fullmatch(compact)
    if foreign and not foreign.group(1).startswith("86"):
        return "+" + foreign.group(1)
    raise ValidationError(field, label, _phone_problem(text, compact, problem))


def _mask_tail(text: str, keep: int = 4) -> str:
    """Mask all but the last `keep` characters (everything when the text is that short)."""
    if len(text) <= keep:
        return "*" * len(text)
    return "*" * (len(text) - keep) + text[-keep:]


def mask_phone(phone: str | None) -> str:
    """``138****1234``, ``025-****1234`` (extension dropped), ``+852****4567``."""
    if not phone:
        return ""
    if "*" in phone:
        return phone  # masked already (a sealed value read without the identifier key)
    try:
        number = validate_phone(phone)
    except ValidationError:
        return _mask_tail(phone)
    if _MOBILE.fullmatch(number) or number.startswith("+"):
        head = 3 if number[0] == "1" else 4
        return number[:head] + _mask_tail(number[head:])
    parts = number.split("-")
    if parts[0].startswith("0"):
        return f"{parts[0]}-{_mask_tail(parts[1])}"
    return _mask_tail(parts[0])


# --------------------------------------------------------------------------- identity numbers

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
# 省级行政区划代码 (GB/T 2260) plus 81/82/83 for 港澳台居民居住证; 9x is the 2023 外国人永久居留身份证.
_ID_REGIONS = frozenset(
    str(code)
    for code in (
        *range(11, 16),
        *range(21, 24),
        *range(31, 38),
        *range(41, 47),
        *range(50, 55),
        *range(61, 66),
    )
) | {"71", "81", "82", "83"}


def id_check_digit(first17: str) -> str:
    """The GB 11643-1999 check character (ISO 7064 MOD 11-2) for the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def validate_id_number(
    value: str | None,
    *,
    field: str = "complainant_id_number",
    label: str = "身份证号码",
    required: bool = False,
    today: date | None = None,
) -> str:
    """An 18-digit 公民身份号码 with a valid region, birth date and check digit; "" when empty."""
    text = clean_text(value, field=field, label=label, max_len=40, required=required)
    number = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", text)).upper()
    if not number:
        return ""
    if re.fullmatch(r"\d{15}", number):
        raise ValidationError(field, label, "15 位旧号码已停止使用，请填写 18 位身份证号码")
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise ValidationError(field, label, "应为 18 位，最后一位可以是数字或 X")
    if number[:2] not in _ID_REGIONS and number[0] != "9":
        raise ValidationError(field, label, "地区码不正确")
    try:
        birth = datetime.strptime(number[6:14], "%Y%m%d").date()
    except ValueError:
        raise ValidationError(field, label, "出生日期不正确") from None
    if birth.year < 1900 or birth > (today or date.today()):
        raise ValidationError(field, label, "出生日期不正确")
    if id_check_digit(number[:17]) != number[17]:
        raise ValidationError(field, label, "校验位不正确，请核对号码")
    return number


def mask_id_number(number: str | None) -> str:
    """``3201**********123X``: first 4 and last 4 kept (a short value is masked whole)."""
    if not number:
        return ""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + _mask_tail(number[4:])


def mask_record_no(record: str | None) -> str:
    """门诊号/住院号: the first two and last two characters."""
    record = record or ""
    return record[:2] + "*" * max(len(record) - 4, 0) + record[-2:] if len(record) > 4 else "*" * len(record)


def mask_address(address: str | None) -> str:
    """The first six characters (province and city, as a rule) and ****."""
    address = (address or "").strip()
    if not address:
        return ""
    return address[:6] + "****" if len(address) > 6 else address[:2] + "****"


def mask_email(email: str | None) -> str:
    """``z***@example.com``."""
    email = (email or "").strip()
    if not email:
        return ""
    local, at, domain = email.partition("@")
    return f"{local[:1]}***{at}{domain}" if at else _mask_tail(email)


def mask_account(account: str | None) -> str:
    """An online account: all but its last four characters."""
    return _mask_tail((account or "").strip()) if account else ""


# --------------------------------------------------------------------------- names

COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 司空 令狐 夏侯 轩辕 端木 独孤 "  # noqa: SIM905
    "南宫 西门 万俟 闻人 澹台 公冶 濮阳 淳于 单于 太叔 申屠 钟离 呼延 赫连 百里 东郭 拓跋 鲜于 "
    "闾丘 左丘 第五 谷梁 乐正 漆雕 公良 宗政 仲孙 太史 羊舌 微生 梁丘 段干 亓官 司寇 巫马 公西".split()
)
_NAME_SEPARATORS = frozenset(" ·•・.-")


def mask_name(name: str | None) -> str:
    """Keep the surname (a compound one such as 欧阳 too), mask each remaining character.

    ``张三`` → ``张*``, ``欧阳娜娜`` → ``欧阳**``, ``艾力·买买提`` → ``艾*·***``.
    """
    name = (name or "").strip()
    if len(name) <= 1:
        return "*" * len(name)
    keep = 2 if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else 1
    return name[:keep] + "".join(ch if ch in _NAME_SEPARATORS else "*" for ch in name[keep:])


# --------------------------------------------------------------------------- dates and amounts


def validate_not_future(d: date, now: datetime, field: str, label: str) -> date:
    """A date (compared with today) or datetime (compared with now) must not lie in the future."""
    if isinstance(d, datetime):
        if d > now:
            raise ValidationError(field, label, "不能晚于当前时间")
    elif d > (now.date() if isinstance(now, datetime) else now):
        raise ValidationError(field, label, "不能晚于今天")
    return d


MAX_AMOUNT = Decimal("10000000.00")  # 一千万元: above any refund or compensation the office handles
_CENT = Decimal("0.01")


def validate_amount(
    value: Decimal | int | float | str | None,
    *,
    field: str = "amount",
    label: str = "金额",
    maximum: Decimal = MAX_AMOUNT,
    required: bool = True,
) -> Decimal | None:
    """A money amount in 元: ≥ 0, at most 2 decimals, ≤ `maximum`. Accepts "¥1,234.50" and "100元".

    Returns the amount quantized to cents, or None for an empty optional value.
    """
    if isinstance(value, bool):
        raise ValidationError(field, label, "不是有效的金额")
    text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()
    text = re.sub(r"[\s,¥元]", "", text)
    if not text:
        if required:
            raise ValidationError(field, label, "不能为空")
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationError(field, label, "不是有效的金额") from None
    if not amount.is_finite():
        raise ValidationError(field, label, "不是有效的金额")
    if amount < 0:
        raise ValidationError(field, label, "不能为负数")
    if amount > maximum:
        raise ValidationError(field, label, f"不能超过 {maximum:,.2f} 元")
    if amount != amount.quantize(_CENT):
        raise ValidationError(field, label, "最多保留两位小数")
    return amount.quantize(_CENT).copy_abs()  # copy_abs turns "-0" into 0.00


def try_value(validate: Callable[[str], object], text: str) -> tuple[object, str]:
    """(cleaned value, "") or (None, the Chinese problem): for hints shown while the user types."""
    try:
        return validate(text), ""
    except ValidationError as exc:
        return None, exc.message
