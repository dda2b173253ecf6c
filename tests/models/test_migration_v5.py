"""Schema step 5 (the case record): a database of the step before gets the promise, draft-revision
and checklist tables, 退费 and the reopened reply period on the case, numbered documents; existing
drafts become revision 1, existing reply dates the first promise."""

from __future__ import annotations

from datetime import date

import pytest

from app.cases import documents
from app.cases.states import State
from app.session import Session
from models import migrations
from models.case_record import CASE_RECORD_MODELS, DraftRevision, ReplyPromise
from models.cases import Case, IssuedDocument
from models.schema import SchemaVersion
from tests.support.cases import FakeClock
from tests.support.desk import open_desk

NEW_COLUMNS = {"case": ("refund_amount", "reply_period_start"), "issued_document": ("number", "edition")}


def _back_to_v4(db) -> None:
    """Take a current database back to how schema 4 left it (without step 5's tables and columns)."""
    db.drop_tables(CASE_RECORD_MODELS)
    for table, columns in NEW_COLUMNS.items():
        for column in columns:
            db.execute_sql(f'ALTER TABLE "{table}" DROP COLUMN {column}')
    SchemaVersion.update(version=4).execute()


def test_v5_upgrades_a_database_of_the_step_before(
    admin_session: Session, fake_clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    roles = ("clerk", "officer", "manager")
    desk = open_desk(admin_session, fake_clock, new={role: (role, f"{role}同事", [role]) for role in roles})
    drafted = desk.new_case(State.PENDING_APPROVAL)
    accepted = desk.new_case(State.ACCEPTED)
    documents.issue(desk["clerk"], accepted, "receipt")
    documents.issue(desk["clerk"], accepted, "receipt")  # a 补打
    documents.issue(desk["clerk"], accepted, "registration")
    reply_due = Case.get_by_id(accepted).reply_due
    db = Case._meta.database
    _back_to_v4(db)
    assert not set(NEW_COLUMNS["case"]) & {c.name for c in db.get_columns("case")}
    assert "draft_revision" not in db.get_tables()

    monkeypatch.setattr(migrations, "STEPS", {v: s for v, s in migrations.STEPS.items() if v <= 5})
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", 5)
    assert migrations.ensure_schema(db) == 4
    assert migrations.current_version(db) == 5
    assert {m._meta.table_name for m in CASE_RECORD_MODELS} <= set(db.get_tables())

    revision = DraftRevision.get(DraftRevision.case == drafted)
    assert (revision.number, revision.finding) == (1, Case.get_by_id(drafted).finding)
    promise = ReplyPromise.get(ReplyPromise.case == accepted)
    assert (promise.due, promise.reason, promise.previous) == (reply_due, "recorded", None)
    assert reply_due == date(2026, 3, 17)
    numbers = [
        (d.kind, d.reprint, d.number)
        for d in IssuedDocument.select().where(IssuedDocument.case == accepted).order_by(IssuedDocument.id)
    ]
    assert numbers == [("receipt", False, 1), ("receipt", True, 1), ("registration", False, 2)]
    assert Case.get_by_id(drafted).refund_amount is None
