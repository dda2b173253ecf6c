"""Parse the State Council notice 《国务院办公厅关于20XX年部分节假日安排的通知》 pasted as text.

Only the numbered lines ("一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。")
carry the arrangement; the title gives the year, the preamble and the closing paragraph are ignored.
Every date is checked against the weekday written in its brackets and every "共N天" against the
range; anything the parser cannot read is refused with its line number and the reason in Chinese.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from app.errors import ValidationError

WEEKDAY_NAMES = "一二三四五六日"
MAX_FILE_BYTES = 512 * 1024

_NUMBERED = re.compile(r"^\s*([一二三四五六七八九十]{1,3})\s*、\s*(.*)$")
_TITLE_YEAR = re.compile(r"关于\s*(\d{4})\s*年.*节假日")
_DATE = re.compile(
    r"(?:(?P<year>\d{4})年)?(?:(?P<month>\d{1,2})月)?(?P<day>\d{1,2})日"
    r"(?:\s*\((?P<hint>[^()]*)\))?"
)
_RANGE_SEP = re.compile(r"^\s*(?:至|到|—+|–|-|~)\s*$")
_WEEKDAY_HINT = re.compile(r"(?:周|星期|礼拜)([一二三四五六日天])")
_TOTAL = re.compile(r"(?:共|放假)\s*(\d{1,2})\s*天")
_HOLIDAY_WORDS = ("放假", "补休", "休息")
_WORK_WORDS = ("上班",)


class NoticeError(ValidationError):
    """The notice text was refused; `problems` lists (line number, reason), line 0 for the whole text."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        text = "；".join(f"第{n}行：{why}" if n else why for n, why in problems[:8])
        more = f"；另有 {len(problems) - 8} 处问题" if len(problems) > 8 else ""
        super().__init__("notice", "国务院通知", text + more)


@dataclass(frozen=True)
class NoticeItem:
    """One numbered line: the festival and the days it gives off and the weekend days worked."""

    line: int
    name: str
    holidays: tuple[date, ...]
    workdays: tuple[date, ...]


@dataclass(frozen=True)
class ParsedNotice:
    """The arrangement of one year: holidays and 调休 working days, each with its festival's name."""

    year: int
    items: tuple[NoticeItem, ...]
    holidays: dict[date, str] = field(default_factory=dict)
    workdays: dict[date, str] = field(default_factory=dict)

    def summary(self) -> str:
        return f"{self.year}年：放假 {len(self.holidays)} 天，调休上班 {len(self.workdays)} 天"


class _LineError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class _Token:
    day: date
    start: int
    end: int
    weekday: int | None  # the weekday written in brackets, if any
    dated: bool  # the year was written ("2026年12月31日")


def read_notice_file(path: Path) -> str:
    """The text of a .txt notice saved as UTF-8 (with or without BOM) or GB18030 (GBK)."""
    from app.files import FileAccessError, read_user_file

    data = read_user_file(path, MAX_FILE_BYTES)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileAccessError(f"无法识别文件“{path.name}”的编码，请另存为 UTF-8 或 GB18030 文本后再导入")


def notice_year(text: str) -> int | None:
    """The year named in the title (关于20XX年部分节假日安排的通知), if any."""
    for line in text.splitlines()[:6]:
        match = _TITLE_YEAR.search(unicodedata.normalize("NFKC", line))
        if match:
            return int(match.group(1))
    return None


def parse_notice(text: str, year: int | None = None, *, default_year: int | None = None) -> ParsedNotice:
    """Parse the notice; `year` when the caller knows it (it must agree with the title's year),
    `default_year` for a text without a title (the year the admin is looking at)."""
    titled = notice_year(text)
    if year is not None and titled is not None and year != titled:
        raise NoticeError([(0, f"通知标题中的年份是 {titled} 年，与指定的 {year} 年不一致")])
    year = next((y for y in (year, titled, default_year) if y is not None), None)
    if year is None:
        raise NoticeError([(0, "无法确定年份：标题中没有“关于20XX年部分节假日安排”，请指定年份")])
    if not 2000 <= year <= 2100:
        raise NoticeError([(0, f"年份 {year} 不在 2000—2100 之间")])

    problems: list[tuple[int, str]] = []
    items: list[NoticeItem] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = unicodedata.normalize("NFKC", raw).strip()
        match = _NUMBERED.match(line)
        if not match:
            continue  # title, addressees, preamble, closing paragraph, signature, date
        try:
            items.append(_parse_item(number, match.group(2), year))
        except _LineError as exc:
            problems.append((number, exc.reason))
    if not items and not problems:
        problems.append((0, "没有找到节假日安排（形如“一、元旦：1月1日（周四）放假……”的编号行）"))
    holidays, workdays = _collect(items, problems)
    if problems:
        raise NoticeError(problems)
    return ParsedNotice(year, tuple(items), holidays, workdays)


def _collect(items: list[NoticeItem], problems: list[tuple[int, str]]) -> tuple[dict, dict]:
    """Merge the lines, refusing a day given twice (twice off, or off in one line and worked in another)."""
    holidays: dict[date, str] = {}
    workdays: dict[date, str] = {}
    seen: dict[date, int] = {}
    for item in items:
        for days, target in ((item.holidays, holidays), (item.workdays, workdays)):
            for d in days:
                if d in seen:
                    problems.append((item.line, f"{_cn(d)}已在第{seen[d]}行出现"))
                    continue
                seen[d] = item.line
                target[d] = item.name
    return holidays, workdays


def _parse_item(number: int, body: str, year: int) -> NoticeItem:
    name, sep, rest = body.partition(":")
    name = name.strip()
    if not sep or not name or len(name) > 20 or _DATE.search(name):
        raise _LineError("缺少节日名称和冒号（应为“一、元旦：……”）")
    holidays: list[date] = []
    workdays: list[date] = []
    for sentence in (s for s in rest.split("。") if s.strip()):
        off, work = _parse_sentence(sentence, year)
        holidays += off
        workdays += work
    if not holidays and not workdays:
        raise _LineError("没有找到放假或上班的日期")
    for d in workdays:
        if d.weekday() < 5:
            raise _LineError(f"{_cn(d)}是星期{WEEKDAY_NAMES[d.weekday()]}，本来就是工作日，不应列为调休上班")
    return NoticeItem(number, name, tuple(holidays), tuple(workdays))


def _parse_sentence(sentence: str, year: int) -> tuple[list[date], list[date]]:
    """One sentence: clauses (split at commas) of dates followed by 放假 or 上班."""
    holidays: list[date] = []
    workdays: list[date] = []
    pending: list[date] = []
    last: date | None = None
    for clause in sentence.split(","):
        found = _clause_dates(clause, year, last)
        last = found[-1] if found else last
        pending += found
        has_off = any(w in clause for w in _HOLIDAY_WORDS)
        has_work = any(w in clause for w in _WORK_WORDS)
        if has_off and has_work:
            raise _LineError(f"无法判断“{clause.strip()}”是放假还是上班")
        if has_work:
            workdays += pending
            pending = []
        elif has_off and pending:
            _check_total(sentence, pending)
            holidays += pending
            pending = []
    if pending:
        raise _LineError(f"“{sentence.strip()}”中的日期没有注明放假还是上班")
    return holidays, workdays


def _check_total(sentence: str, days: list[date]) -> None:
    total = _TOTAL.search(sentence)
    if total and int(total.group(1)) != len(days):
        raise _LineError(f"写明共{total.group(1)}天，但{_cn(days[0])}至{_cn(days[-1])}是 {len(days)} 天")


def _clause_dates(clause: str, year: int, previous: date | None) -> list[date]:
    """The dates of a clause: single dates, lists (、) and ranges (至) expanded to every day."""
    tokens: list[_Token] = []
    for match in _DATE.finditer(clause):
        last = tokens[-1].day if tokens else previous
        hint = _WEEKDAY_HINT.findall(match.group("hint") or "")
        said = WEEKDAY_NAMES.index("日" if hint[-1] == "天" else hint[-1]) if hint else None
        day = _token_date(match, year, last)
        tokens.append(_Token(day, match.start(), match.end(), said, bool(match.group("year"))))
    for token, following in zip(tokens, tokens[1:], strict=False):
        ranged = _RANGE_SEP.match(clause[token.end : following.start])
        across = token.day.month == 12 and following.day.month == 1 and token.day.year == following.day.year
        if ranged and across and not token.dated:
            token.day = token.day.replace(year=token.day.year - 1)  # 12月31日至1月2日
    for token in tokens:
        _check_weekday(token)
    leftover = re.sub(r"\d+\s*天", "", _DATE.sub("", clause))
    if re.search(r"\d", leftover):
        raise _LineError(f"无法识别“{clause.strip()}”中的日期（应为“1月1日（周四）”的形式）")
    days: list[date] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if following and _RANGE_SEP.match(clause[token.end : following.start]):
            start, end = token.day, following.day
            if end < start or (end - start).days > 31:
                raise _LineError(f"日期范围{_cn(start)}至{_cn(end)}无效")
            days += [start + timedelta(days=i) for i in range((end - start).days + 1)]
            index += 2
        else:
            days.append(token.day)
            index += 1
    return days


def _token_date(match: re.Match[str], year: int, previous: date | None) -> date:
    """The date of one "M月D日（周X）" token; month and year default to the previous date's."""
    text = match.group(0)
    if match.group("month") is None and previous is None:
        raise _LineError(f"“{text}”缺少月份")
    month = int(match.group("month")) if match.group("month") else previous.month  # type: ignore[union-attr]
    if match.group("year"):
        the_year = int(match.group("year"))
    elif match.group("month") is None and previous is not None:
        the_year = previous.year
    else:
        the_year = year
    try:
        return date(the_year, month, int(match.group("day")))
    except ValueError:
        raise _LineError(f"“{text}”不是有效日期") from None


def _check_weekday(token: _Token) -> None:
    """Refuse a date whose bracketed weekday (周四 / 星期四) is not the weekday it falls on."""
    day, said = token.day, token.weekday
    if said is not None and said != day.weekday():
        actual = WEEKDAY_NAMES[day.weekday()]
        raise _LineError(f"{_cn(day)}注明星期{WEEKDAY_NAMES[said]}，但{day.year}年的这一天是星期{actual}")


def _cn(d: date) -> str:
    return f"{d.month}月{d.day}日"
