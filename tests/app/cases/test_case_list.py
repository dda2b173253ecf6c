"""The case list's sorting and received-date range, done by the database: pages join up in order."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.cases import board
from app.cases.board import SORT_COLUMNS, BoardFilter
from app.cases.states import STATE_LABELS, State
from app.validation import SEVERITIES
from tests.support.desk import Desk


@pytest.fixture
def listed(desk: Desk) -> list[int]:
    """Seven cases received on different days, in several states and severities."""
    ids = []
    for day, state, severity in (
        (2, State.REGISTERED, "minor"),
        (3, State.IN_PROGRESS, "major"),
        (4, State.CLOSED, "serious"),
        (5, State.DRAFTING, "minor"),
        (6, State.REGISTERED, "serious"),
        (9, State.ACCEPTED, "minor"),
        (10, State.REPLIED, "major"),
    ):
        desk.clock.set(datetime(2026, 3, day, 9, 30))
        ids.append(desk.new_case(state, severity=severity))
    desk.clock.set(datetime(2026, 3, 10, 15, 0))
    return ids


def _all(desk: Desk, order: str, descending: bool, page: int = 3) -> list[board.CaseCard]:
    flt = BoardFilter(include_final=True)
    cards: list[board.CaseCard] = []
    pages = board.case_pages(desk["officer"], flt, order=order, descending=descending)
    while True:
        more = pages.next_page(page)
        if not more:
            return cards
        cards.extend(more)


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("column", SORT_COLUMNS)
def test_every_sortable_column_sorts_in_pages(desk: Desk, listed: list[int], column: str, descending: bool) -> None:
    cards = _all(desk, column, descending)
    assert sorted(c.id for c in cards) == sorted(listed)
    keys = {
        "case_no": lambda c: c.case_no,
        "received_at": lambda c: c.received_at,
        "severity": lambda c: list(SEVERITIES).index(c.severity),
        "state": lambda c: list(STATE_LABELS).index(c.state),
    }
    if column in keys:
        values = [keys[column](c) for c in cards]
        assert values == sorted(values, reverse=descending)
    else:  # by deadline: the running clocks by due date, cases without one (replied, closed) last
        running = [c for c in cards if c.deadline is not None and c.state != State.REPLIED]
        assert {c.state for c in cards[len(running) :]} <= {State.REPLIED, State.CLOSED}
        left = [c.deadline.hours_left for c in running]
        assert left == sorted(left, reverse=descending)


def test_received_date_range(desk: Desk, listed: list[int]) -> None:
    def between(start: date | None, end: date | None) -> list[int]:
        flt = BoardFilter(include_final=True, received_from=start, received_to=end)
        assert board.case_count(desk["officer"], flt) == len(cards := board.case_list(desk["officer"], flt))
        return sorted(c.id for c in cards)

    assert between(date(2026, 3, 4), date(2026, 3, 6)) == listed[2:5]  # both ends included
    assert between(date(2026, 3, 9), None) == listed[5:]
    assert between(None, date(2026, 3, 2)) == listed[:1]
    assert between(date(2026, 3, 7), date(2026, 3, 8)) == []  # a weekend without complaints
