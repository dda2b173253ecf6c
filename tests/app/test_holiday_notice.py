"""The 国务院办公厅 holiday notice parser: the published 2025 and 2026 notices day by day against
chinese_calendar, the notice's other wordings, wrong weekday hints and garbage."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from app.deadlines.notice import NoticeError, notice_year, parse_notice, read_notice_file
from app.files import FileAccessError

NOTICES = Path(__file__).parent / "notices"


def _days(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


@pytest.mark.parametrize(("year", "off", "worked"), [(2025, 28, 5), (2026, 33, 6)])
def test_published_notice_matches_the_bundled_calendar_on_every_day(year: int, off: int, worked: int) -> None:
    notice = parse_notice((NOTICES / f"{year}.txt").read_text(encoding="utf-8"))
    assert notice.year == year
    assert (len(notice.holidays), len(notice.workdays)) == (off, worked)
    for day in _days(year):
        on_holiday, english = chinese_calendar.get_holiday_detail(day)
        bundled_workday = chinese_calendar.is_workday(day)
        parsed_workday = (
            False if day in notice.holidays else True if day in notice.workdays else day.weekday() < 5
        )
        assert parsed_workday == bundled_workday, day
        festival = on_holiday and english is not None
        assert (day in notice.holidays) == festival, day
        assert (day in notice.workdays) == (bundled_workday and day.weekday() >= 5), day
        if english is not None and (day in notice.holidays or day in notice.workdays):
            name = notice.holidays.get(day) or notice.workdays[day]
            assert chinese_calendar.Holiday(english).chinese in name, (day, name)


def test_the_2025_notice_lines_and_names() -> None:
    notice = parse_notice((NOTICES / "2025.txt").read_text(encoding="utf-8"))
    assert [(i.line, i.name, len(i.holidays), len(i.workdays)) for i in notice.items] == [
        (7, "元旦", 1, 0),
        (8, "春节", 8, 2),
        (9, "清明节", 3, 0),
        (10, "劳动节", 5, 1),
        (11, "端午节", 3, 0),
        (12, "国庆节、中秋节", 8, 2),
    ]
    assert notice.holidays[date(2025, 6, 2)] == "端午节"  # 5月31日至6月2日 spans two months
    assert notice.workdays[date(2025, 1, 26)] == "春节"


BASE = """国务院办公厅关于2027年部分节假日安排的通知
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
　　经国务院批准，现将2027年元旦等放假调休日期的具体安排通知如下。
{body}
　　节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作。
国务院办公厅
2026年11月10日
"""


def _notice(*lines: str) -> str:
    return BASE.format(body="\n".join(f"　　{line}" for line in lines))


def test_other_wordings_single_day_ranges_across_months_and_years() -> None:
    notice = parse_notice(
        _notice(
            "一、元旦：2026年12月31日（星期四）至1月2日（星期六）放假，共3天。",
            "二、春节：2月5日（农历除夕、周五）至11日（周四）放假调休，共7天。2月20日（周六）上班。",
            "三、中秋节：9月15日（周三）放假，与周末连休。",
            "四、国庆节：9月30日（周四）至10月7日（周四）放假调休，共8天。9月26日（星期日）、10月9日（周六）上班。",
        )
    )
    assert notice.year == 2027
    assert date(2026, 12, 31) in notice.holidays and date(2027, 1, 2) in notice.holidays
    assert notice.holidays[date(2027, 9, 15)] == "中秋节"
    assert len([d for d, n in notice.holidays.items() if n == "国庆节"]) == 8
    assert sorted(notice.workdays) == [date(2027, 2, 20), date(2027, 9, 26), date(2027, 10, 9)]


def test_previous_year_december_range_without_a_year() -> None:
    notice = parse_notice(_notice("一、元旦：12月31日（周四）至1月2日（周六）放假，共3天。"))
    assert sorted(notice.holidays) == [date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 2)]


def test_half_width_punctuation_and_a_saved_gb18030_file(tmp_path: Path) -> None:
    text = _notice("一、元旦:1月1日(周五)至3日(周日)放假,共3天。")
    path = tmp_path / "通知.txt"
    path.write_bytes(text.encode("gb18030"))
    notice = parse_notice(read_notice_file(path))
    assert sorted(notice.holidays) == [date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 3)]
    path.write_bytes(b"\xff\xfe\x00\xd8garbage" * 3)
    with pytest.raises(FileAccessError, match="编码"):
        read_notice_file(path)


def test_wrong_weekday_hint_is_refused_with_line_number() -> None:
    text = (NOTICES / "2026.txt").read_text(encoding="utf-8").replace("5月9日（周六）", "5月9日（周日）")
    with pytest.raises(NoticeError) as info:
        parse_notice(text)
    assert info.value.problems == [(8, "5月9日注明星期日，但2026年的这一天是星期六")]
    assert "第8行" in info.value.message
    lunar = (
        (NOTICES / "2026.txt").read_text(encoding="utf-8").replace("农历正月初七、周一", "农历正月初七、周二")
    )
    with pytest.raises(NoticeError, match="第6行：2月23日注明星期二"):
        parse_notice(lunar)


def test_total_days_must_match_the_range() -> None:
    with pytest.raises(NoticeError, match="写明共4天"):
        parse_notice(_notice("一、元旦：1月1日（周五）至3日（周日）放假，共4天。"))


def test_year_from_the_caller_and_conflicts_with_the_title() -> None:
    body = "一、元旦：1月1日（周五）至3日（周日）放假，共3天。"
    assert parse_notice(body, year=2027).year == 2027
    with pytest.raises(NoticeError, match="无法确定年份"):
        parse_notice(body)
    with pytest.raises(NoticeError, match="与指定的 2028 年不一致"):
        parse_notice(_notice(body), year=2028)
    assert notice_year(_notice(body)) == 2027


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("一、元旦 1月1日（周五）放假。", "缺少节日名称和冒号"),
        ("一、元旦：1月1日（周五）。", "没有注明放假还是上班"),
        ("一、元旦：放假三天。", "没有找到放假或上班的日期"),
        ("一、元旦：2月30日（周二）放假。", "“2月30日(周二)”不是有效日期"),
        ("一、元旦：1月4日（周一）上班。", "本来就是工作日"),
        ("一、元旦：1月1日（周五）至3日（周日）放假。1月2日（周六）上班。", "已在第4行出现"),
        ("一、元旦：1月1日（周五）至2O日放假。", "无法识别"),
    ],
)
def test_lines_it_cannot_read_are_refused(line: str, reason: str) -> None:
    with pytest.raises(NoticeError) as info:
        parse_notice(_notice(line))
    assert info.value.problems[0][0] == 4
    assert reason in info.value.problems[0][1]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "今天天气很好。\n明天也是。",
        "国务院办公厅关于2027年部分节假日安排的通知\n\n国务院办公厅\n2026年11月10日",
        "\x00\x01 lorem ipsum 1月1日 放假",
    ],
)
def test_garbage_is_refused(text: str) -> None:
    with pytest.raises(NoticeError) as info:
        parse_notice(text, year=2027)
    assert info.value.field == "notice"
    assert info.value.problems


def test_many_problems_are_all_listed() -> None:
    lines = [f"{n}、节日{n}：放假一天。" for n in "一二三四五六七八九十"]
    with pytest.raises(NoticeError) as info:
        parse_notice(_notice(*lines))
    assert len(info.value.problems) == 10
    assert "另有 2 处问题" in info.value.message
