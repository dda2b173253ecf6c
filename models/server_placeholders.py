"""Shared mode: the 受限案件 placeholders on a server — the owner's view of the restricted cases the
caller may not open, reduced to what the office's lists show, and the restricted cases' covering
index it reads (schema step 36). Installed with the server's policy (models/server_policy.py)."""

from __future__ import annotations

# 受限案件 placeholders: a restricted case the caller may not open, as the office's lists show it (the
# workload and its deadlines, nothing of the content). The view returns these columns of "case" and
# no other; the caller's roles decide which rows (app.policy.lists_restricted_redacted: office
# staff), never a parameter of the query.
PLACEHOLDER_VIEW = "case_placeholder"
PLACEHOLDER_COLUMNS = (
    "id",
    "case_no",
    "state",
    "received_at",
    "accept_due",
    "reply_due",
    "due_provisional",
    "on_hold",
    "hold_since",
    "paused_workdays",
)
PLACEHOLDER_READERS = ("officer", "manager")
# The restricted cases' own index on a server (schema step 36): newest first, holding every column
# the view reads — its columns and those its conditions test — so the view reads the index alone
# (an index-only scan) and visits a case row only for a placeholder it returns. Reading the rows
# instead cost every list page a visit to every restricted case (7,699 rows, 6,614 buffers, 11-13
# ms at 200,000 cases) for an officer named on all of them, who has no placeholder at all.
RESTRICTED_CARDS_INDEX = "case_restricted_cards"
_RESTRICTED_CARDS_KEY = ("received_at", "id")
_PLACEHOLDER_TESTS = ("officer_id", "night_intake", "registered_by_id")


def restricted_cards_index() -> str:
    """CREATE INDEX of RESTRICTED_CARDS_INDEX (PostgreSQL)."""
    held = [c for c in (*PLACEHOLDER_COLUMNS, *_PLACEHOLDER_TESTS) if c not in _RESTRICTED_CARDS_KEY]
    return (
        f'CREATE INDEX IF NOT EXISTS {RESTRICTED_CARDS_INDEX} ON "case" ({", ".join(_RESTRICTED_CARDS_KEY)}) '
        f"INCLUDE ({', '.join(held)}) WHERE restricted"
    )


def placeholder_view() -> str:
    """The owner's security-barrier view of the restricted cases the caller may not open, reduced to
    PLACEHOLDER_COLUMNS: the restricted rows the case policy (models/server_policy.py `_case_visible`) does not pass, written as set
    conditions (one look-up of the caller's namings, not a function call per case)."""
    columns = ", ".join(f"c.{name}" for name in PLACEHOLDER_COLUMNS)
    me = "(SELECT cd_me())"
    return f"""CREATE OR REPLACE VIEW {PLACEHOLDER_VIEW} WITH (security_barrier) AS
SELECT {columns} FROM "case" c
 WHERE c.restricted AND (SELECT cd_has_any(ARRAY{list(PLACEHOLDER_READERS)!r})) AND NOT (SELECT cd_has('manager'))
   AND NOT ((SELECT cd_has('officer')) AND ((c.officer_id IS NOT NULL AND c.officer_id = {me})
            OR c.id IN (SELECT a.case_id FROM case_access a WHERE a.user_id = {me})))
   AND NOT (c.night_intake AND c.state = 'registered' AND c.registered_by_id = {me}
            AND (SELECT cd_has('night_duty')))"""
