"""Shared mode: the server enforces the policy. Each forbidden read and write is tried with plain SQL
(psycopg), signed in as each application user's own database role, as a curious insider would."""

from __future__ import annotations

import psycopg
import pytest

from app import audit, role_confirmations, shared, users
from app.cases import acceptance, intake, overlays
from app.errors import AuthError, LockedOutError, PermissionDenied
from models.server_policy import user_role
from tests.support.accounts import ADMIN, ADMIN_PASSWORD, USER_PASSWORD
from tests.support.pg_server import plain_sql
from tests.support.sessions import session_as, session_for

SECRET = "保密标记：院领导亲属投诉内容"
ROLES = ("clerk", "officer", "officer2", "manager", "night_duty")


def _refused(conn: psycopg.Connection, sql: str, *args: object) -> None:
    with pytest.raises(psycopg.Error):
        conn.execute(sql, args or None)


def _refused_by_policy(conn: psycopg.Connection, sql: str, *args: object) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        conn.execute(sql, args or None)


@pytest.fixture
def office(shared_admin, pg_params):
    """The shared database with one user per role, a restricted case naming `officer` and an open
    unrestricted one; returns (sessions by role, restricted case id, open case id)."""
    admin, _key = shared_admin
    people = {
        name: session_as(admin, name, "officer" if name == "officer2" else name) for name in ROLES
    }
    people["admin"] = admin
    form = dict(channel="visit", complainant_name="王秀英", complainant_phone="13912345678")
    secret = intake.register(people["officer"], intake.IntakeForm(content=SECRET, **form)).case_id
    overlays.restrict(people["manager"], secret, True, ["officer"])
    plain = intake.register(people["clerk"], intake.IntakeForm(content="候诊时间过长。", **form)).case_id
    return people, secret, plain


def test_restricted_case_content_is_invisible_to_unnamed_roles(office, pg_params) -> None:
    _people, secret, plain = office
    for name in ("clerk", "officer2", "night_duty"):
        with plain_sql(pg_params, name) as conn:
            assert conn.execute('SELECT content FROM case_text WHERE case_id = %s', (secret,)).fetchall() == []
            assert conn.execute("SELECT count(*) FROM case_event WHERE case_id = %s", (secret,)).fetchone() == (
                0,
            )
            found = conn.execute("SELECT count(*) FROM case_text WHERE content LIKE '%%保密标记%%'").fetchone()
            assert found == (0,), name
    for name in ("officer", "manager"):  # named on it, or a manager: the same rows the app shows
        with plain_sql(pg_params, name) as conn:
            assert conn.execute('SELECT content FROM case_text WHERE case_id = %s', (secret,)).fetchone() == (SECRET,)
    with plain_sql(pg_params, "clerk") as conn:  # an unrestricted case stays readable at the front desk
        assert conn.execute('SELECT count(*) FROM "case" WHERE id = %s', (plain,)).fetchone() == (1,)


def test_an_administrator_without_case_roles_reads_no_case_content(office, pg_params) -> None:
    with plain_sql(pg_params, ADMIN, ADMIN_PASSWORD) as conn:
        for table in ("case", "case_text", "complainant", "case_event", "issued_document", "attachment", "case_issue"):
            assert conn.execute(f'SELECT count(*) FROM "{table}"').fetchone() == (0,), table


def test_a_clerk_cannot_change_a_restricted_case(office, pg_params) -> None:
    people, secret, _plain = office
    with plain_sql(pg_params, "clerk") as conn:
        changed = conn.execute('UPDATE case_text SET content = %s WHERE case_id = %s', ("改写", secret))
        assert changed.rowcount == 0
        changed = conn.execute('UPDATE "case" SET restricted = false WHERE id = %s', (secret,))
        assert changed.rowcount == 0
        _refused(
            conn,
            "INSERT INTO case_event (case_id, seq, at, actor_id, action, summary, note, hash) "
            "VALUES (%s, 99, now(), 1, 'note', '伪造', '', '')",
            secret,
        )
    with plain_sql(pg_params, "manager") as conn:
        assert conn.execute('SELECT content FROM case_text WHERE case_id = %s', (secret,)).fetchone() == (SECRET,)


def test_night_duty_loses_sight_of_their_intake_once_the_office_takes_it_over(office, pg_params) -> None:
    people, _secret, _plain = office
    form = intake.IntakeForm(
        channel="phone", content="夜间急诊等候过久。", complainant_name="赵敏", complainant_phone="13800001111"
    )
    night = intake.register(people["night_duty"], form).case_id
    with plain_sql(pg_params, "night_duty") as conn:
        assert conn.execute('SELECT count(*) FROM "case" WHERE id = %s', (night,)).fetchone() == (1,)
    acceptance.accept(people["officer"], night)
    with plain_sql(pg_params, "night_duty") as conn:
        assert conn.execute('SELECT count(*) FROM "case" WHERE id = %s', (night,)).fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM case_event WHERE case_id = %s", (night,)).fetchone() == (0,)


@pytest.mark.parametrize("name", ["clerk", "officer", "manager", "night_duty", ADMIN])
def test_audit_and_timeline_rows_cannot_be_changed_or_deleted(office, pg_params, name) -> None:
    password = ADMIN_PASSWORD if name == ADMIN else USER_PASSWORD
    with plain_sql(pg_params, name, password) as conn:
        for sql in (
            "UPDATE audit_entry SET actor = 'x'",
            "DELETE FROM audit_entry",
            "TRUNCATE audit_entry",
            "UPDATE case_event SET summary = 'x'",
            "DELETE FROM case_event",
            "TRUNCATE case_event",
        ):
            _refused(conn, sql)
    assert audit.verify().ok


def test_the_append_only_trigger_refuses_even_with_a_grant(office, pg_params, pg_server) -> None:
    """Were UPDATE granted by mistake, the trigger still refuses it for an application role."""
    group = user_role(pg_params.dbname, "x").rsplit("_u", 1)[0] + "_app"
    with pg_server.connect(pg_params.dbname, autocommit=True) as owner:
        owner.execute(f'GRANT UPDATE, DELETE ON audit_entry, case_event TO "{group}"')
    with plain_sql(pg_params, "manager") as conn:
        with pytest.raises(psycopg.Error, match="append-only"):
            conn.execute("UPDATE case_event SET summary = 'x'")
        with pytest.raises(psycopg.Error, match="append-only"):
            conn.execute("DELETE FROM audit_entry")


@pytest.mark.parametrize("name", ["clerk", "officer", "manager", "night_duty", ADMIN])
def test_users_roles_and_settings_change_only_through_the_servers_functions(office, pg_params, name) -> None:
    password = ADMIN_PASSWORD if name == ADMIN else USER_PASSWORD
    with plain_sql(pg_params, name, password) as conn:
        _refused(
            conn,
            'INSERT INTO "user" (username, display_name, password_hash, active, must_change_password, phone, '
            "created_at, failed_logins) VALUES ('mole', '内鬼', '', true, false, '', now(), 0)",
        )
        own = conn.execute('SELECT id FROM "user" WHERE username = %s', (name,)).fetchone()[0]
        _refused(conn, "INSERT INTO user_role (user_id, role) VALUES (%s, 'manager')", own)
        _refused(conn, "UPDATE user_role SET role = 'manager'")
        _refused(conn, "UPDATE setting SET value = '\"x\"'")
        _refused(conn, 'UPDATE "user" SET failed_logins = 0, locked_until = NULL WHERE id = %s', own)
        if name != ADMIN:  # the functions check the caller's role
            _refused(conn, "SELECT cd_add_user('mole', '内鬼', '', ARRAY['manager'], NULL, false)")
            _refused(conn, "SELECT cd_update_user(%s, '某人', '', ARRAY['manager'])", name)
            _refused(conn, "SELECT cd_unlock(%s)", name)
            _refused(conn, "SELECT cd_set_setting('hospital_name', '\"某医院\"')")
        _refused(conn, "SELECT cd_make_role('mole', NULL)")  # only the functions above call it


def test_a_locked_account_cannot_lift_its_own_lockout(office, pg_params, pg_server) -> None:
    """The server decides the lockout from what it saw (the attempts it charged, none signed in):
    the right password then neither signs in straight to the server nor lifts the lock, not even
    from a connection opened before the guessing."""
    admin = office[0]["admin"]
    locked = "SELECT locked_until > localtimestamp, failed_logins FROM \"user\" WHERE username = 'clerk'"
    with plain_sql(pg_params, "clerk") as before:
        for _ in range(4):
            with pytest.raises(AuthError):
                shared.login_shared(pg_params, admin.data_key, "clerk", "Wrong-Guess-123")
        with pytest.raises(LockedOutError):
            shared.login_shared(pg_params, admin.data_key, "clerk", "Wrong-Guess-123")
        with pytest.raises(LockedOutError):  # now even the right password, through the application
            shared.login_shared(pg_params, admin.data_key, "clerk", USER_PASSWORD)
        with pytest.raises(psycopg.OperationalError):  # and straight to the server: the role's password is expired
            with plain_sql(pg_params, "clerk"):
                pass
        _refused(before, "UPDATE \"user\" SET failed_logins = 0, locked_until = NULL WHERE username = 'clerk'")
        _refused(before, "SELECT cd_unlock('clerk')")
        _refused(before, "SELECT cd_login_ok(true)")  # no client says whose attempt set the lock
        with pytest.raises(psycopg.Error, match="locked until"):
            before.execute("SELECT cd_login_ok()")
        _refused(before, "SELECT cd_role_valid('clerk', true)")
        _refused(before, "SELECT cd_lock_ended(cd_me())")
        assert before.execute(locked).fetchone() == (True, 5)
    with pytest.raises(psycopg.OperationalError):
        with plain_sql(pg_params, "clerk"):
            pass
    # The lock runs out (its end moved into the past by the owner, for the 15 minutes): the next
    # sign-in through the server's count makes the role valid again and settles the count.
    with pg_server.connect(pg_params.dbname, autocommit=True) as owner:
        owner.execute("UPDATE \"user\" SET locked_until = localtimestamp - interval '1 minute' WHERE username = 'clerk'")
    assert session_for(admin, "clerk").user.username == "clerk"
    with plain_sql(pg_params, "clerk") as conn:
        assert conn.execute(locked).fetchone() == (None, 0)


def test_the_last_allowed_attempt_signs_in_and_an_admin_unlock_lets_the_role_in(office, pg_params) -> None:
    """Four wrong passwords, then the right one: signed in, the count settled. A lock lifted by an
    administrator lets the user's role sign in again, in the application and straight to the server."""
    admin = office[0]["admin"]
    for _ in range(4):
        with pytest.raises(AuthError):
            shared.login_shared(pg_params, admin.data_key, "officer2", "Wrong-Guess-123")
    assert session_for(admin, "officer2").user.username == "officer2"
    for _ in range(4):
        with pytest.raises(AuthError):
            shared.login_shared(pg_params, admin.data_key, "officer2", "Wrong-Guess-123")
    with pytest.raises(LockedOutError):
        shared.login_shared(pg_params, admin.data_key, "officer2", "Wrong-Guess-123")
    users.unlock_user(admin, "officer2")
    with plain_sql(pg_params, "officer2") as conn:
        assert conn.execute("SELECT cd_login_ok()").fetchone() == (4,)  # the failures, for the audit log
    assert session_for(admin, "officer2").user.username == "officer2"


def test_an_administrator_cannot_grant_themselves_a_case_role_on_the_server(office, pg_params) -> None:
    people, secret, _plain = office
    admin = people["admin"]
    with pytest.raises(PermissionDenied, match="不能为自己授予案件角色"):
        users.set_roles(admin, ADMIN, ["admin", "manager"])
    with plain_sql(pg_params, ADMIN, ADMIN_PASSWORD) as conn:  # going round the application
        with pytest.raises(psycopg.Error, match="不能为自己授予案件角色"):
            conn.execute("SELECT cd_update_user(%s, '周建国', '', ARRAY['admin', 'manager'])", (ADMIN,))
        assert conn.execute('SELECT count(*) FROM "case"').fetchone() == (0,)
    # Another administrator may; the granted role sees the cases once a manager confirms it.
    session_as(admin, "admin2", "admin")
    with plain_sql(pg_params, "admin2") as conn:
        conn.execute("SELECT cd_update_user(%s, '周建国', '', ARRAY['admin', 'manager'])", (ADMIN,))
    with plain_sql(pg_params, ADMIN, ADMIN_PASSWORD) as conn:
        assert conn.execute('SELECT count(*) FROM "case"').fetchone() == (0,)
    role_confirmations.confirm(people["manager"], ADMIN)
    with plain_sql(pg_params, ADMIN, ADMIN_PASSWORD) as conn:
        assert conn.execute('SELECT count(*) FROM "case" WHERE id = %s', (secret,)).fetchone() == (1,)


def test_a_disabled_user_cannot_sign_in_to_the_server(office, pg_params) -> None:
    people, _secret, _plain = office
    users.set_active(people["admin"], "officer2", False)
    with pytest.raises(psycopg.OperationalError):
        with plain_sql(pg_params, "officer2"):
            pass


def test_a_restricted_cases_statistics_and_links_are_invisible_to_unnamed_roles(office, pg_params) -> None:
    """Who is named on it, its statistics rows (department, category, finding), its 整改 and
    handover links follow the case: a role that may not see the case reads none of them."""
    _people, secret, plain = office
    tables = ("case_access", "case_stat", "issue_stat")
    with plain_sql(pg_params, "manager") as conn:  # the rows are there
        for table in tables:
            assert conn.execute(f"SELECT count(*) FROM {table} WHERE case_id = %s", (secret,)).fetchone()[0] > 0
    for name in ("clerk", "officer2", "night_duty"):
        with plain_sql(pg_params, name) as conn:
            for table in (*tables, "assignment_stat", "rectification_case", "recurrence", "handover_case"):
                found = conn.execute(f"SELECT count(*) FROM {table} WHERE case_id = %s", (secret,)).fetchone()
                assert found == (0,), (name, table)
            changed = conn.execute("UPDATE case_stat SET state = 'closed' WHERE case_id = %s", (secret,))
            assert changed.rowcount == 0
            _refused_by_policy(conn, "INSERT INTO case_access (case_id, user_id) VALUES (%s, 1)", secret)
    with plain_sql(pg_params, "clerk") as conn:  # an unrestricted case's rows stay readable
        assert conn.execute("SELECT count(*) FROM case_stat WHERE case_id = %s", (plain,)).fetchone() == (1,)
    with plain_sql(pg_params, ADMIN, ADMIN_PASSWORD) as conn:
        for table in (*tables, "assignment_stat"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table


def test_the_text_search_finds_only_cases_the_caller_may_see(office, pg_params) -> None:
    """The server's search function (it uses the text index as the owner) answers each role with
    the cases that role may see: probing a restricted case's narrative finds nothing."""
    _people, secret, _plain = office
    probe = "SELECT cd_text_search('%%保密标记%%')"
    for name in ("clerk", "officer2", "night_duty"):
        with plain_sql(pg_params, name) as conn:
            assert conn.execute(probe).fetchall() == [], name
    with plain_sql(pg_params, ADMIN, ADMIN_PASSWORD) as conn:
        assert conn.execute(probe).fetchall() == []
    for name in ("officer", "manager"):
        with plain_sql(pg_params, name) as conn:
            assert conn.execute(probe).fetchall() == [(secret,)], name


def test_reports_rectification_and_handovers_are_closed_to_roles_the_policy_refuses(office, pg_params) -> None:
    """Issued analysis reports: officers and managers (查看统计报表); 整改 items and 交班 records:
    no administrator without a case role, and handovers not to a clerk."""
    me = 'SELECT id FROM "user" WHERE username = %s'
    report = (
        "INSERT INTO issued_report (period, title, fmt, analysis, total, sha256, data, issued_at, issued_by_id) "
        "VALUES ('2026-03', '伪造报告', 'pdf', '', 0, '', '\\x00', now(), %s)"
    )
    handover = "INSERT INTO handover (handed_by_id, handed_at, note, sha256, data) VALUES (%s, now(), '', '', '\\x00')"
    for name, password in (("clerk", USER_PASSWORD), ("night_duty", USER_PASSWORD), (ADMIN, ADMIN_PASSWORD)):
        with plain_sql(pg_params, name, password) as conn:
            own = conn.execute(me, (name,)).fetchone()[0]
            _refused_by_policy(conn, report, own)
            if name != "night_duty":
                _refused_by_policy(conn, handover, own)
    with plain_sql(pg_params, ADMIN, ADMIN_PASSWORD) as conn:
        own = conn.execute(me, (ADMIN,)).fetchone()[0]
        _refused_by_policy(
            conn,
            "INSERT INTO rectification_event (rectification_id, at, actor_id, action, summary, note) "
            "VALUES (1, now(), %s, 'x', '', '')",
            own,
        )
    with plain_sql(pg_params, "officer") as conn:  # the roles the policy lets write still can
        own = conn.execute(me, ("officer",)).fetchone()[0]
        conn.execute(report, (own,))
        conn.execute(handover, (own,))
    with plain_sql(pg_params, "clerk") as conn:
        assert conn.execute("SELECT count(*) FROM issued_report").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM handover").fetchone() == (0,)


def test_the_administrators_tables_are_written_by_the_administrator_only(office, pg_params) -> None:
    """Departments, categories, the calendar (it moves deadlines), the letterhead's seal and the
    backup records: every case role reads them and writes none (UPDATE and DELETE touch no row, an
    INSERT is refused); the administrator still writes them."""
    seal = (
        "INSERT INTO letterhead_image (kind, png, sha256, width, height, updated_at, updated_by) "
        "VALUES ('seal', '\\x89504e47', 'x', 1, 1, now(), 'mole')"
    )
    holiday = "INSERT INTO calendar_override (day, is_workday, note) VALUES ('2026-12-25', false, '伪造')"
    backup = (
        "INSERT INTO backup_record (taken_at, kind, file_name, folder, size, sha256, cases, note, by_id) "
        "VALUES (now(), 'server', '', '', 0, '', 0, '伪造', cd_me())"
    )
    for name in ("clerk", "night_duty", "officer", "manager"):
        with plain_sql(pg_params, name) as conn:
            assert conn.execute("SELECT count(*) > 0 FROM department").fetchone() == (True,)
            for sql in (
                "UPDATE department SET name = name || '（改）'",
                "DELETE FROM department",
                "UPDATE category SET active = false",
                "UPDATE calendar_override SET is_workday = NOT is_workday",
                "DELETE FROM letterhead_image",
                "DELETE FROM backup_record",
            ):
                assert conn.execute(sql).rowcount == 0, (name, sql)
            for sql in (seal, holiday, backup):
                _refused_by_policy(conn, sql)
            _refused_by_policy(
                conn,
                "INSERT INTO department (code, name, kind, phone, head_name, aliases, sort_order, active) "
                "VALUES ('X1', '伪造科', 'clinical', '', '', '', 99, true)",
            )
    with plain_sql(pg_params, ADMIN, ADMIN_PASSWORD) as conn:
        assert conn.execute("UPDATE department SET name = name WHERE code = (SELECT min(code) FROM department)").rowcount == 1
        conn.execute(holiday)
        conn.execute(backup)


def test_fonts_counters_head_and_reminders_are_written_only_as_the_application_needs(office, pg_params) -> None:
    """The fonts of issued documents are only ever added (by the roles that issue documents); the
    audit head and the case number counters are the server's own; each user's reminder rows are theirs."""
    people, _secret, _plain = office
    font = (
        "INSERT INTO document_font (sha256, name, size, data, stored_at) "
        "VALUES (repeat('a', 64), 'x.ttf', 1, '\\x00', now())"
    )
    for name, password in (("clerk", USER_PASSWORD), ("manager", USER_PASSWORD), (ADMIN, ADMIN_PASSWORD)):
        with plain_sql(pg_params, name, password) as conn:
            _refused(conn, "UPDATE document_font SET data = '\\x00'")
            _refused(conn, "DELETE FROM document_font")
            _refused(conn, "UPDATE audit_head SET seq = 1")
            _refused(conn, "DELETE FROM audit_head")
            _refused(conn, "UPDATE case_counter SET last_seq = 0")
            _refused(conn, "INSERT INTO case_counter (prefix, year, last_seq) VALUES ('TS', 2026, 0)")
            _refused(conn, "SELECT cd_next_case_nos('TS', 2026, 0)")  # never backwards
            _refused(conn, "SELECT cd_next_case_nos('TS', 2026, -5)")
            _refused(
                conn,
                "INSERT INTO reminder_dismissal (user_id, key, dismissed_on) "
                "SELECT id, 'x', current_date FROM \"user\" WHERE username = 'officer'",
            )
    with plain_sql(pg_params, ADMIN, ADMIN_PASSWORD) as conn:  # no administrator issues documents
        _refused_by_policy(conn, font)
    with plain_sql(pg_params, "clerk") as conn:
        conn.execute(font)
        assert conn.execute("SELECT count(*) FROM reminder_dismissal").fetchone() == (0,)
    # The application's own numbering, on the server: one after the other, under the counter's lock.
    first = intake.register(people["clerk"], intake.IntakeForm(
        channel="visit", content="挂号排队过久。", complainant_name="李雷", complainant_phone="13700001111"
    ))
    second = intake.register(people["night_duty"], intake.IntakeForm(
        channel="phone", content="夜间候诊。", complainant_name="韩梅", complainant_phone="13700002222"
    ))
    assert int(second.case_no.rsplit("-", 1)[1]) == int(first.case_no.rsplit("-", 1)[1]) + 1
    assert audit.verify().ok


def test_audit_entries_are_written_in_the_writers_own_name(office, pg_params) -> None:
    """An audit entry in another user's name, or out of sequence, is refused by the server; the
    application's own entries go in as before and the chain verifies."""
    forged = (
        "INSERT INTO audit_entry (seq, at, actor, action, target, detail, hash) "
        "SELECT seq + %s, '2026-03-01T09:00:00', %s, 'case.opened', '1', '{}', '\\x00' FROM audit_head"
    )
    with plain_sql(pg_params, "clerk") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="当前登录的用户"):
            conn.execute(forged, (1, "manager"))
        with pytest.raises(psycopg.Error, match="序号不连续"):
            conn.execute(forged, (5, "clerk"))
    assert audit.verify().ok
    with plain_sql(pg_params, "manager") as conn:
        assert conn.execute("SELECT count(*) FROM audit_entry WHERE action = 'case.opened'").fetchone() == (0,)


def test_the_front_desk_cannot_change_a_cases_handling_or_write_in_another_name(office, pg_params) -> None:
    """A clerk or night duty sees an unrestricted case but may not close it, give it a finding,
    lift or set its restriction or name its officer with plain SQL, nor write a case in another
    user's name; a case they register starts as 登记 (registered), unrestricted, in their own name."""
    people, _secret, plain = office
    me = "(SELECT cd_me())"
    with plain_sql(pg_params, "clerk") as conn:
        for change in (
            "state = 'closed', closed_at = now()",
            "finding = 'not_upheld'",
            "restricted = true",
            f"officer_id = {me}",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="无权修改案件的办理状态和结论"):
                conn.execute(f'UPDATE "case" SET {change}, updated_by_id = {me} WHERE id = %s', (plain,))
        officer = conn.execute("SELECT id FROM \"user\" WHERE username = 'officer'").fetchone()[0]
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="当前登录的用户"):
            conn.execute('UPDATE "case" SET severity = severity, updated_by_id = %s WHERE id = %s', (officer, plain))
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="不符合本人的权限"):
            conn.execute(  # a copy of the case, registered as closed
                'INSERT INTO "case" SELECT (json_populate_record(c, json_build_object('
                "'id', -1, 'case_no', 'X-2026-999999', 'state', 'closed'))).* FROM \"case\" c WHERE id = %s",
                (plain,),
            )
    with plain_sql(pg_params, "manager") as conn:
        assert conn.execute('SELECT state, finding, restricted FROM "case" WHERE id = %s', (plain,)).fetchone() == (
            "registered", "", False
        )
    acceptance.accept(people["officer"], plain)  # the office's own handling still goes through
    assert audit.verify().ok


def test_the_workstation_data_key_opens_the_identifiers_of_every_case_the_role_sees(office, pg_params) -> None:
    """What the shared mode does NOT keep from a clerk (documented in the threat model): the data
    key every workstation holds opens the full phone number of every case the clerk's role may read
    on the server, not only of the cases the application shows them unmasked. The server's row
    security still bounds it: nothing of a restricted case, and an administrator reads no case."""
    from models.fields import FieldCipher

    people, secret, _plain = office
    form = intake.IntakeForm(channel="phone", content="检查报告延迟。", complainant_name="周芳", complainant_phone="13600003333")
    others = intake.register(people["officer"], form).case_id  # the application shows the clerk a mask
    cipher = FieldCipher(people["admin"].data_key)
    phones = 'SELECT c.id, p.phone FROM "case" c JOIN complainant p ON p.id = c.complainant_id'
    with plain_sql(pg_params, "clerk") as conn:
        opened = {case_id: cipher.open(phone) for case_id, phone in conn.execute(phones)}
    assert opened[others] == "13600003333"
    assert secret not in opened
    with plain_sql(pg_params, ADMIN, ADMIN_PASSWORD) as conn:
        assert conn.execute(phones).fetchall() == []
