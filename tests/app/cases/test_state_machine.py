"""Random sequences of case actions by random users (hypothesis stateful testing).

A small model predicts, from DESIGN §1 and §4 written out independently of the code, what each call
must do: succeed, or refuse with PermissionDenied (who), TransitionError (when), ValidationError
(what) or NotFoundError (a target the user may not see). Every refusal must leave the case tables
exactly as they were. After every step the database is compared with the model and the invariants
of the lifecycle are checked: a defined state, closed_at on final cases, merged_into on merged ones,
no open assignment once drafting has begun, a contiguous timeline in time order, version = 1 + the
writes on the case, the reply deadline set from acceptance on and after receipt, and an intact audit
chain holding exactly the expected number of entries.

Each example works on its own copy of a template database (copying the file takes milliseconds).
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import chinese_calendar
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from app import audit, clock
from app import settings as app_settings
from app.cases import (
    acceptance,
    follow_up,
    intake,
    overlays,
    reply,
    routing,
    search,
    sign_off,
    views,
    visibility,
)
from app.cases.states import STATE_LABELS, State
from app.errors import ComplaintDeskError, NotFoundError, PermissionDenied, TransitionError, ValidationError
from app.session import CurrentUser, Session
from models.cases import Assignment, Case, CaseEvent, Extension, ExternalRoute
from models.database import database_proxy
from tests.support.cases import START, FakeClock
from tests.support.sessions import session_for

from .conftest import (
    ANY_STATE_RULES,
    LEGAL,
    ON_HOLD_ALLOWED,
    PEOPLE,
    Template,
    audit_count,
    case_data,
    make_form,
    open_copy,
    remove_copy,
)

S = State
USERS = [*PEOPLE, "admin"]
ROLE_SETS: dict[str, frozenset[str]] = {key: frozenset(roles) for key, (_u, _d, roles) in PEOPLE.items()}
ROLE_SETS["admin"] = frozenset({"admin"})
# Mostly the people who move a case on, but every role gets its turn.
ACTORS = st.sampled_from(
    ["officer"] * 5 + ["manager"] * 3 + [u for u in USERS if u not in ("officer", "manager")]
)
DEPARTMENTS = ["cardiology", "nursing", "radiology"]
OPEN = frozenset(State) - {S.CLOSED, S.REJECTED, S.MERGED}
FINAL = frozenset({S.CLOSED, S.REJECTED, S.MERGED})
AFTER_DRAFTING = frozenset({S.DRAFTING, S.PENDING_APPROVAL, S.APPROVED, S.REPLIED, S.AWAITING_SIGN_OFF})
RULE_STATES = {**LEGAL, **dict.fromkeys(ANY_STATE_RULES, frozenset(State))}
CHINESE = re.compile(r"[\u4e00-\u9fff]")
EXAMPLES = int(os.environ.get("CASE_MACHINE_EXAMPLES", "500"))

# DESIGN §1: which roles may take each action (on a case they can see).
OFFICE = frozenset({"officer", "manager"})
GRANTS: dict[str, frozenset[str]] = {
    "accept": OFFICE,
    "reject": OFFICE,
    "resolve_on_spot": OFFICE,
    "assign": frozenset({"officer"}),
    "acknowledge": frozenset({"officer"}),
    "respond": frozenset({"officer"}),
    "return": frozenset({"officer"}),
    "draft": frozenset({"officer"}),
    "submit": frozenset({"officer"}),
    "approve": frozenset({"manager"}),
    "return_draft": frozenset({"manager"}),
    "reply": frozenset({"officer"}),
    "follow_up": frozenset({"officer"}),
    "external_route": frozenset({"officer"}),
    "sign_off": frozenset({"manager"}),
    "close_unresolvable": frozenset({"manager"}),
    "archive": frozenset({"manager"}),
    "hold": OFFICE,
    "resume": OFFICE,
    "request_extension": frozenset({"officer"}),
    "decide_extension": frozenset({"manager"}),
    "escalate": OFFICE,
    "major_check": OFFICE,  # the 重大 checklist (ticked only on a major case: test_major_checklist.py)
    "restrict": frozenset({"manager"}),
    "merge": OFFICE,
    "link": OFFICE,
    "note": OFFICE,
    "attachment": OFFICE | {"clerk", "night_duty"},  # the intake roles: on their own intake only
    "view": OFFICE | {"clerk", "night_duty"},
    "register": OFFICE | {"clerk", "night_duty"},
    "correct": OFFICE | {"clerk", "night_duty"},  # by state and day: `permitted`
    "add_issue": OFFICE,
    "edit_issue": OFFICE,
    "remove_issue": OFFICE,
    "issue_finding": frozenset({"officer"}),
    "override_finding": OFFICE,
}

OK = None
Expected = tuple[type[ComplaintDeskError], str] | None


@dataclass
class Model:
    """What the test believes about one case."""

    id: int
    case_no: str
    registered_by: str
    registered_on: date
    night: bool
    state: str = S.REGISTERED
    on_hold: bool = False
    restricted: bool = False
    named: set[str] = field(default_factory=set)
    officer: str | None = None
    escalated: bool = False
    archived: bool = False
    reroutes: int = 0
    reopens: int = 0
    # 再处理 counts a fresh reply period from the reopening (app/cases/promises.py): its day, and the
    # extension and hold days granted before it (no longer counted)
    period_start: date | None = None
    days_before_period: int = 0
    has_draft: bool = False
    accepted: bool = False
    writes: int = 0
    merged_into: int | None = None
    close_kind: str = ""
    assignments: dict[int, tuple[str, str]] = field(default_factory=dict)  # id -> (department, state)
    extensions: dict[int, tuple[int, str]] = field(default_factory=dict)  # id -> (workdays, state)
    routes: list[int] = field(default_factory=list)
    links: set[int] = field(default_factory=set)
    hold_since: datetime | None = None
    paused: int = 0  # working days spent on hold, counted on each resume

    def open_assignments(self) -> dict[int, str]:
        return {aid: dept for aid, (dept, st_) in self.assignments.items() if st_ in ("sent", "acknowledged")}


def _workdays_between(a: date, b: date) -> int:
    """Working days in (a, b] by the official 2026 calendar (民法典 Art. 201: the first day is not counted)."""
    return sum(chinese_calendar.is_workday(a + timedelta(days=i)) for i in range(1, (b - a).days + 1))


def _withdraw(m) -> None:
    """Closing or merging a case withdraws its department replies still outstanding."""
    for aid, (dept, state) in list(m.assignments.items()):
        if state in ("sent", "acknowledged"):
            m.assignments[aid] = (dept, "withdrawn")


def _add_workdays(start: date, n: int) -> date:

    day = start
    while n:
        day += timedelta(days=1)
        n -= chinese_calendar.is_workday(day)
    return day


def _after_hours(at: datetime) -> bool:
    return not chinese_calendar.is_workday(at.date()) or not (time(8, 0) <= at.time() < time(17, 30))


class CaseMachine(RuleBasedStateMachine):
    template: Template | None = None
    directory: Path | None = None
    users: dict[str, CurrentUser] = {}
    counter = itertools.count()

    cases = Bundle("cases")

    def __init__(self) -> None:
        super().__init__()
        assert self.template is not None and self.directory is not None
        self.path = self.directory / f"example-{next(self.counter)}.db"
        self.clock = FakeClock(START)
        clock.set_clock(self.clock)
        admin = open_copy(self.template, self.path)
        app_settings.update(admin, {"major_auto_restrict": False})  # automatic 保密: test_major_checklist.py
        database_proxy.execute_sql("PRAGMA synchronous = OFF")  # a throw-away copy: no fsync on close
        if not CaseMachine.users:  # the same in every copy of the template: read them once
            CaseMachine.users = {key: session_for(admin, PEOPLE[key][0]).user for key in PEOPLE}
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

    # ------------------------------------------------------------------ rules

    @rule(
        target=cases,
        user=ACTORS,
        severity=st.sampled_from(["minor", "minor", "serious", "major"]),
        channel=st.sampled_from(["visit", "phone", "letter"]),
    )
    def register(self, user: str, severity: str, channel: str):
        roles = ROLE_SETS[user]
        self.registered += 1
        extra = {"complainant_address": "江宁区天元中路 88 号"} if channel == "letter" else {}
        form = make_form(
            channel=channel,
            severity=severity,
            content=f"投诉测试第 {self.registered} 件：候诊时间过长。",
            **extra,
        )
        if not roles & GRANTS["register"]:
            before = case_data()
            try:
                intake.register(self.sessions[user], form)
            except PermissionDenied as exc:
                assert exc.message.startswith("只有") and "登记投诉" in exc.message
            else:
                raise AssertionError("an administrator registered a complaint")
            assert case_data() == before
            self.audits += 1
            return multiple()
        reg = intake.register(self.sessions[user], form)
        self.audits += 1
        night = "night_duty" in roles and (
            _after_hours(self.clock.at) or not roles & {"officer", "clerk", "manager"}
        )
        assert reg.night_intake == night
        self.models[reg.case_id] = Model(
            reg.case_id,
            reg.case_no,
            user,
            self.clock.at.date(),
            night,
            escalated=severity == "major",
        )
        return reg.case_id

    @rule(case=cases, user=ACTORS)
    def accept(self, case: int, user: str) -> None:
        m = self.models[case]
        if self.attempt(self.expect(user, "accept", m), lambda: acceptance.accept(self.sessions[user], case)):
            self._write(m)
            m.state, m.accepted = S.ACCEPTED, True
            m.officer = m.officer or user

    @rule(case=cases, user=ACTORS, reason=st.sampled_from(["out_of_scope", "criminal", "no_subject_facts"]))
    def reject(self, case: int, user: str, reason: str) -> None:
        m = self.models[case]
        if self.attempt(
            self.expect(user, "reject", m), lambda: acceptance.reject(self.sessions[user], case, reason)
        ):
            self._write(m)
            m.state = S.REJECTED

    @rule(case=cases, user=ACTORS)
    def resolve_on_spot(self, case: int, user: str) -> None:
        m = self.models[case]
        if self.attempt(
            self.expect(user, "resolve_on_spot", m),
            lambda: acceptance.resolve_on_spot(self.sessions[user], case, "当场解释并致歉"),
        ):
            self._write(m)
            m.state = S.AWAITING_SIGN_OFF
            m.officer = m.officer or user

    @rule(
        case=cases,
        user=ACTORS,
        departments=st.lists(st.sampled_from(DEPARTMENTS), min_size=1, max_size=2, unique=True),
    )
    def assign(self, case: int, user: str, departments: list[str]) -> None:
        m = self.models[case]

        def busy() -> Expected:
            if set(departments) & set(m.open_assignments().values()):
                return (ValidationError, "已有未反馈的转办")
            return OK

        if self.attempt(
            self.expect(user, "assign", m, busy),
            lambda: routing.assign(self.sessions[user], case, departments),
        ):
            self._write(m)
            m.state = S.IN_PROGRESS
            self._new_assignments(m)

    def _pick(self, m: Model, pick: int) -> int | None:
        return sorted(m.assignments)[pick % len(m.assignments)] if m.assignments else None

    @rule(case=cases, user=ACTORS, pick=st.integers(0, 7))
    def acknowledge(self, case: int, user: str, pick: int) -> None:
        m = self.models[case]
        aid = self._pick(m, pick)
        if aid is None:
            return
        dept, state = m.assignments[aid]

        def sent() -> Expected:
            return OK if state == "sent" else (TransitionError, "该转办不是待签收状态")

        if self.attempt(
            self.expect(user, "acknowledge", m, sent),
            lambda: routing.acknowledge(self.sessions[user], aid, "科室秘书"),
        ):
            self._write(m)
            m.assignments[aid] = (dept, "acknowledged")

    @rule(case=cases, user=ACTORS, pick=st.integers(0, 7))
    def respond(self, case: int, user: str, pick: int) -> None:
        m = self.models[case]
        aid = self._pick(m, pick)
        if aid is None:
            return
        dept, state = m.assignments[aid]

        def still_open() -> Expected:
            return OK if aid in m.open_assignments() else (TransitionError, "该转办已反馈或已退回")

        if self.attempt(
            self.expect(user, "respond", m, still_open),
            lambda: routing.respond(self.sessions[user], aid, "科室核实意见"),
        ):
            self._write(m)
            m.assignments[aid] = (dept, "responded")
            if not m.open_assignments():
                m.state = S.DRAFTING

    @rule(
        case=cases,
        user=ACTORS,
        pick=st.integers(0, 7),
        reroute=st.one_of(st.none(), st.sampled_from(DEPARTMENTS)),
    )
    def return_assignment(self, case: int, user: str, pick: int, reroute: str | None) -> None:
        m = self.models[case]
        aid = self._pick(m, pick)
        if aid is None:
            return
        dept, _state = m.assignments[aid]

        def returnable() -> Expected:
            if aid not in m.open_assignments():
                return (TransitionError, "该转办已反馈或已退回")
            others = {d for a, d in m.open_assignments().items() if a != aid}
            if reroute in others:
                return (ValidationError, "已有未反馈的转办")
            return OK

        if self.attempt(
            self.expect(user, "return", m, returnable),
            lambda: routing.return_assignment(
                self.sessions[user], aid, "不属于本科室职责", [reroute] if reroute else None
            ),
        ):
            self._write(m)
            m.assignments[aid] = (dept, "returned")
            m.reroutes += 1
            if reroute:
                self._new_assignments(m)

    @rule(case=cases, user=ACTORS)
    def draft(self, case: int, user: str) -> None:
        m = self.models[case]

        def answered() -> Expected:
            return (TransitionError, "个科室未反馈") if m.open_assignments() else OK

        if self.attempt(
            self.expect(user, "draft", m, answered),
            lambda: reply.save_draft(
                self.sessions[user],
                case,
                facts="调查核实情况",
                finding="partly_upheld",
                resolution="处理意见",
                base_revision=reply.current_revision(case),
            ),
        ):
            self._write(m)
            m.state, m.has_draft = S.DRAFTING, True

    @rule(case=cases, user=ACTORS)
    def submit(self, case: int, user: str) -> None:
        m = self.models[case]

        def complete() -> Expected:
            return OK if m.has_draft else (ValidationError, "提交审批前必须填写")

        if self.attempt(
            self.expect(user, "submit", m, complete),
            lambda: reply.submit_for_approval(self.sessions[user], case),
        ):
            self._write(m)
            m.state = S.PENDING_APPROVAL

    @rule(case=cases, user=ACTORS, approve=st.booleans())
    def approval(self, case: int, user: str, approve: bool) -> None:
        m = self.models[case]
        name = "approve" if approve else "return_draft"
        call = (
            (lambda: reply.approve(self.sessions[user], case, "同意"))
            if approve
            else (lambda: reply.return_draft(self.sessions[user], case, "请补充整改措施"))
        )
        if self.attempt(self.expect(user, name, m), call):
            self._write(m)
            m.state = S.APPROVED if approve else S.DRAFTING

    @rule(case=cases, user=ACTORS)
    def reply(self, case: int, user: str) -> None:
        m = self.models[case]
        if self.attempt(
            self.expect(user, "reply", m),
            lambda: reply.record_reply(self.sessions[user], case, "phone"),
        ):
            self._write(m)
            m.state = S.REPLIED

    @rule(
        case=cases,
        user=ACTORS,
        satisfaction=st.sampled_from(["satisfied", "basically_satisfied", "dissatisfied", "dissatisfied"]),
        outcome=st.sampled_from(["sign_off", "reopen", "external"]),
    )
    def follow_up(self, case: int, user: str, satisfaction: str, outcome: str) -> None:
        m = self.models[case]

        def only_when_unhappy() -> Expected:  # checked after the permission and the state
            if outcome != "sign_off" and satisfaction != "dissatisfied":
                return (ValidationError, "只有投诉人不满意时才能重新处理或转外部途径")
            return OK

        expected = self.expect(user, "follow_up", m, only_when_unhappy)
        if self.attempt(
            expected,
            lambda: follow_up.follow_up(
                self.sessions[user],
                case,
                method="phone",
                satisfaction=satisfaction,
                outcome=outcome,
                external_route="people_mediation" if outcome == "external" else "",
            ),
        ):
            self._write(m)
            if outcome == "reopen":
                m.state, m.reopens = S.IN_PROGRESS, m.reopens + 1
                m.period_start = self.clock.at.date()
                m.days_before_period = m.paused + sum(
                    days for days, e_state in m.extensions.values() if e_state == "approved"
                )
            else:
                m.state = S.AWAITING_SIGN_OFF
            if outcome == "external":
                m.routes.append(
                    ExternalRoute.select()
                    .where(ExternalRoute.case == case)
                    .order_by(ExternalRoute.id.desc())
                    .first()
                    .id
                )

    @rule(case=cases, user=ACTORS, concluded=st.booleans())
    def external_route(self, case: int, user: str, concluded: bool) -> None:
        m = self.models[case]
        if not m.routes:
            return
        route = m.routes[-1]
        if self.attempt(
            self.expect(user, "external_route", m),
            lambda: follow_up.update_external_route(
                self.sessions[user], route, "concluded" if concluded else "ongoing", "调解结果"
            ),
        ):
            self._write(m)

    @rule(case=cases, user=ACTORS, resolved=st.booleans())
    def sign_off(self, case: int, user: str, resolved: bool) -> None:
        m = self.models[case]
        name = "sign_off" if resolved else "close_unresolvable"
        if self.attempt(
            self.expect(user, name, m),
            lambda: sign_off.sign_off(
                self.sessions[user],
                case,
                "resolved" if resolved else "unresolvable",
                "院内处理完毕" if resolved else "投诉人失联",  # a reason also covers an ongoing external route
            ),
        ):
            self._write(m)
            m.state, m.on_hold, m.close_kind = S.CLOSED, False, "resolved" if resolved else "unresolvable"
            _withdraw(m)

    @rule(case=cases, user=ACTORS)
    def archive(self, case: int, user: str) -> None:
        m = self.models[case]

        def not_yet() -> Expected:
            return (TransitionError, "该案件已归档") if m.archived else OK

        if self.attempt(
            self.expect(user, "archive", m, not_yet), lambda: sign_off.archive(self.sessions[user], case)
        ):
            self._write(m)
            m.archived = True

    @rule(case=cases, user=ACTORS)
    def hold(self, case: int, user: str) -> None:
        m = self.models[case]
        if self.attempt(
            self.expect(user, "hold", m), lambda: overlays.hold(self.sessions[user], case, "等待补充材料")
        ):
            self._write(m)
            m.on_hold, m.hold_since = True, self.clock.at

    @rule(case=cases, user=ACTORS)
    def resume(self, case: int, user: str) -> None:
        m = self.models[case]

        def paused() -> Expected:
            return OK if m.on_hold else (TransitionError, "案件没有暂停")

        if self.attempt(
            self.expect(user, "resume", m, paused), lambda: overlays.resume(self.sessions[user], case)
        ):
            self._write(m)
            m.paused += max(0, _workdays_between(m.hold_since.date(), self.clock.at.date()))
            m.on_hold, m.hold_since = False, None

    @rule(case=cases, user=ACTORS, workdays=st.integers(1, 5))
    def request_extension(self, case: int, user: str, workdays: int) -> None:
        m = self.models[case]

        def none_pending() -> Expected:
            if any(state == "pending" for _days, state in m.extensions.values()):
                return (TransitionError, "已有一项延期申请待审批")
            return OK

        result: list[int] = []
        if self.attempt(
            self.expect(user, "request_extension", m, none_pending),
            lambda: result.append(
                overlays.request_extension(self.sessions[user], case, workdays, "等待会诊")
            ),
        ):
            self._write(m)
            m.extensions[result[0]] = (workdays, "pending")

    @rule(case=cases, user=ACTORS, approve=st.booleans(), pick=st.integers(0, 3))
    def decide_extension(self, case: int, user: str, approve: bool, pick: int) -> None:
        m = self.models[case]
        if not m.extensions:
            return
        ext = sorted(m.extensions)[-1 - pick % len(m.extensions)]
        days, state = m.extensions[ext]

        def pending() -> Expected:
            return OK if state == "pending" else (TransitionError, "该延期申请已审批")

        if self.attempt(
            self.expect(user, "decide_extension", m, pending),
            lambda: overlays.decide_extension(self.sessions[user], ext, approve, "审批意见"),
        ):
            self._write(m)
            m.extensions[ext] = (days, "approved" if approve else "refused")

    @rule(case=cases, user=ACTORS)
    def escalate(self, case: int, user: str) -> None:
        m = self.models[case]

        def first_time() -> Expected:
            return (TransitionError, "该案件已上报") if m.escalated else OK

        if self.attempt(
            self.expect(user, "escalate", m, first_time),
            lambda: overlays.escalate(self.sessions[user], case, "上报"),
        ):
            self._write(m)
            m.escalated = True

    @rule(
        case=cases,
        user=ACTORS,
        flag=st.booleans(),
        named=st.lists(
            st.sampled_from(["officer", "officer2", "officer_admin", "clerk"]), max_size=2, unique=True
        ),
    )
    def restrict(self, case: int, user: str, flag: bool, named: list[str]) -> None:
        m = self.models[case]
        expected = self.expect(  # permission and state first, then the names are checked
            user, "restrict", m, lambda: (ValidationError, "不是办公室专员") if "clerk" in named else OK
        )
        usernames = [PEOPLE[k][0] for k in named]
        if self.attempt(expected, lambda: overlays.restrict(self.sessions[user], case, flag, usernames)):
            self._write(m)
            m.restricted = flag
            m.named = set(named) if flag else set()

    @rule(case=cases, into=cases, user=ACTORS)
    def merge(self, case: int, into: int, user: str) -> None:
        m, t = self.models[case], self.models[into]
        if not self.permitted(user, "merge", m):
            expected: Expected = self.denial(user, "merge", m)
        elif case == into:
            expected = (ValidationError, "不能合并到案件本身")
        elif not self.visible(user, t):
            expected = (NotFoundError, "目标案件不存在或无权查看")
        elif not self.permitted(user, "merge", t):
            expected = self.denial(user, "merge", t)
        elif t.state in FINAL:
            expected = (TransitionError, f"目标案件 {t.case_no} 已结束")
        else:
            expected = self.expect(user, "merge", m)
        if self.attempt(expected, lambda: overlays.merge(self.sessions[user], case, into, "重复投诉")):
            self._write(m)
            m.state, m.merged_into, m.on_hold = S.MERGED, into, False
            _withdraw(m)

    @rule(case=cases, other=cases, user=ACTORS)
    def link(self, case: int, other: int, user: str) -> None:
        m, o = self.models[case], self.models[other]
        if not self.permitted(user, "link", m):
            expected: Expected = self.denial(user, "link", m)
        elif case == other:
            expected = (ValidationError, "不能关联案件本身")
        elif not self.visible(user, o):
            expected = (NotFoundError, "目标案件不存在或无权查看")
        else:
            expected = self.expect(
                user,
                "link",
                m,
                lambda: (TransitionError, "两案件已关联") if other in m.links or case in o.links else OK,
            )
        if self.attempt(expected, lambda: overlays.link(self.sessions[user], case, other)):
            self._write(m)
            m.links.add(other)

    @rule(case=cases, user=ACTORS)
    def note(self, case: int, user: str) -> None:
        m = self.models[case]
        if self.attempt(
            self.expect(user, "note", m), lambda: overlays.add_note(self.sessions[user], case, "电话询问进度")
        ):
            self._write(m)

    @rule(case=cases, user=ACTORS)
    def attachment(self, case: int, user: str) -> None:
        m = self.models[case]
        if self.attempt(
            self.expect(user, "attachment", m),
            lambda: overlays.add_attachment(self.sessions[user], case, "材料.jpg", b"\xff\xd8scan"),
        ):
            self._write(m)

    @rule(case=cases, user=ACTORS)
    def view(self, case: int, user: str) -> None:
        m = self.models[case]
        expected = OK if self.visible(user, m) else self.denial(user, "view", m)
        seen: list[views.CaseView] = []
        if self.attempt(expected, lambda: seen.append(views.open_case(self.sessions[user], case))):
            office = any(self._views_through(user, r, m) for r in ROLE_SETS[user] & OFFICE)
            full = office or (m.registered_by == user and m.registered_on == self.clock.at.date())
            assert seen[0].identifiers_masked == (not full)
            assert seen[0].handling_visible == office
            assert seen[0].state == m.state

    @rule(case=cases, user=ACTORS)
    def buttons(self, case: int, user: str) -> None:
        """What the case workspace enables agrees with what the services do (same policy, same states);
        for a case the user may not see there is no list at all (it would tell the case's state)."""
        m = self.models[case]
        if not self.visible(user, m):
            with pytest.raises(PermissionDenied):
                views.available_actions(self.sessions[user], case)
            self.audits += 1  # the refusal is audited
            return
        offered = views.available_actions(self.sessions[user], case)
        for name, decision in offered.items():
            expected = self.expect(user, name, m) is OK and not (name == "escalate" and m.escalated)
            assert bool(decision) == expected, (
                f"{name} for {user} on {m.case_no} ({m.state}): {decision.reason}"
            )
            assert decision or CHINESE.search(decision.reason)

    @rule(user=ACTORS)
    def search_and_list(self, user: str) -> None:
        """Search and the list query show exactly the cases the model says the user may see."""
        expected = {m.id for m in self.models.values() if self.visible(user, m)}
        assert set(search.search(self.sessions[user], "投诉测试")) == expected
        listed = visibility.visible(self.sessions[user].user, Case.select(Case.id))
        assert {row.id for row in listed} == expected

    # Rounds of two or three related calls, so that the rarer paths are reached within a few steps.

    @rule(case=cases, workdays=st.integers(1, 5), approve=st.booleans())
    def extension_round(self, case: int, workdays: int, approve: bool) -> None:
        self.request_extension(case, "officer", workdays)
        self.decide_extension(case, "manager", approve, 0)

    @rule(case=cases, hours=st.integers(1, 100))
    def hold_round(self, case: int, hours: int) -> None:
        self.hold(case, "officer")
        self.time_passes(hours)
        self.resume(case, "officer")

    @rule(case=cases, reopen=st.booleans(), concluded=st.booleans())
    def dissatisfied_round(self, case: int, reopen: bool, concluded: bool) -> None:
        self.follow_up(case, "officer", "dissatisfied", "reopen" if reopen else "external")
        self.external_route(case, "officer", concluded)

    @rule(case=cases, reroute=st.one_of(st.none(), st.sampled_from(DEPARTMENTS)))
    def reroute_round(self, case: int, reroute: str | None) -> None:
        m = self.models[case]
        if m.open_assignments():
            pick = sorted(m.assignments).index(min(m.open_assignments()))
            self.acknowledge(case, "officer", pick)
            self.return_assignment(case, "officer", pick, reroute)

    @rule(hours=st.integers(1, 40))
    def time_passes(self, hours: int) -> None:
        self.clock.advance(hours=hours)

    @initialize(target=cases, user=st.sampled_from(["clerk", "officer", "night_duty", "multi"]))
    def first_complaint(self, user: str):
        return self.register(user, "minor", "visit")

    @initialize(target=cases, user=st.sampled_from(["clerk", "officer", "manager"]), steps=st.integers(0, 12))
    def second_complaint_some_way_along(self, user: str, steps: int):
        case = self.register(user, "serious", "phone")
        self.step_forward(case, steps)
        return case

    @rule(case=cases, steps=st.integers(1, 6))
    def step_forward(self, case: int, steps: int) -> None:
        """The natural next steps of the main path, each by the person whose job it is."""
        m = self.models[case]
        for _ in range(steps):
            before = (m.state, m.on_hold, m.writes)
            self._natural_step(case, m)
            if (m.state, m.on_hold, m.writes) == before:
                break  # refused (e.g. restricted, or a final state already archived)

    def _natural_step(self, case: int, m: Model) -> None:
        if m.on_hold:
            self.resume(case, "officer")
        elif m.state == S.REGISTERED:
            self.accept(case, "officer")
        elif m.state == S.ACCEPTED:
            self.assign(case, "officer", DEPARTMENTS[: 1 + case % 2])
        elif m.state == S.IN_PROGRESS and m.open_assignments():
            self.respond(case, "officer", sorted(m.assignments).index(min(m.open_assignments())))
        elif m.state == S.IN_PROGRESS:
            self.draft(case, "officer")
        elif m.state == S.DRAFTING:
            (self.submit if m.has_draft else self.draft)(case, "officer")
        elif m.state == S.PENDING_APPROVAL:
            self.approval(case, "manager", True)
        elif m.state == S.APPROVED:
            self.reply(case, "officer")
        elif m.state == S.REPLIED:
            self.follow_up(case, "officer", "satisfied", "sign_off")
        elif m.state == S.AWAITING_SIGN_OFF:
            self.sign_off(case, "manager", True)
        else:
            self.archive(case, "manager")

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
                assert date.fromisoformat(reply_due) == _add_workdays(start, workdays), (
                    f"{where}: reply due {reply_due}, expected {workdays} working days after {start}"
                )
            else:
                assert reply_due is None, where
            for ext, (_days, ext_state) in m.extensions.items():
                assert extensions[ext] == ext_state, where

        assert audit_count() == self.audits
        report = audit.verify()
        assert report.ok, report.message


def test_random_action_sequences_keep_the_invariants(desk_template: Template, tmp_path: Path) -> None:
    CaseMachine.template, CaseMachine.directory, CaseMachine.users = desk_template, tmp_path, {}
    run_state_machine_as_test(
        CaseMachine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[
                HealthCheck.too_slow,
                HealthCheck.filter_too_much,
                HealthCheck.data_too_large,
            ],
        ),
    )
