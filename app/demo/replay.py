"""The bulk path's replay: plans become rows in memory, mirroring app.cases' services — the same
field changes, due dates (through `WorkdayTable`), sequence numbers and timeline wording (taken
from the service modules, so both paths write one wording)."""

from __future__ import annotations

import hashlib
import mimetypes
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from app.cases import acceptance, follow_up, intake, overlays, reply, routing, sign_off
from app.cases.states import OPEN_ASSIGNMENT_STATES, AssignmentState
from app.deadlines.rules import DeadlineRules
from app.demo.plans import CasePlan, S, Step
from app.demo.workdays import WorkdayTable
from app.policy import registers_as_night_duty
from models.chain import GENESIS, event_digest


@dataclass
class DatabaseFacts:
    """What the replay needs to know about the target database (plain data, picklable)."""

    prefix: str
    rules: DeadlineRules
    users: dict[str, tuple[int, str]]  # role -> (user id, display name)
    departments: dict[str, tuple[int, str]]  # code -> (id, name)
    categories: dict[str, tuple[int, str]]  # leaf code -> (id, path)
    category_departments: dict[str, int | None]  # leaf code -> its active default department's id
    reasons: dict[str, str]
    routes: dict[str, str]
    counters: dict[int, int] = field(default_factory=dict)  # year -> last sequence already used
    first_case_id: int = 1
    first_complainant_id: int = 1
    first_attachment_id: int = 1
    departments_by_id: dict[int, str] = field(init=False)

    def __post_init__(self) -> None:
        self.departments_by_id = {dept_id: name for dept_id, name in self.departments.values()}


@dataclass
class Rows:
    """Rows for one chunk of cases, per table, in insertion order."""

    complainants: list[dict] = field(default_factory=list)
    cases: list[dict] = field(default_factory=list)
    assignments: list[dict] = field(default_factory=list)
    issues: list[dict] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    followups: list[dict] = field(default_factory=list)
    extensions: list[dict] = field(default_factory=list)
    routes: list[dict] = field(default_factory=list)
    access: list[dict] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)
    attachments: list[dict] = field(default_factory=list)
    fts: list[tuple] = field(default_factory=list)
    counters: dict[int, int] = field(default_factory=dict)  # year -> last sequence number

    def __len__(self) -> int:
        return len(self.cases)


class CaseReplay:
    """One case's rows as the services would have written them (see `Replay`)."""

    __slots__ = ("case", "issue", "assignments", "events", "extensions", "routes", "department_ids")

    def __init__(self, case: dict, issue: dict) -> None:
        self.case = case
        self.issue = issue  # the one 投诉事项 of a demo case
        self.assignments: list[dict] = []
        self.events: list[tuple] = []
        self.extensions: list[dict] = []
        self.routes: list[dict] = []
        self.department_ids: set[int] = set()


class Replay:
    """Replays plans into rows, mirroring app.cases' services: the same field changes, due dates
    (through `WorkdayTable`), timeline wording and sequence numbers."""

    def __init__(self, facts: DatabaseFacts, table: WorkdayTable, seed: int) -> None:
        self.facts, self.table, self.rules = facts, table, facts.rules
        self.rng = random.Random(seed ^ 0x5EED)
        self.counters: dict[int, int] = {}
        self.next_attachment = facts.first_attachment_id

    def case_id(self, index: int) -> int:
        """The id the plan's case gets."""
        return self.facts.first_case_id + index

    def case_no(self, key: tuple[int, int]) -> str:
        """The case number of a (year, sequence) key."""
        year, sequence = key
        return f"{self.facts.prefix}-{year}-{self.facts.counters.get(year, 0) + sequence:06d}"

    def replay(self, plans: Iterable[CasePlan]) -> Rows:
        """The rows of these plans (the case counters included)."""
        rows = Rows()
        for plan in plans:
            self._replay(plan, rows)
        rows.counters = dict(self.counters)
        return rows

    # -- helpers --------------------------------------------------------------------------------

    def _reply_due(self, r: CaseReplay) -> None:
        departments = {a["department"] for a in r.assignments if a["state"] != AssignmentState.RETURNED}
        total = (
            self.rules.reply_workdays_for(len(departments))
            + r.case["extension_workdays"]
            + r.case["paused_workdays"]
        )
        r.case["reply_due"], r.case["due_provisional"] = self.table.add_workdays(
            r.case["received_at"].date(), total
        )

    def _event(
        self,
        r: CaseReplay,
        at: datetime,
        actor: int,
        action: str,
        summary: str,
        note: str = "",
        attachment: int | None = None,
    ) -> None:
        case_id, seq = r.case["id"], len(r.events) + 1
        prev = r.events[-1][-1] if r.events else GENESIS
        digest = event_digest(case_id, seq, at, actor, action, summary, note, attachment, prev)
        r.events.append((case_id, seq, at, actor, action, summary, note, attachment, digest))

    def _operation(self, r: CaseReplay, step: Step) -> int:
        """The bookkeeping of case_operation: version, updated_at/by. Returns the actor's id."""
        actor = self.facts.users[step.actor][0]
        r.case["version"] += 1
        r.case["updated_at"], r.case["updated_by"] = step.at, actor
        return actor

    def _send(self, r: CaseReplay, step: Step, actor: int, codes: list[str], questions: str) -> None:
        due, provisional = self.table.add_workdays(step.at.date(), self.rules.department_reply_workdays)
        names = []
        for code in codes:
            dept_id, name = self.facts.departments[code]
            names.append(name)
            r.department_ids.add(dept_id)
            r.assignments.append(
                {
                    "case": r.case["id"],
                    "department": dept_id,
                    "state": AssignmentState.SENT,
                    "questions": questions,
                    "sent_at": step.at,
                    "sent_by": actor,
                    "due": due,
                    "due_provisional": provisional,
                    "acknowledged_at": None,
                    "acknowledged_by": "",
                    "responded_at": None,
                    "response": "",
                    "responder": "",
                    "returned_at": None,
                    "return_reason": "",
                }
            )
        handling = {a["department"] for a in r.assignments if a["state"] != AssignmentState.RETURNED}
        if r.issue["department"] not in handling:  # as routing._follow_the_routing
            r.issue["department"] = self.facts.departments[codes[0]][0]
        r.case["state"] = S.IN_PROGRESS
        self._reply_due(r)
        self._event(r, step.at, actor, step.kind, routing.assigned_summary(names, due), questions)

    def _department_name(self, assignment: dict) -> str:
        return self.facts.departments_by_id[assignment["department"]]

    # -- one plan ------------------------------------------------------------------------------

    def _replay(self, plan: CasePlan, rows: Rows) -> None:
        r = self._register(plan, rows)
        for step in plan.steps[1:]:
            if step.kind == "merged_in":
                other = self.case_no(step.data["from_key"])
                self._event(
                    r,
                    step.at,
                    self.facts.users[step.actor][0],
                    "merge",
                    overlays.merged_from_summary(other),
                    step.data["note"],
                )
                continue
            actor = self._operation(r, step)
            getattr(self, "_" + step.kind)(r, step, actor, rows)
        c = r.case
        rows.cases.append(c)
        rows.issues.append(r.issue)
        rows.assignments.extend(r.assignments)
        rows.events.extend(r.events)
        rows.extensions.extend(r.extensions)
        rows.routes.extend(r.routes)
        form = plan.form
        if form.visit_department:
            r.department_ids.add(self.facts.departments[form.visit_department][0])
        departments = " ".join(self.facts.departments_by_id[i] for i in sorted(r.department_ids))
        people = " ".join(p for p in (form.complainant_name, form.patient_name) if p)
        category = self.facts.categories[form.category][1] if form.category else ""
        rows.fts.append(
            (c["id"], c["case_no"], people, f"{c['content']}\n{c['demands']}", departments, category)
        )

    def _register(self, plan: CasePlan, rows: Rows) -> CaseReplay:
        form, step = plan.form, plan.steps[0]
        facts, table = self.facts, self.table
        actor = facts.users[plan.registrar][0]
        received = form.received_at.replace(microsecond=0)
        case_no = self.case_no(plan.key)
        year, sequence = plan.key
        self.counters[year] = facts.counters.get(year, 0) + sequence
        case_id = self.case_id(plan.index)
        complainant_id = facts.first_complainant_id + plan.index
        rows.complainants.append(
            {
                "id": complainant_id,
                "name": form.complainant_name,
                "relation": form.relation,
                "phone": form.complainant_phone,
                "id_number": form.complainant_id_number,
                "address": form.complainant_address,
                "email": form.complainant_email,
                "online_account": form.complainant_online_account,
            }
        )
        after_hours = table.is_after_hours(step.at)
        night = registers_as_night_duty(_RoleActor(plan.registrar), after_hours)
        if intake.accepts_next_workday(form.channel, night, table.is_after_hours(received)):
            accept_due = table.add_workdays(received.date(), self.rules.acceptance_next_workday)[0]
        else:
            accept_due = received.date()
        dept = facts.departments
        case = {
            "id": case_id,
            "case_no": case_no,
            "query_code": f"{self.rng.randrange(10**6):06d}",
            "state": S.REGISTERED,
            "version": 1,
            "channel": form.channel,
            "transfer_source": form.transfer_source,
            "transfer_reference": form.transfer_reference,
            "source_department": dept[form.source_department][0] if form.source_department else None,
            "received_at": received,
            "registered_at": step.at,
            "registered_by": actor,
            "night_intake": night,
            "complainant": complainant_id,
            "patient_name": form.patient_name,
            "patient_record_no": form.patient_record_no.upper(),
            "visit_department": dept[form.visit_department][0] if form.visit_department else None,
            "visit_date": form.visit_date,
            "category": facts.categories[form.category][0] if form.category else None,
            "severity": form.severity,
            "content": form.content.strip(),
            "demands": form.demands.strip(),
            "officer": None,
            "accept_due": accept_due,
            "reply_due": None,
            "due_provisional": False,
            "extension_workdays": 0,
            "on_hold": False,
            "hold_since": None,
            "hold_reason": "",
            "paused_workdays": 0,
            "restricted": False,
            "escalated_at": step.at if form.severity == "major" else None,
            "reroute_count": 0,
            "flagged": False,
            "reopen_count": 0,
            "facts": "",
            "finding": "",
            "resolution": "",
            "compensation_amount": None,
            "rectification": "",
            "approval_comment": "",
            "reply_method": "",
            "replied_at": None,
            "reject_reason": "",
            "merged_into": None,
            "closed_at": None,
            "closed_by": None,
            "close_kind": "",
            "close_reason": "",
            "archived": False,
            "updated_at": step.at,
            "updated_by": actor,
        }
        issue = {
            "case": case_id,
            "seq": 1,
            "summary": "",
            "category": case["category"],
            "department": facts.category_departments.get(form.category) if form.category else None,
            "questions": "",
            "finding": "",
            "finding_note": "",
            "created_at": step.at,
            "created_by": actor,
        }
        r = CaseReplay(case, issue)
        self._event(r, step.at, actor, "register", intake.registered_summary(form.channel, night))
        if case["escalated_at"]:
            self._event(r, step.at, actor, "register", intake.ESCALATED_ON_REGISTER_SUMMARY)
        if plan.link_to is not None:
            link = {
                "case": case_id,
                "other": self.case_id(plan.link_to),
                "note": intake.LINKED_ON_REGISTER_NOTE,
            }
            rows.links.append(link)
            self._event(r, step.at, actor, "register", intake.linked_summary(self.case_no(plan.link_key)))
        return r

    # -- steps (named after the plan's step kinds) -----------------------------------------------

    def _attachment(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        data: bytes = step.data["data"]
        name = step.data["filename"]
        attachment_id = self.next_attachment
        self.next_attachment += 1
        rows.attachments.append(
            {
                "id": attachment_id,
                "case": r.case["id"],
                "filename": name,
                "mime_type": mimetypes.guess_type(name)[0] or "application/octet-stream",
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "data": data,
                "note": step.data["note"],
                "added_at": step.at,
                "added_by": actor,
            }
        )
        self._event(
            r,
            step.at,
            actor,
            "attachment",
            overlays.attachment_summary(name),
            step.data["note"],
            attachment_id,
        )

    def _accept(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        c = r.case
        c["state"] = S.ACCEPTED
        c["officer"] = c["officer"] or actor
        self._reply_due(r)
        summary = acceptance.accepted_summary(c["reply_due"], c["due_provisional"])
        self._event(r, step.at, actor, "accept", summary, step.data["note"])

    def _reject(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        c, code = r.case, step.data["reason"]
        c["state"], c["reject_reason"] = S.REJECTED, code
        c["closed_at"], c["closed_by"] = step.at, actor
        self._event(
            r,
            step.at,
            actor,
            "reject",
            acceptance.rejected_summary(self.facts.reasons[code]),
            step.data["note"],
        )

    def _resolve_on_spot(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        c = r.case
        c["state"], c["resolution"] = S.AWAITING_SIGN_OFF, step.data["resolution"]
        c["officer"] = c["officer"] or actor
        self._event(r, step.at, actor, "resolve_on_spot", acceptance.ON_SPOT_SUMMARY, step.data["resolution"])

    def _assign(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        self._send(r, step, actor, step.data["departments"], step.data["questions"])

    def _acknowledge(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        a, by = r.assignments[step.data["assignment"]], step.data["by"]
        a.update(state=AssignmentState.ACKNOWLEDGED, acknowledged_at=step.at, acknowledged_by=by)
        self._event(
            r,
            step.at,
            actor,
            "acknowledge",
            routing.acknowledged_summary(self._department_name(a), by),
        )

    def _respond(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        a, data = r.assignments[step.data["assignment"]], step.data
        a.update(
            state=AssignmentState.RESPONDED,
            responded_at=step.at,
            response=data["response"],
            responder=data["responder"],
            acknowledged_at=a["acknowledged_at"] or step.at,
        )
        summary = routing.responded_summary(self._department_name(a), data["responder"])
        self._event(r, step.at, actor, "respond", summary, data["response"])
        if not any(x["state"] in OPEN_ASSIGNMENT_STATES for x in r.assignments):
            r.case["state"] = S.DRAFTING
            self._event(r, step.at, actor, "respond", routing.ALL_RESPONDED_SUMMARY)

    def _return(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        c, a, data = r.case, r.assignments[step.data["assignment"]], step.data
        a.update(state=AssignmentState.RETURNED, returned_at=step.at, return_reason=data["reason"])
        c["reroute_count"] += 1
        self._event(
            r, step.at, actor, "return", routing.returned_summary(self._department_name(a)), data["reason"]
        )
        if c["reroute_count"] > routing.REROUTE_FLAG_AFTER and not c["flagged"]:
            c["flagged"] = True
            self._event(r, step.at, actor, "return", routing.flagged_summary(c["reroute_count"]))
        if data["reroute"]:
            self._send(r, step, actor, data["reroute"], a["questions"])
        else:
            self._reply_due(r)

    def _hold(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        r.case.update(on_hold=True, hold_since=step.at, hold_reason=step.data["reason"])
        self._event(r, step.at, actor, "hold", overlays.HOLD_SUMMARY, step.data["reason"])

    def _resume(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        c = r.case
        paused = max(0, self.table.workdays_between(c["hold_since"].date(), step.at.date()))
        c["paused_workdays"] += paused
        c.update(on_hold=False, hold_since=None, hold_reason="")
        if c["reply_due"]:
            self._reply_due(r)
        self._event(r, step.at, actor, "resume", overlays.resumed_summary(paused), step.data["note"])

    def _request_extension(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        data = step.data
        r.extensions.append(
            {
                "case": r.case["id"],
                "workdays": data["workdays"],
                "reason": data["reason"],
                "requested_at": step.at,
                "requested_by": actor,
                "state": "pending",
                "decided_at": None,
                "decided_by": None,
                "decision_note": "",
            }
        )
        summary = overlays.extension_requested_summary(data["workdays"])
        self._event(r, step.at, actor, "request_extension", summary, data["reason"])

    def _decide_extension(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        c, x, data = r.case, r.extensions[step.data["extension"]], step.data
        x.update(
            state="approved" if data["approve"] else "refused",
            decided_at=step.at,
            decided_by=actor,
            decision_note=data["note"],
        )
        if data["approve"]:
            c["extension_workdays"] += x["workdays"]
            if c["reply_due"]:
                self._reply_due(r)
            summary = overlays.extension_approved_summary(x["workdays"], c["reply_due"])
        else:
            summary = overlays.REFUSED_EXTENSION_SUMMARY
        self._event(r, step.at, actor, "decide_extension", summary, data["note"])

    def _restrict(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        r.case["restricted"] = True
        named = [self.facts.users[role] for role in step.data["named"]]
        rows.access.extend({"case": r.case["id"], "user": user_id} for user_id, _ in named)
        note = overlays.restrict_note([name for _, name in named])
        self._event(r, step.at, actor, "restrict", overlays.restrict_summary(True), note)

    def _merge(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        c, into = r.case, step.data["into"]
        c.update(state=S.MERGED, merged_into=self.case_id(into), on_hold=False, hold_since=None)
        c["closed_at"], c["closed_by"] = step.at, actor
        self._event(
            r,
            step.at,
            actor,
            "merge",
            overlays.merged_into_summary(self.case_no(step.data["into_key"])),
            step.data["note"],
        )

    def _draft(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        c, data = r.case, step.data
        first = not (c["facts"] or c["finding"] or c["resolution"])
        c.update(
            state=S.DRAFTING,
            facts=data["facts"],
            finding=data["finding"],
            resolution=data["resolution"],
            compensation_amount=Decimal(data["compensation"]) if data["compensation"] else None,
            rectification=data["rectification"],
        )
        if data["finding"]:
            r.issue["finding"] = data["finding"]
        note = reply.finding_note(data["finding"])
        self._event(r, step.at, actor, "draft", reply.draft_summary(first), note)

    def _submit(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        r.case["state"] = S.PENDING_APPROVAL
        self._event(r, step.at, actor, "submit", reply.SUBMIT_SUMMARY)

    def _approve(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        r.case.update(state=S.APPROVED, approval_comment=step.data["comment"])
        self._event(r, step.at, actor, "approve", reply.APPROVE_SUMMARY, step.data["comment"])

    def _return_draft(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        r.case.update(state=S.DRAFTING, approval_comment=step.data["comment"])
        self._event(r, step.at, actor, "return_draft", reply.RETURN_DRAFT_SUMMARY, step.data["comment"])

    def _reply(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        method = step.data["method"]
        r.case.update(state=S.REPLIED, reply_method=method, replied_at=step.at)
        self._event(r, step.at, actor, "reply", reply.reply_summary(method), step.data["note"])

    def _follow_up(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        c, data = r.case, step.data
        rows.followups.append(
            {
                "case": c["id"],
                "at": step.at,
                "by": actor,
                "method": data["method"],
                "satisfaction": data["satisfaction"],
                "remarks": data["remarks"],
                "outcome": data["outcome"],
            }
        )
        if data["outcome"] == "reopen":
            c["state"] = S.IN_PROGRESS
            c["reopen_count"] += 1
        else:
            c["state"] = S.AWAITING_SIGN_OFF
            if data["outcome"] == "external":
                r.routes.append(
                    {
                        "case": c["id"],
                        "route": data["route"],
                        "started_at": step.at,
                        "status": "ongoing",
                        "outcome": "",
                        "updated_at": step.at,
                    }
                )
        route_name = self.facts.routes.get(data["route"], "")
        summary = follow_up.follow_up_summary(
            data["method"], data["satisfaction"], data["outcome"], c["reopen_count"], route_name
        )
        self._event(r, step.at, actor, "follow_up", summary, data["remarks"])

    def _external_route(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        route, data = r.routes[step.data["route"]], step.data
        route.update(status=data["status"], outcome=data["outcome"], updated_at=step.at)
        name = self.facts.routes.get(route["route"], route["route"])
        summary = follow_up.external_route_summary(name, data["status"])
        self._event(r, step.at, actor, "external_route", summary, data["outcome"])

    def _sign_off(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        c, kind = r.case, step.data["close_kind"]
        c.update(
            state=S.CLOSED, on_hold=False, hold_since=None, close_kind=kind, close_reason=step.data["reason"]
        )
        c["closed_at"], c["closed_by"] = step.at, actor
        summary = sign_off.sign_off_summary(kind)
        self._event(r, step.at, actor, sign_off.sign_off_action(kind), summary, step.data["reason"])

    def _archive(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        r.case["archived"] = True
        self._event(r, step.at, actor, "archive", sign_off.ARCHIVE_SUMMARY)

    def _note(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        self._event(r, step.at, actor, "note", overlays.note_summary(r.case["state"]), step.data["note"])


@dataclass(frozen=True)
class _RoleActor:
    """A user with one demo role, for the policy's night-duty rule."""

    role: str

    @property
    def roles(self) -> frozenset[str]:
        """The user's roles: just this one."""
        return frozenset({self.role})
