"""`DemoGenerator`: plans complaints deterministically (the same seed, "now", dictionaries and
calendar give the same cases) — skeletons (channel, night duty, when received and registered, by
whom), people, category, narrative, 诉求, merges and links; `Life` plans each case's steps."""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from app import clock, dictionaries
from app.cases.category_tree import CategoryLeaf, category_leaves
from app.cases.intake import IntakeForm
from app.cases.states import FINAL_STATES
from app.demo.life import Life
from app.demo.people import Person, email_for, make_person, record_number
from app.demo.plans import (
    CHANNEL_PICK,
    HISTORY_COVERAGE,
    HISTORY_FEATURES,
    PHONE_CHANNELS,
    RECENT_COVERAGE,
    RECENT_FEATURES,
    REJECTION_PICK,
    RELATION_PICK,
    SEVERITY_PICK,
    TARGET_PICK,
    TARGETS,
    TRANSFER_PICK,
    CasePlan,
    Profile,
    S,
    Skeleton,
    Step,
)
from app.demo.randomness import Weighted, chance, one, randint, some
from app.demo.slots import Slots, kinship
from app.demo.texts import (
    CLOSINGS_FIRST,
    CLOSINGS_THIRD,
    DEMANDS,
    DETAILS,
    FAMILY_TEMPLATES,
    FAMILY_WEIGHTS,
    GENERIC_DEMANDS,
    GENERIC_TEMPLATES,
    INPATIENT_LEAVES,
    LEAF_TEMPLATES,
    LONG_SUPPLEMENT,
    MAJOR_LEAVES,
    NON_CLINICAL_FAMILIES,
    OPENINGS_FIRST,
    OPENINGS_THIRD,
    REJECTION_ADDENDA,
    REPEAT_OPENING,
)
from app.demo.workdays import HISTORY_DAYS, RECENT_DAYS, WorkdayTable, workday_table
from app.validation import RELATIONS, TRANSFER_SOURCES
from models.organisation import Department

DEFAULT_SEED = 20240601


_DETAIL_COUNT = Weighted(((0, 1), (1, 2), (2, 3), (3, 4), (4, 3), (5, 2), (6, 2), (8, 1)))


class DemoGenerator:
    """Plans `n` complaints, deterministic for a given seed, now, dictionaries and calendar."""

    MERGE_WINDOW = timedelta(days=30)
    BUFFER = timedelta(days=40)  # plans are held back this long so merges can still be recorded

    def __init__(
        self,
        *,
        seed: int,
        now: datetime,
        departments: Sequence[dictionaries.Department],
        leaves: Sequence[CategoryLeaf],
        table: WorkdayTable,
    ) -> None:
        if not departments or not leaves:
            raise ValueError("the database has no departments or categories")
        self.rng = random.Random(seed)
        self.now = now.replace(microsecond=0)
        self.table = table
        self.now_ord = table.ordinal(self.now)
        self.last_office_day = table.at(max(0, self.now_ord - 1)).date()
        self.departments = {d.code: d for d in departments}
        self.clinical = [d for d in departments if d.kind == "clinical"] or list(departments)
        self.admin_departments = [d for d in departments if d.kind == "administrative"] or list(departments)
        families: dict[str, list[CategoryLeaf]] = {}
        for leaf in leaves:
            if leaf.default_department_code in self.departments:
                families.setdefault(leaf.path.split(" / ")[0], []).append(leaf)
        if not families:
            raise ValueError("no category leaf maps to an active department")
        self.leaves_by_family = families
        self.family_pick = Weighted((f, FAMILY_WEIGHTS.get(f, 1)) for f in families)
        self.major_leaves = [
            leaf for group in families.values() for leaf in group if leaf.name in MAJOR_LEAVES
        ]
        self.reference_serial = 0
        self.sequences: dict[int, int] = {}  # year -> last case sequence number planned
        self.recent: list[CasePlan] = []  # plans not yet handed out, in registration order
        self.recent_times: list[datetime] = []

    # -- skeletons: channel, night duty, when received and registered, by whom --------------------

    def _day_moment(self, day: date, low: float, high: float) -> datetime:
        """A moment between fractions `low` and `high` of the office day."""
        seconds = int(self.rng.uniform(low, high) * self.table.day_seconds)
        return datetime.combine(day, self.table.office.start) + timedelta(seconds=seconds)

    def office_moment(self, day: date) -> datetime:
        """A moment in office hours of `day`, morning or afternoon."""
        return (
            self._day_moment(day, 0.02, 0.42) if chance(self.rng, 0.6) else self._day_moment(day, 0.58, 0.98)
        )

    def _after_hours_moment(self, day: date) -> datetime:
        rng, office = self.rng, self.table.office
        if not self.table.is_workday(day):
            return datetime.combine(day, time(0, 10)) + timedelta(minutes=randint(rng, 0, 1410))
        if chance(rng, 0.65):
            start = datetime.combine(day, office.end) + timedelta(minutes=10)
            return start + timedelta(
                minutes=randint(
                    rng, 0, max(1, int((datetime.combine(day, time(23, 50)) - start).seconds / 60))
                )
            )
        opening = datetime.combine(day, office.start)
        return opening - timedelta(minutes=randint(rng, 20, max(21, opening.hour * 60 - 10)))

    def _received(self, day: date, channel: str, night: bool) -> datetime:
        if night:
            return self._after_hours_moment(day)
        if channel in ("online", "email"):
            if chance(self.rng, 0.7):
                return datetime.combine(day, time(8)) + timedelta(minutes=randint(self.rng, 0, 14 * 60))
            return self._after_hours_moment(day)
        workday = day if self.table.is_workday(day) else self.table.add_workdays(day, 1)[0]
        if channel == "letter":
            return self._day_moment(workday, 0.05, 0.3)
        return self.office_moment(workday)

    def _registration(self, channel: str, night: bool, received: datetime) -> tuple[datetime, str]:
        rng = self.rng
        if night:
            return received + timedelta(minutes=randint(rng, 3, 25)), "night_duty"
        desk = "clerk" if chance(rng, 0.6) else "officer"
        if channel in PHONE_CHANNELS:
            return received + timedelta(minutes=randint(rng, 2, 20)), desk
        if channel == "letter":
            return received + timedelta(minutes=randint(rng, 30, 240)), desk
        if channel in ("online", "email") and self.table.is_after_hours(received):
            return self.table.at(self.table.ordinal(received) + randint(rng, 300, 3 * 3600)), "officer"
        return received + timedelta(minutes=randint(rng, 10, 120)), "officer"

    def _channel(self, features: frozenset[str], p_night: float) -> tuple[str, bool]:
        if "night" in features:
            return ("visit" if chance(self.rng, 0.55) else "phone"), True
        channel = "visit" if "on_spot" in features else CHANNEL_PICK.pick(self.rng)
        night = channel in PHONE_CHANNELS and "on_spot" not in features and chance(self.rng, p_night)
        return channel, night

    def _history_skeleton(self, features: frozenset[str]) -> Skeleton:
        span = HISTORY_DAYS - RECENT_DAYS - 1
        u = self.rng.random()
        x = (-1 + math.sqrt(1 + 0.96 * u)) / 0.4  # slowly rising complaint numbers
        day = self.now.date() - timedelta(days=HISTORY_DAYS) + timedelta(days=int(x * span))
        channel, night = self._channel(features, 0.077)
        received = self._received(day, channel, night)
        registered, registrar = self._registration(channel, night, received)
        return Skeleton(channel, night, received, registered, registrar, None, features)

    def _recent_skeleton(self, target: str, features: frozenset[str]) -> Skeleton:
        low, high = TARGETS[target][1]
        if "overdue" in features or (target == S.REGISTERED and chance(self.rng, 0.15)):
            low, high = (7, 12) if target != S.REGISTERED else (2, 3)
        elif "amber" in features:
            low = high = 4
        if target == S.AWAITING_SIGN_OFF and "on_spot" in features:
            low, high = 0, 3
        age = randint(self.rng, low, high)
        channel, night = self._channel(features, 0.077 if target == S.REGISTERED else 0.04)
        while True:
            day = self.table.workday_before(self.last_office_day, age)
            received = self._received(day, channel, night)
            registered, registrar = self._registration(channel, night, received)
            if registered <= self.now - timedelta(minutes=10):
                return Skeleton(channel, night, received, registered, registrar, target, features)
            age += 1

    def _random_features(self, table: Mapping[str, float]) -> frozenset[str]:
        chosen = {name for name, p in table.items() if self.rng.random() < p}
        if "extension" in chosen:
            chosen.discard("extension")
            chosen.add("extension_approved" if chance(self.rng, 0.85) else "extension_refused")
        return frozenset(chosen)

    def _skeletons(self, n: int) -> list[Skeleton]:
        recent = min(n, max(round(n * 0.05), len(RECENT_COVERAGE) + min(n // 4, 150)))
        skeletons = []
        for i in range(n):
            if i < recent:
                if i < len(RECENT_COVERAGE):
                    target, features = RECENT_COVERAGE[i]
                else:
                    target, features = TARGET_PICK.pick(self.rng), self._random_features(RECENT_FEATURES)
                skeletons.append(self._recent_skeleton(target, features))
            else:
                k = i - recent
                features = (
                    HISTORY_COVERAGE[k]
                    if k < len(HISTORY_COVERAGE)
                    else self._random_features(HISTORY_FEATURES)
                )
                skeletons.append(self._history_skeleton(features))
        skeletons.sort(key=lambda s: s.registered_at)
        return skeletons

    # -- people, category, narrative --------------------------------------------------------------

    def _leaf(self, severity: str) -> CategoryLeaf:
        if self.major_leaves and (severity == "major" or (severity == "serious" and chance(self.rng, 0.4))):
            return one(self.rng, self.major_leaves)
        return one(self.rng, self.leaves_by_family[self.family_pick.pick(self.rng)])

    def _people(self, relation: str, today: date, complainant: Person | None) -> tuple[Person, Person]:
        rng = self.rng
        if relation == "self":
            person = complainant or make_person(rng, int(rng.triangular(18, 90, 52)), today)
            return person, person
        if relation == "child":  # the complainant is the patient's son or daughter
            patient_age = randint(rng, 58, 93)
            complainant = complainant or make_person(rng, max(18, patient_age - randint(rng, 22, 38)), today)
            male = chance(rng, 0.5)
            shared = complainant.name[0] if male and complainant.male and chance(rng, 0.9) else ""
            return complainant, make_person(rng, patient_age, today, male, shared)
        if relation == "parent":  # the patient is a child
            patient_age = randint(rng, 0, 16)
            complainant = complainant or make_person(rng, patient_age + randint(rng, 22, 40), today)
            shared = complainant.name[0] if complainant.male and chance(rng, 0.9) else ""
            return complainant, make_person(rng, patient_age, today, None, shared)
        complainant = complainant or make_person(rng, randint(rng, 22, 85), today)
        if relation == "spouse":
            age = max(18, (today - complainant.birth).days // 365 + randint(rng, -5, 5))
            return complainant, make_person(rng, age, today, not complainant.male)
        return complainant, make_person(rng, randint(rng, 18, 90), today)

    @staticmethod
    def _unsuitable(child: bool, male: bool) -> frozenset[str]:
        """Departments a patient is not seen in: 儿科 for adults, 妇产科 for men and children."""
        return frozenset({"obgyn"} if child or male else set()) | (
            {"pediatrics"} if not child else frozenset()
        )

    def _profile(self, sk: Skeleton, severity: str, complainant: Person | None) -> Profile:
        rng = self.rng
        relation = "self" if complainant is not None and chance(rng, 0.6) else RELATION_PICK.pick(rng)
        complainant, patient = self._people(relation, sk.received_at.date(), complainant)
        leaf = self._leaf(severity)
        family = leaf.path.split(" / ")[0]
        visit = ""
        if family not in NON_CLINICAL_FAMILIES or chance(rng, 0.4):
            default = self.departments[leaf.default_department_code]
            child = (sk.received_at.date() - patient.birth).days < 18 * 365
            unsuitable = self._unsuitable(child, patient.male)
            if child and "pediatrics" in self.departments and chance(rng, 0.7):
                visit = "pediatrics"
            elif default.kind == "clinical" and default.code not in unsuitable:
                visit = default.code
            else:
                visit = one(rng, [d for d in self.clinical if d.code not in unsuitable] or self.clinical).code
        record = ""
        if chance(rng, 0.65 if visit else 0.15):
            inpatient = leaf.name in INPATIENT_LEAVES or chance(rng, 0.25)
            record = record_number(rng, inpatient, sk.received_at.year)
        return Profile(complainant, patient, relation, leaf, visit, record)

    def _context(
        self, sk: Skeleton, profile: Profile, visit_date: date, source: str, reference: str, source_dept: str
    ) -> dict[str, Any]:
        kin = kinship(profile.relation, profile.complainant, profile.patient)
        first_person = sk.channel in OPENINGS_FIRST and not sk.night
        if first_person:
            we = "我" if profile.relation == "self" else "我们"
        else:
            we = "投诉人" if profile.relation == "self" else one(self.rng, ("家属", "投诉人"))
        return {
            "profile": profile,
            "rel_label": RELATIONS[profile.relation],
            "rel_self": kin.rel_self,
            "who": kin.first if first_person else kin.third,
            "we": we,
            "first_person": first_person,
            "dept_name": self.departments[profile.visit_department].name if profile.visit_department else "",
            "visit_date": visit_date,
            "received_at": sk.received_at,
            "source_label": TRANSFER_SOURCES.get(source, ""),
            "reference": reference,
            "source_department_name": self.departments[source_dept].name if source_dept else "",
        }

    def _narrative(self, sk: Skeleton, slots: Slots, repeat: bool, reject_reason: str) -> str:
        rng, ctx = self.rng, slots.ctx
        leaf: CategoryLeaf = ctx["profile"].leaf
        family = leaf.path.split(" / ")[0]
        if repeat:
            opening = REPEAT_OPENING
        elif ctx["first_person"]:
            opening = one(rng, OPENINGS_FIRST[sk.channel])
        else:
            opening = one(rng, OPENINGS_THIRD[f"night_{sk.channel}" if sk.night else sk.channel])
        own = ctx["profile"].relation == "self"
        for candidates in (LEAF_TEMPLATES.get(leaf.name), FAMILY_TEMPLATES.get(family), GENERIC_TEMPLATES):
            core = [t for t in candidates or () if not (own and t.companion)]
            if core:
                break
        pieces = [opening, one(rng, core), *some(rng, DETAILS, _DETAIL_COUNT.pick(rng))]
        if reject_reason:
            pieces.append(REJECTION_ADDENDA[reject_reason])
        if chance(rng, 0.7):
            pieces.append(one(rng, CLOSINGS_FIRST if ctx["first_person"] else CLOSINGS_THIRD))
        text = "".join(t.render(rng, slots) for t in pieces)
        if chance(rng, 0.02):  # a few very long letters
            goal = randint(rng, 1000, 2600)
            text += LONG_SUPPLEMENT.render(rng, slots)
            while len(text) < goal:
                text += one(rng, DETAILS).render(rng, slots)
        while len(text) < 80:
            text += one(rng, DETAILS).render(rng, slots)
        return text

    def _transfer(self, channel: str, received: datetime) -> tuple[str, str]:
        if channel != "transfer":
            return "", ""
        source = TRANSFER_PICK.pick(self.rng)
        self.reference_serial += 1
        serial = self.reference_serial
        reference = {
            "hotline_12345": f"12345-{received:%Y%m%d}-{randint(self.rng, 1, 9999):04d}",
            "health_commission": f"宁卫转〔{received.year}〕{serial % 900 + 1}号",
            "hotline_12320": f"12320{received:%Y%m%d}{randint(self.rng, 1, 999):03d}",
            "petition": f"XF{received:%Y}{serial:06d}",
            "other": f"转办〔{received.year}〕{serial % 500 + 1}号",
        }[source]
        return source, reference

    def _form(
        self, sk: Skeleton, profile: Profile, severity: str, repeat: bool, reject_reason: str
    ) -> tuple[IntakeForm, Slots]:
        rng, person = self.rng, profile.complainant
        channel = sk.channel
        back = 0 if chance(rng, 0.4) else randint(rng, 1, 7) if chance(rng, 0.6) else randint(rng, 8, 60)
        visit_date = max(sk.received_at.date() - timedelta(days=back), profile.patient.birth)
        source, reference = self._transfer(channel, sk.received_at)
        source_dept = (
            (profile.visit_department or one(rng, self.clinical).code) if channel == "internal" else ""
        )
        ctx = self._context(sk, profile, visit_date, source, reference, source_dept)
        slots = Slots(self, rng, ctx)
        content = self._narrative(sk, slots, repeat, reject_reason)
        family = profile.leaf.path.split(" / ")[0]
        demands = (
            one(rng, DEMANDS.get(family, GENERIC_DEMANDS)).render(rng, slots) if chance(rng, 0.88) else ""
        )
        p_phone, p_id, p_address = {
            "visit": (1.0, 0.6, 0.4),
            "phone": (1.0, 0.15, 0.1),
            "letter": (0.7, 0.3, 1.0),
            "online": (0.75, 0.1, 0.05),
            "email": (0.4, 0.05, 0.05),
            "transfer": (0.85, 0.2, 0.3),
            "internal": (0.8, 0.1, 0.1),
        }[channel]
        if sk.night:
            p_phone, p_id, p_address = 1.0, 0.3, 0.1
        if repeat:  # a complainant coming back gives the number the office knows them by
            p_phone = 1.0
        phone = person.phone if chance(rng, p_phone) else ""
        email = (
            email_for(rng, person) if channel == "email" or (channel == "online" and chance(rng, 0.1)) else ""
        )
        online = (
            f"微信用户{person.name[0]}{randint(rng, 100, 99999)}" if channel == "online" and not phone else ""
        )
        form = IntakeForm(
            channel=channel,
            content=content,
            received_at=sk.received_at,
            complainant_name=person.name if channel != "email" or chance(rng, 0.8) else "",
            relation=profile.relation,
            complainant_phone=phone,
            complainant_id_number=person.id_number if chance(rng, p_id) else "",
            complainant_address=person.address if chance(rng, p_address) else "",
            complainant_email=email,
            complainant_online_account=online,
            transfer_source=source,
            transfer_reference=reference,
            source_department=source_dept,
            patient_name=profile.patient.name,
            patient_record_no=profile.record_no,
            visit_department=profile.visit_department,
            visit_date=visit_date if profile.visit_department else None,
            category=profile.leaf.code,
            severity=severity,
            demands=demands,
        )
        return form, slots

    # -- merges and links -----------------------------------------------------------------------

    def _earlier(self, registered_at: datetime, fits: Callable[[CasePlan], bool]) -> CasePlan | None:
        """A random earlier case of the last 30 days for which `fits` holds (or None)."""
        times = self.recent_times
        low = bisect.bisect_left(times, registered_at - self.MERGE_WINDOW)
        high = bisect.bisect_left(times, registered_at)
        for _ in range(min(40, high - low)):
            plan = self.recent[self.rng.randrange(low, high)]
            if fits(plan):
                return plan
        return None

    def _merge_target(self, registered_at: datetime) -> CasePlan | None:
        latest_merge = self.table.at(self.table.ordinal(registered_at) + 17 * 3600)
        return self._earlier(registered_at, lambda p: p.final_at is None or p.final_at > latest_merge)

    def _link_target(self, registered_at: datetime) -> CasePlan | None:
        return self._earlier(registered_at, lambda p: not p.restricted)

    # -- one case ---------------------------------------------------------------------------------

    def _outcome(self, sk: Skeleton) -> str:
        f, rng = sk.features, self.rng
        if sk.target is not None:
            if sk.target == S.REJECTED:
                return "reject" if chance(rng, 0.7) else "reject_accepted"
            if sk.target == S.MERGED:
                return "merge"
            return "on_spot" if "on_spot" in f else "normal"
        for name in ("reject", "merge", "on_spot", "unresolvable"):
            if name in f:
                return name
        u = rng.random()
        if u < 0.045:
            return "reject" if chance(rng, 0.7) else "reject_accepted"
        if u < 0.065:
            return "merge"
        if u < 0.075:
            return "unresolvable"
        if sk.channel in PHONE_CHANNELS and not sk.night and u < 0.075 + 0.15:
            return "on_spot"
        return "normal"

    def _plan(self, index: int, sk: Skeleton) -> CasePlan:
        rng = self.rng
        outcome = self._outcome(sk)
        merge_into = self._merge_target(sk.registered_at) if outcome == "merge" else None
        if outcome == "merge" and merge_into is None:
            outcome = "normal"
            if sk.target == S.MERGED:
                sk.target = S.REGISTERED
        link = None
        if "link" in sk.features and merge_into is None and sk.registrar != "night_duty":
            link = self._link_target(sk.registered_at)
        if merge_into is not None:
            profile = merge_into.profile
            severity = merge_into.form.severity
        else:
            severity = SEVERITY_PICK.pick(rng)
            profile = self._profile(sk, severity, link.profile.complainant if link else None)
        reject_reason = REJECTION_PICK.pick(rng) if outcome.startswith("reject") else ""
        form, slots = self._form(sk, profile, severity, merge_into is not None, reject_reason)
        life = Life(self, sk, slots, outcome, reject_reason, merge_into.index if merge_into else None)
        steps = life.run()
        year = sk.received_at.year
        self.sequences[year] = self.sequences.get(year, 0) + 1
        plan = CasePlan(index, form, sk.registrar, steps, profile, (year, self.sequences[year]))
        if link is not None:
            plan.link_to, plan.link_key = link.index, link.key
        plan.final_at = next((s.at for s in steps if s.state in FINAL_STATES), None)
        plan.restricted = any(s.kind == "restrict" for s in steps)
        if merge_into is not None:
            merge = next((s for s in steps if s.kind == "merge"), None)
            if merge is not None:
                merge.data.update(into=merge_into.index, into_key=merge_into.key)
                data = {"from": index, "from_key": plan.key, "note": merge.data["note"]}
                merge_into.inject(Step(merge.at, "merged_in", "officer", data, ""))
        return plan

    def plans(self, n: int) -> Iterator[CasePlan]:
        """The plans in registration order (the order of case numbers)."""
        if n <= 0:
            return
        self.recent, self.recent_times = [], []
        written = 0
        for index, sk in enumerate(self._skeletons(n)):
            plan = self._plan(index, sk)
            self.recent.append(plan)
            self.recent_times.append(plan.registered_at)
            while self.recent_times[written] < plan.registered_at - self.BUFFER:
                yield self.recent[written]
                written += 1
            if written > 5000:  # drop what has been handed out
                del self.recent[:written], self.recent_times[:written]
                written = 0
        yield from self.recent[written:]


def generator_for_database(seed: int = DEFAULT_SEED, now: datetime | None = None) -> DemoGenerator:
    """A generator using the open database's departments, category dictionary and calendar."""
    now = (now or clock.now()).replace(microsecond=0)
    departments = [
        dictionaries.Department(d.code, d.name, d.kind)
        for d in Department.select().where(Department.active == True).order_by(Department.id)  # noqa: E712
    ]
    return DemoGenerator(
        seed=seed, now=now, departments=departments, leaves=category_leaves(), table=workday_table(now)
    )
