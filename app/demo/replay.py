"""The bulk path's replay: plans become rows in memory, mirroring app.cases' services — the same
field changes, due dates (through `WorkdayTable`), sequence numbers, timeline wording (taken from
the service modules, so both paths write one wording), reply-date promises, draft revisions and
audit entries. One method per step kind of the plans; the frame is `app.demo.replay_core`."""

from __future__ import annotations

import hashlib
import mimetypes
from decimal import Decimal

from app.cases import acceptance, follow_up, overlays, reply, routing, sign_off
from app.cases.issues import derive_finding
from app.cases.states import OPEN_ASSIGNMENT_STATES, AssignmentState
from app.demo import letters
from app.demo.plans import S, Step
from app.demo.replay_core import ReplayCore
from app.demo.replay_data import CaseReplay, DatabaseFacts, Rows

__all__ = ["DatabaseFacts", "Replay", "Rows"]


class Replay(ReplayCore):
    """Replays plans into rows (`replay`), one method per step kind, each as its service writes."""

    def _attachment(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        data: bytes = step.data["data"]
        name = step.data["filename"]
        attachment_id = self.next_attachment
        self.next_attachment += 1
        digest = hashlib.sha256(data).hexdigest()
        rows.attachments.append(
            {
                "id": attachment_id,
                "case": r.case["id"],
                "filename": name,
                "mime_type": mimetypes.guess_type(name)[0] or "application/octet-stream",
                "size": len(data),
                "sha256": digest,
                "data": data,
                "note": step.data["note"],
                "added_at": step.at,
                "added_by": actor,
            }
        )
        self._say(r, step, overlays.attachment_summary(name), step.data["note"], attachment_id)
        r.detail.update(size=len(data), sha256=digest)

    def _accept(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        c = r.case
        c["state"] = S.ACCEPTED
        c["officer"] = c["officer"] or actor
        self._promise(r, step, "accepted")
        self._say(r, step, acceptance.accepted_summary(c["reply_due"], c["due_provisional"]), step.data["note"])
        if c["severity"] == "major" or c["escalated_at"] is not None:  # major.is_major
            self._auto_restrict(r, step, actor)

    def _reject(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        c, code = r.case, step.data["reason"]
        c["state"], c["reject_reason"] = S.REJECTED, code
        c["closed_at"], c["closed_by"] = step.at, actor
        self._say(r, step, acceptance.rejected_summary(self.facts.reasons[code]), step.data["note"])
        r.detail["reason"] = code

    def _resolve_on_spot(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        c = r.case
        c["state"], c["resolution"] = S.AWAITING_SIGN_OFF, step.data["resolution"]
        c["officer"] = c["officer"] or actor
        self._say(r, step, acceptance.ON_SPOT_SUMMARY, step.data["resolution"])

    def _assign(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        self._send(r, step, actor, step.data["departments"], step.data["questions"])

    def _acknowledge(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        a, by = r.assignments[step.data["assignment"]], step.data["by"]
        a.update(state=AssignmentState.ACKNOWLEDGED, acknowledged_at=step.at, acknowledged_by=by)
        self._say(r, step, routing.acknowledged_summary(self._department_name(a), by))

    def _respond(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        a, data = r.assignments[step.data["assignment"]], step.data
        a.update(
            state=AssignmentState.RESPONDED,
            responded_at=step.at,
            response=data["response"],
            responder=data["responder"],
            acknowledged_at=a["acknowledged_at"] or step.at,
        )
        self._say(r, step, routing.responded_summary(self._department_name(a), data["responder"]), data["response"])
        if not any(x["state"] in OPEN_ASSIGNMENT_STATES for x in r.assignments):
            r.case["state"] = S.DRAFTING
            self._say(r, step, routing.ALL_RESPONDED_SUMMARY)

    def _return(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        c, a, data = r.case, r.assignments[step.data["assignment"]], step.data
        a.update(state=AssignmentState.RETURNED, returned_at=step.at, return_reason=data["reason"])
        c["reroute_count"] += 1
        self._say(r, step, routing.returned_summary(self._department_name(a)), data["reason"])
        if c["reroute_count"] > routing.REROUTE_FLAG_AFTER and not c["flagged"]:
            c["flagged"] = True
            self._say(r, step, routing.flagged_summary(c["reroute_count"]))
        if data["reroute"]:
            if r.issue["department"] == a["department"]:
                r.issue["department"] = self.facts.departments[data["reroute"][0]][0]
            self._send(r, step, actor, data["reroute"], a["questions"])
        else:
            self._promise(r, step, "departments")

    def _hold(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        r.case.update(on_hold=True, hold_since=step.at, hold_reason=step.data["reason"])
        self._say(r, step, overlays.HOLD_SUMMARY, step.data["reason"])

    def _resume(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        c = r.case
        paused = max(0, self.table.workdays_between(c["hold_since"].date(), step.at.date()))
        c["paused_workdays"] += paused
        c.update(on_hold=False, hold_since=None, hold_reason="")
        self._say(r, step, overlays.resumed_summary(paused), step.data["note"])
        if c["reply_due"]:
            self._promise(r, step, "hold")

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
        self._say(r, step, overlays.extension_requested_summary(data["workdays"]), data["reason"])

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
                self._promise(r, step, "extension", x["reason"], announce=False)
            self._say(r, step, overlays.extension_approved_summary(x["workdays"], c["reply_due"]), data["note"])
        else:
            self._say(r, step, overlays.REFUSED_EXTENSION_SUMMARY, data["note"])
        r.detail.update(approved=data["approve"], workdays=x["workdays"])

    def _restrict(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        roles = list(dict.fromkeys(step.data["named"]))
        r.case["restricted"] = True
        r.access = [self.facts.users[role][0] for role in roles]  # the named list replaces the old one
        note = overlays.restrict_note([self.facts.users[role][1] for role in roles])
        self._say(r, step, overlays.restrict_summary(True), note)
        r.detail["named"] = [self.facts.usernames[role] for role in roles]

    def _merge(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        c, into = r.case, step.data["into"]
        c.update(state=S.MERGED, merged_into=self.case_id(into))
        self._withdraw_open(r, step)
        c.update(on_hold=False, hold_since=None, closed_at=step.at, closed_by=actor)
        target = self.case_no(step.data["into_key"])
        self._say(r, step, overlays.merged_into_summary(target), step.data["note"])
        assert self.plan is not None
        r.detail.setdefault("chain", {})[target] = self.merged_heads.pop((into, self.plan.index))
        r.detail["into"] = target

    def _draft(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        c, data = r.case, step.data
        first = not (c["facts"] or c["finding"] or c["resolution"])
        finding = data["finding"]
        if finding:  # issues.finding_from_draft on a case with one issue
            r.issue["finding"] = finding
            finding = derive_finding([finding])
            if finding != c["finding"]:
                r.detail["case_finding"] = finding
        else:
            finding = c["finding"]
        c.update(
            state=S.DRAFTING,
            facts=data["facts"],
            finding=finding,
            resolution=data["resolution"],
            compensation_amount=Decimal(data["compensation"]) if data["compensation"] else None,
            rectification=data["rectification"],
        )
        number = len(r.drafts) + 1
        r.drafts.append(
            {
                "case": c["id"],
                "number": number,
                "saved_at": step.at,
                "saved_by": actor,
                "facts": c["facts"],
                "finding": finding,
                "resolution": c["resolution"],
                "refund_amount": None,
                "compensation_amount": c["compensation_amount"],
                "rectification": c["rectification"],
                "merged_from": None,
            }
        )
        note = "\n".join(part for part in (reply.finding_note(finding), f"第 {number} 版") if part)
        self._say(r, step, reply.draft_summary(first), note)
        r.detail.update(finding=finding, revision=number)

    def _submit(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        r.case["state"] = S.PENDING_APPROVAL
        self._say(r, step, reply.SUBMIT_SUMMARY)

    def _approve(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        r.case.update(state=S.APPROVED, approval_comment=step.data["comment"])
        self._say(r, step, reply.APPROVE_SUMMARY, step.data["comment"])

    def _return_draft(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        r.case.update(state=S.DRAFTING, approval_comment=step.data["comment"])
        self._say(r, step, reply.RETURN_DRAFT_SUMMARY, step.data["comment"])

    def _reply(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        method, note = step.data["method"], step.data["note"]
        if method == "letter":  # the 处理结果告知书 is issued first (service_fill does the same)
            self._issue_result(r, step, actor)
            r.begin("reply")
            note = "\n".join(part for part in (reply.LETTER_DELIVERED_NOTE, note) if part)
        r.case.update(state=S.REPLIED, reply_method=method, replied_at=step.at)
        self._say(r, step, reply.reply_summary(method), note)
        r.detail["letter_delivered"] = method == "letter"

    def _issue_result(self, r: CaseReplay, step: Step, actor: int) -> None:
        """`documents.issue(…, "result")`: an audited operation of its own, no version bump. Not
        issued when the facts carry no letterhead (large fills, see app.demo.bulk)."""
        letterhead = self.facts.letterhead
        if letterhead is None:
            return
        c = r.case
        r.op, r.detail, r.op_start = "print", {}, len(r.events)
        assert self.plan is not None
        form = self.plan.form
        category = self.facts.categories[form.category][1] if form.category else ""
        number = len(r.documents) + 1
        pdf, source = letters.result_letter(c, r.issue, form.complainant_name, category, letterhead, step.at, number)
        summary, note, digest = letters.issued_event("result", pdf, source.document_no)
        approval = max(e[1] for e in r.events if e[4] == "approve")
        r.documents.append(
            {
                "case": c["id"],
                "kind": "result",
                "assignment": None,
                "reprint": False,
                "page_size": "A4",
                "sha256": digest,
                "data": pdf,
                "source": source,  # for the stored form (app.demo.bulk), not a column
                "issued_at": step.at,
                "issued_by": actor,
                "number": number,
                "edition": f"approval-{approval}",
            }
        )
        self._say(r, step, summary, note)
        r.detail.update(kind="result", sha256=digest, assignment=None, number=number, reprint=False)
        self._audit(r, step, sub=0)

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
            # promises.reset_for_reopen: a fresh reply period counted from today
            c.update(reply_period_start=step.at.date(), extension_workdays=0, paused_workdays=0)
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
        self._say(r, step, summary, data["remarks"])
        if data["outcome"] == "reopen":
            self._promise(r, step, "reopen")
        r.detail.update(satisfaction=data["satisfaction"], outcome=data["outcome"])

    def _external_route(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        route, data = r.routes[step.data["route"]], step.data
        route.update(status=data["status"], outcome=data["outcome"], updated_at=step.at)
        name = self.facts.routes.get(route["route"], route["route"])
        self._say(r, step, follow_up.external_route_summary(name, data["status"]), data["outcome"])

    def _sign_off(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        c, kind, reason = r.case, step.data["close_kind"], step.data["reason"]
        r.op = sign_off.sign_off_action(kind)
        ongoing = [self.facts.routes.get(x["route"], x["route"]) for x in r.routes if x["status"] == "ongoing"]
        c.update(state=S.CLOSED, on_hold=False, hold_since=None)
        self._withdraw_open(r, step)
        c.update(close_kind=kind, close_reason=reason, closed_at=step.at, closed_by=actor)
        if ongoing:
            reason = f"{'、'.join(ongoing)}进行中销项，理由：{reason}"
        self._say(r, step, sign_off.sign_off_summary(kind), reason)
        r.detail.update(kind=kind, routes_ongoing=ongoing)

    def _archive(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        r.case["archived"] = True
        self._say(r, step, sign_off.ARCHIVE_SUMMARY)

    def _note(self, r: CaseReplay, step: Step, actor: int, rows: Rows) -> None:
        self._say(r, step, overlays.note_summary(r.case["state"]), step.data["note"])

