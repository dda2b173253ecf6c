"""What the lists and the search read on a shared server beside row-level security: functions the
owner installs with the server's policy (models/server_policy.py), each answering only with rows the
caller may see, and the index of one- and two-character terms.

    cd_named_cases()      the caller's own namings (case_access rows with user_id = cd_me()), which
                          that table's policy lets the caller read anyway. The lists ask for them
                          beside the case policy (app/cases/visibility.py); read through this
                          function the planner no longer prices that policy's hashed walk of every
                          case into each probe of a nested loop (an officer's reminder list joined a
                          page of 转办 by reading all of the officer's cases).
    cd_short_search(t, n) the newest n cases the caller may see whose narrative or demands hold the
                          one- or two-character term t (case-insensitive). pg_trgm needs three
                          characters, so such a term read every text (1.4 s at 200,000 cases). The
                          newest cases are tried first (a common term has its n there); otherwise
                          the term's entry in the grams index (below) gives its cases.
    case_text_grams       GIN over cd_grams(content, newline, demands): every character and every
                          pair of neighbouring characters, lower-cased, none holding white space —
                          a term of one or two characters is then one key. About as large as one
                          trigram index (117 MB at 200,000 cases); built in schema step 31.
"""

from __future__ import annotations

from collections.abc import Callable

import peewee

GRAMS_INDEX = "case_text_grams"
# What the index holds of a case's texts; the search names the same expression so the index serves it.
GRAMS_OF_TEXTS = "cd_grams(content || E'\\n' || demands)"
# Pairs from odd and from even positions: every neighbouring pair once (a regular expression's
# matches do not overlap). COST: evaluated per row it is slow, so no plan should choose to.
GRAMS_FUNCTION = r"""
CREATE OR REPLACE FUNCTION cd_grams(p text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
COST 10000 AS $$
  SELECT array(SELECT DISTINCT g FROM (
      SELECT unnest(string_to_array(l, NULL)) AS g
      UNION ALL SELECT (regexp_matches(l, '..', 'g'))[1]
      UNION ALL SELECT (regexp_matches(substr(l, 2), '..', 'g'))[1]) s
    WHERE g !~ '\s')
  FROM lower(p) l $$"""
# Cases tried newest first before the index is read: a term in more than about one case in twenty
# has its newest matches there.
NEWEST_FIRST = 4000


def create_grams_index(db: peewee.Database) -> None:
    """The grams function and index (PostgreSQL; a few minutes at 200,000 cases on 2 cores)."""
    db.execute_sql(GRAMS_FUNCTION)
    db.execute_sql(f"CREATE INDEX IF NOT EXISTS {GRAMS_INDEX} ON case_text USING gin ({GRAMS_OF_TEXTS})")


def functions(case_visible: Callable[[str], str]) -> str:
    """The functions' SQL; `case_visible(alias)` is the case policy over a case row (the functions
    run as the owner, so each applies it to the caller itself)."""
    return f"""
CREATE OR REPLACE FUNCTION cd_named_cases() RETURNS SETOF integer LANGUAGE sql STABLE SECURITY DEFINER
ROWS 100 SET search_path = public, pg_temp AS $$
  SELECT case_id FROM case_access WHERE user_id = (SELECT cd_me()) $$;

CREATE OR REPLACE FUNCTION cd_short_search(p_term text, p_limit integer) RETURNS SETOF integer
LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 200 SET search_path = public, pg_temp AS $$
DECLARE
  v_term text := lower(p_term);
  v_newest integer[];
BEGIN
  IF length(p_term) NOT BETWEEN 1 AND 2 OR p_term ~ '\\s' OR p_limit < 1 THEN
    RAISE EXCEPTION 'cd_short_search: one or two characters without white space';
  END IF;
  v_newest := ARRAY(
    SELECT c.id FROM (SELECT c.id, c.received_at FROM "case" c WHERE {case_visible("c")}
                       ORDER BY c.received_at DESC, c.id DESC LIMIT {NEWEST_FIRST}) c
      JOIN case_text t ON t.case_id = c.id
     WHERE strpos(lower(t.content), v_term) > 0 OR strpos(lower(t.demands), v_term) > 0
     ORDER BY c.received_at DESC, c.id DESC LIMIT p_limit);
  IF cardinality(v_newest) >= p_limit THEN
    RETURN QUERY SELECT unnest(v_newest);
    RETURN;
  END IF;
  RETURN QUERY
    SELECT c.id FROM case_text t JOIN "case" c ON c.id = t.case_id
     WHERE {GRAMS_OF_TEXTS.replace("content", "t.content").replace("demands", "t.demands")} @> ARRAY[v_term]
       AND {case_visible("c")}
     ORDER BY c.received_at DESC, c.id DESC LIMIT p_limit;
END $$;
"""
