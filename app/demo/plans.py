"""What the generator plans: a case's steps (`Step`, `CasePlan`), who complains about whom
(`Profile`), and the tables that shape the mix of channels, states and features."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.cases.category_tree import CategoryLeaf
from app.cases.intake import IntakeForm
from app.cases.states import State
from app.demo.people import Person
from app.demo.randomness import Weighted


@dataclass(slots=True)
class Step:
    """One thing that happens to a case: `kind` names the service (see app.demo.service_fill)."""

    at: datetime
    kind: str
    actor: str  # role: officer, manager, clerk, night_duty
    data: dict[str, Any]
    state: str  # the case state after this step, as planned


@dataclass(frozen=True, slots=True)
class Profile:
    """Who complains about whom: reused when the same complainant comes back."""

    complainant: Person
    patient: Person
    relation: str
    leaf: CategoryLeaf
    visit_department: str  # department code or ""
    record_no: str


@dataclass(slots=True)
class CasePlan:
    """One planned complaint: its intake form and every step of its life."""

    index: int  # registration order, 0-based: the case id is index + 1 in an empty database
    form: IntakeForm  # link_to is filled in when the case is written
    registrar: str
    steps: list[Step]  # steps[0] is the registration
    profile: Profile
    key: tuple[int, int] = (0, 0)  # (year received, sequence number within that year)
    link_to: int | None = None  # plan index of an earlier case of the same complainant
    link_key: tuple[int, int] | None = None
    final_at: datetime | None = None
    restricted: bool = False

    @property
    def registered_at(self) -> datetime:
        """When the case is registered."""
        return self.steps[0].at

    @property
    def state(self) -> str:
        """The state the planned steps leave the case in."""
        return self.steps[-1].state

    def inject(self, step: Step) -> None:
        """Insert a step at its moment (a merge recorded on this case's timeline)."""
        position = bisect.bisect_right([s.at for s in self.steps], step.at)
        step.state = self.steps[position - 1].state
        self.steps.insert(position, step)


@dataclass(slots=True)
class Skeleton:
    """The frame of a case before its people and story: channel, times, registrar, target."""

    channel: str
    night: bool
    received_at: datetime
    registered_at: datetime
    registrar: str
    target: str | None  # None: a case living its whole life (older cases)
    features: frozenset[str]


S = State


# Recent cases: (target state, weight, age range in working days).
TARGETS: dict[str, tuple[int, tuple[int, int]]] = {
    S.REGISTERED: (10, (0, 1)),
    S.ACCEPTED: (8, (0, 3)),
    S.IN_PROGRESS: (24, (1, 12)),
    S.DRAFTING: (10, (2, 9)),
    S.PENDING_APPROVAL: (6, (3, 9)),
    S.APPROVED: (6, (3, 9)),
    S.REPLIED: (10, (4, 14)),
    S.AWAITING_SIGN_OFF: (8, (4, 18)),
    S.CLOSED: (10, (4, 20)),
    S.REJECTED: (5, (0, 8)),
    S.MERGED: (3, (0, 6)),
}
TARGET_PICK = Weighted((state, spec[0]) for state, spec in TARGETS.items())
# The first recent cases: every board state and every overlay, whatever the size.
RECENT_COVERAGE: tuple[tuple[str, frozenset[str]], ...] = tuple(
    (state, frozenset(features.split()))
    for state, features in (
        (S.REGISTERED, ""),
        (S.REGISTERED, "night"),
        (S.ACCEPTED, "restricted"),
        (S.IN_PROGRESS, "overdue"),
        (S.IN_PROGRESS, "amber"),
        (S.IN_PROGRESS, "hold_open"),
        (S.IN_PROGRESS, "extension_approved"),
        (S.IN_PROGRESS, "extension_pending"),
        (S.DRAFTING, ""),
        (S.PENDING_APPROVAL, ""),
        (S.APPROVED, ""),
        (S.REPLIED, ""),
        (S.AWAITING_SIGN_OFF, "on_spot"),
        (S.AWAITING_SIGN_OFF, "external"),
        (S.CLOSED, "reopen"),
        (S.REJECTED, ""),
        (S.MERGED, ""),
    )
)
# The first older cases: each feature at least once.
HISTORY_COVERAGE: tuple[frozenset[str], ...] = tuple(
    frozenset(f.split())
    for f in (
        "reopen",
        "external",
        "extension_approved",
        "extension_refused",
        "restricted",
        "reroute",
        "return_draft",
        "hold",
        "unresolvable",
        "link attachment",
        "reject",
        "merge",
        "on_spot",
        "night",
        "note",
    )
)
# Probabilities of the features for the other cases.
HISTORY_FEATURES = {
    "hold": 0.05,
    "hold_open": 0.004,
    "extension": 0.04,
    "restricted": 0.015,
    "reroute": 0.04,
    "return_draft": 0.07,
    "note": 0.10,
    "attachment": 0.04,
    "link": 0.02,
}
RECENT_FEATURES = {
    "hold_open": 0.08,
    "extension": 0.05,
    "restricted": 0.02,
    "reroute": 0.04,
    "note": 0.10,
    "attachment": 0.04,
    "link": 0.02,
}
DEPARTMENT_TITLES = {
    "clinical": ("科主任", "护士长", "科室秘书", "副主任"),
    "technical": ("科主任", "技师长", "科室秘书"),
    "administrative": ("科长", "副科长", "干事", "主任"),
}
REPLY_METHOD_BY_CHANNEL = {
    "visit": ("in_person", "phone", "phone"),
    "phone": ("phone",),
    "letter": ("letter", "phone"),
    "online": ("phone", "wechat", "sms"),
    "email": ("email",),
    "transfer": ("letter", "phone"),
    "internal": ("in_person", "phone"),
}
FOLLOWUP_METHOD_PICK = Weighted({"phone": 80, "sms": 8, "wechat": 7, "visit": 5}.items())
SATISFACTION_PICK = Weighted({"satisfied": 62, "basically_satisfied": 28, "dissatisfied": 10}.items())
FINDING_PICK = Weighted({"upheld": 30, "partly_upheld": 35, "not_upheld": 30, "undetermined": 5}.items())
ROUTE_PICK = Weighted(
    {
        "people_mediation": 45,
        "administrative_mediation": 15,
        "litigation": 20,
        "medical_appraisal": 10,
        "petition": 10,
    }.items()
)


PHONE_CHANNELS = frozenset({"visit", "phone"})

CHANNEL_WEIGHTS = {
    "visit": 35,
    "phone": 30,
    "online": 15,
    "letter": 5,
    "transfer": 10,
    "internal": 3,
    "email": 2,
}
TRANSFER_WEIGHTS = {
    "hotline_12345": 45,
    "health_commission": 25,
    "hotline_12320": 15,
    "petition": 10,
    "other": 5,
}
SEVERITY_WEIGHTS = {"minor": 85, "serious": 12, "major": 3}
RELATION_WEIGHTS = {"self": 52, "child": 20, "spouse": 12, "parent": 10, "other": 6}
REJECTION_WEIGHTS = {
    "out_of_scope": 35,
    "no_subject_facts": 25,
    "authority_handled": 15,
    "court_or_mediation": 15,
    "criminal": 10,
}
CHANNEL_PICK = Weighted(CHANNEL_WEIGHTS.items())
TRANSFER_PICK = Weighted(TRANSFER_WEIGHTS.items())
SEVERITY_PICK = Weighted(SEVERITY_WEIGHTS.items())
RELATION_PICK = Weighted(RELATION_WEIGHTS.items())
REJECTION_PICK = Weighted(REJECTION_WEIGHTS.items())
