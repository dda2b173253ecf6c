"""The machine's base: a copy of the template per example, the oracle and the invariants."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
)

from app import audit, clock
from app import settings as app_settings
from app.cases.states import STATE_LABELS, State
from app.errors import ComplaintDeskError, PermissionDenied, TransitionError
from app.session import CurrentUser, Session
from models.cases import Assignment, Case, CaseEvent, Extension
from models.database import database_proxy
from tests.support.cases import START, FakeClock
from tests.support.sessions import session_for

from ..conftest import (
    ON_HOLD_ALLOWED,
    PEOPLE,
    Template,
    audit_count,
    case_data,
    open_copy,
    remove_copy,
)
from .model import (
    AFTER_DRAFTING,
    CHINESE,
    DEPARTMENTS,
    FINAL,
    GRANTS,
    OK,
    OPEN,
    ROLE_SETS,
    RULE_STATES,
    Expected,
    Model,
    S,
    add_workdays,
)


class CaseMachineBase(RuleBasedStateMachine):
    """The copy of the template database, the sessions, the oracle (what each call must do) and
    the invariants checked after every step; the rules come from the mixins."""

    template: Template | None = None
    directory: Path | None = None
    users: dict[str, CurrentUser] = {}
    counter = itertools.count()

    def __init__(self) -> None:
        super().__init__()
        assert self.template is not None and self.directory is not None
        self.path = self.directory / f"example-{next(self.counter)}.db"
        self.clock = FakeClock(START)
        clock.set_clock(self.clock)
        admin = open_copy(self.template, self.path)
        app_settings.update(admin, {"major_auto_restrict": False})  # automatic 保密: test_major_checklist.py
        database_proxy.execute_sql("PRAGMA synchronous = OFF")  # a throw-away copy: no fsync on close
        if not type(self).users:  # the same in every copy of the template: read them once
            type(self).users = {key: session_for(admin, PEOPLE[key][0]).user for key in PEOPLE}
        self.sessions: dict[str, Session] = {
            key: replace(admin, user=user) for key, user in self.users.items()
        }
        self.sessions["admin"] = admin
        self.user_ids = {key: s.user.id for key, s in self.sessions.items()}
        self.models: dict[int, Model] = {}
        self.audits = audit_count()
        self.registered = 0

    def teardown(self) -> None:
        remove_copy(self.path)
        clock.set_clock(None)

    # ------------------------------------------------------------------ the oracle

    def _views_through(self, user: str, role: str, m: Model) -> bool:
        if role == "manager":
            return True
        if role == "officer":
            return not m.restricted or user in m.named or m.officer == user
        if role == "clerk":
            return not m.restricted
        if role == "night_duty":
            return m.registered_by == user and m.night and m.state == S.REGISTERED
        return False

    def visible(self, user: str, m: Model) -> bool:
        return any(self._views_through(user, role, m) for role in ROLE_SETS[user])

    def permitted(self, user: str, name: str, m: Model) -> bool:
        for role in ROLE_SETS[user] & GRANTS[name]:
            if not self._views_through(user, role, m):
                continue
            if name == "attachment" and role in ("clerk", "night_duty") and m.registered_by != user:
                continue
            if name == "correct" and not self._may_correct(user, role, m):
                continue
            return True
        return False

    def _may_correct(self, user: str, role: str, m: Model) -> bool:
        """更正登记信息: a manager always; an officer while open; the front desk on its own intake
        before acceptance (the clerk on the day of registration only)."""
        if role == "officer":
            return m.state not in FINAL
        if role in ("clerk", "night_duty"):
            if m.registered_by != user or m.state != S.REGISTERED:
                return False
            return role == "night_duty" or m.registered_on == self.clock.at.date()
        return True

    def denial(self, user: str, name: str, m: Model) -> Expected:
        if self.visible(user, m):
            return (PermissionDenied, "只")  # 只有…可以… / 只能对本人登记的案件…
        return (PermissionDenied, "受限案件：无权查看" if m.restricted else "无权查看该案件")

    def expect(
        self, user: str, name: str, m: Model, specific: Callable[[], Expected] | None = None
    ) -> Expected:
        """Policy (who), then the state table (when), then the action's own condition."""
        if not self.permitted(user, name, m):
            return self.denial(user, name, m)
        if m.state not in RULE_STATES[name]:
            return (TransitionError, f"案件当前状态为“{STATE_LABELS[m.state]}”")
        if m.on_hold and name not in ON_HOLD_ALLOWED:
            return (TransitionError, "案件处于待补充材料（暂停）状态，请先恢复办理")
        return specific() if specific else OK

    def attempt(self, expected: Expected, call: Callable[[], object]) -> bool:
        """Run the call; check it did what the model said. True when it succeeded."""
        before = case_data() if expected is not OK else None
        try:
            call()
        except ComplaintDeskError as exc:
            assert expected is not OK, f"refused unexpectedly: {type(exc).__name__}: {exc.message}"
            kind, fragment = expected
            assert type(exc) is kind, (
                f"expected {kind.__name__} ({fragment}), got {type(exc).__name__}: {exc}"
            )
            assert fragment in exc.message, f"expected “{fragment}” in “{exc.message}”"
            assert CHINESE.search(exc.message)
            assert case_data() == before, f"a refused call ({exc.message}) wrote something"
            if kind is PermissionDenied:
                self.audits += 1
            return False
        assert expected is OK, f"expected {expected[0].__name__} ({expected[1]}) but the call succeeded"
        self.audits += 1
        return True

    def _write(self, m: Model) -> None:
        m.writes += 1

    def _new_assignments(self, m: Model) -> None:
        for row in Assignment.select(Assignment.id, Assignment.department).where(Assignment.case == m.id):
            if row.id not in m.assignments:
                code = next(d for d in DEPARTMENTS if self._dept_id(d) == row.department_id)
                m.assignments[row.id] = (code, "sent")

    _dept_ids: dict[str, int] = {}

    def _dept_id(self, code: str) -> int:
        if code not in self._dept_ids:
            from models.organisation import Department

            self._dept_ids[code] = Department.get(Department.code == code).id
        return self._dept_ids[code]

    # ------------------------------------------------------------------ invariants

    @invariant()
    def database_matches_the_model_and_the_lifecycle_rules(self) -> None:
        if not self.models:
            return
        columns = (
            "id, state, version, on_hold, hold_since, restricted, officer_id, escalated_at, archived, "
            "reroute_count, flagged, reopen_count, merged_into_id, closed_at, close_kind, reply_due, received_at"
        )
        rows = {
            r[0]: r
            for r in database_proxy.execute_sql(f'SELECT {columns} FROM "{Case._meta.table_name}"').fetchall()
        }
        events: dict[int, list[tuple[int, str]]] = {}
        for case_id, seq, at in database_proxy.execute_sql(
            f'SELECT case_id, seq, at FROM "{CaseEvent._meta.table_name}" ORDER BY case_id, seq'
        ).fetchall():
            events.setdefault(case_id, []).append((seq, at))
        assignments: dict[int, dict[int, str]] = {}
        for aid, case_id, state in database_proxy.execute_sql(
            f'SELECT id, case_id, state FROM "{Assignment._meta.table_name}"'
        ).fetchall():
            assignments.setdefault(case_id, {})[aid] = state
        extensions = dict(
            database_proxy.execute_sql(f'SELECT id, state FROM "{Extension._meta.table_name}"').fetchall()
        )
        ids = self.user_ids

        for case_id, m in self.models.items():
            (
                _id,
                state,
                version,
                on_hold,
                hold_since,
                restricted,
                officer_id,
                escalated_at,
                archived,
                reroutes,
                flagged,
                reopens,
                merged_into,
                closed_at,
                close_kind,
                reply_due,
                received_at,
            ) = rows[case_id]
            where = f"{m.case_no} ({state})"
            assert state in set(State), where
            assert state == m.state, f"{where}: model says {m.state}"
            assert version == 1 + m.writes, f"{where}: version {version}, writes {m.writes}"
            assert bool(on_hold) == m.on_hold and (hold_since is not None) == m.on_hold, where
            assert not on_hold or state in OPEN, where
            assert bool(restricted) == m.restricted, where
            assert officer_id == (ids[m.officer] if m.officer else None), where
            assert (escalated_at is not None) == m.escalated, where
            assert bool(archived) == m.archived, where
            assert (reroutes, reopens) == (m.reroutes, m.reopens), where
            assert bool(flagged) == (m.reroutes > 3), where
            # final states carry closed_at; merged ones merged_into
            assert (closed_at is not None) == (state in FINAL), where
            assert merged_into == (m.merged_into if state == S.MERGED else None), where
            if state == S.CLOSED:
                assert close_kind == m.close_kind, where
            # assignments: the model's, and none open once drafting has begun (or after a resolved close)
            db_assignments = assignments.get(case_id, {})
            assert db_assignments == {aid: s for aid, (_d, s) in m.assignments.items()}, where
            open_now = [a for a, s in db_assignments.items() if s in ("sent", "acknowledged")]
            if state in AFTER_DRAFTING or (state == S.CLOSED and close_kind == "resolved"):
                assert not open_now, f"{where}: open assignments {open_now}"
            if state == S.IN_PROGRESS:
                assert db_assignments or reopens, where
            # the timeline: seq 1..n, time never going backwards
            timeline = events[case_id]
            assert [seq for seq, _at in timeline] == list(range(1, len(timeline) + 1)), where
            times = [at for _seq, at in timeline]
            assert times == sorted(times), where
            assert len(timeline) >= 1 + m.writes, where
            # the reply deadline: from acceptance on, after the day of receipt
            received = datetime.fromisoformat(received_at).date()
            if m.accepted:
                assert reply_due is not None and date.fromisoformat(reply_due) > received, where
                # 5 working days, 10 with several departments, plus approved extensions and time on hold
                departments = {d for d, a_state in m.assignments.values() if a_state != "returned"}
                approved = sum(days for days, e_state in m.extensions.values() if e_state == "approved")
                workdays = (10 if len(departments) > 1 else 5) + approved + m.paused
                start = received
                if m.period_start is not None:  # reopened: 10 working days (the setting) from then
                    start, workdays = m.period_start, 10 + approved + m.paused - m.days_before_period
                assert date.fromisoformat(reply_due) == add_workdays(start, workdays), (
                    f"{where}: reply due {reply_due}, expected {workdays} working days after {start}"
                )
            else:
                assert reply_due is None, where
            for ext, (_days, ext_state) in m.extensions.items():
                assert extensions[ext] == ext_state, where

        assert audit_count() == self.audits
        report = audit.verify()
        assert report.ok, report.message
