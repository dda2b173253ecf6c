"""Rules that move a case along its lifecycle: intake, 受理/不予受理, 转办, 拟稿 and 审批, 答复, 回访, 销项, 归档."""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import (
    multiple,
    rule,
)

from app.cases import (
    acceptance,
    follow_up,
    intake,
    reply,
    routing,
    sign_off,
)
from app.errors import PermissionDenied, TransitionError, ValidationError
from models.cases import ExternalRoute

from ..conftest import (
    case_data,
    make_form,
)
from .model import (
    ACTORS,
    DEPARTMENTS,
    GRANTS,
    OK,
    ROLE_SETS,
    Expected,
    Model,
    S,
    after_hours,
    cases,
    withdraw,
)


class LifecycleRules:
    """Mixed into CaseMachine (its oracle is in base.py)."""

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
            after_hours(self.clock.at) or not roles & {"officer", "clerk", "manager"}
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
                "院内处理完毕"
                if resolved
                else "投诉人失联",  # a reason also covers an ongoing external route
            ),
        ):
            self._write(m)
            m.state, m.on_hold, m.close_kind = S.CLOSED, False, "resolved" if resolved else "unresolvable"
            withdraw(m)

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
