"""`Life`: the steps of one case from registration to its outcome (or, for a recent case, to its
target state), with realistic delays in office time."""

from __future__ import annotations

import bisect
import struct
import zlib
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from app.cases.states import FINAL_STATES
from app.demo.people import person_name
from app.demo.plans import (
    DEPARTMENT_TITLES,
    FINDING_PICK,
    FOLLOWUP_METHOD_PICK,
    REPLY_METHOD_BY_CHANNEL,
    ROUTE_PICK,
    SATISFACTION_PICK,
    Profile,
    S,
    Skeleton,
    Step,
)
from app.demo.randomness import chance, one, randint, some
from app.demo.slots import Slots
from app.demo.templates import Template
from app.demo.texts import (
    ACCEPT_NOTES,
    APPROVAL_COMMENTS,
    ATTACHMENT_NAMES,
    EXTENSION_REASONS,
    EXTENSION_REFUSALS,
    FACTS,
    FOLLOWUP_REMARKS,
    HOLD_REASONS,
    MERGE_NOTES,
    NOTES,
    ON_SPOT,
    QUESTIONS,
    RECTIFICATIONS,
    REJECTION_NOTES,
    REPLY_NOTES,
    RESOLUTIONS,
    RESPONSES,
    RESUME_NOTES,
    RETURN_COMMENTS,
    RETURN_REASONS,
    ROUTE_OUTCOMES,
    UNRESOLVABLE_REASONS,
)

if TYPE_CHECKING:
    from app.demo.generator import DemoGenerator


# A tiny valid PNG (1×1, grey) for scanned-paper attachments.
_PNG = (
    b"\x89PNG\r\n\x1a\n"
    + struct.pack(">I", 13)
    + b"IHDR"
    + struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    + struct.pack(">I", zlib.crc32(b"IHDR" + struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)))
    + struct.pack(">I", 10)
    + b"IDAT"
    + zlib.compress(b"\x00\xc0")
    + struct.pack(">I", zlib.crc32(b"IDAT" + zlib.compress(b"\x00\xc0")))
    + struct.pack(">I", 0)
    + b"IEND"
    + struct.pack(">I", zlib.crc32(b"IEND"))
)


class _Stop(Exception):
    """The planned life ends here (a case left on hold for good)."""


class Life:
    """Plans the steps of one case from registration to its outcome (or, for a recent case, to its
    target state), with realistic delays in office time."""

    def __init__(
        self,
        gen: DemoGenerator,
        sk: Skeleton,
        slots: Slots,
        outcome: str,
        reject_reason: str,
        merge_into: int | None,
    ) -> None:
        self.gen, self.sk, self.slots, self.outcome = gen, sk, slots, outcome
        self.rng, self.table = gen.rng, gen.table
        self.features = sk.features
        self.reject_reason = reject_reason
        self.merge_into = merge_into
        self.state: str = S.REGISTERED
        self.steps = [Step(sk.registered_at, "register", sk.registrar, {}, S.REGISTERED)]
        self.t = self.table.ordinal(sk.registered_at)
        self.assignments: list[str] = []  # department code per planned assignment
        self.open: list[int] = []
        self.extensions = 0
        self.profile: Profile = slots.ctx["profile"]

    # -- time -------------------------------------------------------------------------------------

    def later(self, low_hours: float, high_hours: float) -> None:
        """Move the case's clock on by some office hours."""
        self.t += max(60, int(self.rng.uniform(low_hours, high_hours) * 3600))

    def workdays(self, low: int, high: int) -> None:
        """Move the case's clock on by some working days."""
        self.t += randint(self.rng, low, high) * self.table.day_seconds + randint(self.rng, 60, 7200)

    def emit(self, kind: str, actor: str, state: str | None = None, **data: Any) -> None:
        """Record a step at the current moment (and the state it leaves the case in)."""
        if state is not None:
            self.state = state
        self.steps.append(Step(self.table.at(self.t), kind, actor, data, self.state))

    def render(self, templates: Sequence[Template], **extra: str) -> str:
        """One of `templates`, rendered with the case's slots (and `extra`)."""
        self.slots.update(extra)
        return one(self.rng, templates).render(self.rng, self.slots)

    def staff_name(self, code: str) -> str:
        """A title and name of someone in the department `code`."""
        titles = DEPARTMENT_TITLES.get(self.gen.departments[code].kind, DEPARTMENT_TITLES["administrative"])
        birth_year = self.gen.now.year - randint(self.rng, 28, 58)
        return one(self.rng, titles) + person_name(self.rng, chance(self.rng, 0.5), birth_year)

    # -- the script -------------------------------------------------------------------------------

    def run(self) -> list[Step]:
        """The planned steps, up to now."""
        try:
            self._script()
        except _Stop:
            pass
        if self.sk.target is not None:
            self._fit_target()
        cutoff = bisect.bisect_right([s.at for s in self.steps], self.gen.now)
        return self.steps[:cutoff]

    def _script(self) -> None:
        f, outcome = self.features, self.outcome
        if "attachment" in f:
            self._attachment()
        if outcome == "merge":
            self.later(0.3, 12)
            self.emit("merge", "officer", S.MERGED, into=self.merge_into, note=one(self.rng, MERGE_NOTES))
            return
        if outcome == "on_spot":
            self.later(0.1, 0.6)
            resolution = self.render(ON_SPOT)
            self.emit("resolve_on_spot", "officer", S.AWAITING_SIGN_OFF, resolution=resolution)
            self._sign_off()
            return
        self._wait_for_acceptance()
        if outcome == "reject":
            self._reject()
            return
        self.emit("accept", "officer", S.ACCEPTED, note=one(self.rng, ACCEPT_NOTES))
        if "restricted" in f:
            self.later(0.3, 8)
            self.emit("restrict", "manager", named=["officer"])
        if outcome == "reject_accepted":
            self.later(1, 12)
            self._reject()
            return
        if "note" in f:
            self.later(0.5, 6)
            self.emit("note", "officer", note=self.render(NOTES))
        self._department_round(first=True)
        if outcome == "unresolvable":
            self.later(2, 30)
            self.emit(
                "sign_off",
                "manager",
                S.CLOSED,
                close_kind="unresolvable",
                reason=one(self.rng, UNRESOLVABLE_REASONS),
            )
            self._archive()
            return
        route = ""
        first = True
        while True:
            self._draft_and_approval(first)
            self.later(0.5, 16)
            method = one(self.rng, REPLY_METHOD_BY_CHANNEL[self.sk.channel])
            self.emit("reply", "officer", S.REPLIED, method=method, note=self.render(REPLY_NOTES))
            self.workdays(2, 6)
            satisfaction, result = self._satisfaction(first)
            route = ROUTE_PICK.pick(self.rng) if result == "external" else ""
            self.emit(
                "follow_up",
                "officer",
                S.IN_PROGRESS if result == "reopen" else S.AWAITING_SIGN_OFF,
                method=FOLLOWUP_METHOD_PICK.pick(self.rng),
                satisfaction=satisfaction,
                remarks=self.render(FOLLOWUP_REMARKS[satisfaction]),
                outcome=result,
                route=route,
            )
            if result != "reopen":
                break
            first = False
            self._department_round(first=False)
        self._sign_off(route)

    def _attachment(self) -> None:
        name = one(self.rng, ATTACHMENT_NAMES)
        data = self.slots.ctx["profile"].leaf.path.encode() if name.endswith(".txt") else _PNG
        at = self.steps[-1].at + timedelta(minutes=randint(self.rng, 2, 12))
        self.steps.append(
            Step(
                at, "attachment", self.sk.registrar, {"filename": name, "data": data, "note": ""}, self.state
            )
        )
        self.t = max(self.t, self.table.ordinal(at))

    def _wait_for_acceptance(self) -> None:
        if self.table.is_after_hours(self.steps[-1].at):
            self.later(0.05, 2.5)  # next opening time: the ordinal already points there
        else:
            self.later(0.1, 3)
            if self.sk.target is None and chance(self.rng, 0.06):
                self.workdays(1, 3)

    def _reject(self) -> None:
        reason = self.reject_reason
        self.emit(
            "reject",
            "officer",
            S.REJECTED,
            reason=reason,
            note=REJECTION_NOTES[reason].render(self.rng, self.slots),
        )
        self._archive()

    def _satisfaction(self, first: bool) -> tuple[str, str]:
        f = self.features
        if first and "reopen" in f:
            return "dissatisfied", "reopen"
        if first and "external" in f:
            return "dissatisfied", "external"
        satisfaction = SATISFACTION_PICK.pick(self.rng)
        if satisfaction != "dissatisfied":
            return satisfaction, "sign_off"
        u = self.rng.random()
        if first and u < 0.35 and self.sk.target is None:
            return satisfaction, "reopen"
        return satisfaction, "external" if u < 0.6 else "sign_off"

    def _send(self, codes: list[str]) -> None:
        questions = self.render(QUESTIONS)
        first = len(self.assignments)
        self.assignments.extend(codes)
        self.open.extend(range(first, len(self.assignments)))
        self.emit("assign", "officer", S.IN_PROGRESS, departments=codes, questions=questions)
        for i in range(first, len(self.assignments)):
            if chance(self.rng, 0.85):
                self.later(0.2, 4)
                self.emit("acknowledge", "officer", assignment=i, by=self.staff_name(self.assignments[i]))

    def _other_department(self) -> str:
        """Where a returned assignment goes instead: the visit department or another office."""
        taken = {self.assignments[i] for i in self.open} | {self.profile.leaf.default_department_code}
        admin = [d.code for d in self.gen.admin_departments]
        choices = [self.profile.visit_department, *some(self.rng, admin, min(5, len(admin)))]
        return next((c for c in choices if c and c not in taken), None) or next(
            c for c in self.gen.departments if c not in taken
        )

    def _department_round(self, first: bool) -> None:
        f, rng = self.features, self.rng
        self.later(0.3, 6)
        primary = self.profile.leaf.default_department_code
        codes = [primary]
        visit = self.profile.visit_department
        if first and "amber" not in f and visit and visit != primary and chance(rng, 0.2):
            codes.append(visit)
        if not first:
            codes = [one(rng, [primary, visit] if visit and visit != primary else [primary])]
        self._send(codes)
        if first and "reroute" in f:
            self.later(0.5, 8)
            returned = self.open.pop(0)
            other = self._other_department()
            reason = self.render(RETURN_REASONS, other=self.gen.departments[other].name)
            self.emit("return", "officer", assignment=returned, reason=reason, reroute=[other])
            self._send_rerouted(other)
        if first and "hold" in f:
            self.later(1, 12)
            self.emit("hold", "officer", reason=self.render(HOLD_REASONS))
            self.workdays(1, 8)
            self.emit("resume", "officer", note=one(rng, RESUME_NOTES))
        if first and "hold_open" in f and self.sk.target is None:
            self.later(1, 12)
            self.emit("hold", "officer", reason=self.render(HOLD_REASONS))
            raise _Stop  # waiting for material that never comes
        if first:
            self._extension()
        for i in list(self.open):
            if chance(rng, 0.8):
                self.workdays(0, 2)
                self.later(1, 6)
            else:
                self.workdays(3, 7)
            self.open.remove(i)
            response = self.render(RESPONSES[FINDING_PICK.pick(rng)])
            self.emit(
                "respond",
                "officer",
                S.IN_PROGRESS if self.open else S.DRAFTING,
                assignment=i,
                response=response,
                responder=self.staff_name(self.assignments[i]),
            )

    def _send_rerouted(self, code: str) -> None:
        """The re-routed assignment was created by the return itself; record its acknowledgement."""
        self.assignments.append(code)
        self.open.append(len(self.assignments) - 1)
        if chance(self.rng, 0.85):
            self.later(0.2, 4)
            self.emit(
                "acknowledge", "officer", assignment=len(self.assignments) - 1, by=self.staff_name(code)
            )

    def _extension(self) -> None:
        f = self.features
        wanted = {"extension_approved", "extension_refused", "extension_pending"} & f
        if not wanted:
            return
        self.later(1, 16)
        index = self.extensions
        self.extensions += 1
        workdays = one(self.rng, (3, 5, 5, 10))
        self.emit(
            "request_extension",
            "officer",
            workdays=workdays,
            reason=self.render(EXTENSION_REASONS),
            extension=index,
        )
        if "extension_pending" in f:
            return
        self.later(1, 16)
        approve = "extension_approved" in f
        note = one(self.rng, ("同意延期。", "")) if approve else one(self.rng, EXTENSION_REFUSALS)
        self.emit("decide_extension", "manager", extension=index, approve=approve, note=note)

    def _draft(self) -> None:
        rng = self.rng
        finding = FINDING_PICK.pick(rng)
        family = self.profile.leaf.path.split(" / ")[0]
        compensation = None
        if finding in ("upheld", "partly_upheld") and family in ("医疗费用", "医保政策") and chance(rng, 0.7):
            compensation = f"{randint(rng, 2, 300) * 5}.00"
        elif finding == "upheld" and family == "医疗质量" and chance(rng, 0.25):
            compensation = f"{randint(rng, 4, 100) * 500}.00"
        self.slots["response"] = self.render(RESPONSES[finding])
        rectification = (
            "\n".join(some(rng, RECTIFICATIONS, randint(rng, 1, 3))) if finding != "not_upheld" else ""
        )
        self.emit(
            "draft",
            "officer",
            S.DRAFTING,
            facts=FACTS.render(rng, self.slots),
            finding=finding,
            resolution=self.render(RESOLUTIONS[finding]),
            compensation=compensation,
            rectification=rectification,
        )

    def _draft_and_approval(self, first: bool) -> None:
        self.later(1, 16)
        self._draft()
        self.later(0.5, 8)
        self.emit("submit", "officer", S.PENDING_APPROVAL)
        if first and "return_draft" in self.features:
            self.later(0.5, 16)
            self.emit("return_draft", "manager", S.DRAFTING, comment=one(self.rng, RETURN_COMMENTS))
            self.later(1, 12)
            self._draft()
            self.later(0.5, 4)
            self.emit("submit", "officer", S.PENDING_APPROVAL)
        self.later(0.5, 16)
        self.emit("approve", "manager", S.APPROVED, comment=one(self.rng, APPROVAL_COMMENTS))

    def _sign_off(self, route: str = "") -> None:
        self.workdays(0, 3)
        self.later(0.5, 8)
        reason = "投诉人已另行申请外部途径处理，本院已按程序答复，结果另行记录" if route else ""
        self.emit("sign_off", "manager", S.CLOSED, close_kind="resolved", reason=reason)
        if route and chance(self.rng, 0.6):
            self.workdays(10, 60)
            outcome = ROUTE_OUTCOMES[route].render(self.rng, self.slots)
            self.emit("external_route", "officer", route=0, status="concluded", outcome=outcome)
        self._archive()

    def _archive(self) -> None:
        """Closed cases are archived in quarterly batches."""
        if not chance(self.rng, 0.8):
            return
        closed = self.steps[-1].at.date()
        quarter_month = (closed.month - 1) // 3 * 3 + 4
        year = closed.year + (quarter_month > 12)
        batch = date(year, (quarter_month - 1) % 12 + 1, 1) + timedelta(days=randint(self.rng, 3, 20))
        if batch > self.table.last:
            return
        workday = batch if self.table.is_workday(batch) else self.table.add_workdays(batch, 1)[0]
        self.t = max(self.t, self.table.ordinal(self.gen.office_moment(workday)))
        self.emit("archive", "manager")

    # -- recent cases: stop in the target state, inside the time available --------------------

    def _fit_target(self) -> None:
        target, steps = self.sk.target, self.steps
        entered = next((i for i, s in enumerate(steps) if s.state == target), None)
        if entered is not None:
            if target in FINAL_STATES:
                end = entered + 1
            else:
                end = next(
                    (j for j in range(entered + 1, len(steps)) if steps[j].state != target), len(steps)
                )
            del steps[end:]
        if "hold_open" in self.features and steps[-1].state not in FINAL_STATES:
            self.t = self.table.ordinal(steps[-1].at)
            self.later(0.5, 8)
            self.emit("hold", "officer", reason=self.render(HOLD_REASONS))
            steps[-1].state = steps[-2].state
        fixed = 1 + (len(steps) > 1 and steps[1].kind == "attachment")
        if len(steps) <= fixed:
            return
        base = max(self.table.ordinal(s.at) for s in steps[:fixed])
        last = self.table.ordinal(steps[-1].at)
        limit = self.gen.now_ord - 600
        if last <= limit:
            return
        if base >= limit:
            del steps[fixed:]
            return
        factor = (limit - base) / (last - base)
        for s in steps[fixed:]:
            s.at = self.table.at(base + int((self.table.ordinal(s.at) - base) * factor))
