"""The service path: every planned step is a call of the real service with `app.clock` set to the
step's moment, all cases' steps in time order. Timelines, audit entries, numbers, deadlines and the
search index are exactly what the application writes. About 70 ms a case."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import datetime

from app import auth, clock
from app.cases import acceptance, documents, follow_up, intake, overlays, reply, routing, sign_off
from app.demo.plans import CasePlan, Step
from app.session import Session
from models.cases import Assignment, ExternalRoute
from models.database import database_proxy

Progress = Callable[[int, int], None]


DEMO_ROLES = ("officer", "manager", "clerk", "night_duty")


class _ServiceRunner:
    """Runs plan steps through the real services, one session per demo role."""

    def __init__(self, session: Session, usernames: Mapping[str, str]) -> None:
        self.sessions = {
            role: replace(session, user=auth.current_user(usernames[role]), slots=None, db_key=None)
            for role in DEMO_ROLES
        }
        self.usernames = usernames
        self.case_ids: dict[int, int] = {}
        self.assignment_ids: dict[int, list[int]] = {}
        self.extension_ids: dict[tuple[int, int], int] = {}

    def run(self, plan: CasePlan, step: Step) -> None:
        """Run one step through its service, as the step's role."""
        getattr(self, "_" + step.kind)(self.sessions[step.actor], plan, step.data)

    def _case(self, plan: CasePlan) -> int:
        return self.case_ids[plan.index]

    def _assignment(self, plan: CasePlan, index: int) -> int:
        return self.assignment_ids[plan.index][index]

    def _refresh_assignments(self, plan: CasePlan) -> None:
        rows = (
            Assignment.select(Assignment.id)
            .where(Assignment.case == self._case(plan))
            .order_by(Assignment.id)
        )
        self.assignment_ids[plan.index] = [r.id for r in rows]

    def _register(self, session: Session, plan: CasePlan, data: dict) -> None:
        links = [self.case_ids[plan.link_to]] if plan.link_to is not None else []
        self.case_ids[plan.index] = intake.register(session, replace(plan.form, link_to=links)).case_id

    def _attachment(self, session: Session, plan: CasePlan, data: dict) -> None:
        overlays.add_attachment(session, self._case(plan), data["filename"], data["data"], data["note"])

    def _accept(self, session: Session, plan: CasePlan, data: dict) -> None:
        acceptance.accept(session, self._case(plan), data["note"])

    def _reject(self, session: Session, plan: CasePlan, data: dict) -> None:
        acceptance.reject(session, self._case(plan), data["reason"], data["note"])

    def _resolve_on_spot(self, session: Session, plan: CasePlan, data: dict) -> None:
        acceptance.resolve_on_spot(session, self._case(plan), data["resolution"])

    def _assign(self, session: Session, plan: CasePlan, data: dict) -> None:
        routing.assign(session, self._case(plan), data["departments"], data["questions"])
        self._refresh_assignments(plan)

    def _acknowledge(self, session: Session, plan: CasePlan, data: dict) -> None:
        routing.acknowledge(session, self._assignment(plan, data["assignment"]), data["by"])

    def _respond(self, session: Session, plan: CasePlan, data: dict) -> None:
        routing.respond(
            session, self._assignment(plan, data["assignment"]), data["response"], data["responder"]
        )

    def _return(self, session: Session, plan: CasePlan, data: dict) -> None:
        routing.return_assignment(
            session, self._assignment(plan, data["assignment"]), data["reason"], data["reroute"]
        )
        self._refresh_assignments(plan)

    def _hold(self, session: Session, plan: CasePlan, data: dict) -> None:
        overlays.hold(session, self._case(plan), data["reason"])

    def _resume(self, session: Session, plan: CasePlan, data: dict) -> None:
        overlays.resume(session, self._case(plan), data["note"])

    def _request_extension(self, session: Session, plan: CasePlan, data: dict) -> None:
        row_id = overlays.request_extension(session, self._case(plan), data["workdays"], data["reason"])
        self.extension_ids[(plan.index, data["extension"])] = row_id

    def _decide_extension(self, session: Session, plan: CasePlan, data: dict) -> None:
        overlays.decide_extension(
            session, self.extension_ids[(plan.index, data["extension"])], data["approve"], data["note"]
        )

    def _restrict(self, session: Session, plan: CasePlan, data: dict) -> None:
        overlays.restrict(session, self._case(plan), True, [self.usernames[r] for r in data["named"]])

    def _merge(self, session: Session, plan: CasePlan, data: dict) -> None:
        overlays.merge(session, self._case(plan), self.case_ids[data["into"]], data["note"])

    def _merged_in(self, session: Session, plan: CasePlan, data: dict) -> None:
        """Written by the merge service on the other case."""

    def _draft(self, session: Session, plan: CasePlan, data: dict) -> None:
        reply.save_draft(
            session,
            self._case(plan),
            facts=data["facts"],
            finding=data["finding"],
            resolution=data["resolution"],
            compensation=data["compensation"],
            rectification=data["rectification"],
            base_revision=reply.current_revision(self._case(plan)),
        )

    def _submit(self, session: Session, plan: CasePlan, data: dict) -> None:
        reply.submit_for_approval(session, self._case(plan))

    def _approve(self, session: Session, plan: CasePlan, data: dict) -> None:
        reply.approve(session, self._case(plan), data["comment"])

    def _return_draft(self, session: Session, plan: CasePlan, data: dict) -> None:
        reply.return_draft(session, self._case(plan), data["comment"])

    def _reply(self, session: Session, plan: CasePlan, data: dict) -> None:
        if data["method"] == "letter":  # a written reply is the 处理结果告知书, issued before it is sent
            documents.issue(session, self._case(plan), "result")
        reply.record_reply(session, self._case(plan), data["method"], note=data["note"])

    def _follow_up(self, session: Session, plan: CasePlan, data: dict) -> None:
        follow_up.follow_up(
            session,
            self._case(plan),
            method=data["method"],
            satisfaction=data["satisfaction"],
            remarks=data["remarks"],
            outcome=data["outcome"],
            external_route=data["route"],
        )

    def _external_route(self, session: Session, plan: CasePlan, data: dict) -> None:
        routes = ExternalRoute.select(ExternalRoute.id).where(ExternalRoute.case == self._case(plan))
        route_id = list(routes.order_by(ExternalRoute.id))[data["route"]].id
        follow_up.update_external_route(session, route_id, data["status"], data["outcome"])

    def _sign_off(self, session: Session, plan: CasePlan, data: dict) -> None:
        sign_off.sign_off(session, self._case(plan), data["close_kind"], data["reason"])

    def _archive(self, session: Session, plan: CasePlan, data: dict) -> None:
        sign_off.archive(session, self._case(plan))

    def _note(self, session: Session, plan: CasePlan, data: dict) -> None:
        overlays.add_note(session, self._case(plan), data["note"])


class _FixedClock:
    """A clock standing still at the moment of the step being run."""

    def __init__(self) -> None:
        self.at = datetime.now()

    def __call__(self) -> datetime:
        return self.at


def fill_with_services(
    session: Session,
    plans: Iterable[CasePlan],
    *,
    usernames: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    steps_per_transaction: int = 400,
) -> int:
    """Run every planned step through the services, all cases' steps in time order; returns the
    number of cases. The clock stands at each step's moment while it runs."""
    plans = list(plans)
    runner = _ServiceRunner(session, usernames or {role: role for role in DEMO_ROLES})
    order = sorted((step.at, plan.index, i) for plan in plans for i, step in enumerate(plan.steps))
    by_index = {plan.index: plan for plan in plans}
    fixed = _FixedClock()
    restore = clock._now  # the clock in force before (tests may have set one)
    clock.set_clock(fixed)
    registered = 0
    try:
        for start in range(0, len(order), steps_per_transaction):
            with database_proxy.atomic():
                for at, index, i in order[start : start + steps_per_transaction]:
                    fixed.at = at
                    plan = by_index[index]
                    runner.run(plan, plan.steps[i])
                    registered += i == 0
            if progress:
                progress(registered, len(plans))
    finally:
        clock.set_clock(restore)
    return len(plans)
