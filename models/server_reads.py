"""What the lists and the search read on a shared server beside row-level security: functions the
owner installs with the server's policy (models/server_policy.py), each answering only with rows the
caller may see.

    cd_named_cases()   the caller's own namings (case_access rows with user_id = cd_me()), which
                       that table's policy lets the caller read anyway. The lists ask for them
                       beside the case policy (app/cases/visibility.py); read through this function
                       the planner no longer prices that policy's hashed walk of every case into
                       each probe of a nested loop (an officer's reminder list joined a page of 转办
                       by reading all of the officer's cases).
"""

from __future__ import annotations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION cd_named_cases() RETURNS SETOF integer LANGUAGE sql STABLE SECURITY DEFINER
ROWS 100 SET search_path = public, pg_temp AS $$
  SELECT case_id FROM case_access WHERE user_id = (SELECT cd_me()) $$;
"""
