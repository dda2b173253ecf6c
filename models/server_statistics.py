"""The statistics aggregates on a shared server, kept by the server itself (shared mode).

The per-case statistics rows (`case_stat`, `issue_stat`, `assignment_stat`) are written by the
application inside each case write, under the same row-level security as their case: a role changes
only the rows of cases it may write. The aggregates read by every figure — the monthly cube
(`stat_cube`), the day-by-day flows (`stat_flow`) and the identifier keys of repeat complaints
(`stat_person_key`) — are granted SELECT only; the owner's code below keeps them:

* a BEFORE trigger on the per-case rows notes, the first time a transaction touches a case, what that
  case adds to the cube as stored (`cd_stat_cells`, the SQL twin of app/statistics/cube.py
  `contributions`), under a per-case advisory lock;
* a deferred constraint trigger then adds what the case adds now minus what it added before
  (`cd_stat_settle`). Whatever rows a role sends, the cube and flows stay the sum of the per-case rows;
* `cd_stat_persons(case)` rewrites a case's identifier keys from the server's own case and
  complainant rows (blind indexes) and the repeat flags of every case sharing one;
* `cd_stat_rebuild()` (managers only) marks the transaction as a full recount: the per-case rows the
  manager rewrites are not noted one by one, and at commit every key, flag, cell and flow is
  recounted from the stored rows.

The SQLite database keeps them in Python (app/statistics/store.py): whoever holds its key holds all.
"""

from __future__ import annotations

import peewee

from models.migrations import STATISTICS_REBUILD_SETTING
from models.statistics import AssignmentStat, CaseStat, IssueStat

PER_CASE = ("case_stat", "issue_stat", "assignment_stat")
# The per-case rows a case write stores, in the order `cd_stat_store` takes them.
STORED = (CaseStat, IssueStat, AssignmentStat)
DERIVED = ("stat_cube", "stat_flow", "stat_person_key")
# Owner-only bookkeeping of the transactions in flight (no grant to any application role).
_BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS stat_pending_case (tx bigint NOT NULL, case_id integer NOT NULL,
                                              PRIMARY KEY (tx, case_id));
CREATE TABLE IF NOT EXISTS stat_pending_cell (tx bigint NOT NULL, case_id integer NOT NULL, at integer NOT NULL,
                                              key text NOT NULL, n bigint NOT NULL, amount bigint NOT NULL);
CREATE INDEX IF NOT EXISTS stat_pending_cell_case ON stat_pending_cell (tx, case_id);
CREATE TABLE IF NOT EXISTS stat_rebuild (tx bigint PRIMARY KEY);
REVOKE ALL ON stat_pending_case, stat_pending_cell, stat_rebuild FROM PUBLIC;
"""


Bands = tuple[tuple[str, str, int | None], ...]  # app/statistics/conditions.py BANDS


def _band(bands: Bands) -> str:
    """app/statistics/cube.py `band_of` as a CASE over `fen` (> 0)."""
    parts = [f"WHEN fen <= {upper} THEN '{code}'" for code, _, upper in bands if upper is not None]
    return "CASE " + " ".join(parts) + f" ELSE '{bands[-1][0]}' END"


# The identifier keys (app.statistics.person_keys.hashed over the blind indexes) of the cases {where}.
_KEY_ROWS = """
  SELECT DISTINCT c.id, left(encode(sha256(convert_to(v.kind || chr(31) || v.value, 'UTF8')), 'hex'), 20),
         (c.received_at::date - date '0001-01-01') + 1
    FROM "case" c LEFT JOIN complainant p ON p.id = c.complainant_id
   CROSS JOIN LATERAL (VALUES
         ('record', coalesce(nullif(c.patient_record_index, ''), c.patient_record_no)),
         ('phone', coalesce(nullif(p.phone_index, ''), p.phone)),
         ('id', coalesce(nullif(p.id_number_index, ''), p.id_number))) v(kind, value)
   WHERE {where} c.state <> 'merged' AND coalesce(v.value, '') <> ''"""

_FUNCTIONS = """
CREATE OR REPLACE FUNCTION cd_stat_month(p_day integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT (extract(year FROM d) * 100 + extract(month FROM d))::integer
    FROM (SELECT date '0001-01-01' + (p_day - 1) AS d) x $$;

CREATE OR REPLACE FUNCTION cd_stat_stage(p_due integer, p_done integer, p_applies boolean) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN NOT p_applies OR p_due IS NULL OR p_done IS NULL THEN ''
              WHEN p_done <= p_due THEN 'on_time' ELSE 'late_done' END $$;

-- What one case adds to the cube ((month, key) → n, amount) and the flows ((day, 'flow:…') → ±1), from
-- its stored rows: the same definition as cube.contributions (tests compare both on PostgreSQL).
CREATE OR REPLACE FUNCTION cd_stat_cells(p_case integer)
RETURNS TABLE (at integer, key text, n bigint, amount bigint) LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
  c case_stat%ROWTYPE; m integer; fen bigint; late int4multirange; r int4range; route text;
  v_accept text; v_reply text; v_follow text; i record; a record; ack text; resp text; returned boolean;
BEGIN
  SELECT * INTO c FROM case_stat WHERE case_id = p_case;
  IF NOT FOUND THEN RETURN; END IF;
  m := cd_stat_month(c.received_day);
  -- 期末未结 and 期末逾期 as intervals of days (cube.snapshot_intervals)
  IF c.closed_day IS NULL OR c.closed_day > c.received_day THEN
    at := c.received_day; key := 'flow:backlog'; n := 1; amount := 0; RETURN NEXT;
    IF c.closed_day IS NOT NULL THEN at := c.closed_day; n := -1; RETURN NEXT; END IF;
    late := '{}'::int4multirange;
    IF c.accept_due IS NOT NULL AND (c.accepted_day IS NULL OR c.accept_due + 1 < c.accepted_day) THEN
      late := late + int4multirange(int4range(c.accept_due + 1, c.accepted_day));
    END IF;
    IF c.outcome = 'accepted' AND c.reply_due IS NOT NULL
       AND (c.replied_day IS NULL OR c.reply_due + 1 < c.replied_day) THEN
      late := late + int4multirange(int4range(c.reply_due + 1, c.replied_day));
    END IF;
    late := late * int4multirange(int4range(c.received_day, c.closed_day));
    FOR r IN SELECT unnest(late) LOOP
      at := lower(r); key := 'flow:overdue'; n := 1; amount := 0; RETURN NEXT;
      IF NOT upper_inf(r) THEN at := upper(r); n := -1; RETURN NEXT; END IF;
    END LOOP;
  END IF;
  at := m; n := 1; amount := 0;
  IF c.outcome = 'merged' THEN key := 'merged'; RETURN NEXT; RETURN; END IF;
  key := 'received'; RETURN NEXT;
  key := CASE WHEN c.channel = 'transfer' THEN 'channel:transfer:' || c.transfer_source
              ELSE 'channel:' || c.channel END; RETURN NEXT;
  key := 'severity:' || c.severity; RETURN NEXT;
  key := 'outcome:' || c.outcome; RETURN NEXT;
  key := 'handler:' || coalesce(c.officer::text, ''); RETURN NEXT;
  IF c.finding <> '' THEN key := 'finding_case:' || c.finding; RETURN NEXT; END IF;
  IF c.satisfaction <> '' THEN key := 'satisfaction:' || c.satisfaction; RETURN NEXT; END IF;
  IF c.reopen_count > 0 THEN key := 'reopened'; amount := c.reopen_count; RETURN NEXT; amount := 0; END IF;
  FOR route IN SELECT x FROM unnest(string_to_array(c.external, ',')) x WHERE x <> '' LOOP
    key := 'external:' || route; RETURN NEXT;
  END LOOP;
  IF c.is_repeat THEN key := 'repeat'; RETURN NEXT; END IF;
  IF c.severity = 'major' THEN
    key := 'major'; RETURN NEXT;
    IF c.report_hours IS NOT NULL THEN
      key := 'major_reported'; amount := c.report_hours; RETURN NEXT; amount := 0;
      key := 'major_report_hours:' || c.report_hours; RETURN NEXT;
    END IF;
  END IF;
  fen := coalesce(c.compensation_fen, 0);
  IF fen > 0 THEN
    amount := fen;
    key := 'compensation'; RETURN NEXT;
    key := 'compensation:' || {band}; RETURN NEXT;
    amount := 0;
  END IF;
  v_accept := cd_stat_stage(c.accept_due, c.accepted_day, true);
  v_reply := cd_stat_stage(c.reply_due, c.replied_day, c.outcome = 'accepted');
  v_follow := cd_stat_stage(c.follow_up_due, c.followed_day, true);
  IF v_accept <> '' THEN key := 'timeliness_accept:' || v_accept; RETURN NEXT; END IF;
  IF v_reply <> '' THEN key := 'timeliness_reply:' || v_reply; RETURN NEXT; END IF;
  IF v_follow <> '' THEN key := 'timeliness_follow_up:' || v_follow; RETURN NEXT; END IF;
  IF c.outcome = 'on_spot' OR v_reply = 'on_time' THEN key := 'completion:on_time'; RETURN NEXT;
  ELSIF v_reply = 'late_done' THEN key := 'completion:late_done'; RETURN NEXT;
  END IF;
  FOR i IN SELECT * FROM issue_stat s WHERE s.case_id = p_case LOOP
    IF i.first_category1 <> 0 THEN key := 'category1:' || coalesce(i.category1::text, ''); RETURN NEXT; END IF;
    IF i.first_category2 <> 0 THEN key := 'category2:' || coalesce(i.category2::text, ''); RETURN NEXT; END IF;
    IF i.first_department <> 0 THEN key := 'department:' || coalesce(i.department::text, ''); RETURN NEXT; END IF;
    IF i.first_issue <> 0 THEN key := 'finding_issue:' || i.finding; RETURN NEXT; END IF;
    IF i.finding IN ('upheld', 'partly_upheld') THEN
      key := 'dept_' || i.finding || ':' || coalesce(i.department::text, ''); RETURN NEXT;
    END IF;
  END LOOP;
  FOR i IN SELECT DISTINCT coalesce(s.department::text, '') AS d FROM issue_stat s WHERE s.case_id = p_case LOOP
    IF c.satisfaction = 'dissatisfied' THEN key := 'dept_dissatisfied:' || i.d; RETURN NEXT; END IF;
    IF c.severity = 'major' THEN key := 'dept_major:' || i.d; RETURN NEXT; END IF;
    IF fen > 0 THEN key := 'compensation_department:' || i.d; amount := fen; RETURN NEXT; amount := 0; END IF;
  END LOOP;
  FOR a IN SELECT * FROM assignment_stat s WHERE s.case_id = p_case LOOP
    returned := a.state = 'returned';
    ack := cd_stat_stage(a.acknowledge_due, a.acknowledged_day, NOT returned OR a.acknowledged_day IS NOT NULL);
    resp := cd_stat_stage(a.respond_due, a.responded_day, NOT returned);
    IF ack <> '' THEN key := 'timeliness_acknowledge:' || ack; RETURN NEXT; END IF;
    IF ack = 'late_done' THEN key := 'dept_late_acknowledge:' || a.department; RETURN NEXT; END IF;
    IF resp <> '' THEN key := 'timeliness_respond:' || resp; RETURN NEXT; END IF;
    IF resp = 'late_done' THEN key := 'dept_late_respond:' || a.department; RETURN NEXT; END IF;
  END LOOP;
END $$;

-- Add cells (differences) to the cube and the flows, in key order (as cube.apply: two writers
-- touching the same cells lock them in the same order, so they wait instead of deadlocking).
CREATE OR REPLACE FUNCTION cd_stat_add(p_cells jsonb) RETURNS void LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  WITH d AS (SELECT (e->>0)::integer AS at, e->>1 AS key, (e->>2)::bigint AS n, (e->>3)::bigint AS amount
               FROM jsonb_array_elements(p_cells) e),
  cube AS (INSERT INTO stat_cube (month, key, n, amount)
           SELECT at, key, n, amount FROM d WHERE key NOT LIKE 'flow:%' ORDER BY at, key
           ON CONFLICT (month, key) DO UPDATE SET n = stat_cube.n + EXCLUDED.n,
                                                 amount = stat_cube.amount + EXCLUDED.amount)
  INSERT INTO stat_flow (key, day, n) SELECT substr(key, 6), at, n FROM d WHERE key LIKE 'flow:%' ORDER BY key, at
  ON CONFLICT (key, day) DO UPDATE SET n = stat_flow.n + EXCLUDED.n;
END $$;

-- Before a per-case row changes: the first time in this transaction, note what the case adds now.
CREATE OR REPLACE FUNCTION cd_stat_note(p_case integer) RETURNS void LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE me_tx bigint := txid_current();
BEGIN
  IF p_case IS NULL OR EXISTS (SELECT 1 FROM stat_rebuild r WHERE r.tx = txid_current())
     OR EXISTS (SELECT 1 FROM stat_pending_case p WHERE p.tx = txid_current() AND p.case_id = p_case) THEN
    RETURN;
  END IF;
  -- One transaction at a time per case: the cells noted are the ones the cube holds.
  PERFORM pg_advisory_xact_lock(1668506996, p_case);
  INSERT INTO stat_pending_case VALUES (me_tx, p_case);
  INSERT INTO stat_pending_cell SELECT me_tx, p_case, x.at, x.key, x.n, x.amount FROM cd_stat_cells(p_case) x;
END $$;

-- After the change (at commit, or at the statement's end if the constraints are set immediate):
-- add what the case adds now minus what it added before; the note is then done with.
CREATE OR REPLACE FUNCTION cd_stat_settle(p_case integer) RETURNS void LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE diff jsonb;
BEGIN
  DELETE FROM stat_pending_case p WHERE p.tx = txid_current() AND p.case_id = p_case;
  IF NOT FOUND THEN RETURN; END IF;
  SELECT jsonb_agg(jsonb_build_array(at, key, n, amount)) INTO diff FROM (
    SELECT at, key, sum(n) AS n, sum(amount) AS amount FROM (
      SELECT x.at, x.key, x.n, x.amount FROM cd_stat_cells(p_case) x
      UNION ALL
      SELECT p.at, p.key, -p.n, -p.amount FROM stat_pending_cell p WHERE p.tx = txid_current() AND p.case_id = p_case
    ) both_sides GROUP BY at, key HAVING sum(n) <> 0 OR sum(amount) <> 0) d;
  DELETE FROM stat_pending_cell p WHERE p.tx = txid_current() AND p.case_id = p_case;
  IF diff IS NOT NULL THEN PERFORM cd_stat_add(diff); END IF;
END $$;

-- The per-case rows' trigger: BEFORE a change, note the case(s); AFTER it (deferred), settle them.
CREATE OR REPLACE FUNCTION cd_stat_row() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE cases integer[] := CASE TG_OP WHEN 'INSERT' THEN ARRAY[NEW.case_id] WHEN 'DELETE' THEN ARRAY[OLD.case_id]
                                      ELSE ARRAY[OLD.case_id, NEW.case_id] END;
  cid integer;
BEGIN
  FOREACH cid IN ARRAY cases LOOP
    IF TG_WHEN = 'BEFORE' THEN PERFORM cd_stat_note(cid); ELSE PERFORM cd_stat_settle(cid); END IF;
  END LOOP;
  RETURN CASE WHEN TG_WHEN = 'AFTER' THEN NULL WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;

-- The repeat flag of these cases from the identifier keys (repeats.repeat_cases: another case with
-- the key received within 365 days before, the same day registered earlier).
CREATE OR REPLACE FUNCTION cd_stat_flags(p_cases integer[]) RETURNS void LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  UPDATE case_stat s SET is_repeat = f.flag FROM (
    SELECT c AS case_id, EXISTS (
      SELECT 1 FROM stat_person_key k JOIN stat_person_key e ON e.key = k.key
       WHERE k.case_id = c AND (e.received_day, e.case_id) < (k.received_day, k.case_id)
         AND k.received_day - e.received_day <= 365) AS flag
      FROM unnest(p_cases) c) f
   WHERE s.case_id = f.case_id AND s.is_repeat IS DISTINCT FROM f.flag;
END $$;

-- The identifier keys of one case from the server's own rows (the blind indexes of its patient
-- record number and complainant's phone and ID number), then the flags of every case they concern.
-- Anyone may call it: it only makes the keys right.
CREATE OR REPLACE FUNCTION cd_stat_persons(p_case integer) RETURNS void LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE concerned integer[];
BEGIN
  SELECT array_agg(DISTINCT e.case_id) INTO concerned FROM stat_person_key k
    JOIN stat_person_key e ON e.key = k.key WHERE k.case_id = p_case;
  DELETE FROM stat_person_key WHERE case_id = p_case;
  INSERT INTO stat_person_key (case_id, key, received_day){keys_of_case};
  SELECT array_agg(DISTINCT x) INTO concerned FROM (
    SELECT unnest(concerned || ARRAY[p_case]) x
    UNION SELECT e.case_id FROM stat_person_key k JOIN stat_person_key e ON e.key = k.key WHERE k.case_id = p_case
  ) all_cases;
  PERFORM cd_stat_flags(concerned);
END $$;

-- 重建统计数据 on the server: managers only. The rows the manager rewrites in this transaction are not
-- noted one by one; at commit every key, flag, cell and flow is recounted from the stored rows.
CREATE OR REPLACE FUNCTION cd_stat_rebuild() RETURNS void LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
  IF cd_me() IS NULL OR NOT cd_has('manager') THEN
    RAISE EXCEPTION '只有投诉办主任可以重建统计数据' USING ERRCODE = '42501';
  END IF;
  INSERT INTO stat_rebuild VALUES (txid_current()) ON CONFLICT DO NOTHING;
  DELETE FROM setting WHERE key = '{rebuild_setting}';  -- the upgrade's mark: recounted now
END $$;

CREATE OR REPLACE FUNCTION cd_stat_recount() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
  -- While the mark stands, the rewrites below are not noted (nothing would be left to settle).
  DELETE FROM stat_person_key;
  INSERT INTO stat_person_key (case_id, key, received_day){keys_of_all};
  PERFORM cd_stat_flags(ARRAY(SELECT case_id FROM case_stat));
  DELETE FROM stat_cube;
  DELETE FROM stat_flow;
  INSERT INTO stat_cube (month, key, n, amount)
  SELECT x.at, x.key, sum(x.n), sum(x.amount) FROM case_stat s CROSS JOIN LATERAL cd_stat_cells(s.case_id) x
   WHERE x.key NOT LIKE 'flow:%' GROUP BY x.at, x.key HAVING sum(x.n) <> 0 OR sum(x.amount) <> 0;
  INSERT INTO stat_flow (key, day, n)
  SELECT substr(x.key, 6), x.at, sum(x.n) FROM case_stat s CROSS JOIN LATERAL cd_stat_cells(s.case_id) x
   WHERE x.key LIKE 'flow:%' GROUP BY x.at, x.key HAVING sum(x.n) <> 0;
  DELETE FROM stat_pending_cell p WHERE p.tx = txid_current();
  DELETE FROM stat_pending_case p WHERE p.tx = txid_current();
  DELETE FROM stat_rebuild r WHERE r.tx = txid_current();
  RETURN NULL;
END $$;
"""


def _store_function() -> str:
    """`cd_stat_store(case, case rows, issue rows, assignment rows)`: a case write's statistics rows
    in one statement instead of seven (app/statistics/store.py `refresh`; a server charges a round
    trip and a planning per statement). It runs as the caller (no SECURITY DEFINER): each delete
    and insert is checked by the same row-level security and grants as when the application sent it,
    and the triggers above note and settle the case as they do for those statements."""
    inserts = []
    for model, rows in zip(STORED, ("p_case_rows", "p_issue_rows", "p_assignment_rows"), strict=True):
        table = model._meta.table_name
        columns = ", ".join(
            f'"{f.column_name}"' for f in model._meta.sorted_fields if not isinstance(f, peewee.AutoField)
        )
        inserts.append(
            f'  INSERT INTO "{table}" ({columns}) SELECT {columns} FROM jsonb_populate_recordset(NULL::"{table}", {rows});'
        )
    deletes = [f'  DELETE FROM "{t}" WHERE case_id = p_case;' for t in ("issue_stat", "assignment_stat", "case_stat")]
    body = "\n".join([*deletes, *inserts])
    return f"""
CREATE OR REPLACE FUNCTION cd_stat_store(p_case integer, p_case_rows jsonb, p_issue_rows jsonb,
                                         p_assignment_rows jsonb) RETURNS void LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
BEGIN
{body}
  PERFORM cd_stat_persons(p_case);
END $$;
"""


def statements(bands: Bands) -> list[str]:
    """The bookkeeping tables, functions and triggers (run by the owner on every install)."""
    functions = (
        _FUNCTIONS.replace("{band}", _band(bands))
        .replace("{keys_of_case}", _KEY_ROWS.replace("{where}", "c.id = p_case AND"))
        .replace("{keys_of_all}", _KEY_ROWS.replace("{where}", ""))
        .replace("{rebuild_setting}", STATISTICS_REBUILD_SETTING)
    )
    result = [_BOOKKEEPING, functions, _store_function()]
    for table in PER_CASE:
        result += [
            f'DROP TRIGGER IF EXISTS stat_before ON "{table}"',
            f'CREATE TRIGGER stat_before BEFORE INSERT OR UPDATE OR DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION cd_stat_row()",
            f'DROP TRIGGER IF EXISTS stat_after ON "{table}"',
            f'CREATE CONSTRAINT TRIGGER stat_after AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION cd_stat_row()",
        ]
    result += [
        "DROP TRIGGER IF EXISTS stat_recount ON stat_rebuild",
        "CREATE CONSTRAINT TRIGGER stat_recount AFTER INSERT ON stat_rebuild "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION cd_stat_recount()",
    ]
    return result


def revokes(app: str) -> list[str]:
    """The owner's helpers no application role may call (adding cells, reading a restricted case's)."""
    return [
        "REVOKE EXECUTE ON FUNCTION cd_stat_cells(integer), cd_stat_add(jsonb), cd_stat_note(integer), "
        f'cd_stat_settle(integer), cd_stat_flags(integer[]) FROM "{app}"'
    ]
