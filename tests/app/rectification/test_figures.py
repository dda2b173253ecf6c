"""整改 figures of a period: 整改落实率, overdue items by department (judged at the period's end),
recurrences; in the 考核 scorecard (with the cases behind each figure) and in the report's tables."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from app.cases.states import State
from app.rectification import figures, items
from app.rectification.items import NewItem
from app.reports import service as reports
from app.reports.build import report_data
from app.statistics import conditions, config, periods, scorecard
from app.statistics.conditions import Measure
from models.organisation import Department
from tests.support.desk import Desk

MARCH = periods.month(2026, 3)


def order(desk: Desk, department: str, case_id: int, workdays: int = 5) -> int:
    return items.create(desk["officer"], NewItem(department, "落实整改措施", (case_id,), due_workdays=workdays))


def finish(desk: Desk, item_id: int, done: bool) -> None:
    items.record(desk["officer"], item_id, "已整改")
    items.submit(desk["officer"], item_id)
    items.verify(desk["officer"], item_id, True, "")
    items.close(desk["manager"], item_id, done, "" if done else "措施未执行")


def office(desk: Desk) -> dict[str, int]:
    """March 2026: 护理部 orders two items (one 已落实, one 未落实) and the 已落实 one recurs; 心血管内科
    has one item due 17 March, submitted only on 2 April (overdue at the end of March)."""
    nursing_case = desk.new_case(State.CLOSED, category="020202")
    cardiology_case = desk.new_case(State.CLOSED)
    done = order(desk, "nursing", nursing_case)
    failed = order(desk, "nursing", nursing_case)
    late = order(desk, "cardiology", cardiology_case)  # due Tue 17 March
    desk.clock.set(datetime(2026, 3, 16, 10, 0))
    finish(desk, done, True)
    finish(desk, failed, False)
    desk.clock.set(datetime(2026, 3, 25, 10, 0))
    recurred = desk.register("clerk", category="020202").case_id
    desk.clock.set(datetime(2026, 4, 2, 10, 0))
    items.record(desk["officer"], late, "已整改")
    items.submit(desk["officer"], late)
    return {"late": late, "cardiology_case": cardiology_case, "recurred": recurred}


def test_march_figures(desk: Desk) -> None:
    office(desk)
    march = figures.compute(date(2026, 3, 1), date(2026, 3, 31), date(2026, 4, 10))
    by_name = {d.department: d for d in march.departments}
    nursing, cardiology = by_name["护理部"], by_name["心血管内科"]
    assert (nursing.ordered, nursing.done, nursing.failed, nursing.overdue, nursing.recurred) == (2, 1, 1, 0, 1)
    assert nursing.rate == 0.5 and march.rate == 0.5
    assert (cardiology.ordered, cardiology.overdue) == (1, 1)
    assert figures.rows(march)[-1] == ("合计", "3", "1", "1", "50.0%", "1", "1")
    # judged on 16 March the cardiology item was not yet due; in April it was submitted
    assert figures.compute(date(2026, 3, 1), date(2026, 3, 31), date(2026, 3, 16)).total("overdue") == 0
    assert figures.compute(date(2026, 4, 1), date(2026, 4, 30), date(2026, 4, 10)).total("overdue") == 0


def test_the_scorecard_counts_and_drills_into_the_cases(desk: Desk) -> None:
    ids = office(desk)
    as_of = date(2026, 4, 10).toordinal()
    scores = {s.department: s for s in scorecard.compute(MARCH, as_of, config.load())}
    late = next(i for i in scores["心血管内科"].items if i.key == "rect_overdue")
    recurred = next(i for i in scores["护理部"].items if i.key == "rect_recurred")
    assert (late.label, late.count, late.points) == ("整改逾期", 1, 2.0)
    assert (recurred.label, recurred.count, recurred.points) == ("整改后复发", 1, 3.0)
    cardiology = Department.get(Department.code == "cardiology").id
    nursing = Department.get(Department.code == "nursing").id
    behind = conditions.cases_where(Measure("score_rect_overdue", str(cardiology)), MARCH, as_of)
    assert [r[0] for r in behind.tuples()] == [ids["cardiology_case"]]
    behind = conditions.cases_where(Measure("score_rect_recurred", str(nursing)), MARCH, as_of)
    assert [r[0] for r in behind.tuples()] == [ids["recurred"]]


def test_the_report_has_the_rectification_table_and_its_definitions(desk: Desk) -> None:
    office(desk)
    desk.clock.set(datetime(2026, 4, 10, 10, 0))
    source = reports.prepare(desk["manager"], MARCH)
    data = report_data(source, source.draft, desk.clock() - timedelta(minutes=1), "陈立新")
    table = next(t for t in data.tables if t.key == "rectification")
    assert table.title == "整改落实情况" and table.rows[-1] == ("合计", "3", "1", "1", "50.0%", "1", "1")
    assert "整改落实率" in dict(data.definitions)
    from tests.printing.conftest import pdf_text

    pdf = reports.render(source, source.draft, "pdf", desk.clock(), "陈立新")
    assert "整改落实情况" in pdf_text(pdf) and "整改后复发" in pdf_text(pdf)
