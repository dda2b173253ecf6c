"""What the lists and the search read on a shared server beside row-level security: functions the
owner installs with the server's policy (models/server_policy.py), each answering only with rows the
caller may see, and the index of one- and two-character terms.

    cd_named_case_ids()   the caller's own namings (case_access rows with user_id = cd_me()), which
                          that table's policy lets the caller read anyway, as one array. The lists
                          ask for them beside the case policy (app/cases/visibility.py); read
                          through this function the planner no longer prices that policy's hashed
                          walk of every case into each probe of a nested loop (an officer's reminder
                          list joined a page of 转办 by reading all of the officer's cases). One
                          array, not a set of rows: 7,700 namings in 1.3 ms instead of 15-20 ms.
    cd_text_newest(t, n)  the newest n cases the caller may see whose narrative or demands hold the
                          term t (ILIKE). A term with few matches in the text indexes (pg_trgm, or
                          for one or two characters, which pg_trgm cannot serve, the grams index
                          below: such a term read every text, 1.4 s at 200,000 cases) is read by
                          id; a common one is looked for in the newest cases, where its newest
                          matches are (all 20,000 matches of a word were read, and twice: 0.6 s).
    cd_texts_newest(ts, n)  the same for several terms, each held by the narrative or the demands:
                          the matches of a term with few (the longest tried first, its index read
                          by id), otherwise the newest cases, otherwise every case the text indexes
                          give for all of the terms at once (their bitmaps intersected). Before, each
                          common term's whole match set was read and the sets intersected (two
                          common terms: about 1.2 s at 200,000 cases under load).
    cd_texts_holding(ids, ps)  those of the cases `ids` the caller may see whose narrative or
                          demands hold every LIKE pattern of `ps` (a search of several terms: the
                          cases matched by name or number for some of them).
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
# A term with fewer matches than FEW in the text indexes: all of them are read by id. A commoner one
# (in more than one case in forty at 200,000 cases): the newest WALK cases are tried first, where its
# newest matches are (reading every match of a term in 20,000 cases took 0.3 s, and twice).
FEW = 5000
WALK = 10_000
_GRAMS_OF_T = GRAMS_OF_TEXTS.replace("content", "t.content").replace("demands", "t.demands")
_GRAMS_IN_LITERAL = _GRAMS_OF_T.replace("'", "''")  # inside a quoted statement (EXECUTE)


def _all_hold(patterns: str) -> str:
    """SQL: the narrative or the demands of the case_text row t hold every LIKE pattern of the
    array `patterns`."""
    return f"NOT EXISTS (SELECT 1 FROM unnest({patterns}) p WHERE NOT coalesce(t.content ILIKE p OR t.demands ILIKE p, false))"


def create_grams_index(db: peewee.Database) -> None:
    """The grams function and index (PostgreSQL; a few minutes at 200,000 cases on 2 cores)."""
    db.execute_sql(GRAMS_FUNCTION)
    db.execute_sql(f"CREATE INDEX IF NOT EXISTS {GRAMS_INDEX} ON case_text USING gin ({GRAMS_OF_TEXTS})")


def functions(case_visible: Callable[[str], str]) -> str:
    """The functions' SQL; `case_visible(alias)` is the case policy over a case row (the functions
    run as the owner, so each applies it to the caller itself)."""
    return f"""
-- (earlier forms of these functions, while schema step 31 was being built)
DROP FUNCTION IF EXISTS cd_named_cases();
DROP FUNCTION IF EXISTS cd_short_search(text, integer);

CREATE OR REPLACE FUNCTION cd_named_case_ids() RETURNS integer[] LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public, pg_temp AS $$
  SELECT coalesce(array_agg(case_id), '{{}}') FROM case_access WHERE user_id = (SELECT cd_me()) $$;

CREATE OR REPLACE FUNCTION cd_text_newest(p_term text, p_limit integer) RETURNS SETOF integer
LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 200 SET search_path = public, pg_temp AS $$
DECLARE
  v_pattern text := '%' || replace(replace(replace(p_term, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%';
  v_ids integer[];
BEGIN
  IF length(p_term) < 1 OR p_term ~ '\\s' OR p_limit < 1 THEN
    RAISE EXCEPTION 'cd_text_newest: one term without white space';
  END IF;
  -- Up to FEW matches from the text indexes (only their ids; what the caller may see is decided below).
  IF length(p_term) <= 2 THEN
    v_ids := ARRAY(SELECT t.case_id FROM case_text t WHERE {_GRAMS_OF_T} @> ARRAY[lower(p_term)] LIMIT {FEW});
  ELSE
    v_ids := ARRAY(SELECT t.case_id FROM case_text t
                    WHERE t.content ILIKE v_pattern OR t.demands ILIKE v_pattern LIMIT {FEW});
  END IF;
  IF cardinality(v_ids) < {FEW} THEN  -- every match: the newest the caller may see
    RETURN QUERY SELECT c.id FROM "case" c WHERE c.id = ANY(v_ids) AND {case_visible("c")}
                  ORDER BY c.received_at DESC, c.id DESC LIMIT p_limit;
    RETURN;
  END IF;
  -- A common term: its newest matches are among the newest cases.
  v_ids := ARRAY(
    SELECT c.id FROM (SELECT c.id, c.received_at FROM "case" c WHERE {case_visible("c")}
                       ORDER BY c.received_at DESC, c.id DESC LIMIT {WALK}) c
      JOIN case_text t ON t.case_id = c.id
     WHERE t.content ILIKE v_pattern OR t.demands ILIKE v_pattern
     ORDER BY c.received_at DESC, c.id DESC LIMIT p_limit);
  IF cardinality(v_ids) >= p_limit THEN
    RETURN QUERY SELECT unnest(v_ids);
  ELSIF length(p_term) <= 2 THEN  -- (the caller sees few of them): every match, newest first
    RETURN QUERY
      SELECT c.id FROM case_text t JOIN "case" c ON c.id = t.case_id
       WHERE {_GRAMS_OF_T} @> ARRAY[lower(p_term)] AND {case_visible("c")}
       ORDER BY c.received_at DESC, c.id DESC LIMIT p_limit;
  ELSE
    RETURN QUERY
      SELECT c.id FROM case_text t JOIN "case" c ON c.id = t.case_id
       WHERE (t.content ILIKE v_pattern OR t.demands ILIKE v_pattern) AND {case_visible("c")}
       ORDER BY c.received_at DESC, c.id DESC LIMIT p_limit;
  END IF;
END $$;

CREATE OR REPLACE FUNCTION cd_texts_newest(p_terms text[], p_limit integer) RETURNS SETOF integer
LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 200 SET search_path = public, pg_temp AS $$
DECLARE
  v_terms text[];
  v_patterns text[];
  v_ids integer[];
  v_found integer[];
  v_where text := '';
BEGIN
  IF coalesce(cardinality(p_terms), 0) < 1 OR p_limit < 1
     OR EXISTS (SELECT 1 FROM unnest(p_terms) u WHERE u IS NULL OR length(u) < 1 OR u ~ '\\s') THEN
    RAISE EXCEPTION 'cd_texts_newest: terms without white space';
  END IF;
  v_terms := ARRAY(SELECT u FROM unnest(p_terms) u ORDER BY length(u) DESC);  -- the longer, the rarer
  v_patterns := ARRAY(SELECT '%' || replace(replace(replace(u, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'
                        FROM unnest(v_terms) u);
  -- A term with few matches in the text indexes: they are the candidates.
  FOR i IN 1 .. cardinality(v_terms) LOOP
    IF length(v_terms[i]) <= 2 THEN
      v_ids := ARRAY(SELECT t.case_id FROM case_text t WHERE {_GRAMS_OF_T} @> ARRAY[lower(v_terms[i])] LIMIT {FEW});
    ELSE
      v_ids := ARRAY(SELECT t.case_id FROM case_text t
                      WHERE t.content ILIKE v_patterns[i] OR t.demands ILIKE v_patterns[i] LIMIT {FEW});
    END IF;
    IF cardinality(v_ids) < {FEW} THEN
      RETURN QUERY SELECT c.id FROM "case" c JOIN case_text t ON t.case_id = c.id
                    WHERE c.id = ANY(v_ids) AND {_all_hold("v_patterns")} AND {case_visible("c")}
                    ORDER BY c.received_at DESC, c.id DESC LIMIT p_limit;
      RETURN;
    END IF;
  END LOOP;
  -- Every term is common: the newest cases first.
  v_found := ARRAY(
    SELECT c.id FROM (SELECT c.id, c.received_at FROM "case" c WHERE {case_visible("c")}
                       ORDER BY c.received_at DESC, c.id DESC LIMIT {WALK}) c
      JOIN case_text t ON t.case_id = c.id
     WHERE {_all_hold("v_patterns")}
     ORDER BY c.received_at DESC, c.id DESC LIMIT p_limit);
  IF cardinality(v_found) >= p_limit THEN
    RETURN QUERY SELECT unnest(v_found);
    RETURN;
  END IF;
  -- Few of the newest hold them all: the text indexes give the cases holding every term at once.
  FOR i IN 1 .. cardinality(v_terms) LOOP
    v_where := v_where || CASE WHEN length(v_terms[i]) <= 2
      THEN format(' AND {_GRAMS_IN_LITERAL} @> ARRAY[lower($1[%s])]', i)
      ELSE format(' AND (t.content ILIKE $2[%s] OR t.demands ILIKE $2[%s])', i, i) END;
  END LOOP;
  RETURN QUERY EXECUTE
    'SELECT c.id FROM case_text t JOIN "case" c ON c.id = t.case_id WHERE ' || $vis${case_visible("c")}$vis$
    || v_where || ' ORDER BY c.received_at DESC, c.id DESC LIMIT $3'
    USING v_terms, v_patterns, p_limit;
END $$;

CREATE OR REPLACE FUNCTION cd_texts_holding(p_ids integer[], p_patterns text[]) RETURNS SETOF integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT c.id FROM "case" c JOIN case_text t ON t.case_id = c.id
   WHERE c.id = ANY(p_ids) AND {_all_hold("p_patterns")} AND {case_visible("c")} $$;

"""
