"""The bulk path (local SQLCipher databases only; above 2,000 cases, e.g. the 200,000-case benchmark
database): plans are replayed in memory (app.demo.replay) and inserted in one transaction per 2,000
cases with prepared executemany statements (peewee's insert_many spends most of its time building SQL
text), together with the case counters, the text index, the reply-date promises, draft revisions and
the audit entries of every operation (chained in the service path's order, app.demo.audit_stream).
Above 20,000 cases a second process plans and replays while this one writes. The statistics rows of
each chunk are made where it is replayed (app.demo.replay_stats) and written with it; repeat flags
once at the end, and the monthly cube from the cells the replay summed, the repeats added.

With a local sealer installed (a demo database's cases are written after its identifier key is
made, app/demo/database.py) the rows are sealed as the services seal them: the look-up indexes and
restricted cases' texts and timelines where they are replayed (app.demo.replay_sealing), the
identifiers and the stored files here, where the time is to spare (the planning process sets the
pace). Nothing is left for a sealing pass, so the file need not be rebuilt (VACUUM) afterwards.

The 处理结果告知书 of a written reply is issued (rendered, ~50 KB and tens of milliseconds each) only
for fills of up to LETTERS_MAX cases: at benchmark sizes (~7 % of cases reply in writing) rendering
them would take longer than the whole build, so those replies are recorded without the stored letter.
A `demo.generated` entry records the fill."""

from __future__ import annotations

import gc
import multiprocessing
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from queue import Empty
from typing import Any

import peewee

from app import audit, dictionaries, letterhead, settings
from app.cases import document_store
from app.cases.category_tree import CategoryLeaf, category_leaves
from app.cases.issues import default_department_id
from app.cases.states import OPEN_STATES
from app.deadlines import calendar
from app.deadlines.rules import OfficeHours
from app.deadlines.workdays import WorkCalendar
from app.demo.generator import DEFAULT_SEED, DemoGenerator, generator_for_database
from app.demo.plans import CasePlan
from app.demo.replay import DatabaseFacts, Replay, Rows
from app.demo.replay_sealing import key_sources, sealed_identifiers
from app.demo.service_fill import DEMO_ROLES
from app.demo.workdays import WorkdayTable, table_span
from app.policy import Role
from app.sealing import KeySealer, LocalSealer, SealingKeys
from app.session import Session
from app.statistics import store as stats_store
from models.accounts import User, UserRole
from models.audit import AuditEntry, AuditHead
from models.bulk_insert import insert_rows
from models.case_record import DraftRevision, ReplyPromise
from models.cases import (
    Assignment,
    Attachment,
    Case,
    CaseAccess,
    CaseCounter,
    CaseEvent,
    CaseHandling,
    CaseIssue,
    CaseLink,
    CaseText,
    Category,
    Complainant,
    Extension,
    ExternalRoute,
    FollowUp,
    IssuedDocument,
)
from models.database import analyze, database_proxy
from models.fields import current_cipher
from models.organisation import Department
from models.sealed_content import is_sealed
from models.search_index import insert_rows_sql, is_sqlite

Progress = Callable[[int, int], None]
LETTERS_MAX = 2000
TEXT_KEYS = frozenset({"content", "demands"})  # the replay's case rows carry them; they go to case_text
# … and these go to case_handling, for a case that has any (app/cases/handling.py)
HANDLING_KEYS = ("facts", "resolution", "rectification", "approval_comment")


def database_facts(
    usernames: Mapping[str, str] | None = None, letters: bool = False, sealing: SealingKeys | None = None
) -> DatabaseFacts:
    """Ids, names and rules of the open database, for the replay (`sealing`: the keys to seal with)."""
    usernames = usernames or {role: role for role in DEMO_ROLES}
    rows = {u.username: u for u in User.select().where(User.username.in_(list(usernames.values())))}
    prefix = settings.get("case_prefix")

    def next_id(model: type[peewee.Model]) -> int:
        return (model.select(peewee.fn.MAX(model.id)).scalar() or 0) + 1

    return DatabaseFacts(
        prefix=prefix,
        rules=calendar.rules(),
        users={role: (rows[name].id, rows[name].display_name) for role, name in usernames.items()},
        departments={d.code: (d.id, d.name) for d in Department.select().where(Department.active == True)},  # noqa: E712
        categories={
            c.code: (c.id, c.path) for c in Category.select(Category.id, Category.code, Category.path)
        },
        category_departments={c.code: default_department_id(c.id) for c in Category.select()},
        reasons={r.code: r.text for r in dictionaries.rejection_reasons()},
        routes={r.id: r.name for r in dictionaries.external_routes()},
        counters={c.year: c.last_seq for c in CaseCounter.select().where(CaseCounter.prefix == prefix)},
        first_case_id=next_id(Case),
        first_complainant_id=next_id(Complainant),
        first_attachment_id=next_id(Attachment),
        first_assignment_id=next_id(Assignment),
        usernames=dict(usernames),
        officer_ids=frozenset(r.user_id for r in UserRole.select().where(UserRole.role == Role.OFFICER)),
        major_auto_restrict=settings.get("major_auto_restrict"),
        reopen_reply_workdays=settings.get("reopen_reply_workdays"),
        audit_head=(head.seq, head.hash) if (head := AuditHead.get_or_none(AuditHead.id == 1)) else None,
        letterhead=letterhead.current() if letters else None,
        stat_categories=stats_store.category_map(),
        sealing=sealing,
    )


def _stored_document(row: dict) -> dict:
    """An issued letter's row as `documents.issue` stores it: its snapshot when that renders to the
    very PDF the replay issued, otherwise the PDF's compact form."""
    fields = {k: v for k, v in row.items() if k != "source"}
    if row.get("source") is not None:
        pdf, stored = document_store.issued(row["source"])
        if pdf == row["data"]:
            return {**fields, "data": stored}
    return {**fields, "data": document_store.stored_form(row["data"])}


def _handling_rows(cases: list[dict]) -> list[dict]:
    """The case_handling rows of the cases that have a handling text (as the services make them)."""
    return [
        {"case": c["id"], **{k: c[k] for k in HANDLING_KEYS}} for c in cases if any(c[k] for k in HANDLING_KEYS)
    ]


def _sealed_files(items: list[dict], sealer: KeySealer | None) -> list[dict]:
    """Rows of stored files (attachments, issued documents) with their data sealed, as the sealed
    blob fields store them (models/fields.py `SealedBlobField`)."""
    if sealer is None:
        return items
    return [{**row, "data": sealer.seal_bytes(row["data"]) if row["data"] else row["data"]} for row in items]


def _sealed_identifiers(sealer: KeySealer | None, table: str, items: list[dict]) -> list[dict]:
    return items if sealer is None else sealed_identifiers(sealer, table, items)


def _checked_sealer(keys: SealingKeys | None) -> KeySealer | None:
    """The sealer of a chunk's transaction: the installed sealer's keys read again in it, so no chunk
    is sealed to a key that is no longer the database's (app.sealing.LocalSealer.current)."""
    if keys is None:
        return None
    installed = current_cipher()
    if not isinstance(installed, LocalSealer) or installed.keys() != keys:
        raise RuntimeError("the identifier key changed while the demo cases were written")
    return KeySealer(keys)


def _insert_rows(rows: Rows, prefix: str, sealing: SealingKeys | None = None) -> None:
    """One transaction: every row of a chunk, the case counters and the text index (`sealing`: the
    keys the rows were sealed with; the stored files are sealed here)."""
    with database_proxy.atomic():
        sealer = _checked_sealer(sealing)
        cases = [{k: v for k, v in c.items() if k not in TEXT_KEYS and k not in HANDLING_KEYS} for c in rows.cases]
        complainants = _sealed_identifiers(sealer, "complainant", rows.complainants)
        cases = _sealed_identifiers(sealer, "case", cases)
        key_sources(rows.stats, cases, complainants)
        for model, items in (
            (Complainant, complainants),
            (Case, cases),
            (CaseText, [{"case": c["id"], "content": c["content"], "demands": c["demands"]} for c in rows.cases]),
            (CaseHandling, _handling_rows(rows.cases)),
            (CaseIssue, rows.issues),
            (Attachment, _sealed_files(rows.attachments, sealer)),
            (Assignment, rows.assignments),
            (Extension, rows.extensions),
            (ExternalRoute, rows.routes),
            (FollowUp, rows.followups),
            (CaseAccess, rows.access),
            (CaseLink, rows.links),
            (ReplyPromise, rows.promises),
            (DraftRevision, rows.drafts),
            (IssuedDocument, _sealed_files([_stored_document(d) for d in rows.documents], sealer)),
        ):
            insert_rows(model, items)
        insert_rows(  # the chain hashes stored as their 32 bytes (models.chain.HashField)
            CaseEvent,
            [(*e[:-1], bytes.fromhex(e[-1])) for e in rows.events],
            ("case", "seq", "at", "actor", "action", "summary", "note", "attachment", "hash"),
        )
        for year, last in rows.counters.items():
            CaseCounter.insert(prefix=prefix, year=year, last_seq=last).on_conflict(
                conflict_target=[CaseCounter.prefix, CaseCounter.year],
                update={CaseCounter.last_seq: peewee.fn.MAX(CaseCounter.last_seq, last)},
            ).execute()
        if rows.audit:
            insert_rows(
                AuditEntry,
                [(*a[:-1], bytes.fromhex(a[-1])) for a in rows.audit],
                ("seq", "at", "actor", "action", "target", "detail", "hash"),
            )
            seq, digest = rows.audit[-1][0], bytes.fromhex(rows.audit[-1][-1])
            AuditHead.insert(id=1, seq=seq, hash=digest).on_conflict(
                conflict_target=[AuditHead.id], update={AuditHead.seq: seq, AuditHead.hash: digest}
            ).execute()
        stats_store.insert_computed(rows.stats)
        if is_sqlite(database_proxy.obj):
            open_ids = {  # a restricted case's number-only row is in the closed cases' pair
                c["id"] for c in rows.cases if c["state"] in OPEN_STATES and not is_sealed(c["content"])
            }
            for open_case in (False, True):  # the closed cases' pair, the open cases' (search_index)
                trigram_sql, chars_sql = insert_rows_sql(open_case)
                picked = [i for i, row in enumerate(rows.fts) if (row[0] in open_ids) == open_case]
                database_proxy.cursor().executemany(trigram_sql, [rows.fts[i] for i in picked])
                database_proxy.cursor().executemany(chars_sql, [rows.chars[i] for i in picked])


@dataclass(frozen=True)
class BulkSpec:
    """Everything the bulk generation needs, as plain data (it may run in another process)."""

    n: int
    seed: int
    now: datetime
    departments: tuple[dictionaries.Department, ...]
    leaves: tuple[CategoryLeaf, ...]
    overrides: dict[date, bool]
    office: OfficeHours
    facts: DatabaseFacts
    chunk: int = 2000

    def table(self) -> WorkdayTable:
        """The working-day table of the spec's calendar."""
        first, last = table_span(self.now)
        return WorkdayTable(WorkCalendar(self.overrides), first, last, self.office)


def bulk_rows(spec: BulkSpec) -> Iterator[Rows]:
    """Plan and replay the cases chunk by chunk."""
    table = spec.table()
    generator = DemoGenerator(
        seed=spec.seed, now=spec.now, departments=spec.departments, leaves=spec.leaves, table=table
    )
    replay = Replay(spec.facts, table, spec.seed)
    pending: list[CasePlan] = []
    for plan in generator.plans(spec.n):
        pending.append(plan)
        if len(pending) >= spec.chunk:
            yield replay.replay(pending)
            pending.clear()
    if pending:
        yield replay.replay(pending)
    yield replay.finish()


FULL_COLLECTION_AFTER = 1000  # young collections between two full ones while a fill runs (Python: 10)


@contextmanager
def _rare_full_collections() -> Iterator[None]:
    """While a fill runs, the garbage collector's full passes (over every object alive: the plans
    held back for merges, the audit entries waiting for their place, the chunk in hand) come a
    hundred times less often; they found nothing to free and took a fifth of the planning time. The
    young generations are collected as usual. The thresholds return afterwards."""
    before = gc.get_threshold()
    gc.set_threshold(before[0], before[1], FULL_COLLECTION_AFTER)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _bulk_worker(spec: BulkSpec, queue: Any) -> None:
    """Child process: generate the rows and hand them over (None at the end, or the error text).
    What the process holds from its start (modules, dictionaries, the spec) is left out of every
    garbage collection (`gc.freeze`)."""
    gc.freeze()
    try:
        with _rare_full_collections():
            for rows in bulk_rows(spec):
                queue.put(rows)
        queue.put(None)
    except BaseException:
        queue.put(traceback.format_exc())


def _rows_from_worker(spec: BulkSpec) -> Iterator[Rows]:
    """Generate in a second process while this one writes (the 2-core budget of the benchmark)."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue(maxsize=4)
    worker = context.Process(target=_bulk_worker, args=(spec, queue), daemon=True)
    worker.start()
    try:
        while True:
            try:
                item = queue.get(timeout=5)
            except Empty:  # a worker killed or unable to start puts nothing: do not wait for ever
                if worker.is_alive():
                    continue
                raise RuntimeError(f"demo data generation stopped (exit code {worker.exitcode})") from None
            if item is None:
                break
            if isinstance(item, str):
                raise RuntimeError(f"demo data generation failed:\n{item}")
            yield item
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join()


def bulk_spec(
    n: int,
    seed: int = DEFAULT_SEED,
    usernames: Mapping[str, str] | None = None,
    chunk: int = 2000,
    letters: bool | None = None,
    sealing: SealingKeys | None = None,
) -> BulkSpec:
    """The bulk generation's inputs, read from the open database (`sealing`: the keys to seal with)."""
    generator = generator_for_database(seed)
    return BulkSpec(
        n=n,
        seed=seed,
        now=generator.now,
        departments=tuple(generator.departments.values()),
        leaves=tuple(category_leaves()),
        overrides=dict(calendar.calendar().overrides),
        office=calendar.office_hours(),
        facts=database_facts(usernames, letters if letters is not None else n <= LETTERS_MAX, sealing),
        chunk=chunk,
    )


LOADING_PRAGMAS = {"journal_mode": "MEMORY", "synchronous": "OFF", "cache_size": -1048576}


@contextmanager
def _loading(db: peewee.Database) -> Iterator[None]:
    """While the fill loads: no fsync per chunk and the rollback journal in memory instead of the
    write-ahead log (every page written once, not again at checkpoints), and a 1 GB page cache
    for the indexes being filled (at a million cases the writer sets the build's pace, its keys
    arriving in random order: the identifiers' look-up indexes, the repeat keys, the text index).
    A failed fill still rolls back its chunk; a database being created is removed when its fill
    fails (app.demo.database). The connection's settings return afterwards."""
    names = list(LOADING_PRAGMAS)
    before = {name: db.execute_sql(f"PRAGMA {name}").fetchone()[0] for name in names}
    for name, value in LOADING_PRAGMAS.items():
        db.execute_sql(f"PRAGMA {name} = {value}")
    try:
        yield
    finally:
        for name in reversed(names):
            db.execute_sql(f"PRAGMA {name} = {before[name]}")


def fill_bulk(
    session: Session,
    n: int,
    *,
    seed: int = DEFAULT_SEED,
    usernames: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    parallel: bool | None = None,
) -> int:
    """Plan, replay and insert `n` cases in chunks of 2,000 (one transaction each); returns n.

    `parallel` (default: above 20,000 cases) generates in a second process while this one writes.
    Local (SQLCipher) databases only. With a local sealer installed the rows are written as the
    services write them with it (app.demo.replay_sealing: identifiers, restricted cases and files
    sealed), so nothing is left to seal and the file need not be rebuilt; without one (a database
    whose identifier key is not made yet) in plain text, sealed by the first holder's sign-in
    (app/sealed_data.py), as an upgraded database's are.
    """
    cipher = current_cipher()
    if not is_sqlite(database_proxy.obj) or (cipher is not None and not cipher.local):
        raise ValueError("the bulk path writes local databases only")
    sealing = cipher.keys() if isinstance(cipher, LocalSealer) else None
    spec = bulk_spec(n, seed, usernames, sealing=sealing)
    chunks = _rows_from_worker(spec) if (parallel if parallel is not None else n > 20000) else bulk_rows(spec)
    done = 0
    cells = None
    summed = not Case.select().exists()  # the replay's cube cells are the whole cube: no cases before
    with _loading(database_proxy.obj), _rare_full_collections():
        for rows in chunks:
            _insert_rows(rows, spec.facts.prefix, sealing)
            cells = rows.cells if rows.cells is not None else cells
            done += len(rows)
            if progress:
                progress(done, n)
        with database_proxy.atomic():
            stats_store.finish_bulk(cells if summed else None)
            audit.record(session.user.username, "demo.generated", f"{done} 件", {"cases": done, "seed": seed})
    analyze(database_proxy.obj)  # the planner's statistics of the loaded tables
    return done


# ============================================================================ entry point
