"""Keyset pages of the case list and the board, the kept counts per role, and case-number search.

Pages continue after the last row shown: every case that stays in the list is listed exactly once,
in order, whatever is registered, closed or deleted between two pages. Totals come from the kept
counts (models.case_tally) where the filter is by state alone and must equal a live COUNT(*).
"""

from __future__ import annotations

from datetime import datetime

import peewee
import pytest

from app.cases import acceptance, board, overlays, search
from app.cases.board import SORT_COLUMNS, BoardFilter
from app.cases.states import BOARD_STATES, STATE_LABELS, State
from app.validation import SEVERITIES
from models import case_tally
from models.cases import Case
from models.database import database_proxy
from tests.support.desk import Desk

ROLES = ("manager", "officer", "officer2", "clerk", "night_duty", "multi")
FILTERS = (
    BoardFilter(include_final=True),
    BoardFilter(),
    BoardFilter(states=(State.REGISTERED,)),
    BoardFilter(states=(State.IN_PROGRESS, State.CLOSED)),
)


@pytest.fixture
def cases(desk: Desk) -> dict[str, int]:
    """Cases in several states, two of them restricted (one naming officer2), one night intake."""
    made: dict[str, int] = {}
    for hour, (name, state) in enumerate(
        [
            ("a", State.REGISTERED),
            ("b", State.IN_PROGRESS),
            ("c", State.REGISTERED),
            ("d", State.CLOSED),
            ("e", State.DRAFTING),
            ("secret", State.IN_PROGRESS),
            ("named", State.REGISTERED),
        ]
    ):
        desk.clock.set(datetime(2026, 3, 10, 8 + hour, 15))
        made[name] = desk.new_case(state)
    overlays.restrict(desk["manager"], made["secret"], True)
    overlays.restrict(desk["manager"], made["named"], True, ["wangzq"])
    desk.clock.set(datetime(2026, 3, 10, 23, 40))
    made["night"] = desk.register("night_duty", channel="phone").case_id
    overlays.restrict(desk["manager"], made["night"], True)
    desk.clock.set(datetime(2026, 3, 11, 9, 0))
    return made


def _live_count(desk: Desk, role: str, flt: BoardFilter) -> int:
    return board.filtered(desk[role], flt, Case.select()).count()


def _every_page(pages: board.KeysetPages, size: int = 2) -> list[board.CaseCard]:
    cards: list[board.CaseCard] = []
    while more := pages.next_page(size):
        cards.extend(more)
    return cards


def test_kept_counts_equal_a_live_count_for_every_role_and_filter(desk: Desk, cases: dict[str, int]) -> None:
    for role in ROLES:
        for flt in FILTERS:
            expected = _live_count(desk, role, flt)
            assert board.case_count(desk[role], flt) == expected, (role, flt)
            assert len(_every_page(board.case_pages(desk[role], flt))) == expected, (role, flt)
    # the clerk: every case but the three restricted ones; officer2 sees the case naming them
    assert board.case_count(desk["clerk"], BoardFilter(include_final=True)) == 5
    assert board.case_count(desk["night_duty"], BoardFilter(include_final=True)) == 1  # their own night intake
    assert board.case_count(desk["manager"], BoardFilter(include_final=True)) == 8


def test_kept_counts_follow_every_write(desk: Desk, cases: dict[str, int]) -> None:
    def tally_is_exact() -> None:
        kept = case_tally.counts(database_proxy.obj, None)
        live = {s: n for s, n in Case.select(Case.state, peewee.fn.COUNT(Case.id)).group_by(Case.state).tuples()}
        assert kept == live
        for restricted in (False, True):
            live_part = dict(
                Case.select(Case.state, peewee.fn.COUNT(Case.id))
                .where(Case.restricted == restricted)
                .group_by(Case.state)
                .tuples()
            )
            assert case_tally.counts(database_proxy.obj, None, restricted) == live_part

    tally_is_exact()
    acceptance.accept(desk["officer"], cases["a"])  # a state change
    overlays.restrict(desk["manager"], cases["c"], True)  # restricted
    overlays.restrict(desk["manager"], cases["secret"], False)  # and no longer
    tally_is_exact()
    Case.delete().where(Case.id == cases["e"]).execute()  # deleted (cascading to its records)
    tally_is_exact()
    assert board.case_count(desk["clerk"], BoardFilter()) == _live_count(desk, "clerk", BoardFilter())


def test_the_clerk_never_sees_a_restricted_case_and_the_officer_sees_it_redacted(
    desk: Desk, cases: dict[str, int]
) -> None:
    restricted = {cases["secret"], cases["named"], cases["night"]}
    clerk = _every_page(board.case_pages(desk["clerk"]))
    assert restricted.isdisjoint(c.id for c in clerk)
    # "secret" is handled by officer (they see it), "named" names officer2
    officer = {c.id: c for c in _every_page(board.case_pages(desk["officer"]))}
    assert not officer[cases["secret"]].redacted
    assert officer[cases["named"]].redacted and officer[cases["named"]].complainant == ""
    assert officer[cases["named"]].summary == "" and officer[cases["named"]].category == board.REDACTED
    other = {c.id: c for c in _every_page(board.case_pages(desk["officer2"]))}
    assert not other[cases["named"]].redacted and other[cases["secret"]].redacted
    columns = board.board(desk["clerk"])
    assert restricted.isdisjoint(card.id for column in columns for card in column.cards)
    assert sum(c.total for c in columns) == _live_count(desk, "clerk", BoardFilter())


def _sort_value(order: str, card: board.CaseCard) -> object:
    return {
        "newest": lambda c: (c.received_at, c.id),
        "case_no": lambda c: c.case_no,
        "received_at": lambda c: (c.received_at, c.id),
        "severity": lambda c: list(SEVERITIES).index(c.severity),
        "state": lambda c: list(STATE_LABELS).index(c.state),
    }[order](card)


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("order", ["newest", "urgency", *SORT_COLUMNS])
def test_pages_list_every_remaining_case_once_in_order_across_writes(
    desk: Desk, cases: dict[str, int], order: str, descending: bool
) -> None:
    flt = BoardFilter(include_final=True)
    before = {c.id for c in _every_page(board.case_pages(desk["manager"], flt))}
    pages = board.case_pages(desk["manager"], flt, order=order, descending=descending)
    cards = pages.next_page(3)
    # between pages: a new case, a deleted one and one closed (it stays in a list with closed cases)
    desk.clock.advance(hours=1)
    added = desk.register("clerk").case_id
    gone = next(i for i in sorted(before) if i not in {c.id for c in cards})
    Case.delete().where(Case.id == gone).execute()
    cards += _every_page(pages, 3)
    ids = [c.id for c in cards]
    assert len(ids) == len(set(ids))  # nothing twice
    assert before - {gone} <= set(ids) <= before | {added}  # nothing missing, the deleted one gone
    if order in ("newest", "case_no", "received_at", "severity", "state"):
        values = [_sort_value(order, c) for c in cards]
        assert values == sorted(values, reverse=descending or order == "newest")
    expected = board.case_list(desk["manager"], flt, limit=100, order=order, descending=descending)
    assert ids == [c.id for c in expected if c.id in set(ids)]  # the order of a fresh list


def test_a_board_column_continues_after_its_first_page(desk: Desk, cases: dict[str, int]) -> None:
    for _ in range(3):
        desk.register("clerk")
    first = board.board(desk["officer"], per_column=2)[0]
    assert first.state == State.REGISTERED and len(first.cards) == 2
    pages = board.column_pages(desk["officer"], State.REGISTERED)
    pages.skip(len(first.cards))
    rest = _every_page(pages)
    listed = [c.id for c in first.cards] + [c.id for c in rest]
    assert len(listed) == len(set(listed)) == first.total
    assert listed == [c.id for c in _every_page(board.column_pages(desk["officer"], State.REGISTERED), 50)]


def test_the_board_counts_every_open_state(desk: Desk, cases: dict[str, int]) -> None:
    for role in ROLES:
        columns = board.board(desk[role])
        assert [c.state for c in columns] == list(BOARD_STATES)
        for column in columns:
            flt = BoardFilter(states=(column.state,))
            assert column.total == _live_count(desk, role, flt), (role, column.state)


def test_search_finds_a_case_by_its_full_and_partial_number(desk: Desk, cases: dict[str, int]) -> None:
    number = Case.get_by_id(cases["b"]).case_no  # YH-2026-000002
    prefix, year, seq = number.split("-")
    officer = desk["officer"]
    assert search.search(officer, number) == [cases["b"]]
    assert search.search(officer, number.lower()) == [cases["b"]]
    assert search.search(officer, f"{year}-{seq}") == [cases["b"]]  # without the office prefix
    every = set(search.search(officer, f"{year}-0"))  # the beginning of the numbers of the year
    listed = _every_page(board.case_pages(officer))
    assert every == {c.id for c in listed if not c.redacted and c.case_no.startswith(f"{prefix}-{year}-0")}
    assert cases["secret"] not in set(search.search(desk["clerk"], f"{year}-0"))  # restricted: not for the clerk
    assert search.search(officer, f"{year}-9") == []
    assert search.search(officer, f"{prefix}-{int(year) + 1}-{seq}") == []


def test_a_list_page_far_down_needs_no_offset(desk: Desk, cases: dict[str, int]) -> None:
    """The next page's query seeks to the last key: its SQL has no OFFSET, the same text every page."""
    pages = board.case_pages(desk["manager"])
    pages.next_page(2)
    pages.next_page(2)
    pages.next_page(2)
    statements = [sql for sql, _params, _slots in pages._sql.values()]
    assert len(statements) == 2 and not any("OFFSET" in sql.upper() for sql in statements)


HOME_LISTS = (  # the home sections' lists in the order they show them (ui/home/)
    BoardFilter(queue="active"),
    BoardFilter(overdue_only=True),
    BoardFilter(states=(State.PENDING_APPROVAL,)),
    BoardFilter(queue="extensions"),
    BoardFilter(queue="escalated"),
    BoardFilter(queue="on_hold"),
    BoardFilter(queue="my_shift"),
    BoardFilter(department="cardiology"),
    BoardFilter(),
)


def test_the_urgency_pages_sorted_by_id_first_equal_the_one_statement_pages(
    desk: Desk, cases: dict[str, int]
) -> None:
    """The urgency order sorts the ids on the open work's index and reads only the page's cards;
    for every role and home list the pages are those of the one statement that reads every card
    (restricted and redacted cases, a night intake, a case on hold, overdue ones, several
    departments), page after page."""
    overlays.hold(desk["officer"], cases["b"], "等待患者补充病历材料")
    overlays.escalate(desk["officer"], cases["e"], "患者家属多次来访，情绪激动")
    more = [desk.new_case(state, departments=n) for state, n in ((State.IN_PROGRESS, 1), (State.DRAFTING, 3))]
    more.append(desk.new_case(State.PENDING_APPROVAL))
    desk.clock.set(datetime(2026, 5, 20, 10, 0))  # weeks later: the running clocks are overdue
    keys = board.list_keys("urgency")
    for role in ROLES:
        for flt in HOME_LISTS:
            fast = _every_page(board.case_pages(desk[role], flt, order="urgency"), 2)
            plain = _every_page(board._pages(desk[role], flt, keys, ids_first=False), 2)
            assert [c.id for c in fast] == [c.id for c in plain], (role, flt)
            assert fast == plain, (role, flt)
    active = _every_page(board.case_pages(desk["officer"], BoardFilter(queue="active"), order="urgency"))
    assert {cases["b"], *more} <= {c.id for c in active}
    assert active[-1].id == cases["b"]  # on hold: after the running clocks


def test_the_urgency_pages_read_the_open_work_index_without_case_rows(
    desk: Desk, cases: dict[str, int]
) -> None:
    pages = board.case_pages(desk["officer"], BoardFilter(queue="active"), order="urgency")
    sql, params, _slots = pages._statement(False, 50)
    plan = " ".join(str(r) for r in database_proxy.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params))
    assert "COVERING INDEX case_work" in plan, plan
