"""Rules that apply beside the lifecycle: hold, extension, escalation, restriction, merge, link, note,
attachment, viewing, search, and the rounds and steps that walk a case forward."""

from __future__ import annotations

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import (
    initialize,
    rule,
)

from app.cases import (
    overlays,
    search,
    views,
    visibility,
)
from app.errors import NotFoundError, PermissionDenied, TransitionError, ValidationError
from models.cases import Case

from ..conftest import (
    PEOPLE,
)
from .model import (
    ACTORS,
    CHINESE,
    DEPARTMENTS,
    FINAL,
    OFFICE,
    OK,
    ROLE_SETS,
    Expected,
    Model,
    S,
    cases,
    withdraw,
    workdays_between,
)


class OverlayRules:
    """Mixed into CaseMachine (its oracle is in base.py)."""

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
            m.paused += max(0, workdays_between(m.hold_since.date(), self.clock.at.date()))
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
            withdraw(m)

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
