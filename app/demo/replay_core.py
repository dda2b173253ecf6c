"""The bulk path's replay, its frame: one plan at a time, each step replayed as the operation its
service runs (`case_operation`: version, timeline entries chained per case, one audit entry), with
the bookkeeping several services share — the promised reply date (app.cases.promises), the
automatic restriction of a 重大 case, sending to departments. The steps themselves are in
`app.demo.replay`."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.cases import intake, major, overlays, promises, routing
from app.cases.states import OPEN_ASSIGNMENT_STATES, AssignmentState
from app.demo.audit_stream import AuditStream, order_key
from app.demo.plans import CasePlan, S, Step
from app.demo.replay_data import CaseReplay, DatabaseFacts, Rows
from app.demo.replay_sealing import look_up_indexes, seal_restricted_case, seal_timeline, sealed_text
from app.demo.replay_stats import ReplayStatistics
from app.demo.workdays import WorkdayTable
from app.policy import registers_as_night_duty
from app.sealing import KeySealer
from models.chain import GENESIS, event_digest, head_text
from models.search_index import char_row


class ReplayCore:
    """Replays plans into rows, mirroring app.cases' services: the same field changes, due dates
    (through `WorkdayTable`), timeline wording, sequence numbers and audit entries."""

    def __init__(self, facts: DatabaseFacts, table: WorkdayTable, seed: int) -> None:
        self.facts, self.table, self.rules = facts, table, facts.rules
        self.rng = random.Random(seed ^ 0x5EED)
        self.counters: dict[int, int] = {}
        self.next_attachment = facts.first_attachment_id
        self.next_assignment = facts.first_assignment_id
        self.statistics = ReplayStatistics(facts.stat_categories, table, facts.sealing)
        self.audit = AuditStream(facts.audit_head)
        self.sealer = KeySealer(facts.sealing) if facts.sealing is not None else None
        self.merged_heads: dict[tuple[int, int], str] = {}  # (case, duplicate) -> timeline head after 合并
        self.plan: CasePlan | None = None
        self.step_no = 0

    def case_id(self, index: int) -> int:
        """The id the plan's case gets."""
        return self.facts.first_case_id + index

    def case_no(self, key: tuple[int, int]) -> str:
        """The case number of a (year, sequence) key."""
        year, sequence = key
        return f"{self.facts.prefix}-{year}-{self.facts.counters.get(year, 0) + sequence:06d}"

    def replay(self, plans: Iterable[CasePlan]) -> Rows:
        """The rows of these plans (the case counters included) and the audit entries that no later
        case can come before."""
        rows = Rows()
        last: CasePlan | None = None
        for plan in plans:
            self._replay(plan, rows)
            last = plan
        rows.counters = dict(self.counters)
        if last is not None:
            rows.audit = self.audit.release(order_key(last.registered_at, last.index + 1, 0, 0))
        return rows

    def finish(self) -> Rows:
        """The audit entries still waiting after the last plan, and the cube's cells of all cases."""
        return Rows(audit=self.audit.release(), counters=dict(self.counters), cells=self.statistics.plain_cells())

    # -- the operation frame ----------------------------------------------------------------------

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
        if self.sealer is not None and r.timeline_sealed:
            summary, note = sealed_text(self.sealer, summary), sealed_text(self.sealer, note)
        digest = event_digest(case_id, seq, at, actor, action, summary, note, attachment, prev)
        r.events.append((case_id, seq, at, actor, action, summary, note, attachment, digest))

    def _say(self, r: CaseReplay, step: Step, summary: str, note: str = "", attachment: int | None = None) -> None:
        """A timeline entry of the operation being replayed (its name, its moment, its actor)."""
        self._event(r, step.at, self.facts.users[step.actor][0], r.op, summary, note, attachment)

    def _operation(self, r: CaseReplay, step: Step, name: str) -> int:
        """The bookkeeping of case_operation: version, updated_at/by. Returns the actor's id."""
        actor = self.facts.users[step.actor][0]
        r.begin(name)
        r.case["version"] += 1
        r.case["updated_at"], r.case["updated_by"] = step.at, actor
        return actor

    def _audit(self, r: CaseReplay, step: Step, sub: int = 1) -> None:
        """The operation's audit entry (`case.<name>`), with the case's timeline head as the write
        path records it (`chain_detail`); the operation that restricted the case sealed its timeline."""
        if self.sealer is not None and r.case["restricted"] and not r.timeline_sealed:
            seal_timeline(self.sealer, r)
        detail: dict[str, Any] = r.detail
        if len(r.events) > r.op_start:
            last = r.events[-1]
            detail.setdefault("chain", {})[r.case["case_no"]] = head_text(last[1], last[-1])
        assert self.plan is not None
        self.audit.add(
            order_key(step.at, self.plan.index, self.step_no, sub),
            step.at,
            self.facts.usernames[step.actor],
            f"case.{r.op}",
            r.case["case_no"],
            detail,
        )

    # -- shared by several services -----------------------------------------------------------------

    def _reply_due(self, r: CaseReplay) -> None:
        """`recompute_reply_due`: receipt + (5, or 10 with several departments) + extensions + paused
        working days; a reopened case counts its own period from the reopening."""
        c = r.case
        if c["reply_period_start"] is not None:
            start, workdays = c["reply_period_start"], self.facts.reopen_reply_workdays
        else:
            departments = {a["department"] for a in r.assignments if a["state"] != AssignmentState.RETURNED}
            start, workdays = c["received_at"].date(), self.rules.reply_workdays_for(len(departments))
        total = workdays + c["extension_workdays"] + c["paused_workdays"]
        c["reply_due"], c["due_provisional"] = self.table.add_workdays(start, total)

    def _promise(self, r: CaseReplay, step: Step, reason: str, note: str = "", *, announce: bool = True) -> None:
        """`promises.update`: count the reply date again; a moved date is recorded (and announced)."""
        c = r.case
        before = c["reply_due"]
        self._reply_due(r)
        if before is not None and c["reply_due"] == before:
            return
        r.promises.append(
            {
                "case": c["id"],
                "at": step.at,
                "by": self.facts.users[step.actor][0],
                "due": c["reply_due"],
                "provisional": c["due_provisional"],
                "previous": before,
                "reason": reason,
                "note": note,
                "told": False,  # no 受理回执 or 延期告知书 is issued by the demo
            }
        )
        if before is None:
            return
        if announce:
            self._say(r, step, promises.promise_summary(c["reply_due"], c["due_provisional"], reason), note)
        r.detail["reply_due"] = c["reply_due"].isoformat()

    def _auto_restrict(self, r: CaseReplay, step: Step, actor: int) -> None:
        """`major.restrict_if_configured`: a 重大 case restricted, its officers named."""
        c = r.case
        if c["restricted"] or not self.facts.major_auto_restrict:
            return
        c["restricted"] = True
        for user_id in {c["registered_by"], c["officer"], actor} - {None}:
            if user_id in self.facts.officer_ids and user_id not in r.access:
                r.access.append(user_id)
        self._say(r, step, major.AUTO_RESTRICT_SUMMARY)

    def _send(self, r: CaseReplay, step: Step, actor: int, codes: list[str], questions: str) -> None:
        """`routing._send`: assignments, the issue following the routing, the reply date."""
        due, provisional = self.table.add_workdays(step.at.date(), self.rules.department_reply_workdays)
        names = []
        for code in codes:
            dept_id, name = self.facts.departments[code]
            names.append(name)
            r.department_ids.add(dept_id)
            r.assignments.append(
                {
                    "id": self.next_assignment,
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
            self.next_assignment += 1
        handling = {a["department"] for a in r.assignments if a["state"] != AssignmentState.RETURNED}
        if r.issue["department"] not in handling:  # as routing._follow_the_routing
            r.issue["department"] = self.facts.departments[codes[0]][0]
        r.case["state"] = S.IN_PROGRESS
        self._say(r, step, routing.assigned_summary(names, due), questions)
        self._promise(r, step, "departments")
        r.detail["departments"] = list(codes)

    def _withdraw_open(self, r: CaseReplay, step: Step) -> None:
        """`routing.withdraw_open_assignments`, when a case is closed or merged."""
        open_rows = [a for a in r.assignments if a["state"] in OPEN_ASSIGNMENT_STATES]
        if not open_rows:
            return
        for a in open_rows:
            a["state"] = AssignmentState.WITHDRAWN
        self._say(r, step, f"撤回未反馈的转办：{'、'.join(self._department_name(a) for a in open_rows)}")

    def _department_name(self, assignment: dict) -> str:
        return self.facts.departments_by_id[assignment["department"]]

    # -- one plan ------------------------------------------------------------------------------

    def _replay(self, plan: CasePlan, rows: Rows) -> None:
        self.plan, self.step_no = plan, 0
        follow_ups = len(rows.followups)
        starts = {
            "complainants": len(rows.complainants),
            "followups": follow_ups,
            "attachments": len(rows.attachments),
            "links": len(rows.links),
        }
        r = self._register(plan, rows)
        self._audit(r, plan.steps[0])
        for number, step in enumerate(plan.steps[1:], start=1):
            self.step_no = number
            if step.kind == "merged_in":
                self._merged_in(r, plan, step)
                continue
            actor = self._operation(r, step, step.kind)
            getattr(self, "_" + step.kind)(r, step, actor, rows)
            self._audit(r, step)
        c = r.case
        self.statistics.add(r, rows.complainants[-1], rows.followups[follow_ups:], rows)
        sealer = self.sealer if c["restricted"] else None
        if sealer is not None:
            seal_restricted_case(sealer, r, rows, starts)
        rows.cases.append(c)
        rows.issues.append(r.issue)
        rows.assignments.extend(r.assignments)
        rows.events.extend(r.events)
        rows.extensions.extend(r.extensions)
        rows.routes.extend(r.routes)
        rows.promises.extend(r.promises)
        rows.drafts.extend(r.drafts)
        rows.documents.extend(r.documents)
        rows.access.extend({"case": c["id"], "user": user_id} for user_id in r.access)
        form = plan.form
        if form.visit_department:
            r.department_ids.add(self.facts.departments[form.visit_department][0])
        departments = " ".join(self.facts.departments_by_id[i] for i in sorted(r.department_ids))
        people = " ".join(p for p in (form.complainant_name, form.patient_name) if p)
        category = self.facts.categories[form.category][1] if form.category else ""
        fts = (c["id"], c["case_no"], people, f"{c['content']}\n{c['demands']}", departments, category)
        if sealer is not None:  # its texts are sealed: its number only (sealed_content.index_number_only)
            fts = (c["id"], c["case_no"], "", "", "", "")
        rows.fts.append(fts)
        rows.chars.append(char_row(fts))  # here, in the process that plans, not in the one that writes

    def _merged_in(self, r: CaseReplay, plan: CasePlan, step: Step) -> None:
        """The 合并 of a later duplicate, written by its merge on this case's timeline (no version
        bump here); the duplicate's audit entry records this timeline's head."""
        other = self.case_no(step.data["from_key"])
        actor = self.facts.users[step.actor][0]
        self._event(r, step.at, actor, "merge", overlays.merged_from_summary(other), step.data["note"])
        last = r.events[-1]
        self.merged_heads[(plan.index, step.data["from"])] = head_text(last[1], last[-1])

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
        complainant = {
            "id": complainant_id,
            "name": form.complainant_name,
            "relation": form.relation,
            "phone": form.complainant_phone,
            "id_number": form.complainant_id_number,
            "address": form.complainant_address,
            "email": form.complainant_email,
            "online_account": form.complainant_online_account,
        }
        rows.complainants.append(complainant)
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
            "reply_period_start": None,
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
        if self.sealer is not None:
            look_up_indexes(self.sealer, "complainant", complainant)
            look_up_indexes(self.sealer, "case", case)
        r = CaseReplay(case, issue)
        self._say(r, step, intake.registered_summary(form.channel, night))
        if case["escalated_at"]:
            self._say(r, step, intake.ESCALATED_ON_REGISTER_SUMMARY)
        if plan.link_to is not None:
            link = {
                "case": case_id,
                "other": self.case_id(plan.link_to),
                "note": intake.LINKED_ON_REGISTER_NOTE,
            }
            rows.links.append(link)
            self._say(r, step, intake.linked_summary(self.case_no(plan.link_key)))
        r.detail.update(channel=form.channel, night_intake=night, severity=form.severity)
        return r


@dataclass(frozen=True)
class _RoleActor:
    """A user with one demo role, for the policy's night-duty rule."""

    role: str

    @property
    def roles(self) -> frozenset[str]:
        """The user's roles: just this one."""
        return frozenset({self.role})
