"""受限案件 on a shared server: the placeholders of the restricted cases a user may not open.

Locally an officer's lists, board and counts read every case row and show the restricted ones the
user may not open as redacted cards (app/cases/cards.py). On a server the row-level security of
"case" hides those rows entirely; the owner's view `case_placeholder` (models/server_placeholders.py)
gives them back reduced to what a placeholder shows — number, state, received time and the inputs
of the deadline — and the server alone decides for whom (office staff) and which rows.

`with_placeholders(query)` reads a list's cases from both: the query's "case" becomes, for that
one statement, the cases the user may see with every column, followed by the placeholders with
nothing in the other columns. Every filter and sort of the lists runs on it unchanged; a filter
on a column the placeholder leaves empty (department, category, officer, severity, escalation …)
cannot match one, so it cannot tell that a restricted case matches.
"""

from __future__ import annotations

from functools import cache

import peewee

from app.policy import Actor, lists_restricted_redacted, visibility
from models.cases import Case
from models.search_index import is_sqlite
from models.server_placeholders import PLACEHOLDER_COLUMNS, PLACEHOLDER_VIEW


@cache
def _cases_and_placeholders() -> peewee.CTE:
    """`"case" AS NOT MATERIALIZED (visible cases UNION ALL placeholders)`: inlined into every
    reference, so the planner pushes the statement's conditions and order into both parts."""
    names = [f.column_name for f in Case._meta.sorted_fields]
    kept = set(PLACEHOLDER_COLUMNS)

    def placeholder(name: str) -> str:
        if name in kept:
            return f"p.{name}"
        return "TRUE" if name == "restricted" else "NULL"

    table = Case._meta.table_name
    sql = (
        f'SELECT {", ".join(f"c.{n}" for n in names)} FROM public."{table}" c UNION ALL '
        f'SELECT {", ".join(placeholder(n) for n in names)} FROM {PLACEHOLDER_VIEW} p'
    )
    return peewee.CTE(table, peewee.SQL(sql), materialized=False)


def needed(user: Actor) -> bool:
    """Does a server hide cases from `user` that their lists show as placeholders?"""
    return lists_restricted_redacted(user) and not visibility(user).all_cases


def with_placeholders(user: Actor, query: peewee.ModelSelect, db: peewee.Database) -> peewee.ModelSelect:
    """`query` (over Case) reading the user's placeholders too, on a server; unchanged locally,
    where every row is read and the cards redact (app/cases/cards.py)."""
    if is_sqlite(db) or not needed(user):
        return query
    return query.with_cte(_cases_and_placeholders())
