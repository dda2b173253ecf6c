"""Schema version stamp and upgrade steps (playhouse.migrate).

A new database is created from the current models and stamped with SCHEMA_VERSION. An older database
is upgraded one step at a time, each step in its own transaction. A step that adds tables creates
them from the current model classes; before a later step alters one of those tables, the earlier
step must be given a frozen copy of the table as it stood at its version.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import nullcontext
from datetime import datetime
from importlib.resources import files

import peewee
from playhouse.migrate import SchemaMigrator, migrate

from models import sealed_content
from models.audit import create_login_index
from models.audit_step import seq_as_key
from models.base import BaseModel
from models.case_tally import create_case_tally, create_work_index
from models.chain import GENESIS, event_batches, event_digest
from models.database import analyze
from models.handling_step import foreign_keys_off, move_handling_texts
from models.hash_step import binary_chain_hashes
from models.schema import ALL_MODELS, SchemaVersion
from models.search_index import create_search_index, is_sqlite, move_open_cases
from models.search_index import rebuild as rebuild_text_index
from models.server_reads import create_grams_index
from models.statistics import StatPersonKey
from models.storage_step import (
    PERSON_KEY_INDEXES,
    PREFIX_INDEXES,
    Progress,
    compact_storage,
    drop_redundant_indexes,
    keyed_by_columns,
    migration_progress,
    report,
    without_rowid,
)


class SchemaTooNewError(Exception):
    def __init__(self, found: int) -> None:
        super().__init__(f"schema {found} is newer than {SCHEMA_VERSION}")
        self.found = found


class _DepartmentV2(BaseModel):
    """The department table as v2 created it (v6 adds `aliases`)."""

    code = peewee.CharField(max_length=16, unique=True)
    name = peewee.CharField(max_length=32, unique=True)
    kind = peewee.CharField(max_length=16, default="clinical")
    phone = peewee.CharField(max_length=32, default="")
    head_name = peewee.CharField(max_length=32, default="")
    active = peewee.BooleanField(default=True)
    sort_order = peewee.IntegerField(default=0)

    class Meta:
        table_name = "department"


def _v2_departments_and_cases(db: peewee.Database, migrator: SchemaMigrator) -> None:
    """v2: departments (责任科室) and the case domain, as they stood at v2."""
    from models.cases import CASE_MODELS, CaseCorrection, CaseIssue, CaseLink, FindingOverride

    db.create_tables([_DepartmentV2])  # first: the case tables refer to it
    later = {CaseIssue, FindingOverride, CaseCorrection, CaseLink}
    frozen = {CaseLink: _case_link_v2()}
    db.create_tables([frozen.get(m, m) for m in CASE_MODELS if m not in later or m in frozen])
    create_search_index(db)


def _case_link_v2() -> type[peewee.Model]:
    """case_link before v4 gave it `kind`."""
    from models.cases import Case

    class CaseLinkV2(BaseModel):
        case = peewee.ForeignKeyField(Case, backref="+", on_delete="CASCADE")
        other = peewee.ForeignKeyField(Case, backref="+", on_delete="CASCADE")
        note = peewee.CharField(max_length=200, default="")

        class Meta:
            table_name = "case_link"
            indexes = ((("case", "other"), True),)

    return CaseLinkV2


def _v3_one_spelling_of_sign_off(db: peewee.Database, migrator: SchemaMigrator) -> None:
    """v3: 销项 is spelled `sign_off` everywhere: the state awaiting_signoff and the follow-up
    outcome signoff are renamed in the stored rows."""
    from models.cases import Case, FollowUp

    Case.update(state="awaiting_sign_off").where(Case.state == "awaiting_signoff").execute()
    FollowUp.update(outcome="sign_off").where(FollowUp.outcome == "signoff").execute()


def _v4_case_issues_corrections_repeats(db: peewee.Database, migrator: SchemaMigrator) -> None:
    """v4: 投诉事项 (every existing case becomes one issue: its category; the department of its first
    assignment that was not returned, else the category's default department; the questions of that
    assignment; its finding), finding overrides, corrections, and repeat links (case_link.kind)."""
    from models.cases import Assignment, Case, CaseCorrection, CaseIssue, CaseLink, Category, FindingOverride

    db.create_tables([CaseIssue, FindingOverride, CaseCorrection])
    migrate(migrator.add_column("case_link", "kind", CaseLink.kind))

    first = Assignment.alias("first")
    first_id = first.select(peewee.fn.MIN(first.id)).where(
        (first.case == Case.id) & (first.state != "returned")
    )
    chosen = Assignment.alias("chosen")
    query = (
        Case.select(
            Case.id,
            peewee.Value(1),
            peewee.Value(""),
            Case.category,
            peewee.fn.COALESCE(chosen.department, Category.default_department),
            peewee.fn.COALESCE(chosen.questions, ""),
            Case.finding,
            peewee.Value(""),
            Case.registered_at,
            Case.registered_by,
        )
        .join(Category, peewee.JOIN.LEFT_OUTER, on=(Case.category == Category.id))
        .join(chosen, peewee.JOIN.LEFT_OUTER, on=(chosen.id == first_id), src=Case)
    )
    fields = [
        CaseIssue.case,
        CaseIssue.seq,
        CaseIssue.summary,
        CaseIssue.category,
        CaseIssue.department,
        CaseIssue.questions,
        CaseIssue.finding,
        CaseIssue.finding_note,
        CaseIssue.created_at,
        CaseIssue.created_by,
    ]
    CaseIssue.insert_from(query, fields).execute()


def _v6_department_aliases(db: peewee.Database, migrator: SchemaMigrator) -> None:
    """v6: departments carry aliases (心内科, 心内 for 心血管内科); the bundled departments still in the
    database get the bundled defaults, leaving out any that another department already uses as its name."""
    from models.organisation import ALIAS_SEPARATOR, Department

    if "aliases" not in {column.name for column in db.get_columns("department")}:  # not yet added
        migrate(migrator.add_column("department", "aliases", peewee.TextField(default="")))
    bundled = json.loads(files("resources").joinpath("departments.json").read_text(encoding="utf-8"))
    taken = {name.lower() for (name,) in Department.select(Department.name).tuples()}
    for item in bundled["departments"]:
        aliases = [a for a in item.get("aliases", ()) if a.lower() not in taken]
        taken.update(a.lower() for a in aliases)
        if aliases:
            Department.update(aliases=ALIAS_SEPARATOR.join(aliases)).where(
                Department.code == item["code"]
            ).execute()


def _v11_rectification_and_reminders(db: peewee.Database, migrator: SchemaMigrator) -> None:
    """v11: 整改 items (their cases, events, evidence, notices, recurrences) and reminder state."""
    from models.rectification import RECTIFICATION_MODELS

    db.create_tables(RECTIFICATION_MODELS)


def _v16_kept_counts(db: peewee.Database, migrator: SchemaMigrator) -> None:
    """v16: the kept counts of cases by state (models.case_tally) and the index of restricted cases;
    the open work's covering index; the upgrade then analyzes the database (ensure_schema)."""
    create_case_tally(db)
    create_work_index(db)


def _v24_login_index(db: peewee.Database, migrator: SchemaMigrator) -> None:
    """v24: the logins' partial index of the audit log (models.audit.LOGIN_INDEX): the home's
    previous login no longer reads every audit entry of the user."""
    create_login_index(db)


def _v25_person_window_index(db: peewee.Database, migrator: SchemaMigrator) -> None:  # noqa: ARG001
    """v25: complainants' keys indexed by the day of receipt, so the manager's home reads only the
    last 90 days' keys for the frequent complainants (app.statistics.alerts)."""
    from models.statistics import StatPersonKey

    StatPersonKey._schema.create_indexes(safe=True)


def _v26_assignment_due_index(db: peewee.Database, migrator: SchemaMigrator) -> None:  # noqa: ARG001
    """v26: 转办 indexed by state and due day, so the late-replies reminder reads the earliest
    open ones first instead of every open 转办 (app.reminders.sources.department_replies)."""
    from models.cases import Assignment

    Assignment._schema.create_indexes(safe=True)


def _v28_server_restricted_index(db: peewee.Database, migrator: SchemaMigrator) -> None:  # noqa: ARG001
    """v28: on a server, the restricted cases' own index, which the placeholders of the cases a user
    may not open read (models.server_placeholders.PLACEHOLDER_VIEW, installed with the server's policy
    after the upgrade). A local database has had it since v16 (models.case_tally)."""
    from models.case_tally import create_server_restricted_index

    create_server_restricted_index(db)


def _v8_records(db: peewee.Database, migrator: SchemaMigrator) -> None:
    """v8: backups taken or recorded, and the ledger rows imported as cases (历史导入)."""
    from models.records import RECORD_MODELS

    db.create_tables(RECORD_MODELS)


def _v9_statistics_tables(db: peewee.Database, migrator: SchemaMigrator) -> None:
    """v9: the compact statistics tables and issued analysis reports. They are filled from the
    cases by the application after the upgrade (app.statistics.store.rebuild, see app/auth.py)."""
    from models.statistics import STATISTICS_MODELS

    db.create_tables(STATISTICS_MODELS)


STATISTICS_REBUILD_SETTING = "statistics.rebuild_pending"


def mark_statistics_rebuild() -> None:
    """Ask for a full recount of the statistics (the manager's, after login: app.statistics.store.rebuild)."""
    from models.accounts import Setting

    Setting.insert(
        key=STATISTICS_REBUILD_SETTING, value="true", updated_at=datetime.now(), updated_by="system"
    ).on_conflict(conflict_target=[Setting.key], update={Setting.value: "true"}).execute()


def _v15_statistics_flows(db: peewee.Database, migrator: SchemaMigrator) -> None:
    """v15: external routes in the statistics rows, the case's hold on each transfer's row, the
    day-by-day flows of the period-end snapshots (`StatFlow`). The statistics must be recounted:
    the step records that, and the application rebuilds them in the background after login
    (app.statistics.store.rebuild)."""
    from models.statistics import AssignmentStat, CaseStat, StatFlow

    _add_missing(db, migrator, "case_stat", {"external": CaseStat.external})
    _add_missing(db, migrator, "assignment_stat", {"on_hold": AssignmentStat.on_hold})
    db.create_tables([StatFlow])
    mark_statistics_rebuild()


def _v10_chained_timeline(db: peewee.Database, migrator: SchemaMigrator) -> None:
    """v10: every timeline event carries the hash chaining it to the case's previous event; the
    events already stored are chained in their order. (Step 2 creates `case_event` from the current
    model, so a database upgraded from v1 already has the column.)"""
    from models.cases import CaseEvent

    if "hash" not in {c.name for c in db.get_columns("case_event")}:
        migrate(migrator.add_column("case_event", "hash", CaseEvent.hash))
    chain_stored_events(db)


def chain_stored_events(db: peewee.Database, batch: int = 20000) -> None:
    """Compute the chain of every stored event, case by case in `seq` order."""
    prev_case, prev_hash = None, GENESIS
    param = "%s" if isinstance(db, peewee.PostgresqlDatabase) else "?"
    for rows in event_batches(batch):
        updates = []
        for event_id, case_id, seq, at, actor_id, action, summary, note, attachment_id, _old in rows:
            if case_id != prev_case:
                prev_case, prev_hash = case_id, GENESIS
            prev_hash = event_digest(
                case_id, seq, at, actor_id, action, summary, note, attachment_id, prev_hash
            )
            updates.append((prev_hash, event_id))
        db.cursor().executemany(f"UPDATE case_event SET hash = {param} WHERE id = {param}", updates)


def _v7_administration(db: peewee.Database, migrator: SchemaMigrator) -> None:
    """v7: letterhead images, night-duty handovers, and the audit log indexed by user and target
    (the audit viewer's filters)."""
    from models.administration import ADMINISTRATION_MODELS

    db.create_tables(ADMINISTRATION_MODELS)
    present = {index.name for index in db.get_indexes("audit_entry")}
    migrate(
        *(
            migrator.add_index("audit_entry", (column,), False)
            for column in ("actor", "target")
            if f"audit_entry_{column}" not in present
        )
    )


def _add_missing(db: peewee.Database, migrator: SchemaMigrator, table: str, fields: dict) -> None:
    """Add the columns a table lacks (an older step may have created it from the current model)."""
    present = {c.name for c in db.get_columns(table)}
    for name, field in fields.items():
        if name not in present:
            migrate(migrator.add_column(table, name, field))


def _v5_case_record(db: peewee.Database, migrator: SchemaMigrator) -> None:
    """v5: promise changes, draft revisions and the 重大 checklist; 退费 apart from 赔偿; a reopened
    case's reply period; document numbers and editions. Existing drafts become revision 1, existing
    reply dates their case's first promise, existing documents are numbered in issue order."""
    from models.case_record import CASE_RECORD_MODELS, DraftRevision, ReplyPromise
    from models.cases import Case, IssuedDocument

    money = {"max_digits": 12, "decimal_places": 2, "null": True}
    _add_missing(
        db,
        migrator,
        "case",
        {"refund_amount": peewee.DecimalField(**money), "reply_period_start": peewee.DateField(null=True)},
    )
    _add_missing(
        db,
        migrator,
        "issued_document",
        {"number": peewee.IntegerField(default=0), "edition": peewee.CharField(max_length=24, default="")},
    )
    db.create_tables(CASE_RECORD_MODELS)
    texts = _v5_handling_texts(db)
    for case in Case.select():
        facts, resolution, rectification = texts.get(case.id, ("", "", ""))
        if not (facts or case.finding or resolution):
            continue
        if not DraftRevision.select().where(DraftRevision.case == case.id).exists():
            DraftRevision.create(
                case=case.id,
                number=1,
                saved_at=case.updated_at,
                saved_by=case.officer_id or case.updated_by_id,
                facts=facts,
                finding=case.finding,
                resolution=resolution,
                compensation_amount=case.compensation_amount,
                rectification=rectification,
            )
    for case in Case.select().where(Case.reply_due.is_null(False)):
        if not ReplyPromise.select().where(ReplyPromise.case == case.id).exists():
            ReplyPromise.create(
                case=case.id,
                at=case.updated_at,
                by=case.officer_id or case.updated_by_id,
                due=case.reply_due,
                provisional=case.due_provisional,
                reason="recorded",
                told=IssuedDocument.select()
                .where((IssuedDocument.case == case.id) & (IssuedDocument.kind == "receipt"))
                .exists(),
            )
    numbers: dict[int, int] = {}
    originals: dict[tuple[int, str, int | None], int] = {}
    for row in IssuedDocument.select().where(IssuedDocument.number == 0).order_by(IssuedDocument.id):
        key = (row.case_id, row.kind, row.assignment_id)
        if key not in originals or not row.reprint:
            numbers[row.case_id] = numbers.get(row.case_id, 0) + 1
            originals[key] = numbers[row.case_id]
        IssuedDocument.update(number=originals[key]).where(IssuedDocument.id == row.id).execute()


def _v5_handling_texts(db: peewee.Database) -> dict[int, tuple[str, str, str]]:
    """Each case's (facts, resolution, rectification) where step 5 finds them: in the case row of a
    database made before step 37, in `case_handling` of one whose tables the current models made."""
    source = (
        'SELECT id, facts, resolution, rectification FROM "case"'
        if "facts" in {c.name for c in db.get_columns("case")}
        else "SELECT case_id, facts, resolution, rectification FROM case_handling"
    )
    return {row[0]: tuple(row[1:]) for row in db.execute_sql(source).fetchall()}


def _v13_sealed_identifiers(db: peewee.Database, migrator: SchemaMigrator) -> None:
    """v13: identifiers are sealed (app/sealing.py) and found through their blind indexes: the
    indexes on the plain columns go (an index holds its own copy of every value). The values
    themselves are sealed by the application at the next sign-in (app/sealed_data.py), which holds
    the key slot file this layer does not."""
    drop_plain_identifier_indexes(db)


PLAIN_IDENTIFIER_INDEXES = ("complainant_phone", "complainant_id_number", "case_patient_record_no")


def drop_plain_identifier_indexes(db: peewee.Database) -> None:
    """Also run by the sealing pass: a database stamped past 13 by a build without this step has them."""
    for name in PLAIN_IDENTIFIER_INDEXES:
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')


def _v22_sealed_restricted_content(db: peewee.Database, migrator: SchemaMigrator) -> None:  # noqa: ARG001
    """v22: the texts of restricted cases are sealed to the identifier key and their text-index
    rows keep the case number only (models/sealed_content.py). Sealing needs only the public key,
    stored in the database; one without it (no officer or manager has signed in yet) has nothing
    sealed, and the sealing pass at that first sign-in seals these texts too."""
    public = sealed_content.stored_public(db) if is_sqlite(db) else None  # shared mode: the server's policies
    if public is not None:
        sealed_content.seal_restricted(db, public, report)


def _v29_sealed_restricted_timelines(db: peewee.Database, migrator: SchemaMigrator) -> None:  # noqa: ARG001
    """v29: the rest of a restricted case sealed like its texts (step 22): its timeline (chained
    again over the sealed texts, each batch's new heads and the heads they replace recorded in the
    audit log, models/sealed_timeline.py), the summaries of its 投诉事项, the complainant's and
    patient's names (their look-up indexes emptied) and its other free texts (attachment names and
    notes, extension reasons, the hold reason, promise notes, checklist entries, link notes)."""
    sealed_content.create_sealed_name_indexes(db)
    public = sealed_content.stored_public(db) if is_sqlite(db) else None
    if public is not None:
        sealed_content.seal_restricted(db, public, report)


def _v30_open_cases_text_index(db: peewee.Database, migrator: SchemaMigrator) -> None:  # noqa: ARG001
    """v30: the open cases' texts get their own, small text index (models/search_index.py), which a
    restriction rewrites at once; their rows move there and both indexes are rewritten, so no
    deleted row's terms stay in their pages. About as long as step 22's merge (a minute or two at
    200,000 cases under load)."""
    if is_sqlite(db):
        report(0, 1, "正在整理全文索引")
        move_open_cases(db, _FINAL_STATES)


_FINAL_STATES = ("closed", "rejected", "merged")  # app.cases.states.FINAL_STATES


def _v34_text_index_without_positions(db: peewee.Database, migrator: SchemaMigrator) -> None:  # noqa: ARG001
    """v34: the four text tables keep no positions (`detail = none`, models/search_index.py) and
    the character index holds pairs of neighbouring characters too: they are dropped, created anew
    and filled from the texts in batches (a restricted case whose texts are sealed: its number
    only), then merged. Running it again builds the same tables."""
    if is_sqlite(db):
        number_only = sealed_content.stored_public(db) is not None  # app.restricted_content.applies
        rebuild_text_index(db, _FINAL_STATES, number_only, report)


def _v31_server_reads(db: peewee.Database, migrator: SchemaMigrator) -> None:  # noqa: ARG001
    """v31: on a server, the index of the texts' characters and pairs for terms of one or two
    characters (a few minutes at 200,000 cases), and the functions the lists and that search call
    (models/server_reads.py, installed with the server's policy after the upgrade; the application
    calls them, so a server without them must be upgraded first). Nothing changes in a local
    database."""
    if not is_sqlite(db):
        report(0, 1, "正在建立一至两字搜索的索引")
        create_grams_index(db)
        report(1, 1, "正在建立一至两字搜索的索引")


def _v32_narrower_indexes(db: peewee.Database, migrator: SchemaMigrator) -> None:  # noqa: ARG001
    """v32: fewer bytes per case: the indexes whose columns lead another index go
    (models.storage_step.PREFIX_INDEXES); the audit log is keyed by its `seq` (models/audit_step.py);
    the complainants' keys are a table keyed by (key, day, case), WITHOUT ROWID on SQLite.
    See docs/documents-storage.md."""
    report(0, 1, "正在精简索引")
    drop_redundant_indexes(db, PREFIX_INDEXES)
    report(1, 1, "正在精简索引")
    seq_as_key(db)
    without_rowid(db, StatPersonKey, PERSON_KEYS_TEXT)
    keyed_by_columns(db, StatPersonKey, PERSON_KEY_INDEXES)


def _v35_document_images(db: peewee.Database, migrator: SchemaMigrator) -> None:  # noqa: ARG001
    """v35: the letterhead images of documents stored as snapshots (app/cases/document_store.py).
    Documents stored before keep their form; nothing is rewritten."""
    from models.cases import DocumentImage

    db.create_tables([DocumentImage], safe=True)


def _v36_server_policy_reads(db: peewee.Database, migrator: SchemaMigrator) -> None:  # noqa: ARG001
    """v36: on a server, the restricted cases' covering index (models.server_placeholders.
    RESTRICTED_CARDS_INDEX) instead of the index of their states, so the placeholders read no case
    row they do not return; the role checks the policies run in every statement become PL/pgSQL
    (installed with the server's policy after the upgrade). Nothing changes in a local database."""
    from models.case_tally import SERVER_RESTRICTED_STATE_INDEX, create_server_restricted_index

    if not is_sqlite(db):
        create_server_restricted_index(db)
        db.execute_sql(f"DROP INDEX IF EXISTS {SERVER_RESTRICTED_STATE_INDEX}")


def _v38_person_key_sources(db: peewee.Database, migrator: SchemaMigrator) -> None:  # noqa: ARG001
    """v38: each repeat key records the stored value it was made from (`StatPersonKey.source`,
    app/statistics/person_keys.py). The keys themselves are made anew by the first holder of the
    identifier key to sign in (app.sealed_data.start): on a sealed local database they were coarse."""
    if "source" not in {c.name for c in db.get_columns("stat_person_key")}:
        db.execute_sql("ALTER TABLE stat_person_key ADD COLUMN source VARCHAR(8) NOT NULL DEFAULT ''")


def _v39_server_search_of_several_terms(db: peewee.Database, migrator: SchemaMigrator) -> None:  # noqa: ARG001
    """v39: on a server, the functions that find the cases holding several terms at once
    (models/server_reads.py `cd_texts_newest`, `cd_texts_holding`, installed with the server's
    policy after the upgrade; the search calls them, so a server without them must be upgraded
    first). Nothing changes in the schema, here or in a local database."""


STEPS: dict[int, Callable[[peewee.Database, SchemaMigrator], None]] = {
    2: _v2_departments_and_cases,
    3: _v3_one_spelling_of_sign_off,
    4: _v4_case_issues_corrections_repeats,
    5: _v5_case_record,
    6: _v6_department_aliases,
    7: _v7_administration,
    8: _v8_records,
    9: _v9_statistics_tables,
    10: _v10_chained_timeline,
    11: _v11_rectification_and_reminders,
    12: compact_storage,
    13: _v13_sealed_identifiers,
    15: _v15_statistics_flows,
    16: _v16_kept_counts,
    # Step 12 came after 15 and 16 were given out: a database made at 15 or 16 without it is
    # brought to the same compact storage here (a database that had step 12 finds nothing to do).
    18: compact_storage,
    20: binary_chain_hashes,
    22: _v22_sealed_restricted_content,
    24: _v24_login_index,
    25: _v25_person_window_index,
    26: _v26_assignment_due_index,
    28: _v28_server_restricted_index,
    29: _v29_sealed_restricted_timelines,
    30: _v30_open_cases_text_index,
    31: _v31_server_reads,
    32: _v32_narrower_indexes,
    34: _v34_text_index_without_positions,
    35: _v35_document_images,
    36: _v36_server_policy_reads,
    37: move_handling_texts,
    38: _v38_person_key_sources,
    39: _v39_server_search_of_several_terms,
}
# Steps that make a table again that others refer to (SQLite, models/handling_step.py): run with
# foreign keys not enforced, as SQLite's generalized ALTER TABLE procedure asks.
TABLE_REBUILDS = frozenset({37})
# Step numbers are given out per feature before the work starts, so a number may be missing while a
# feature is still being built; upgrades apply the steps that exist, in order.
SCHEMA_VERSION = max(STEPS)


def current_version(db: peewee.Database) -> int | None:
    """The stamped version, or None for an empty database."""
    if not db.table_exists("schema_version"):
        return None
    row = SchemaVersion.select(peewee.fn.MAX(SchemaVersion.version)).scalar()
    return int(row or 0)


def pending_steps(db: peewee.Database) -> list[int]:
    """The upgrade steps an existing database still needs (none for a new or current one)."""
    found = current_version(db)
    return [] if found is None else sorted(v for v in STEPS if v > found)


PERSON_KEYS_TEXT = "正在整理重复投诉的标识索引"


def ensure_schema(db: peewee.Database, now: datetime | None = None, progress: Progress | None = None) -> int:
    """Create or upgrade the schema; return the version found before (0 for a new database).

    `progress(done, total, text)` hears how far a long step is (upgrading a large database)."""
    now = now or datetime.now()
    found = current_version(db)
    if found is None:
        with db.atomic():
            db.create_tables(ALL_MODELS)
            create_search_index(db)
            create_case_tally(db)
            sealed_content.create_sealed_name_indexes(db)
            without_rowid(db, StatPersonKey, PERSON_KEYS_TEXT)  # the empty table, as step 32 leaves it
            SchemaVersion.create(version=SCHEMA_VERSION, applied_at=now)
        return 0
    if found > SCHEMA_VERSION:
        raise SchemaTooNewError(found)
    migrator = SchemaMigrator.from_database(db)
    steps = sorted(v for v in STEPS if v > found)
    with migration_progress(progress):
        for version in steps:
            report(0, 1, f"正在升级数据库结构（第 {version} 步）")
            with foreign_keys_off(db) if version in TABLE_REBUILDS else nullcontext(), db.atomic():
                STEPS[version](db, migrator)
                SchemaVersion.create(version=version, applied_at=now)
        if steps:
            report(0, 1, "正在更新查询统计信息")
            analyze(db)  # the planner's statistics for the upgraded tables and indexes
    return found
