"""Shared mode: the narrowest write rule for each table that is neither a case's content nor the
accounts (models/server_policy.py installs these beside its own policies, as the owner).

* The administrator's tables (departments, categories, the calendar, the letterhead's images, the
  backup records): every application role reads them, only an administrator writes them (row-level
  security write policies); anybody else's UPDATE and DELETE touch no row, an INSERT is refused.
* Each user's own reminder rows: read and written by that user only.
* The stored font files and letterhead images of issued documents: added by the roles that issue documents, never
  changed or deleted by anybody.
* The audit log's head and the case number counters: read-only for the application. The head is
  kept by a trigger on the audit log (which also refuses an entry in another user's name, or out
  of sequence); the counters advance only through `cd_next_case_nos`, under the counter's row lock
  for the rest of the registering transaction (numbers neither repeat nor skip).
* A case row: a role without the office's handling rights (front desk, night duty) may change its
  intake columns only; every role writes the case in its own name. Its handling texts
  (`case_handling`: 调查核实情况, 处理意见, 整改措施, the approval comment) are added, changed or
  removed by the handling roles only.
"""

from __future__ import annotations

CASE_ROLES = ("officer", "clerk", "night_duty", "manager")
ADMIN_TABLES = ("department", "category", "calendar_override", "letterhead_image", "backup_record")
OWN_ROWS = ("reminder_preference", "reminder_dismissal")  # column user_id
INSERT_ONLY = {"document_font": CASE_ROLES, "document_image": CASE_ROLES}  # table: the roles that add rows
SERVER_KEPT = ("audit_head", "case_counter")
# Rights of the application group on these tables (the rest of the models: server_policy._grants).
RIGHTS = {
    **{table: "SELECT, INSERT, UPDATE, DELETE" for table in ADMIN_TABLES + OWN_ROWS},
    **{table: "SELECT, INSERT" for table in INSERT_ONLY},
    **{table: "SELECT" for table in SERVER_KEPT},
}
# Who may take numbers: the roles that register (登记) and the ones that import a ledger (导入台账).
NUMBERING_ROLES = (*CASE_ROLES, "admin")
# The columns of a case only the office's handling roles (officer, manager) change: its state, who
# handles it, its restriction, its finding and outcome, who registered it and when it closed. Its
# handling texts are a table of their own, written by those roles only (HANDLING_TEXTS).
HANDLING_COLUMNS = (
    "case_no",
    "state",
    "registered_by_id",
    "night_intake",
    "officer_id",
    "on_hold",
    "restricted",
    "escalated_at",
    "finding",
    "compensation_amount",
    "refund_amount",
    "reply_method",
    "replied_at",
    "reject_reason",
    "merged_into_id",
    "closed_at",
    "closed_by_id",
    "close_kind",
    "close_reason",
    "archived",
)
HANDLING_TEXTS = "case_handling"


def functions(app: str) -> str:
    """The SQL functions and trigger functions (`app`: the application group role)."""
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in HANDLING_COLUMNS)
    return f"""
-- Is this session an application user's own role (not the owner, not the sign-in helper)?
CREATE OR REPLACE FUNCTION cd_app_session() RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                 JOIN pg_roles u ON u.oid = m.member
                  WHERE g.rolname = '{app}' AND u.rolname = session_user) $$;

CREATE OR REPLACE FUNCTION cd_my_username() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public, pg_temp AS $$
  SELECT username FROM "user" WHERE active AND cd_role_of(username) = session_user $$;

-- The audit head, locked for the rest of the caller's transaction (its next entry follows it).
CREATE OR REPLACE FUNCTION cd_audit_head() RETURNS TABLE (seq integer, hash bytea) LANGUAGE sql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT h.seq, h.hash FROM audit_head h WHERE h.id = 1 FOR UPDATE $$;

CREATE OR REPLACE FUNCTION cd_audit_appended() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE head_seq integer;
BEGIN
  IF NOT cd_app_session() THEN  -- the owner (creation, migration) keeps the head itself
    RETURN NEW;
  END IF;
  IF NEW.actor IS DISTINCT FROM cd_my_username() THEN
    RAISE EXCEPTION '审计记录只能以当前登录的用户名义写入' USING ERRCODE = '42501';
  END IF;
  SELECT h.seq INTO head_seq FROM audit_head h WHERE h.id = 1 FOR UPDATE;
  IF NEW.seq IS DISTINCT FROM coalesce(head_seq, 0) + 1 THEN
    RAISE EXCEPTION '审计记录的序号不连续' USING ERRCODE = '23514';
  END IF;
  INSERT INTO audit_head (id, seq, hash) VALUES (1, NEW.seq, NEW.hash)
  ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash;
  RETURN NEW;
END $$;

-- `p_count` consecutive case numbers of a prefix and year: returns the first sequence number. The
-- counter row stays locked until the caller's transaction ends; a rollback gives the numbers back.
CREATE OR REPLACE FUNCTION cd_next_case_nos(p_prefix text, p_year integer, p_count integer)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE last integer;
BEGIN
  IF NOT cd_has_any(ARRAY{list(NUMBERING_ROLES)!r}) THEN
    RAISE EXCEPTION '无权登记投诉' USING ERRCODE = '42501';
  END IF;
  IF p_count IS NULL OR p_count < 1 OR p_count > 100000 THEN
    RAISE EXCEPTION '案件编号数量无效' USING ERRCODE = '22023';
  END IF;
  INSERT INTO case_counter (prefix, year, last_seq) VALUES (p_prefix, p_year, 0) ON CONFLICT DO NOTHING;
  UPDATE case_counter SET last_seq = last_seq + p_count WHERE prefix = p_prefix AND year = p_year
  RETURNING last_seq INTO last;
  RETURN last - p_count + 1;
END $$;

CREATE OR REPLACE FUNCTION cd_case_guard() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
  IF NOT cd_app_session() THEN
    RETURN NEW;
  END IF;
  IF NEW.updated_by_id IS DISTINCT FROM cd_me() THEN
    RAISE EXCEPTION '案件只能以当前登录的用户名义修改' USING ERRCODE = '42501';
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW.registered_by_id IS DISTINCT FROM cd_me()
       OR (NOT cd_has_any(ARRAY['officer', 'manager']) AND (NEW.state <> 'registered' OR NEW.restricted)) THEN
      RAISE EXCEPTION '登记的案件不符合本人的权限' USING ERRCODE = '42501';
    END IF;
  ELSIF NOT cd_has_any(ARRAY['officer', 'manager']) AND ({changed}) THEN
    RAISE EXCEPTION '无权修改案件的办理状态和结论' USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION cd_handling_guard() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
  IF cd_app_session() AND NOT cd_has_any(ARRAY['officer', 'manager']) THEN
    RAISE EXCEPTION '无权修改案件的办理状态和结论' USING ERRCODE = '42501';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
"""


def policies() -> list[str]:
    """Row-level security and triggers for the tables above."""
    admin = "(SELECT cd_has('admin'))"
    statements: list[str] = []
    for table in ADMIN_TABLES:
        statements += _enable(table) + [
            f'CREATE POLICY read_all ON "{table}" FOR SELECT USING (true)',
            f'CREATE POLICY admin_add ON "{table}" FOR INSERT WITH CHECK ({admin})',
            f'CREATE POLICY admin_change ON "{table}" FOR UPDATE USING ({admin}) WITH CHECK ({admin})',
            f'CREATE POLICY admin_remove ON "{table}" FOR DELETE USING ({admin})',
        ]
    for table in OWN_ROWS:
        own = "user_id = (SELECT cd_me())"
        statements += _enable(table) + [f'CREATE POLICY own_rows ON "{table}" USING ({own}) WITH CHECK ({own})']
    for table, roles in INSERT_ONLY.items():
        statements += _enable(table) + [
            f'CREATE POLICY read_all ON "{table}" FOR SELECT USING (true)',
            f'CREATE POLICY issuers_add ON "{table}" FOR INSERT '
            f"WITH CHECK ((SELECT cd_has_any(ARRAY{list(roles)!r})))",
        ]
    statements += [
        "DROP TRIGGER IF EXISTS audit_appended ON audit_entry",
        "CREATE TRIGGER audit_appended BEFORE INSERT ON audit_entry FOR EACH ROW EXECUTE FUNCTION cd_audit_appended()",
        'DROP TRIGGER IF EXISTS case_guard ON "case"',
        'CREATE TRIGGER case_guard BEFORE INSERT OR UPDATE ON "case" FOR EACH ROW EXECUTE FUNCTION cd_case_guard()',
        f'DROP TRIGGER IF EXISTS handling_guard ON "{HANDLING_TEXTS}"',
        f'CREATE TRIGGER handling_guard BEFORE INSERT OR UPDATE OR DELETE ON "{HANDLING_TEXTS}" '
        "FOR EACH ROW EXECUTE FUNCTION cd_handling_guard()",
    ]
    return statements


def _enable(table: str) -> list[str]:
    """Row-level security on `table`, its earlier policies dropped (a reinstall starts afresh)."""
    return [
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
        f"""DO $$ DECLARE p text; BEGIN
              FOR p IN SELECT policyname FROM pg_policies WHERE schemaname = 'public' AND tablename = '{table}' LOOP
                EXECUTE format('DROP POLICY %I ON %I', p, '{table}');
              END LOOP; END $$""",
    ]
