"""Schema stamp and upgrade of a database made by an older schema version."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from app.cases.states import State
from app.errors import DatabaseOpenError
from app.session import Session
from models import migrations
from models.accounts import Setting, User, UserRole
from models.audit import AuditEntry, AuditHead
from models.cases import Case, FollowUp
from models.database import open_local
from models.schema import SchemaVersion
from tests.support.accounts import ADMIN, ADMIN_PASSWORD
from tests.support.cases import FakeClock
from tests.support.desk import open_desk

V1_TABLES = [SchemaVersion, User, UserRole, Setting, AuditEntry, AuditHead]


def _columns(db) -> dict[str, list[tuple[str, str, bool]]]:
    return {
        table: sorted((c.name, c.data_type.upper(), c.null) for c in db.get_columns(table))
        for table in sorted(db.get_tables())
        if not table.startswith("sqlite_")  # the planner's statistics (ANALYZE), not the schema
    }


def _make_v1(path: Path, key: bytes):
    """A database as schema version 1 created it: no department table."""
    db = open_local(path, key)
    with db.atomic():
        db.create_tables(V1_TABLES)
        SchemaVersion.create(version=1, applied_at="2026-01-05 09:00:00")
        User.create(
            username="admin", display_name="周建国", password_hash="x", created_at="2026-01-05 09:00:00"
        )
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


def test_v3_renames_the_stored_sign_off_spellings(
    admin_session: Session, fake_clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A v2 database holds `awaiting_signoff` cases and `signoff` follow-ups; v3 renames both."""
    monkeypatch.setattr(migrations, "STEPS", {v: s for v, s in migrations.STEPS.items() if v <= 3})
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


def test_v6_upgrades_a_shared_database(shared_admin, pg_params, pg_server) -> None:
    """The same step on PostgreSQL (shared mode): the database's owner upgrades it (application users
    may not change the schema), and the server's roles, policies and functions are reinstalled."""
    from app import departments, shared
    from models.database import connect_postgres
    from models.schema import ALL_MODELS

    session, key = shared_admin
    session.db.close()  # signed in again after the upgrade
    owner = connect_postgres(pg_params, pg_server.password)
    with owner.bind_ctx(ALL_MODELS, bind_refs=False, bind_backrefs=False):
        _as_v5_without_aliases(owner)
    owner.close()
    with pytest.raises(DatabaseOpenError, match="需要升级"):
        shared.login_shared(pg_params, key, ADMIN, ADMIN_PASSWORD)
    assert shared.upgrade_shared_database(pg_params, pg_server.password, key) == 5
    session = shared.login_shared(pg_params, key, ADMIN, ADMIN_PASSWORD)
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
def _make_v3(path: Path, key: bytes, monkeypatch: pytest.MonkeyPatch):
    """A database exactly as a v3 build left it: v1, upgraded by the steps that existed then."""
    db = _make_v1(path, key)
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "STEPS", {v: s for v, s in migrations.STEPS.items() if v <= 3})
        patch.setattr(migrations, "SCHEMA_VERSION", 3)
        migrations.ensure_schema(db)
    return db


def test_v4_gives_every_existing_case_one_issue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A v3 database with cases (one never routed, one routed twice with the first department
    returning it, one with a finding) upgrades to one issue per case and to repeat links."""
    from models.cases import Assignment, CaseIssue, Category, Complainant

    Department = migrations._DepartmentV2  # the department table at v3 (v6 adds aliases)

    key = secrets.token_bytes(32)
    db = _make_v3(tmp_path / "v3.db", key, monkeypatch)
    assert migrations.current_version(db) == 3
    assert "case_issue" not in db.get_tables()
    assert "kind" not in {c.name for c in db.get_columns("case_link")}

    at = "2026-03-10 09:00:00"
    nursing = Department.create(code="nursing", name="护理部", kind="administrative")
    pricing = Department.create(code="pricing", name="价格管理办公室", kind="administrative")
    cardiology = Department.create(code="cardiology", name="心内科", kind="clinical")
    bell = Category.create(
        code="020202", name="呼叫响应不及时", level=3, path="护理 / 呼叫", default_department=nursing
    )
    fee = Category.create(
        code="040101", name="重复收费", level=3, path="费用 / 收费", default_department=pricing
    )
    admin = User.get(User.username == "admin")
    common = {
        "query_code": "123456",
        "channel": "visit",
        "received_at": at,
        "registered_at": at,
        "registered_by": admin,
        "updated_at": at,
        "updated_by": admin,
    }

    def case(no: str, **values: object) -> Case:
        return Case.create(case_no=no, complainant=Complainant.create(name="张"), **common, **values)

    unrouted = case("YH-1", state="registered", category=bell)
    routed = case("YH-2", state="drafting", category=fee, finding="partly_upheld")
    blank = case("YH-3", state="registered")
    sent = {"sent_at": at, "sent_by": admin, "due": "2026-03-13"}
    Assignment.create(case=routed, department=cardiology, state="returned", questions="旧问题", **sent)
    Assignment.create(case=routed, department=nursing, state="responded", questions="请核实计费", **sent)
    db.execute_sql(
        "INSERT INTO case_link (case_id, other_id, note) VALUES (?, ?, '')", (routed.id, unrouted.id)
    )

    assert migrations.ensure_schema(db) == 3
    assert migrations.current_version(db) == migrations.SCHEMA_VERSION
    got = {
        i.case_id: (i.seq, i.category_id, i.department_id, i.questions, i.finding, i.created_by_id)
        for i in CaseIssue.select()
    }
    assert got == {
        unrouted.id: (1, bell.id, nursing.id, "", "", admin.id),
        routed.id: (1, fee.id, nursing.id, "请核实计费", "partly_upheld", admin.id),
        blank.id: (1, None, None, "", "", admin.id),
    }
    assert db.execute_sql("SELECT kind FROM case_link").fetchall() == [("related",)]
    upgraded = _columns(db)
    db.close()

    fresh = open_local(tmp_path / "fresh.db", secrets.token_bytes(32))
    migrations.ensure_schema(fresh)
    assert _columns(fresh) == upgraded


def test_v10_adds_and_fills_the_timeline_chain(admin_session: Session, fake_clock: FakeClock) -> None:
    """A v8 database has no `hash` column on its timeline; v10 adds it and chains the stored events."""
    from app.cases import history
    from models.cases import CaseEvent
    from models.chain import GENESIS, event_digest

    roles = ("clerk", "officer", "manager")
    desk = open_desk(admin_session, fake_clock, new={role: (role, f"{role}同事", [role]) for role in roles})
    case_ids = [desk.new_case(State.DRAFTING), desk.new_case(State.ACCEPTED)]
    db = Case._meta.database
    db.execute_sql("ALTER TABLE case_event DROP COLUMN hash")
    SchemaVersion.delete().execute()
    SchemaVersion.create(version=8, applied_at="2026-06-01 09:00:00")  # as a v8 build left it

    assert migrations.ensure_schema(db) == 8
    for case_id in case_ids:
        prev = GENESIS
        events = list(CaseEvent.select().where(CaseEvent.case == case_id).order_by(CaseEvent.seq))
        assert len(events) >= 2
        for e in events:
            prev = event_digest(case_id, e.seq, e.at, e.actor_id, e.action, e.summary, e.note, e.attachment_id, prev)
            assert e.hash == prev
    assert history.check_all().breaks == []
def test_v7_adds_letterhead_and_handover_tables_and_audit_indexes(tmp_path: Path) -> None:
    """A database as the build before step 7 left it (stamped 6; no step-7 tables, audit log
    unindexed by user and target); the later steps find their work done."""
    from models.administration import ADMINISTRATION_MODELS

    db = open_local(tmp_path / "v6.db", secrets.token_bytes(32))
    migrations.ensure_schema(db)
    db.drop_tables(ADMINISTRATION_MODELS)
    db.execute_sql("DROP INDEX audit_entry_actor")
    db.execute_sql("DROP INDEX audit_entry_target")
    SchemaVersion.update(version=6).execute()
    assert migrations.current_version(db) == 6

    assert migrations.ensure_schema(db) == 6
    assert {"letterhead_image", "handover", "handover_case"} <= set(db.get_tables())
    assert {"audit_entry_actor", "audit_entry_target"} <= {i.name for i in db.get_indexes("audit_entry")}
    fresh = open_local(tmp_path / "fresh.db", secrets.token_bytes(32))
    migrations.ensure_schema(fresh)
    assert _columns(fresh) == _columns(db)


def test_v16_keeps_counts_of_the_cases_already_stored(admin_session: Session, fake_clock: FakeClock) -> None:
    """A v11 database has no kept counts; v16 counts its cases, keeps counting and analyzes."""
    from app.cases import overlays
    from models import case_tally

    roles = ("clerk", "officer", "manager")
    desk = open_desk(admin_session, fake_clock, new={role: (role, f"{role}同事", [role]) for role in roles})
    case_ids = [desk.new_case(State.IN_PROGRESS), desk.new_case(State.REGISTERED), desk.new_case(State.REGISTERED)]
    overlays.restrict(desk["manager"], case_ids[0], True)
    db = Case._meta.database
    for trigger in ("insert", "delete", "update"):
        db.execute_sql(f"DROP TRIGGER case_tally_{trigger}")
    db.execute_sql("DROP TABLE case_tally")
    db.execute_sql("DROP INDEX case_restricted_state")
    db.execute_sql("DROP TABLE IF EXISTS sqlite_stat1")
    SchemaVersion.delete().execute()
    SchemaVersion.create(version=11, applied_at="2026-06-01 09:00:00")  # as a v11 build left it
    case_tally._present.clear()

    assert migrations.ensure_schema(db) == 11
    assert case_tally.counts(db, None) == {State.IN_PROGRESS: 1, State.REGISTERED: 2}
    assert case_tally.counts(db, None, restricted=True) == {State.IN_PROGRESS: 1}
    assert db.execute_sql("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'case'").fetchone()[0] > 0
    desk.new_case(State.REGISTERED)
    assert case_tally.counts(db, [State.REGISTERED]) == {State.REGISTERED: 3}


def test_v24_adds_the_logins_index_to_a_database_of_the_step_before(tmp_path: Path) -> None:
    """A database as step 18 left it has no index of the logins; step 24 adds it, and the home's
    previous login is found through it."""
    from app.account import previous_login_query
    from models.audit import LOGIN_INDEX

    db = open_local(tmp_path / "v18.db", secrets.token_bytes(32))
    migrations.ensure_schema(db)
    db.execute_sql(f"DROP INDEX {LOGIN_INDEX}")
    SchemaVersion.update(version=18).execute()

    assert migrations.ensure_schema(db) == 18
    indexes = {i.name: i.sql for i in db.get_indexes("audit_entry")}
    assert "WHERE" in indexes[LOGIN_INDEX]
    sql, params = previous_login_query("admin").sql()
    assert LOGIN_INDEX in str(db.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params).fetchall())
    fresh = open_local(tmp_path / "fresh.db", secrets.token_bytes(32))
    migrations.ensure_schema(fresh)
    assert {i.name: i.sql for i in fresh.get_indexes("audit_entry")} == indexes



@pytest.mark.parametrize(
    ("step", "table", "index"),
    [
        (25, "stat_person_key", "stat_person_key_received_day_key"),  # frequent complainants' window
        (26, "assignment", "assignment_state_due"),  # late department replies, earliest first
    ],
)
def test_index_steps_add_their_index_to_a_database_of_the_step_before(
    tmp_path: Path, step: int, table: str, index: str
) -> None:
    """A database as the step before left it lacks the index; the step adds it as a new database has it."""
    db = open_local(tmp_path / "before.db", secrets.token_bytes(32))
    migrations.ensure_schema(db)
    db.execute_sql(f"DROP INDEX {index}")
    SchemaVersion.update(version=step - 1).execute()

    assert migrations.ensure_schema(db) == step - 1
    fresh = open_local(tmp_path / "fresh.db", secrets.token_bytes(32))
    migrations.ensure_schema(fresh)
    indexes = {i.name: i.sql for i in db.get_indexes(table)}
    assert index in indexes
    assert {i.name: i.sql for i in fresh.get_indexes(table)} == indexes


def test_v30_moves_the_open_cases_text_to_their_own_index(admin_session: Session, fake_clock: FakeClock) -> None:
    """A database as step 26 left it indexes every case in one pair of text indexes; step 30 gives
    the open cases their own pair, moves their rows there and rewrites both pairs, so the old pair
    keeps no term of an open case's text. Search finds open and closed cases as before."""
    from app.cases import search
    from models.search_index import OPEN_CHAR_TABLE, OPEN_FTS_TABLE, char_row, in_open_pair, insert_rows_sql
    from tests.support.fts_pages import index_terms

    roles = ("clerk", "officer", "manager")
    desk = open_desk(admin_session, fake_clock, new={role: (role, f"{role}同事", [role]) for role in roles})
    open_case = desk.new_case(State.IN_PROGRESS, content="候诊时甲乙丙丁戊己庚辛无人理会")
    closed_case = desk.new_case(State.CLOSED, content="药房子丑寅卯辰巳发错药")
    db = Case._meta.database
    assert in_open_pair(db, open_case) and not in_open_pair(db, closed_case)  # 销项 moved it out
    for table in (OPEN_FTS_TABLE, OPEN_CHAR_TABLE):  # as step 26 left it: one pair, every case in it
        db.execute_sql(f"DROP TABLE {table}")
    trigram, chars = insert_rows_sql()
    for case_id in (open_case, closed_case):
        db.execute_sql("DELETE FROM case_fts WHERE rowid = ?", (case_id,))
        db.execute_sql("DELETE FROM case_chars WHERE rowid = ?", (case_id,))
        row = (case_id, *search._fts_text(Case.get_by_id(case_id)))
        db.execute_sql(trigram, row)
        db.execute_sql(chars, char_row(row))
    SchemaVersion.update(version=26).execute()
    assert "甲乙丙" in index_terms(db, "case_fts")

    assert migrations.ensure_schema(db) == 26
    assert in_open_pair(db, open_case) and not in_open_pair(db, closed_case)
    assert "甲乙丙" not in index_terms(db, "case_fts") and "甲乙丙" in index_terms(db, OPEN_FTS_TABLE)
    assert "子丑寅" in index_terms(db, "case_fts") and "子丑寅" not in index_terms(db, OPEN_FTS_TABLE)
    manager = desk["manager"]
    assert search.search(manager, "甲乙丙丁") == [open_case]
    assert search.search(manager, "子丑寅卯") == [closed_case]
    assert search.search(manager, "庚") == [open_case]  # the character index, open pair
