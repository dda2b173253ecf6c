"""受限案件 placeholders: a restricted case the reader may not open shows in the office's lists, board
and counts as the same redacted card in both modes. Locally the cards redact full rows; on a shared
server the row-level security hides the row and the owner's view `case_placeholder` gives back the
number, state, received time and deadline inputs only, to office staff only.

One scenario is run on a local SQLCipher file and on the real PostgreSQL fixture and every screen's
read model is compared; plain SQL through the view checks what each role gets from the server.
"""

from __future__ import annotations

import re
from dataclasses import asdict

import psycopg
import pytest

from app.cases import board, overlays
from app.cases.board import BoardFilter
from app.cases.states import State
from app.policy import Role, lists_restricted_redacted
from models import migrations
from models.case_tally import SERVER_RESTRICTED_STATE_INDEX
from models.server_placeholders import (
    PLACEHOLDER_COLUMNS,
    PLACEHOLDER_READERS,
    PLACEHOLDER_VIEW,
    RESTRICTED_CARDS_INDEX,
)
from tests.support.cases import START, FakeClock
from tests.support.desk import Desk, open_desk
from tests.support.pg_server import plain_sql

PEOPLE = {
    "clerk": ("clerk", "前台文员", ["clerk"]),
    "officer": ("linxw", "林晓雯", ["officer"]),  # named on the restricted cases
    "officer2": ("wangzq", "王志强", ["officer"]),  # not named
    "manager": ("zhaomin", "赵敏", ["manager"]),
    "night": ("night", "总值班", ["night_duty"]),
}
# Every filter the board, the list and the home queues use, by name (林晓雯 is user 3).
FILTERS = {
    "all": BoardFilter(include_final=True),
    "open": BoardFilter(),
    "in_progress": BoardFilter(states=(State.IN_PROGRESS,)),
    "registered": BoardFilter(states=(State.REGISTERED,)),
    "received_today": BoardFilter(received_from=START.date(), received_to=START.date(), include_final=True),
    "overdue": BoardFilter(overdue_only=True),
    "on_hold": BoardFilter(queue="on_hold"),
    "due_today": BoardFilter(queue="due_today"),
    "active": BoardFilter(queue="active"),
    # on what a placeholder hides: a placeholder here would tell that a restricted case matches
    "cardiology": BoardFilter(department="cardiology", include_final=True),
    "major": BoardFilter(severity="major", include_final=True),
    "officer": BoardFilter(officer_id=3, include_final=True),
    "mine": BoardFilter(mine=True, include_final=True),
    "escalated": BoardFilter(queue="escalated"),
    "dept_late": BoardFilter(queue="dept_late"),
    "registered_today": BoardFilter(queue="registered_today", include_final=True),
}
CONTENT_FILTERS = ("cardiology", "major", "officer", "mine", "escalated", "dept_late", "registered_today")


def _scenario(desk: Desk) -> dict[str, int]:
    """Two restricted cases naming 林晓雯 (one routed to 心内科 and escalated, one on hold), a
    restricted night intake, and an open unrestricted case routed to 心内科 too."""
    secret = desk.new_case(State.IN_PROGRESS, departments=1)
    overlays.escalate(desk["manager"], secret, "患者家属要求院领导出面")
    overlays.restrict(desk["manager"], secret, True, ["linxw"])
    held = desk.new_case(State.ACCEPTED)
    overlays.hold(desk["officer"], held, "等待患者补充病历")
    overlays.restrict(desk["manager"], held, True, ["linxw"])
    night = desk.register("night", complainant_name="周小梅").case_id
    overlays.restrict(desk["manager"], night, True, ["linxw"])
    plain = desk.new_case(State.IN_PROGRESS, departments=2)
    desk.clock.advance(days=20)  # the acceptance and reply clocks run late
    return {"secret": secret, "held": held, "night": night, "plain": plain}


def _screens(desk: Desk, role: str) -> dict[str, object]:
    """What each list, board column and count shows `role`: whole cards, compared field by field."""
    session = desk[role]
    cards = {name: [asdict(c) for c in board.case_list(session, flt, limit=20)] for name, flt in FILTERS.items()}
    return {
        "lists": cards,
        "counts": {name: board.case_count(session, flt) for name, flt in FILTERS.items()},
        "board": [(c.state, c.total, [card.case_no for card in c.cards]) for c in board.board(session)],
        "queues": [(q.key, q.count) for q in board.queue_counts(session)],
        "by_deadline": [c.case_no for c in board.case_list(session, FILTERS["all"], order="deadline")],
        "urgent": [c.case_no for c in board.case_list(session, FILTERS["open"], order="urgency")],
        "by_severity": [c.case_no for c in board.case_list(session, FILTERS["all"], order="severity", descending=True)],
    }


def _office(desk: Desk) -> tuple[dict[str, int], dict[str, dict[str, object]]]:
    cases = _scenario(desk)
    return cases, {role: _screens(desk, role) for role in PEOPLE}


def _placeholder(screens: dict[str, object], case_id: int, flt: str = "all") -> dict | None:
    found = [c for c in screens["lists"][flt] if c["id"] == case_id]  # type: ignore[index]
    return found[0] if found else None


def test_local_and_shared_lists_show_the_same_placeholders(
    admin_session, fake_clock: FakeClock, request: pytest.FixtureRequest
) -> None:
    local_cases, local = _office(open_desk(admin_session, fake_clock, new=PEOPLE))
    fake_clock.set(START)
    shared_admin, _key = request.getfixturevalue("shared_admin")
    shared_cases, shared = _office(open_desk(shared_admin, fake_clock, new=PEOPLE))
    assert shared_cases == local_cases
    for role in PEOPLE:
        for part in ("lists", "counts", "board", "queues", "by_deadline", "urgent", "by_severity"):
            assert shared[role][part] == local[role][part], (role, part)

    # what the unnamed officer sees: the workload and its deadlines, nothing of the content
    unnamed = shared["officer2"]
    secret = _placeholder(unnamed, shared_cases["secret"])
    assert secret is not None and secret["redacted"] and secret["restricted"]
    assert secret["state"] == State.IN_PROGRESS
    assert secret["case_no"] == _placeholder(shared["manager"], shared_cases["secret"])["case_no"]  # type: ignore[index]
    assert secret["deadline"] is not None and secret["deadline"]["colour"] == "red"  # overdue shows
    assert (secret["complainant"], secret["category"], secret["departments"], secret["summary"]) == (
        "",
        "受限案件",
        "",
        "",
    )
    assert (secret["severity"], secret["officer"], secret["escalated"], secret["version"]) == ("", "", False, 0)
    held = _placeholder(unnamed, shared_cases["held"])
    assert held is not None and held["on_hold"] and held["deadline"]["paused"]
    assert _placeholder(unnamed, shared_cases["held"], "on_hold") == held
    assert _placeholder(unnamed, shared_cases["night"], "registered") is not None
    assert unnamed["counts"]["all"] == 4 and unnamed["counts"]["in_progress"] == 2
    assert dict((s, n) for s, n, _ in unnamed["board"])[State.IN_PROGRESS] == 2
    # issue 17 item 4: a filter on what the placeholder hides neither shows nor counts one
    for name in CONTENT_FILTERS:
        restricted = {shared_cases[k] for k in ("secret", "held", "night")}
        assert not restricted & {c["id"] for c in unnamed["lists"][name]}, name
    assert [c["id"] for c in unnamed["lists"]["cardiology"]] == [shared_cases["plain"]]
    assert unnamed["counts"]["cardiology"] == 1 and unnamed["counts"]["escalated"] == 0
    assert dict(unnamed["queues"])["escalated"] == 0

    # the named officer and the manager see the cases in full; the clerk sees no restricted case
    for role in ("officer", "manager"):
        full = _placeholder(shared[role], shared_cases["secret"])
        assert full is not None and not full["redacted"] and full["complainant"] and full["severity"] == "major"
        assert _placeholder(shared[role], shared_cases["secret"], "cardiology") == full
        assert shared[role]["counts"]["escalated"] == 1
    clerk = shared["clerk"]
    assert {c["id"] for c in clerk["lists"]["all"]} == {shared_cases["plain"]}
    assert clerk["counts"]["all"] == 1
    # night duty: their own night intake in full while it waits for the office, nothing else
    night = shared["night"]
    assert [(c["id"], c["redacted"]) for c in night["lists"]["all"]] == [(shared_cases["night"], False)]


def test_the_view_gives_each_role_only_the_placeholder_columns(shared_admin, fake_clock, pg_params) -> None:
    """Plain SQL as each role: the view has the placeholder's columns alone, and rows for office
    staff only, for the restricted cases they may not open."""
    desk = open_desk(shared_admin[0], fake_clock, new=PEOPLE)
    cases = _scenario(desk)
    restricted = sorted(cases[k] for k in ("secret", "held", "night"))
    rows: dict[str, list[tuple]] = {}
    for role, (username, _name, _roles) in PEOPLE.items():
        with plain_sql(pg_params, username) as conn:
            cursor = conn.execute(f"SELECT * FROM {PLACEHOLDER_VIEW} ORDER BY id")
            assert tuple(d.name for d in cursor.description) == PLACEHOLDER_COLUMNS
            rows[role] = cursor.fetchall()
            # the complement of the row-level security of "case" among the restricted cases
            seen = {r[0] for r in conn.execute('SELECT id FROM "case" WHERE restricted').fetchall()}
            reader = bool(set(PEOPLE[role][2]) & set(PLACEHOLDER_READERS))
            assert [r[0] for r in rows[role]] == ([i for i in restricted if i not in seen] if reader else []), role
            assert conn.execute('SELECT count(*) FROM "case" WHERE id = %s', (cases["secret"],)).fetchone() == (
                1 if role in ("officer", "manager") else 0,
            )
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(f"UPDATE {PLACEHOLDER_VIEW} SET state = 'closed'")
    assert [r[0] for r in rows["officer2"]] == restricted
    with plain_sql(pg_params, "zhaomin") as conn:  # the manager reads the same values from the cases
        columns = ", ".join(PLACEHOLDER_COLUMNS)
        full = conn.execute(f'SELECT {columns} FROM "case" WHERE id = ANY(%s) ORDER BY id', (restricted,)).fetchall()
    assert rows["officer2"] == full
    assert rows["officer"] == [] and rows["manager"] == []  # they open the cases themselves
    assert rows["clerk"] == [] and rows["night"] == []  # no placeholders at the front desk or at night


def test_the_assigned_officer_sees_a_restricted_case_in_full_on_the_server(
    shared_admin, fake_clock, pg_params, pg_server
) -> None:
    """The policy lets the case's own officer open it (named or not): the server agrees, so no
    placeholder stands in for a case the officer handles."""
    desk = open_desk(shared_admin[0], fake_clock, new=PEOPLE)
    case_id = desk.new_case(State.ACCEPTED)
    with pg_server.connect(pg_params.dbname, autocommit=True) as owner:  # handed over to 王志强
        owner.execute('UPDATE "case" SET officer_id = %s WHERE id = %s', (desk.user_id("officer2"), case_id))
    overlays.restrict(desk["manager"], case_id, True, ["linxw"])
    cards = [c for c in board.case_list(desk["officer2"]) if c.id == case_id]
    assert [(c.redacted, c.complainant != "") for c in cards] == [(False, True)]
    with plain_sql(pg_params, "wangzq") as conn:
        assert conn.execute(f"SELECT count(*) FROM {PLACEHOLDER_VIEW}").fetchone() == (0,)
        assert conn.execute('SELECT count(*) FROM "case" WHERE id = %s', (case_id,)).fetchone() == (1,)


def test_placeholder_readers_are_the_policy_s() -> None:
    from app.session import CurrentUser

    for role in Role:
        user = CurrentUser(id=1, username="u", display_name="u", roles=frozenset({role}))
        assert lists_restricted_redacted(user) == (role in PLACEHOLDER_READERS), role


def test_list_pages_read_the_placeholders_in_order(shared_admin, fake_clock) -> None:
    """Keyset pages over the cases and the placeholders together: every case once, in order."""
    desk = open_desk(shared_admin[0], fake_clock, new=PEOPLE)
    ids = []
    for n in range(7):
        ids.append(desk.new_case(State.REGISTERED))
        if n % 2:
            overlays.restrict(desk["manager"], ids[-1], True, ["linxw"])
        desk.clock.advance(hours=1)
    pages = board.case_pages(desk["officer2"], BoardFilter(include_final=True))
    seen = []
    while not pages.done:
        seen += pages.next_page(2)
    assert [c.id for c in seen] == list(reversed(ids))
    assert [c.redacted for c in seen] == [bool(n % 2) for n in reversed(range(7))]


def test_a_server_at_the_step_before_gets_the_index_and_the_view_on_upgrade(
    shared_admin, pg_params, pg_server, fake_clock: FakeClock
) -> None:
    """Schema step 28 on a server built at step 26: the owner's upgrade adds the restricted cases'
    index, and the reinstalled policy the placeholder view."""
    from app import shared
    from app.errors import DatabaseOpenError
    from tests.support.accounts import ADMIN, ADMIN_PASSWORD

    session, key = shared_admin
    session.db.close()
    before = max(v for v in migrations.STEPS if v < 28)
    with pg_server.connect(pg_params.dbname, autocommit=True) as owner:  # as a step-26 build left it
        owner.execute(f"DROP VIEW {PLACEHOLDER_VIEW}")
        owner.execute(f"DROP INDEX {RESTRICTED_CARDS_INDEX}")
        owner.execute("UPDATE schema_version SET version = %s", (before,))
    with pytest.raises(DatabaseOpenError, match="需要升级"):
        shared.login_shared(pg_params, key, ADMIN, ADMIN_PASSWORD)
    assert shared.upgrade_shared_database(pg_params, pg_server.password, key) == before
    with pg_server.connect(pg_params.dbname) as owner:
        index = owner.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", (RESTRICTED_CARDS_INDEX,)).fetchone()
        assert index is not None and index[0].endswith("WHERE restricted")
        assert owner.execute("SELECT count(*) FROM pg_views WHERE viewname = %s", (PLACEHOLDER_VIEW,)).fetchone() == (1,)
    admin = shared.login_shared(pg_params, key, ADMIN, ADMIN_PASSWORD)
    desk = open_desk(admin, fake_clock, new=PEOPLE)
    case_id = desk.new_case(State.ACCEPTED)
    overlays.restrict(desk["manager"], case_id, True, ["linxw"])
    assert [c.redacted for c in board.case_list(desk["officer2"]) if c.id == case_id] == [True]


# The role checks as a server before step 36 made them (SQL functions, planned again in every statement).
_STEP_35_ROLE_CHECKS = """
CREATE OR REPLACE FUNCTION cd_me() RETURNS integer LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public, pg_temp AS $$
  SELECT id FROM "user" WHERE active AND cd_role_of(username) = session_user $$;
CREATE OR REPLACE FUNCTION cd_has(p_role text) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public, pg_temp AS $$
  SELECT p_role = ANY(cd_roles()) $$;
"""
ROLE_CHECKS = ("cd_me", "cd_roles", "cd_has", "cd_has_any", "cd_named")


def _what_each_role_reads(pg_params) -> dict[str, tuple]:
    """Plain SQL as each role: its placeholders, the restricted cases it reads, its roles in force
    and whether it passes as a manager."""
    seen = {}
    for role, (username, _name, _roles) in PEOPLE.items():
        with plain_sql(pg_params, username) as conn:
            seen[role] = (
                conn.execute(f"SELECT * FROM {PLACEHOLDER_VIEW} ORDER BY received_at DESC, id DESC").fetchall(),
                conn.execute('SELECT id FROM "case" WHERE restricted ORDER BY id').fetchall(),
                sorted(conn.execute("SELECT cd_roles()").fetchone()[0]),
                conn.execute("SELECT cd_has('manager'), cd_has_any(ARRAY['manager', 'officer'])").fetchone(),
            )
    return seen


def test_a_server_at_step_35_gets_the_covering_index_and_the_role_checks_on_upgrade(
    shared_admin, pg_params, pg_server, fake_clock: FakeClock
) -> None:
    """Schema step 36: the restricted cases' index holds what the placeholder view reads, so the view
    is read from the index alone; the role checks become PL/pgSQL. Every role reads exactly what it
    read before, the front desk and night duty still nothing restricted."""
    from app import shared

    session, key = shared_admin
    desk = open_desk(session, fake_clock, new=PEOPLE)
    cases = _scenario(desk)
    before = _what_each_role_reads(pg_params)
    session.db.close()
    with pg_server.connect(pg_params.dbname, autocommit=True) as owner:  # as step 35 left it
        owner.execute(f"DROP INDEX {RESTRICTED_CARDS_INDEX}")
        owner.execute(f'CREATE INDEX {SERVER_RESTRICTED_STATE_INDEX} ON "case" (state) WHERE restricted')
        owner.execute(_STEP_35_ROLE_CHECKS)
        owner.execute("UPDATE schema_version SET version = 35")
    assert shared.upgrade_shared_database(pg_params, pg_server.password, key) == 35
    with pg_server.connect(pg_params.dbname, autocommit=True) as owner:
        names = owner.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'case'").fetchall()
        assert (RESTRICTED_CARDS_INDEX,) in names and (SERVER_RESTRICTED_STATE_INDEX,) not in names
        languages = owner.execute(
            "SELECT p.proname, l.lanname FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang "
            "WHERE p.proname = ANY(%s)",
            (list(ROLE_CHECKS),),
        ).fetchall()
        assert sorted(languages) == sorted((name, "plpgsql") for name in ROLE_CHECKS)
        owner.execute('VACUUM "case"')  # the visibility map an index-only scan relies on
    after = _what_each_role_reads(pg_params)
    assert after == before
    restricted = sorted(cases[k] for k in ("secret", "held", "night"))
    assert [r[0] for r in after["officer2"][0]] == sorted(restricted, reverse=True)  # newest first
    for role in ("clerk", "night"):  # no placeholder at the front desk or at night, no manager's reach
        assert after[role][0] == [] and after[role][3] == (False, False)
    assert after["clerk"][1] == []  # and no restricted row; night duty only its own night intake
    assert after["night"][1] == [(cases["night"],)]
    assert after["clerk"][2] == ["clerk"] and after["night"][2] == ["night_duty"]
    with plain_sql(pg_params, "wangzq") as conn:  # every column the view reads is in the index
        conn.execute("SET enable_seqscan = off")
        conn.execute("SET enable_bitmapscan = off")
        plan = "\n".join(
            r[0]
            for r in conn.execute(
                f"EXPLAIN SELECT * FROM {PLACEHOLDER_VIEW} ORDER BY received_at DESC, id DESC LIMIT 50"
            ).fetchall()
        )
        assert re.search(rf"Index Only Scan (Backward )?using {RESTRICTED_CARDS_INDEX} ", plan), plan
