"""The 统计分析 page on the hand-computed office: March is computed in the background, every number
drills into exactly its cases (restricted ones shown as 受限案件 to an officer not named on them),
the drafted analysis is edited and issued, the 考核 sheet exported."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from pytestqt.qtbot import QtBot

from app.cases import overlays
from app.statistics import periods
from models.statistics import IssuedReport
from tests.app.statistics.conftest import March
from tests.support.desk import Desk
from ui.statistics import StatisticsPage
from ui.statistics.drill_dialog import DrillDialog
from ui.statistics.statistics_page import table_rows
from ui.statistics.tables import MeasureRole

MARCH = periods.month(2026, 3)


def _page(qtbot: QtBot, desk: Desk, role: str) -> StatisticsPage:
    page = StatisticsPage(desk[role])
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitUntil(lambda: page.computed is not None, timeout=20_000)
    return page


def _row(page: StatisticsPage, label: str) -> int:
    return next(i for i, row in enumerate(table_rows(page.figures_table)) if row[0].strip() == label)


def _drill_row(qtbot: QtBot, page: StatisticsPage, label: str) -> DrillDialog:
    item = page.figures_table.item(_row(page, label), 1)
    dialog = page.drill(*item.data(MeasureRole))
    assert dialog is not None
    qtbot.addWidget(dialog)
    return dialog


def test_march_figures_tiles_and_drill_down(qtbot: QtBot, desk: Desk, march: March) -> None:
    page = _page(qtbot, desk, "manager")
    assert page.period() == MARCH and page.computed.figures.period == MARCH
    assert page.tiles["received"].text().splitlines()[:2] == ["收到投诉", "5 件"]
    assert page.tiles["completion"].text().splitlines()[1] == "75.0%"
    assert table_rows(page.figures_table)[_row(page, "来电")][1:] == ["2", "40.0%"]
    dialog = _drill_row(qtbot, page, "来电")
    assert dialog.heading.text() == "2026年3月 · 按渠道 · 来电 — 2 件" and dialog.table.rowCount() == 2
    opened: list[int] = []
    page.open_case_requested.connect(opened.append)
    dialog._activated(dialog.table.item(0, 0))
    assert opened == [march.a]
    scores = table_rows(page.score_table)
    assert scores[0][0] == "放射科" and scores[0][-1] == "13.5"


def test_restricted_case_is_counted_and_shown_as_restricted(qtbot: QtBot, desk: Desk, march: March) -> None:
    overlays.restrict(desk["manager"], march.c, True, [])
    page = _page(qtbot, desk, "officer2")  # not named on C and not its officer
    assert page.computed.figures.backlog.count == 3
    page.tiles["backlog"].click()
    dialog = next(d for d in page.findChildren(DrillDialog))
    qtbot.addWidget(dialog)
    rows = table_rows(dialog.table)
    # C, restricted above, and E: a 重大 case is restricted when the office accepts it
    assert len(rows) == 3 and [r[0] for r in rows].count("受限案件") == 2
    assert dialog.heading.text() == "2026年3月 · 期末未结 — 3 件" and "无权查看" in dialog.info.text()
    restricted = next(i for i, r in enumerate(rows) if r[0] == "受限案件")
    opened: list[int] = []
    page.open_case_requested.connect(opened.append)
    dialog._activated(dialog.table.item(restricted, 0))
    assert opened == []  # nothing to open


def test_another_period_and_a_custom_range(qtbot: QtBot, desk: Desk, march: March) -> None:
    page = _page(qtbot, desk, "officer")
    page.set_period(periods.month(2026, 2))
    qtbot.waitUntil(lambda: page.computed.figures.period == periods.month(2026, 2), timeout=20_000)
    assert page.tiles["received"].text().splitlines()[1] == "0 件"
    page.set_period(periods.custom(MARCH.start, MARCH.start.replace(day=11)))
    qtbot.waitUntil(lambda: page.computed.figures.period.kind == "custom", timeout=20_000)
    assert page.computed.figures.received == 4  # A, B, C, F (E came on the 12th)


def test_edited_analysis_is_issued_and_stored(qtbot: QtBot, desk: Desk, march: March, tmp_path: Path) -> None:
    page = _page(qtbot, desk, "manager")
    dialog = page.open_report()
    qtbot.addWidget(dialog)
    assert "2026年3月共收到投诉 5 件" in dialog.editor.toPlainText()
    dialog.editor.setPlainText(dialog.editor.toPlainText() + "\n\n七、主任批示\n请各科室认真整改。")
    target = tmp_path / "march.docx"
    next(b for b in dialog.formats.buttons() if b.property("format") == "docx").setChecked(True)
    dialog.issue(target)
    qtbot.waitUntil(lambda: dialog.saved == target, timeout=20_000)
    stored = IssuedReport.get()
    assert stored.fmt == "docx" and stored.analysis.endswith("请各科室认真整改。") and stored.total == 5
    assert target.read_bytes() == bytes(stored.data)


def test_scorecard_export(qtbot: QtBot, desk: Desk, march: March, tmp_path: Path) -> None:
    page = _page(qtbot, desk, "manager")
    target = tmp_path / "score.xlsx"
    page.export_scorecard(str(target))
    sheet = openpyxl.load_workbook(target)["科室考核"]
    assert [c.value for c in sheet[3]][0] == "放射科"


def test_alerts_on_the_managers_home(qtbot: QtBot, desk: Desk, march: March) -> None:
    """A's complainant complained again (E): with a third complaint in 90 days the home says so."""
    desk.register("clerk", complainant_phone="13912345678", complainant_id_number="")
    from ui.home.statistics_alerts import StatisticsAlerts

    card = StatisticsAlerts(desk["manager"])
    qtbot.addWidget(card)
    card.refresh()
    qtbot.waitUntil(lambda: bool(card.lines), timeout=10_000)
    assert any("近 90 天投诉 3 次" in line for line in card.lines) and "139****5678" in card.text.text()


def test_a_surge_alert_starts_a_rectification_filled_from_it(qtbot: QtBot, desk: Desk) -> None:
    """Cardiology: one case a month May–October, six in November. The manager's 统计提醒 offers
    发起整改; the 下达整改 form holds the six cases, the department and the figures; confirmed, the
    item covers those cases as a statistics alert's item."""
    from datetime import datetime

    from app.cases.issues import IssueInput
    from models.cases import Case
    from models.rectification import Rectification, RectificationCase
    from ui.home.statistics_alerts import StatisticsAlerts

    for month in range(5, 11):
        desk.clock.set(datetime(2026, month, 12, 9, 0))
        desk.register("clerk", complainant_phone=f"1380000{month:04d}", complainant_id_number="",
                      issues=[IssueInput(category="010101", department="cardiology")])  # fmt: skip
    desk.clock.set(datetime(2026, 11, 2, 9, 0))
    november = []
    for i in range(6):
        desk.clock.advance(hours=3)
        november.append(desk.register("clerk", complainant_phone=f"1390000{i:04d}", complainant_id_number="",
                                      issues=[IssueInput(category="010101", department="cardiology")]).case_id)  # fmt: skip
    desk.clock.set(datetime(2026, 11, 20, 10, 0))
    officer_card = StatisticsAlerts(desk["officer"])
    qtbot.addWidget(officer_card)
    officer_card.refresh()
    qtbot.waitUntil(lambda: bool(officer_card.lines), timeout=10_000)
    assert officer_card.rectify_buttons == []  # an officer does not start one from an alert
    card = StatisticsAlerts(desk["manager"])
    qtbot.addWidget(card)
    card.refresh()
    qtbot.waitUntil(lambda: bool(card.rectify_buttons), timeout=10_000)
    surge = next(a for a in card.last_surges if a.kind == "department")
    dialog = card.start_rectification(surge)
    assert dialog is not None
    qtbot.addWidget(dialog)
    numbers = [Case.get_by_id(i).case_no for i in november]
    assert dialog.cases_edit.text().split("，") == numbers
    assert dialog.department_combo.currentData() == "cardiology"
    assert "心血管内科" in dialog.problem_edit.toPlainText() and "6 件" in dialog.problem_edit.toPlainText()
    dialog.measure_edit.setPlainText("组织科室专题讨论，规范诊疗告知。")
    dialog.submit()
    item = Rectification.select().order_by(Rectification.id.desc()).get()
    assert item.source == "alert" and item.department.code == "cardiology"
    covered = [r.case_id for r in RectificationCase.select().where(RectificationCase.rectification == item)]
    assert sorted(covered) == november
