"""The intake page's helpers in app/: this database's category leaves and their pinyin search, and
whether registering now is a 总值班 intake with which acceptance date."""

from __future__ import annotations

from datetime import date, datetime

from app.cases import intake
from app.cases.category_tree import category_leaves, match_leaves
from tests.support.desk import Desk


def test_category_leaves_of_the_database_carry_their_default_department(desk: Desk) -> None:
    leaves = category_leaves()
    assert len(leaves) == 71
    first = leaves[0]
    assert (first.code, first.name, first.path, first.default_department_code) == (
        "010101",
        "误诊漏诊",
        "医疗质量 / 诊断问题 / 误诊漏诊",
        "medical_affairs",
    )


def test_match_leaves_searches_by_chinese_and_pinyin_initials(desk: Desk) -> None:
    leaves = category_leaves()
    assert match_leaves("wz", leaves)[0].name == "误诊漏诊"
    attitude = match_leaves("fwtd", leaves)
    assert len(attitude) == 8 and all(leaf.path.startswith("服务态度 / ") for leaf in attitude)
    assert [leaf.name for leaf in match_leaves("退费", leaves)] == ["退费困难或退费慢"]
    assert match_leaves("", leaves) == leaves


def test_intake_mode_tells_night_intake_and_the_acceptance_date(desk: Desk) -> None:
    desk.clock.set(datetime(2026, 3, 13, 23, 40))  # Friday night
    night = intake.intake_mode(desk["night_duty"])
    assert night == intake.IntakeMode(True, date(2026, 3, 16))
    assert intake.intake_mode(desk["officer"]) == intake.IntakeMode(False, date(2026, 3, 16))
    desk.clock.set(datetime(2026, 3, 10, 9, 0))  # Tuesday morning
    assert intake.intake_mode(desk["officer"]) == intake.IntakeMode(False, date(2026, 3, 10))
    assert intake.intake_mode(desk["officer"], "letter") == intake.IntakeMode(False, date(2026, 3, 11))
    assert intake.intake_mode(desk["night_duty"]).night_intake  # only night duty: always the short form
    registered = desk.register("night_duty")
    assert registered.night_intake and registered.accept_due == date(2026, 3, 11)
