"""The server's own enforcement of the policy (shared mode): roles, grants, row-level security,
append-only history and the SECURITY DEFINER functions through which accounts and settings change.

Installed (and reinstalled after an upgrade) by the database owner, the account that creates the
schema; the application's users never hold it. Every application user signs in as their own
PostgreSQL role, a member of the database's application group:

    cd<db>_owner-made objects   tables, functions, policies (owned by the installing account)
    cd<db>_app                  group role of the application users: table grants below
    cd<db>_gate                 knows only the sign-in functions (lockout, probe); no table
    cd<db>_u<user>              one login role per application user, member of cd<db>_app

Role names are derived from the database name and the username (md5, so any username fits);
`role_names` in Python and `cd_role_of` in SQL compute the same names.
"""

from __future__ import annotations

import hashlib

import peewee

from models import server_guards, server_reads, server_roles, server_statistics
from models.administration import HandoverCase
from models.case_record import DraftRevision, MajorCheck, ReplyPromise
from models.cases import (
    Assignment,
    Attachment,
    CaseAccess,
    CaseCorrection,
    CaseEvent,
    CaseHandling,
    CaseIssue,
    CaseLink,
    CaseText,
    Extension,
    ExternalRoute,
    FindingOverride,
    FollowUp,
    IssuedDocument,
)
from models.records import ImportedRow
from models.rectification import RectificationCase, Recurrence
from models.schema import ALL_MODELS
from models.server_placeholders import PLACEHOLDER_VIEW, placeholder_view
from models.statistics import AssignmentStat, CaseStat, IssueStat

CASE_ROLES = ("officer", "clerk", "night_duty", "manager")
# Tables carrying one case's content: a row is visible exactly when its case is.
CASE_CONTENT_MODELS: tuple[type[peewee.Model], ...] = (
    CaseText,
    CaseHandling,
    CaseLink,
    CaseIssue,
    FindingOverride,
    CaseCorrection,
    Assignment,
    Attachment,
    CaseEvent,
    FollowUp,
    Extension,
    ExternalRoute,
    IssuedDocument,
    ReplyPromise,
    DraftRevision,
    MajorCheck,
    # who is named on a restricted case; the statistics rows of a case (its department, category,
    # finding); its 整改, recurrence, handover and ledger-import links
    CaseAccess,
    CaseStat,
    IssueStat,
    AssignmentStat,
    RectificationCase,
    Recurrence,
    HandoverCase,
    ImportedRow,
)
# Tables only some roles may read and write with plain SQL (readers, writers): the issued analysis
# reports (查看统计报表: officers and managers), 整改 items (case roles: a clerk's or night duty's
# intake flags 整改后复发 on them, app/rectification/recurrence.py), the 交班 records.
ROLE_TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "issued_report": (("manager", "officer"), ("manager", "officer")),
    "rectification": (CASE_ROLES, CASE_ROLES),
    "rectification_event": (CASE_ROLES, CASE_ROLES),
    "rectification_attachment": (CASE_ROLES, CASE_ROLES),
    "rectification_document": (CASE_ROLES, CASE_ROLES),
    "handover": (("manager", "officer", "night_duty"), ("manager", "officer", "night_duty")),
}
# Changed only through the functions below.
FUNCTION_ONLY = ("user", "user_role", "setting", "schema_version")
# Kept by the server's own triggers and functions from the per-case rows (models/server_statistics.py):
# no application role writes them; read by those who may see the statistics (查看统计报表).
DERIVED = server_statistics.DERIVED
STATISTICS_READERS = ("manager", "officer")
# Append-only for the application: no UPDATE or DELETE grant, and a trigger refusing them.
APPEND_ONLY = ("audit_entry", "case_event")
# Settings other roles than the administrator write in their own operations (key: roles).
SETTING_WRITERS = {
    "statistics_config": ("manager",),
    "ledger_import_mappings": ("manager",),
}


def role_prefix(dbname: str) -> str:
    return "cd" + hashlib.md5(dbname.encode("utf-8")).hexdigest()[:8]


def app_group(dbname: str) -> str:
    return role_prefix(dbname) + "_app"


def gate_role(dbname: str) -> str:
    return role_prefix(dbname) + "_gate"


def user_role(dbname: str, username: str) -> str:
    return role_prefix(dbname) + "_u" + hashlib.md5(username.encode("utf-8")).hexdigest()[:16]


def _case_visible(alias: str = "") -> str:
    """The policy's `can_view` as SQL over a case row (app.policy._view_roles)."""
    p = f"{alias}." if alias else ""
    return (
        "((SELECT cd_has('manager'))"
        f" OR (NOT {p}restricted AND (SELECT cd_has('officer') OR cd_has('clerk')))"
        f" OR ({p}restricted AND (SELECT cd_has('officer')) AND ({p}officer_id = (SELECT cd_me()) OR cd_named({p}id)))"
        f" OR ({p}night_intake AND {p}state = 'registered' AND {p}registered_by_id = (SELECT cd_me())"
        " AND (SELECT cd_has('night_duty'))))"
    )


def _functions(dbname: str) -> str:
    app, gate = app_group(dbname), gate_role(dbname)
    writers = " OR ".join(
        f"(p_key = '{key}' AND cd_has_any(ARRAY{list(roles)!r}))" for key, roles in SETTING_WRITERS.items()
    )
    case_roles = "ARRAY" + repr(list(CASE_ROLES))
    return f"""
CREATE OR REPLACE FUNCTION cd_role_of(p_username text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT '{role_prefix(dbname)}_u' || left(md5(p_username), 16) $$;

-- The caller and their roles, asked by the policies in every statement (several times each). In
-- PL/pgSQL, not SQL: a SQL function that cannot be inlined (SECURITY DEFINER) is parsed and planned
-- again in every statement that calls it, and cd_has through cd_roles and cd_me three times over
-- (0.2 ms a call); PL/pgSQL keeps its plans for the session (0.03 ms). The same queries either way.
CREATE OR REPLACE FUNCTION cd_me() RETURNS integer LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
  RETURN (SELECT id FROM "user" WHERE active AND cd_role_of(username) = session_user);
END $$;
{server_roles.FUNCTIONS}
-- The caller's roles in force: a case role an administrator gave counts once a manager confirmed it.
CREATE OR REPLACE FUNCTION cd_has(p_role text) RETURNS boolean LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
  RETURN p_role = ANY(cd_roles());
END $$;

CREATE OR REPLACE FUNCTION cd_has_any(p_roles text[]) RETURNS boolean LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
  RETURN cd_roles() && p_roles;
END $$;

CREATE OR REPLACE FUNCTION cd_named(p_case integer) RETURNS boolean LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
  RETURN EXISTS (SELECT 1 FROM case_access WHERE case_id = p_case AND user_id = cd_me());
END $$;

{server_reads.functions(_case_visible)}
CREATE OR REPLACE FUNCTION cd_complainant_visible(p_id integer) RETURNS boolean LANGUAGE sql STABLE
SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT NOT EXISTS (SELECT 1 FROM "case" WHERE complainant_id = p_id)
      OR EXISTS (SELECT 1 FROM "case" c WHERE c.complainant_id = p_id AND {_case_visible("c")}) $$;

-- The text search of a case's narrative and demands (pg_trgm index): the ids of the matching cases
-- the caller may see. Under row-level security the index could not be used (LIKE is not
-- leakproof, so every row of case_text would pass the policy first).
CREATE OR REPLACE FUNCTION cd_text_search(p_pattern text) RETURNS SETOF integer LANGUAGE sql STABLE
SECURITY DEFINER ROWS 100 SET search_path = public, pg_temp AS $$
  SELECT t.case_id FROM case_text t JOIN "case" c ON c.id = t.case_id
   WHERE (t.content ILIKE p_pattern OR t.demands ILIKE p_pattern) AND {_case_visible("c")} $$;

CREATE OR REPLACE FUNCTION cd_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Direct membership (pg_has_role would count a superuser owner as a member of every role).
  IF session_user = '{gate}' OR EXISTS (
      SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
       WHERE g.rolname = '{app}' AND u.rolname = session_user) THEN
    RAISE EXCEPTION 'append-only: % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = '42501';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;

CREATE OR REPLACE FUNCTION cd_require_admin() RETURNS integer LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE me integer := cd_me();
BEGIN
  IF me IS NULL OR NOT cd_has('admin') THEN
    RAISE EXCEPTION '只有系统管理员可以管理用户和设置' USING ERRCODE = '42501';
  END IF;
  RETURN me;
END $$;

CREATE OR REPLACE FUNCTION cd_check_roles(p_user integer, p_roles text[]) RETURNS void LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE me integer := cd_require_admin();
BEGIN
  IF cardinality(p_roles) = 0 OR NOT p_roles <@ ARRAY['admin', 'manager', 'officer', 'clerk', 'night_duty'] THEN
    RAISE EXCEPTION '角色无效' USING ERRCODE = '22023';
  END IF;
  IF p_user = me AND EXISTS (
      SELECT 1 FROM unnest(p_roles) r WHERE r = ANY({case_roles})
        AND NOT EXISTS (SELECT 1 FROM user_role WHERE user_id = me AND role = r)) THEN
    RAISE EXCEPTION '不能为自己授予案件角色，请由另一名系统管理员授予' USING ERRCODE = '42501';
  END IF;
END $$;

CREATE OR REPLACE FUNCTION cd_store_roles(p_user integer, p_roles text[]) RETURNS void LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM cd_check_roles(p_user, p_roles);
  DELETE FROM user_role WHERE user_id = p_user;
  INSERT INTO user_role (user_id, role) SELECT p_user, r FROM unnest(p_roles) r;
  PERFORM cd_track_roles(p_user);
  IF NOT EXISTS (SELECT 1 FROM "user" u JOIN user_role ur ON ur.user_id = u.id
                 WHERE u.active AND ur.role = 'admin') THEN
    RAISE EXCEPTION '至少需要保留一名启用的系统管理员' USING ERRCODE = '23514';
  END IF;
END $$;

CREATE OR REPLACE FUNCTION cd_add_user(p_username text, p_display text, p_phone text, p_roles text[],
    p_verifier text, p_must_change boolean) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE new_id integer;
BEGIN
  PERFORM cd_require_admin();
  INSERT INTO "user" (username, display_name, password_hash, active, must_change_password, phone,
                      created_at, failed_logins)
  VALUES (p_username, p_display, '', true, p_must_change, p_phone, localtimestamp(0), 0)
  RETURNING id INTO new_id;
  PERFORM cd_store_roles(new_id, p_roles);
  PERFORM cd_make_role(p_username, p_verifier);
  PERFORM cd_log('user.added', p_username, json_build_object('roles', p_roles, 'must_change', p_must_change));
  RETURN new_id;
END $$;

CREATE OR REPLACE FUNCTION cd_make_role(p_username text, p_verifier text) RETURNS void LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE r text := cd_role_of(p_username);
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
    EXECUTE format('ALTER ROLE %I NOLOGIN', r);
  ELSE
    EXECUTE format('CREATE ROLE %I NOLOGIN IN ROLE %I', r, '{app}');
  END IF;
  IF p_verifier IS NOT NULL THEN
    EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L', r, p_verifier);
  END IF;
END $$;

CREATE OR REPLACE FUNCTION cd_update_user(p_username text, p_display text, p_phone text, p_roles text[])
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE target integer; before text[];
BEGIN
  PERFORM cd_require_admin();
  SELECT id INTO target FROM "user" WHERE username = p_username;
  IF target IS NULL THEN RAISE EXCEPTION '用户不存在' USING ERRCODE = '02000'; END IF;
  SELECT coalesce(array_agg(role ORDER BY role), '{{}}') INTO before FROM user_role WHERE user_id = target;
  UPDATE "user" SET display_name = p_display, phone = p_phone WHERE id = target;
  PERFORM cd_store_roles(target, p_roles);
  PERFORM cd_log('user.changed', p_username, json_build_object('old', before, 'new', p_roles));
END $$;

CREATE OR REPLACE FUNCTION cd_set_password(p_username text, p_verifier text, p_must_change boolean)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE target integer; me integer := cd_me();
BEGIN
  SELECT id INTO target FROM "user" WHERE username = p_username;
  IF target IS NULL THEN RAISE EXCEPTION '用户不存在' USING ERRCODE = '02000'; END IF;
  IF target <> me OR me IS NULL THEN
    PERFORM cd_require_admin();
  ELSIF p_must_change THEN
    RAISE EXCEPTION '只能由系统管理员设置临时密码' USING ERRCODE = '42501';
  END IF;
  UPDATE "user" SET must_change_password = p_must_change WHERE id = target;
  IF (SELECT active FROM "user" WHERE id = target) THEN
    PERFORM cd_make_role(p_username, p_verifier);
  END IF;
  PERFORM cd_log('user.password_set', p_username, json_build_object('temporary', p_must_change));
END $$;

CREATE OR REPLACE FUNCTION cd_set_active(p_username text, p_active boolean, p_verifier text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE target integer; me integer := cd_require_admin();
BEGIN
  SELECT id INTO target FROM "user" WHERE username = p_username;
  IF target IS NULL THEN RAISE EXCEPTION '用户不存在' USING ERRCODE = '02000'; END IF;
  IF target = me AND NOT p_active THEN
    RAISE EXCEPTION '不能停用当前登录的账户' USING ERRCODE = '42501';
  END IF;
  UPDATE "user" SET active = p_active, must_change_password = must_change_password OR p_active
   WHERE id = target;
  IF NOT EXISTS (SELECT 1 FROM "user" u JOIN user_role ur ON ur.user_id = u.id
                 WHERE u.active AND ur.role = 'admin') THEN
    RAISE EXCEPTION '至少需要保留一名启用的系统管理员' USING ERRCODE = '23514';
  END IF;
  PERFORM cd_make_role(p_username, CASE WHEN p_active THEN p_verifier END);
  PERFORM cd_log(CASE WHEN p_active THEN 'user.enabled' ELSE 'user.disabled' END, p_username, NULL);
END $$;

CREATE OR REPLACE FUNCTION cd_unlock(p_username text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM cd_require_admin();
  UPDATE "user" SET failed_logins = 0, locked_until = NULL WHERE username = p_username;
  PERFORM cd_role_valid(p_username, true);
  PERFORM cd_log('user.unlocked', p_username, NULL);
END $$;

CREATE OR REPLACE FUNCTION cd_set_setting(p_key text, p_value text) RETURNS void LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE me integer := cd_me();
BEGIN
  IF me IS NULL OR NOT (cd_has('admin') OR {writers}) THEN
    RAISE EXCEPTION '无权修改系统设置' USING ERRCODE = '42501';
  END IF;
  INSERT INTO setting (key, value, updated_at, updated_by)
  VALUES (p_key, p_value, localtimestamp(0), (SELECT username FROM "user" WHERE id = me))
  ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at,
                                  updated_by = EXCLUDED.updated_by;
END $$;

-- Sign-in. The lockout is counted and decided here, on the server, from what the server itself saw:
-- every attempt is charged before the password is tried; an attempt that signs in (cd_login_ok)
-- settles the charges; the limit of charges that no sign-in settled locks the account. A client
-- can neither lift nor shorten a lock, and while it lasts the user's role cannot sign in at all
-- (its password is expired), so a direct connection is refused as well.

CREATE OR REPLACE FUNCTION cd_role_valid(p_username text, p_valid boolean) RETURNS void LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE r text := cd_role_of(p_username);
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
    EXECUTE format('ALTER ROLE %I VALID UNTIL %L', r,
                   CASE WHEN p_valid THEN 'infinity' ELSE '1970-01-01 00:00:00+00' END);
  END IF;
END $$;

CREATE OR REPLACE FUNCTION cd_lock_account(p_user integer) RETURNS timestamp LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE until timestamp := localtimestamp(0) + interval '{{lockout_minutes}} minutes';
BEGIN
  UPDATE "user" SET locked_until = until WHERE id = p_user;
  PERFORM cd_role_valid((SELECT username FROM "user" WHERE id = p_user), false);
  RETURN until;
END $$;

-- A lock that has run out: the count starts again and the role may sign in again.
CREATE OR REPLACE FUNCTION cd_lock_ended(p_user integer) RETURNS void LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  UPDATE "user" SET locked_until = NULL, failed_logins = 0 WHERE id = p_user;
  PERFORM cd_role_valid((SELECT username FROM "user" WHERE id = p_user), true);
END $$;

CREATE OR REPLACE FUNCTION cd_login_charge(p_username text) RETURNS TABLE (allowed boolean, until timestamp)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE u record;
BEGIN
  -- The row lock orders parallel attempts: each is counted exactly once.
  SELECT id, failed_logins, locked_until INTO u FROM "user" WHERE username = p_username FOR UPDATE;
  IF NOT FOUND THEN  -- no such user: the sign-in simply fails
    RETURN QUERY SELECT true, NULL::timestamp;
    RETURN;
  END IF;
  IF u.locked_until IS NOT NULL AND u.locked_until <= localtimestamp THEN
    PERFORM cd_lock_ended(u.id);
    u.locked_until := NULL;
    u.failed_logins := 0;
  END IF;
  IF u.locked_until IS NOT NULL THEN
    RETURN QUERY SELECT false, u.locked_until;
  ELSIF u.failed_logins >= {{max_failures}} THEN  -- the last allowed attempts did not sign in
    RETURN QUERY SELECT false, cd_lock_account(u.id);
  ELSE
    UPDATE "user" SET failed_logins = failed_logins + 1, pending_failures = pending_failures + 1
     WHERE id = u.id;
    -- The last attempt allowed learns when the lock it would set ends (if it fails, cd_login_lock).
    RETURN QUERY SELECT true, CASE WHEN u.failed_logins + 1 >= {{max_failures}}
                                   THEN localtimestamp(0) + interval '{{lockout_minutes}} minutes' END;
  END IF;
END $$;

-- After a failed last attempt: sets the lock that the server's own count calls for (and nothing
-- else: fewer unsettled charges than the limit lock nobody). Returns the lock's end, if any.
CREATE OR REPLACE FUNCTION cd_login_lock(p_username text) RETURNS timestamp LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE u record;
BEGIN
  SELECT id, failed_logins, locked_until INTO u FROM "user" WHERE username = p_username FOR UPDATE;
  IF NOT FOUND THEN RETURN NULL; END IF;
  IF u.locked_until > localtimestamp THEN RETURN u.locked_until; END IF;
  IF u.failed_logins >= {{max_failures}} THEN RETURN cd_lock_account(u.id); END IF;
  RETURN NULL;
END $$;

-- The signed-in user's sign-in is complete: refused while the account is locked (by anyone's
-- attempts); otherwise the charges are settled. Returns the failures since the last sign-in.
CREATE OR REPLACE FUNCTION cd_login_ok() RETURNS integer LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE me integer := cd_me(); locked timestamp; missed integer;
BEGIN
  IF me IS NULL THEN RAISE EXCEPTION 'inactive' USING ERRCODE = '28000'; END IF;
  SELECT locked_until, pending_failures INTO locked, missed FROM "user" WHERE id = me FOR UPDATE;
  IF locked > localtimestamp THEN
    RAISE EXCEPTION 'locked until %', locked USING ERRCODE = '28P01';
  END IF;
  UPDATE "user" SET failed_logins = 0, pending_failures = 0, last_login_at = localtimestamp(0),
         locked_until = NULL
   WHERE id = me;
  RETURN greatest(missed - 1, 0);
END $$;

CREATE OR REPLACE FUNCTION cd_probe() RETURNS TABLE (version integer, key_check text) LANGUAGE sql
STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT (SELECT max(version) FROM schema_version),
         (SELECT value::json #>> '{{}}' FROM setting WHERE key = '_data_key_check') $$;
"""


def _policies() -> list[str]:
    statements = [
        'ALTER TABLE "case" ENABLE ROW LEVEL SECURITY',
        'DROP POLICY IF EXISTS case_read ON "case"',
        f'CREATE POLICY case_read ON "case" FOR SELECT USING {_case_visible()}',
        'DROP POLICY IF EXISTS case_add ON "case"',
        'CREATE POLICY case_add ON "case" FOR INSERT WITH CHECK '
        "((SELECT cd_has_any(ARRAY['manager', 'officer', 'clerk', 'night_duty'])))",
        'DROP POLICY IF EXISTS case_change ON "case"',
        f'CREATE POLICY case_change ON "case" FOR UPDATE USING {_case_visible()} WITH CHECK (true)',
        "ALTER TABLE complainant ENABLE ROW LEVEL SECURITY",
        "DROP POLICY IF EXISTS complainant_rows ON complainant",
        # A visible case names it (an index probe per row, the case policy applied to the probe);
        # the definer function only for one no visible case names (just registered, or restricted).
        "CREATE POLICY complainant_rows ON complainant USING ("
        'EXISTS (SELECT 1 FROM "case" c WHERE c.complainant_id = complainant.id) '
        "OR cd_complainant_visible(id)) WITH CHECK (true)",
    ]
    for model in CASE_CONTENT_MODELS:
        table = model._meta.table_name
        fields = [
            f
            for f in model._meta.sorted_fields
            if isinstance(f, peewee.ForeignKeyField) and f.rel_model._meta.table_name == "case"
        ]
        # `IS NULL OR` only where the column may be empty: an OR beside the EXISTS keeps the planner
        # from probing the case's primary key per row (it hashed every visible case instead).
        visible = " AND ".join(
            (f"({f.column_name} IS NULL OR " if f.null else "(")
            + f'EXISTS (SELECT 1 FROM "case" c WHERE c.id = "{table}".{f.column_name}))'
            for f in fields
        )
        if model is CaseAccess:
            # The app asks for the caller's own namings (app/cases/visibility.py) on every list:
            # those rows are read without the EXISTS (the planner hashed every visible case for it).
            visible = f"user_id = (SELECT cd_me()) OR {visible}"
        statements += [
            f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
            f'DROP POLICY IF EXISTS case_rows ON "{table}"',
            f'CREATE POLICY case_rows ON "{table}" USING ({visible}) WITH CHECK ({visible})',
        ]
    for table in DERIVED:
        statements += [
            f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
            f'DROP POLICY IF EXISTS role_read ON "{table}"',
            f'CREATE POLICY role_read ON "{table}" FOR SELECT USING ({_roles_check(STATISTICS_READERS)})',
        ]
    for table, (readers, writers) in ROLE_TABLES.items():
        read, write = _roles_check(readers), _roles_check(writers)
        statements += [
            f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
            f'DROP POLICY IF EXISTS role_read ON "{table}"',
            f'CREATE POLICY role_read ON "{table}" FOR SELECT USING ({read})',
            f'DROP POLICY IF EXISTS role_add ON "{table}"',
            f'CREATE POLICY role_add ON "{table}" FOR INSERT WITH CHECK ({write})',
            f'DROP POLICY IF EXISTS role_change ON "{table}"',
            f'CREATE POLICY role_change ON "{table}" FOR UPDATE USING ({write}) WITH CHECK ({write})',
            f'DROP POLICY IF EXISTS role_remove ON "{table}"',
            f'CREATE POLICY role_remove ON "{table}" FOR DELETE USING ({write})',
        ]
    return statements


def _roles_check(roles: tuple[str, ...]) -> str:
    """Does the caller hold one of `roles`? Evaluated once per statement (an InitPlan)."""
    return f"(SELECT cd_has_any(ARRAY{list(roles)!r}))"


def _grants(dbname: str) -> list[str]:
    app, gate = app_group(dbname), gate_role(dbname)
    statements = [
        f'REVOKE ALL ON DATABASE "{dbname}" FROM PUBLIC',
        f'GRANT CONNECT ON DATABASE "{dbname}" TO "{app}", "{gate}"',
        "REVOKE ALL ON SCHEMA public FROM PUBLIC",
        f'GRANT USAGE ON SCHEMA public TO "{app}", "{gate}"',
        "REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC",
        f'GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO "{app}"',
        f'REVOKE EXECUTE ON FUNCTION cd_make_role(text, text), cd_check_roles(integer, text[]), '
        f'cd_store_roles(integer, text[]), cd_role_valid(text, boolean), cd_lock_account(integer), '
        f'cd_lock_ended(integer) FROM "{app}"',
        f'GRANT EXECUTE ON FUNCTION cd_login_charge(text), cd_login_lock(text), cd_probe(), '
        f'cd_role_of(text) TO "{gate}"',
        f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{app}"',
    ]
    for model in ALL_MODELS:
        table = model._meta.table_name
        if table in server_guards.RIGHTS:
            rights = server_guards.RIGHTS[table]
        elif table in FUNCTION_ONLY or table in DERIVED:
            rights = "SELECT"
        elif table in APPEND_ONLY:
            rights = "SELECT, INSERT"
        else:
            rights = "SELECT, INSERT, UPDATE, DELETE"
        statements += [f'REVOKE ALL ON "{table}" FROM "{app}"', f'GRANT {rights} ON "{table}" TO "{app}"']
    statements += [
        placeholder_view(),
        f"REVOKE ALL ON {PLACEHOLDER_VIEW} FROM PUBLIC",
        f'GRANT SELECT ON {PLACEHOLDER_VIEW} TO "{app}"',
    ]
    for table in APPEND_ONLY:
        statements += [
            f'DROP TRIGGER IF EXISTS append_only ON "{table}"',
            f'CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION cd_refuse_change()",
            f'DROP TRIGGER IF EXISTS append_only_truncate ON "{table}"',
            f'CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON "{table}" '
            "FOR EACH STATEMENT EXECUTE FUNCTION cd_refuse_change()",
        ]
    return statements


def install(
    db: peewee.Database,
    dbname: str,
    gate_verifier: str,
    *,
    max_failures: int,
    lockout_minutes: int,
    bands: server_statistics.Bands,
) -> None:
    """Create or refresh the roles, functions, grants, policies and triggers (as the owner)."""
    app, gate = app_group(dbname), gate_role(dbname)
    cursor = db.execute_sql("SELECT rolname FROM pg_roles WHERE rolname IN (%s, %s)", (app, gate))
    existing = {row[0] for row in cursor.fetchall()}
    if app not in existing:
        db.execute_sql(f'CREATE ROLE "{app}" NOLOGIN')
    if gate not in existing:
        db.execute_sql(f'CREATE ROLE "{gate}" LOGIN NOINHERIT')
    db.execute_sql(f"ALTER ROLE \"{gate}\" PASSWORD '{_literal(gate_verifier)}'")
    db.execute_sql(
        'ALTER TABLE "user" ADD COLUMN IF NOT EXISTS pending_failures integer NOT NULL DEFAULT 0'
    )
    # The sign-in once trusted its caller to say whether its own attempt set the lock.
    db.execute_sql("DROP FUNCTION IF EXISTS cd_login_ok(boolean)")
    server_roles.prepare(db)
    functions = _functions(dbname).replace("{max_failures}", str(max_failures))
    cursor = db.cursor()  # without parameters: the SQL text is sent as it is ('%' included)
    cursor.execute(functions.replace("{lockout_minutes}", str(lockout_minutes)))
    cursor.execute(server_guards.functions(app))
    statements = server_statistics.statements(bands) + _grants(dbname) + server_statistics.revokes(app)
    for statement in statements + server_roles.grants(app) + _policies() + server_guards.policies():
        cursor.execute(statement)


def _literal(text: str) -> str:
    if "'" in text or "\\" in text:
        raise ValueError("unexpected character in a verifier")
    return text
