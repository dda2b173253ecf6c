"""Schema stamp and upgrade of a database made by an older schema version."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from app.cases.states import State
from app.session import Session
from models import migrations
from models.accounts import Setting, User, UserRole
from models.audit import AuditEntry, AuditHead
from models.cases import Case, FollowUp
from models.database import open_local
from models.schema import SchemaVersion
from tests.support.cases import FakeClock
from tests.support.desk import open_desk

V1_TABLES = [SchemaVersion, User, UserRole, Setting, AuditEntry, AuditHead]


def _columns(db) -> dict[str, list[tuple[str, str, bool]]]:
    return {
        table: sorted((c.name, c.data_type.upper(), c.null) for c in db.get_columns(table))
        for table in sorted(db.get_tables())
    }


def _make_v1(path: Path, key: bytes):
    """A database as schema version 1 created it: no department table."""
    db = open_local(path, key)
    with db.atomic():
        db.create_tables(V1_TABLES)
        SchemaVersion.create(version=1, applied_at="2026-01-05 09:00:00")
        User.create(username="admin", display_name="周建国", password_hash="x", created_at="2026-01-05 09:00:00")
    return db


def test_new_database_is_stamped_with_the_current_version(tmp_path: Path) -> None:
    db = open_local(tmp_path / "new.db", secrets.token_bytes(32))
    assert migrations.ensure_schema(db) == 0
    assert migrations.current_version(db) == migrations.SCHEMA_VERSION


def test_upgrade_from_v1_keeps_data_and_matches_a_new_database(tmp_path: Path) -> None:
    key = secrets.token_bytes(32)
    old = _make_v1(tmp_path / "old.db", key)
    assert "department" not in old.get_tables() and "case" not in old.get_tables()
    assert migrations.ensure_schema(old) == 1
    assert migrations.current_version(old) == migrations.SCHEMA_VERSION
    assert User.get(User.username == "admin").display_name == "周建国"
    upgraded = _columns(old)
    old.close()

    fresh = open_local(tmp_path / "fresh.db", secrets.token_bytes(32))
    migrations.ensure_schema(fresh)
    assert _columns(fresh) == upgraded


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    db = open_local(tmp_path / "future.db", secrets.token_bytes(32))
    migrations.ensure_schema(db)
    SchemaVersion.create(version=migrations.SCHEMA_VERSION + 1, applied_at="2030-01-01 00:00:00")
    with pytest.raises(migrations.SchemaTooNewError):
        migrations.ensure_schema(db)


def test_v3_renames_the_stored_sign_off_spellings(admin_session: Session, fake_clock: FakeClock) -> None:
    """A v2 database holds `awaiting_signoff` cases and `signoff` follow-ups; v3 renames both."""
    roles = ("clerk", "officer", "manager")
    desk = open_desk(admin_session, fake_clock, new={role: (role, f"{role}同事", [role]) for role in roles})
    case_id = desk.new_case(State.AWAITING_SIGN_OFF)
    db = Case._meta.database
    db.execute_sql('UPDATE "case" SET state = ? WHERE id = ?', ("awaiting_signoff", case_id))
    db.execute_sql("UPDATE follow_up SET outcome = 'signoff'")
    SchemaVersion.update(version=2).execute()  # as a v2 build left it

    assert migrations.ensure_schema(db) == 2
    assert Case.get_by_id(case_id).state == State.AWAITING_SIGN_OFF == "awaiting_sign_off"
    assert {f.outcome for f in FollowUp.select()} == {"sign_off"}


def _as_v5_without_aliases(db) -> None:
    """Take a current database back to how schema 5 left it: departments without aliases."""
    db.execute_sql("ALTER TABLE department DROP COLUMN aliases")
    SchemaVersion.update(version=5).execute()


def test_v6_adds_department_aliases_with_the_bundled_defaults(admin_session: Session) -> None:
    """A v5 database gets the aliases column; bundled departments get their default aliases, except
    one that another department of this hospital already uses as its name."""
    from models.organisation import Department

    db = Department._meta.database
    _as_v5_without_aliases(db)
    db.execute_sql(
        "INSERT INTO department (code, name, kind, phone, head_name, active, sort_order)"
        " VALUES ('xn', '心内', 'clinical', '', '', 1, 99)"
    )
    assert "aliases" not in {c.name for c in db.get_columns("department")}

    assert migrations.ensure_schema(db) == 5
    aliases = dict(Department.select(Department.code, Department.aliases).tuples())
    assert aliases["cardiology"] == "心内科、心血管科"  # 心内 is the name of another department here
    assert aliases["emergency"] == "急诊、急诊室"
    assert aliases["finance"] == "收费处、财务处"
    assert aliases["xn"] == ""
    assert migrations.current_version(db) == migrations.SCHEMA_VERSION


def test_v6_upgrades_a_shared_database(shared_admin) -> None:
    """The same step on PostgreSQL (shared mode), where the column is added under its grants."""
    from app import departments
    from models.organisation import Department

    session, _key = shared_admin
    db = Department._meta.database
    _as_v5_without_aliases(db)
    assert migrations.ensure_schema(db) == 5
    assert departments.resolve_department("心内").code == "cardiology"
    assert departments.save_department(
        session, "sleep", "睡眠医学科", "clinical", new=True, aliases="睡眠门诊"
    ).aliases == ("睡眠门诊",)


def test_v11_adds_the_rectification_and_reminder_tables(tmp_path: Path) -> None:
    """A database built at the previous schema gets the 整改 and 提醒 tables, empty, on upgrade."""
    from models.rectification import RECTIFICATION_MODELS

    db = open_local(tmp_path / "v6.db", secrets.token_bytes(32))
    migrations.ensure_schema(db)
    db.drop_tables(RECTIFICATION_MODELS)
    SchemaVersion.delete().execute()
    SchemaVersion.create(version=6, applied_at="2026-03-01 09:00:00")  # as a v6 build left it
    assert "rectification" not in db.get_tables()
    assert migrations.ensure_schema(db) == 6
    tables = db.get_tables()
    assert {m._meta.table_name for m in RECTIFICATION_MODELS} <= set(tables)


def test_v8_adds_the_records_tables_to_a_database_of_the_step_before(tmp_path: Path) -> None:
    from models.records import RECORD_MODELS
    from models.schema import ALL_MODELS

    before = max(v for v in migrations.STEPS if v < 8)
    db = open_local(tmp_path / "v7.db", secrets.token_bytes(32))
    with db.atomic():
        db.create_tables([m for m in ALL_MODELS if m not in RECORD_MODELS])
        SchemaVersion.create(version=before, applied_at="2026-06-01 09:00:00")
    assert "backup_record" not in db.get_tables()
    assert migrations.ensure_schema(db) == before
    assert {"backup_record", "imported_row"} <= set(db.get_tables())
    assert migrations.current_version(db) == migrations.SCHEMA_VERSION
