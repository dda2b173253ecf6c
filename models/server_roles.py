"""Shared mode: case roles an administrator gives take effect once a manager confirms them, and the
server's account functions write a log the application cannot change (installed with
models/server_policy.py, by the database owner).

An administrator manages accounts but must not read cases (separation of duties). Without this,
`cd_add_user(..., ARRAY['manager'], ...)` would make a puppet account that reads every restricted
case. So the roles that open case content on the server (`CONFIRMED_ROLES`: manager, officer, and
clerk, whose role reads every unrestricted case's rows) count in `cd_has` only once a manager has
confirmed them (`role_grant`, `cd_confirm_role`). Night duty does not wait: it sees only the cases
its own account registered at night, until the office takes them over, so it reads nothing it did
not write. Until the office has had a confirmed manager (a new database), roles take effect at
once: nobody could confirm them yet. A database installed before this (an upgrade) keeps its roles:
the table is filled, confirmed, when it is created.

`account_log` is appended to by the SECURITY DEFINER account functions only (no grant to write,
a trigger refusing changes); managers and administrators read it.
"""

from __future__ import annotations

import peewee

CONFIRMED_ROLES = ("manager", "officer", "clerk")
LOG_READERS = ("manager", "admin")
_ROLES = "ARRAY" + repr(list(CONFIRMED_ROLES))

TABLES = """
CREATE TABLE role_grant (
  user_id integer NOT NULL REFERENCES "user"(id) ON DELETE CASCADE,
  role text NOT NULL,
  given_by text NOT NULL,
  given_at timestamp NOT NULL,
  confirmed_by text,
  confirmed_at timestamp,
  PRIMARY KEY (user_id, role));
CREATE TABLE IF NOT EXISTS account_log (
  id bigserial PRIMARY KEY,
  at timestamp NOT NULL DEFAULT localtimestamp(0),
  actor text NOT NULL,
  action text NOT NULL,
  target text NOT NULL DEFAULT '',
  detail text NOT NULL DEFAULT '{}');
"""

# The roles of a database installed before confirmations existed stay in force.
SEED = f"""
INSERT INTO role_grant (user_id, role, given_by, given_at, confirmed_by, confirmed_at)
SELECT user_id, role, '', localtimestamp(0), '', localtimestamp(0) FROM user_role WHERE role = ANY({_ROLES});
INSERT INTO account_log (actor, action, target, detail)
SELECT '', 'role.confirmed', u.username, json_build_object('role', g.role, 'by', 'upgrade')::text
  FROM role_grant g JOIN "user" u ON u.id = g.user_id;
"""

FUNCTIONS = f"""
-- PL/pgSQL (its plan kept for the session): the policies ask it in every statement (server_policy.py).
CREATE OR REPLACE FUNCTION cd_roles() RETURNS text[] LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
  RETURN (SELECT coalesce(array_agg(ur.role), '{{}}') FROM user_role ur
   WHERE ur.user_id = cd_me()
     AND (ur.role <> ALL({_ROLES}) OR EXISTS (
          SELECT 1 FROM role_grant g WHERE g.user_id = ur.user_id AND g.role = ur.role
             AND g.confirmed_at IS NOT NULL)));
END $$;

CREATE OR REPLACE FUNCTION cd_pending_roles() RETURNS text[] LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public, pg_temp AS $$
  SELECT coalesce(array_agg(role ORDER BY role), '{{}}') FROM role_grant
   WHERE user_id = cd_me() AND confirmed_at IS NULL $$;

CREATE OR REPLACE FUNCTION cd_log(p_action text, p_target text, p_detail json) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  INSERT INTO account_log (actor, action, target, detail)
  VALUES (coalesce((SELECT username FROM "user" WHERE id = cd_me()), session_user::text), p_action,
          coalesce(p_target, ''), coalesce(p_detail, '{{}}'::json)::text) $$;

-- After a user's roles were stored: a newly given confirmable role waits for a manager (at once
-- while the office has never had a confirmed manager); a role taken away loses its confirmation.
CREATE OR REPLACE FUNCTION cd_track_roles(p_user integer) RETURNS void LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  me text := coalesce((SELECT username FROM "user" WHERE id = cd_me()), session_user::text);
  first_use boolean := NOT EXISTS (SELECT 1 FROM account_log WHERE action = 'role.confirmed'
                                      AND detail::json ->> 'role' = 'manager');
  added text;
BEGIN
  DELETE FROM role_grant g WHERE g.user_id = p_user
     AND NOT EXISTS (SELECT 1 FROM user_role ur WHERE ur.user_id = p_user AND ur.role = g.role);
  FOR added IN SELECT ur.role FROM user_role ur WHERE ur.user_id = p_user AND ur.role = ANY({_ROLES})
                  AND NOT EXISTS (SELECT 1 FROM role_grant g WHERE g.user_id = p_user AND g.role = ur.role)
  LOOP
    INSERT INTO role_grant (user_id, role, given_by, given_at, confirmed_by, confirmed_at)
    VALUES (p_user, added, me, localtimestamp(0),
            CASE WHEN first_use THEN '' END, CASE WHEN first_use THEN localtimestamp(0) END);
    IF first_use THEN
      PERFORM cd_log('role.confirmed', (SELECT username FROM "user" WHERE id = p_user),
                     json_build_object('role', added, 'by', 'first use'));
    END IF;
  END LOOP;
END $$;

CREATE OR REPLACE FUNCTION cd_confirm_role(p_username text, p_role text) RETURNS void LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE target integer; given text;
BEGIN
  IF cd_me() IS NULL OR NOT cd_has('manager') THEN
    RAISE EXCEPTION '只有主任可以确认案件角色' USING ERRCODE = '42501';
  END IF;
  SELECT id INTO target FROM "user" WHERE username = p_username AND active;
  UPDATE role_grant SET confirmed_by = (SELECT username FROM "user" WHERE id = cd_me()),
                        confirmed_at = localtimestamp(0)
   WHERE user_id = target AND role = p_role AND confirmed_at IS NULL
  RETURNING given_by INTO given;
  IF NOT FOUND THEN
    RAISE EXCEPTION '没有待确认的该角色' USING ERRCODE = '02000';
  END IF;
  PERFORM cd_log('role.confirmed', p_username, json_build_object('role', p_role, 'given_by', given));
END $$;
"""


def prepare(db: peewee.Database) -> None:
    """The tables, before the functions that read them are (re)made; a new `role_grant` is filled
    with the roles already held (an upgrade keeps them)."""
    cursor = db.cursor()
    cursor.execute("SELECT to_regclass('role_grant') IS NULL")
    if cursor.fetchone()[0]:
        cursor.execute(TABLES)
        cursor.execute(SEED)


def grants(app: str) -> list[str]:
    readers = "ARRAY" + repr(list(LOG_READERS))
    return [
        f'REVOKE EXECUTE ON FUNCTION cd_log(text, text, json), cd_track_roles(integer) FROM "{app}"',
        f'REVOKE ALL ON role_grant, account_log FROM "{app}"',
        f'GRANT SELECT ON role_grant, account_log TO "{app}"',
        "ALTER TABLE account_log ENABLE ROW LEVEL SECURITY",
        "DROP POLICY IF EXISTS log_read ON account_log",
        f"CREATE POLICY log_read ON account_log FOR SELECT USING ((SELECT cd_has_any({readers})))",
        "DROP TRIGGER IF EXISTS append_only ON account_log",
        "CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON account_log "
        "FOR EACH ROW EXECUTE FUNCTION cd_refuse_change()",
        "DROP TRIGGER IF EXISTS append_only_truncate ON account_log",
        "CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON account_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION cd_refuse_change()",
    ]
