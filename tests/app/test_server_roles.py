"""Shared mode: a case role an administrator gives counts on the server only once a manager confirms
it, and the account functions write a log managers read and nobody writes. Tested as the insider
review's attack, with plain SQL as the administrator's own database role."""

from __future__ import annotations

import json

import psycopg
import pytest

from app import account, role_confirmations, server_accounts, shared, users
from app.cases import intake, overlays
from app.errors import PermissionDenied
from tests.app.test_server_enforcement import plain_sql
from tests.support.accounts import ADMIN, ADMIN_PASSWORD, USER_PASSWORD
from tests.support.sessions import session_as, session_for

SECRET = "保密标记：院领导亲属的投诉内容"
PLAIN = "门诊候诊时间过长。"


@pytest.fixture
def office(shared_admin):
    """The first manager (in force at once: nobody could confirm yet), an officer the manager
    confirmed, a restricted case naming the officer and an unrestricted one."""
    admin, _key = shared_admin
    manager = session_as(admin, "manager", "manager")
    officer = session_as(admin, "officer", "officer")
    form = dict(channel="visit", complainant_name="王秀英", complainant_phone="13912345678")
    secret = intake.register(officer, intake.IntakeForm(content=SECRET, **form)).case_id
    overlays.restrict(manager, secret, True, ["officer"])
    plain = intake.register(officer, intake.IntakeForm(content=PLAIN, **form)).case_id
    return admin, secret, plain


def _puppet(pg_params, name: str, roles: list[str]) -> None:
    """The administrator, with plain SQL as their own role, makes an account with `roles`."""
    verifier = server_accounts.role_verifier(pg_params.dbname, name, USER_PASSWORD)
    with plain_sql(pg_params, ADMIN, ADMIN_PASSWORD) as conn:
        conn.execute("SELECT cd_add_user(%s, '傀儡', '', %s, %s, false)", (name, roles, verifier))


def _log(conn: psycopg.Connection) -> list[tuple[str, str, str, dict]]:
    rows = conn.execute("SELECT actor, action, target, detail FROM account_log ORDER BY id").fetchall()
    return [(actor, action, target, json.loads(detail)) for actor, action, target, detail in rows]


def test_a_puppet_manager_made_by_the_administrator_reads_nothing_until_a_manager_confirms(
    office, pg_params
) -> None:
    admin, secret, plain = office
    _puppet(pg_params, "puppet", ["manager"])
    _puppet(pg_params, "puppet2", ["clerk"])  # a clerk's role reads every unrestricted case: waits too
    for name in ("puppet", "puppet2"):
        with plain_sql(pg_params, name) as conn:
            assert conn.execute("SELECT content FROM case_text").fetchall() == []
            assert conn.execute('SELECT count(*) FROM "case"').fetchone() == (0,)
            assert conn.execute("SELECT cd_has('manager'), cd_has('clerk')").fetchone() == (False, False)
            with pytest.raises(psycopg.Error):  # and cannot confirm itself
                conn.execute("SELECT cd_confirm_role(%s, 'manager')", (name,))
    with plain_sql(pg_params, ADMIN, ADMIN_PASSWORD) as conn:  # nor can the administrator
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT cd_confirm_role('puppet', 'manager')")

    puppet = session_for(admin, "puppet")  # in the application: no manager role, and told why
    assert "manager" not in puppet.user.roles
    assert account.account_summary(puppet).roles_waiting == ("manager",)
    with pytest.raises(PermissionDenied):
        role_confirmations.pending(puppet)

    manager = session_for(admin, "manager")
    waiting = {w.username: w for w in role_confirmations.pending(manager)}
    assert waiting["puppet"].roles == ("manager",) and waiting["puppet"].given_by == "周建国"
    assert role_confirmations.confirm(manager, "puppet") == ("manager",)
    with plain_sql(pg_params, "puppet") as conn:  # the manager decided: now it counts
        assert conn.execute("SELECT content FROM case_text WHERE case_id = %s", (secret,)).fetchone() == (SECRET,)
    with plain_sql(pg_params, "puppet2") as conn:
        assert conn.execute("SELECT count(*) FROM case_text WHERE case_id = %s", (plain,)).fetchone() == (0,)


def test_the_account_functions_write_a_log_managers_read_and_nobody_changes(office, pg_params) -> None:
    admin, _secret, _plain = office
    _puppet(pg_params, "puppet", ["manager"])
    verifier = server_accounts.role_verifier(pg_params.dbname, "manager", "Hijack2026#pw")
    with plain_sql(pg_params, ADMIN, ADMIN_PASSWORD) as conn:
        conn.execute("SELECT cd_set_password('manager', %s, false)", (verifier,))
        conn.execute("SELECT cd_unlock('officer')")
    users.set_active(admin, "puppet", False)
    with plain_sql(pg_params, "manager", "Hijack2026#pw") as conn:
        log = _log(conn)
    mine = [(actor, action, target) for actor, action, target, _detail in log]
    assert (ADMIN, "user.added", "puppet") in mine
    assert (ADMIN, "user.password_set", "manager") in mine
    assert (ADMIN, "user.unlocked", "officer") in mine
    assert (ADMIN, "user.disabled", "puppet") in mine
    assert ("manager", "role.confirmed", "officer") in mine  # the office's confirmation of the officer
    added = next(detail for _a, action, target, detail in log if (action, target) == ("user.added", "puppet"))
    assert added["roles"] == ["manager"]

    for name, password in ((ADMIN, ADMIN_PASSWORD), ("officer", USER_PASSWORD)):
        with plain_sql(pg_params, name, password) as conn:
            for sql in (
                "INSERT INTO account_log (actor, action) VALUES ('x', 'y')",
                "UPDATE account_log SET actor = 'x'",
                "DELETE FROM account_log",
                "TRUNCATE account_log",
                "SELECT cd_log('user.added', 'x', NULL)",
                "UPDATE role_grant SET confirmed_at = localtimestamp",
                "INSERT INTO role_grant (user_id, role, given_by, given_at) VALUES (1, 'manager', '', now())",
            ):
                with pytest.raises(psycopg.Error):
                    conn.execute(sql)
    with plain_sql(pg_params, "officer") as conn:  # an officer does not read the account log
        assert conn.execute("SELECT count(*) FROM account_log").fetchone() == (0,)


def test_a_role_given_to_an_existing_account_waits_and_a_role_taken_away_loses_its_confirmation(
    office, pg_params
) -> None:
    admin, secret, _plain = office
    session_as(admin, "frontdesk", "night_duty")  # night duty counts at once: it sees only its own
    with plain_sql(pg_params, "frontdesk") as conn:
        assert conn.execute("SELECT cd_has('night_duty')").fetchone() == (True,)
    users.set_roles(admin, "frontdesk", ["night_duty", "officer"])
    with plain_sql(pg_params, "frontdesk") as conn:
        assert conn.execute("SELECT cd_has('officer'), cd_has('night_duty')").fetchone() == (False, True)
    users.set_roles(admin, "officer", ["clerk"])
    users.set_roles(admin, "officer", ["officer"])  # given again: a new confirmation is needed
    with plain_sql(pg_params, "officer") as conn:
        assert conn.execute("SELECT cd_has('officer')").fetchone() == (False,)
        assert conn.execute("SELECT count(*) FROM case_text WHERE case_id = %s", (secret,)).fetchone() == (0,)


def test_an_upgraded_server_keeps_the_roles_it_had(office, pg_params, pg_server) -> None:
    """A server installed before confirmations existed: its roles stay in force once its owner
    upgrades it (the new table starts with every role held, confirmed)."""
    admin, secret, _plain = office
    owner = pg_server.connect(pg_params.dbname, autocommit=True)
    owner.execute("DROP TABLE role_grant, account_log CASCADE")
    for old in (  # the functions as the previous policy had them: roles counted as stored, no log
        "cd_has(p_role text) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, "
        "pg_temp AS $$ SELECT EXISTS (SELECT 1 FROM user_role WHERE user_id = cd_me() AND role = p_role) $$",
        "cd_has_any(p_roles text[]) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER SET search_path = "
        "public, pg_temp AS $$ SELECT EXISTS (SELECT 1 FROM user_role WHERE user_id = cd_me() "
        "AND role = ANY(p_roles)) $$",
        "cd_track_roles(p_user integer) RETURNS void LANGUAGE sql AS $$ SELECT $$",
        "cd_log(p_action text, p_target text, p_detail json) RETURNS void LANGUAGE sql AS $$ SELECT $$",
    ):
        owner.execute(f"CREATE OR REPLACE FUNCTION {old}")
    owner.execute("DROP FUNCTION cd_roles(), cd_pending_roles(), cd_confirm_role(text, text)")
    owner.close()
    users.set_roles(admin, "officer", ["officer", "clerk"])  # given on the old server: in force there
    shared.upgrade_shared_database(pg_params, pg_server.password, admin.data_key)
    with plain_sql(pg_params, "officer") as conn:
        assert conn.execute("SELECT cd_has('officer'), cd_has('clerk')").fetchone() == (True, True)
        assert conn.execute("SELECT content FROM case_text WHERE case_id = %s", (secret,)).fetchone() == (SECRET,)
