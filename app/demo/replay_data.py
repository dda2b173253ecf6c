"""What the bulk path's replay knows and produces: facts about the target database, the rows of a
chunk of cases, and one case's rows while it is being replayed (plain data, picklable)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.deadlines.rules import DeadlineRules
from app.sealing import SealingKeys
from app.statistics.facts import CategoryInfo, StatRows
from printing.data import Letterhead


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
    first_assignment_id: int = 1
    usernames: dict[str, str] = field(default_factory=dict)  # role -> username (the audit's actor)
    officer_ids: frozenset[int] = frozenset()  # users with the officer role (named on restricted cases)
    major_auto_restrict: bool = True  # setting: a 重大 case is restricted at 受理
    reopen_reply_workdays: int = 10  # setting: the reply period of a reopened case
    audit_head: tuple[int, str] | None = None  # the audit log's newest (seq, hash) before the fill
    letterhead: Letterhead | None = None  # None: written replies' letters are not issued (see bulk.py)
    stat_categories: dict[int, CategoryInfo] = field(default_factory=dict)  # statistics.store.category_map
    sealing: SealingKeys | None = None  # the installed sealer's keys: rows written sealed (app.demo.replay_sealing)
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
    promises: list[dict] = field(default_factory=list)
    drafts: list[dict] = field(default_factory=list)
    documents: list[dict] = field(default_factory=list)
    audit: list[tuple] = field(default_factory=list)  # audit.ChainRow, chained in the service path's order
    fts: list[tuple] = field(default_factory=list)
    chars: list[tuple] = field(default_factory=list)  # the character index's rows (search_index.char_row)
    stats: list[StatRows] = field(default_factory=list)  # each case's statistics rows (app.demo.replay_stats)
    cells: dict | None = None  # after the last chunk: the monthly cube's cells of every case (no repeats)
    counters: dict[int, int] = field(default_factory=dict)  # year -> last sequence number

    def __len__(self) -> int:
        return len(self.cases)


class CaseReplay:
    """One case's rows as the services would have written them (see `Replay`), and the operation
    being replayed: its name, its audit detail and where its timeline entries start."""

    __slots__ = (
        "case",
        "issue",
        "assignments",
        "events",
        "extensions",
        "routes",
        "promises",
        "drafts",
        "documents",
        "access",
        "department_ids",
        "op",
        "detail",
        "op_start",
        "timeline_sealed",
    )

    def __init__(self, case: dict, issue: dict) -> None:
        self.case = case
        self.issue = issue  # the one 投诉事项 of a demo case
        self.assignments: list[dict] = []
        self.events: list[tuple] = []
        self.extensions: list[dict] = []
        self.routes: list[dict] = []
        self.promises: list[dict] = []
        self.drafts: list[dict] = []
        self.documents: list[dict] = []
        self.access: list[int] = []  # user ids named on the restricted case (CaseAccess)
        self.department_ids: set[int] = set()
        self.op = "register"
        self.detail: dict[str, Any] = {}
        self.op_start = 0
        self.timeline_sealed = False  # its entries are stored sealed (restricted, app.demo.replay_sealing)

    def begin(self, name: str) -> None:
        """A new operation on the case (its audit detail starts empty)."""
        self.op, self.detail, self.op_start = name, {}, len(self.events)
