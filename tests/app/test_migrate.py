"""Moving a local database to the server: counts verified, identifiers sealed, audit chain intact."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from app import audit, migrate, shared, users
from app.cases import acceptance, documents, intake, overlays
from app.cases.views import open_case
from app.errors import AuthError, DatabaseOpenError
from models.database import close_current, database_proxy
from tests.support.accounts import ADMIN, ADMIN_PASSWORD, USER_PASSWORD
from tests.support.sessions import session_as, session_for


def test_local_database_moves_to_server(admin_session, pg_params, pg_server) -> None:
    officer = session_as(admin_session, "officer", "officer")
    ids = []
    for i in range(7):
        form = intake.IntakeForm(
            channel="phone",
            content=f"第{i}次来电反映药房排队时间长",
            complainant_name=f"宋标记{i}",
            complainant_phone=f"1390000{i:04d}",
            patient_record_no=f"MZ{i:06d}",
        )
        ids.append(intake.register(officer, form).case_id)
    acceptance.accept(officer, ids[0])
    overlays.add_attachment(officer, ids[0], "病历.jpg", b"\xff\xd8 fake jpeg bytes", "门诊病历")

    report = migrate.migrate_to_server(admin_session, pg_params, pg_server.password, ADMIN_PASSWORD)
    assert report.ok, report.lines()
    counts = {t.table: t.target for t in report.tables}
    assert counts["case"] == 7 and counts["attachment"] == 1 and counts["audit_entry"] > 10
    assert "全部数据表行数一致" in report.lines()[-1]

    with pg_server.connect(pg_params.dbname) as conn:
        dump = str(conn.execute('SELECT * FROM "complainant"').fetchall())
        dump += str(conn.execute('SELECT patient_record_no FROM "case"').fetchall())
        # the planner's statistics of the copied tables are there before anyone's first query
        unanalyzed = conn.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE relname IN ('case', 'case_event', 'audit_entry')"
            " AND last_analyze IS NULL"
        ).fetchall()
    assert "宋标记" not in dump and "13900000003" not in dump and "MZ000003" not in dump
    assert unanalyzed == []

    close_current()
    session = shared.login_shared(pg_params, report.data_key, ADMIN, ADMIN_PASSWORD)
    assert audit.verify().ok
    # Every migrated user has a database role; only the migrating administrator's password was
    # known, so the others sign in once an administrator has given them a temporary password.
    with pytest.raises(AuthError):
        shared.login_shared(pg_params, report.data_key, "officer", USER_PASSWORD)
    users.reset_password(session, "officer", "Temp-Pass-2026x")
    moved = shared.login_shared(pg_params, report.data_key, "officer", "Temp-Pass-2026x")
    assert moved.user.must_change_password and open_case(moved, ids[1]).case_no
    moved.db.close()
    database_proxy.initialize(session.db)  # back to the administrator's connection
    manager = session_as(session, "mgr", "manager")
    view = open_case(manager, ids[0])
    assert view.complainant_name == "宋标记0" and view.attachments[0].filename == "病历.jpg"
    assert [c.case_no for c in intake.find_duplicates(manager, phone="13900000003")] == [
        open_case(manager, ids[3]).case_no
    ]
    # new rows continue after the copied ids
    new = intake.register(
        manager,
        intake.IntakeForm(
            channel="visit", content="迁移后的新投诉", complainant_name="新", complainant_phone="13811112222"
        ),
    )
    assert new.case_id == 8 and new.case_no.endswith("000008")


def test_target_must_be_empty(admin_session, shared_admin, pg_params, pg_server) -> None:
    close_current()
    from app import auth

    session = auth.login_local(admin_session.database_path, ADMIN, ADMIN_PASSWORD)
    with pytest.raises(DatabaseOpenError, match="不是空的"):
        migrate.migrate_to_server(session, pg_params, pg_server.password, ADMIN_PASSWORD)


def test_a_sealed_local_database_moves_with_the_recovery_key(db_path, pg_params, pg_server) -> None:
    """The administrator holds no identifier key: without the recovery key the move is refused (and
    nothing is lost); with it the identifiers reach the server sealed with its data key, in full."""
    from app import auth, users
    from tests.support.accounts import HOSPITAL, USER_PASSWORD

    admin, recovery = auth.create_local_database(db_path, ADMIN, "周建国", ADMIN_PASSWORD, HOSPITAL)
    users.add_user(admin, "mgr", "李主任", ["manager"], USER_PASSWORD, must_change_password=False)
    auth.logout(admin)
    manager = auth.login_local(db_path, "mgr", USER_PASSWORD)  # makes the identifier key
    case_id = intake.register(
        manager, intake.IntakeForm(
            channel="phone", content="药房排队时间长", complainant_name="宋某", complainant_phone="13900001234"
        )
    ).case_id
    receipt, pdf = documents.issue(manager, case_id, "receipt")  # stored sealed to the identifier key
    auth.logout(manager)
    admin = auth.login_local(db_path, ADMIN, ADMIN_PASSWORD)
    with pytest.raises(DatabaseOpenError, match="恢复密钥"):
        migrate.migrate_to_server(admin, pg_params, pg_server.password, ADMIN_PASSWORD)
    report = migrate.migrate_to_server(admin, pg_params, pg_server.password, ADMIN_PASSWORD, recovery_key=recovery)
    assert report.ok, report.lines()
    auth.logout(admin)
    session = shared.login_shared(pg_params, report.data_key, ADMIN, ADMIN_PASSWORD)
    users.reset_password(session, "mgr", USER_PASSWORD)  # migrated roles sign in once given a password
    manager = session_for(session, "mgr")  # the migrated manager's role stays in force on the server
    assert open_case(manager, case_id).complainant_phone == "13900001234"
    assert documents.stored_pdf(manager, receipt.id) == pdf  # the original, reprintable on the server
    _issued, reprint = documents.issue(manager, case_id, "receipt")
    assert reprint != pdf and PdfReader(io.BytesIO(reprint)).pages  # 补打: the stored original, stamped
    # the repeat keys were the local database's: the server's own are recounted before they count
    from app.statistics import service as statistics
    from models.statistics import CaseStat

    assert statistics.rebuild_pending(manager)
    statistics.rebuild(manager, lambda *_: None)
    again = intake.register(
        manager, intake.IntakeForm(
            channel="phone", content="再次反映药房排队", complainant_name="宋某", complainant_phone="13900001234"
        )
    ).case_id
    assert CaseStat.get(CaseStat.case == again).is_repeat  # the same phone as the case moved
