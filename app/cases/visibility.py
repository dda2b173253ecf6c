"""Read-side queries shared by the board, lists, queues and search; all filtered by visibility."""

from __future__ import annotations

import peewee

from app.policy import NIGHT_DUTY_VISIBLE_STATES, Actor, visibility
from models.cases import Case, CaseAccess
from models.database import database_proxy

NOTHING = peewee.SQL("0 = 1")


def visible_condition(user: Actor, *, per_row: bool = False) -> peewee.Node | None:
    """The WHERE condition of the cases `user` may see (the query form of policy.can_view); None
    when they may see every case. `per_row`: for a condition tested on a page of rows only (whether
    a listed case is shown or redacted), where asking for one case's naming costs less than
    reading all of the user's namings (an officer named on 7,700 restricted cases: 0.8 ms a page)."""
    scope = visibility(user)
    if scope.all_cases:
        return None
    conditions = []
    if scope.unrestricted:
        conditions.append(Case.restricted == False)  # noqa: E712
    if scope.named_restricted:
        named = _names_case(scope.user_id) if per_row else Case.id.in_(_named(scope.user_id))
        mine = named | (Case.officer == scope.user_id)
        conditions.append((Case.restricted == True) & mine)  # noqa: E712
    if scope.own_night_intake:
        conditions.append(
            (Case.registered_by == scope.user_id)
            & (Case.night_intake == True)  # noqa: E712
            & Case.state.in_(sorted(NIGHT_DUTY_VISIBLE_STATES))
        )
    if not conditions:
        return NOTHING
    combined = conditions[0]
    for extra in conditions[1:]:
        combined |= extra
    return combined


def _named(user_id: int) -> peewee.Node:
    """The cases naming the user (case_access). On a server, the caller's own namings from
    `cd_named_case_ids()` (models/server_reads.py), which returns exactly the rows the table's policy
    lets the caller read: the same ids, but the planner no longer prices the policy of case_access
    (a hashed walk of every case) into each probe of a nested loop, which made it read all of an
    officer's cases to join a page of 转办 (the reminder list: 270 ms instead of 11 ms at 200,000)."""
    if isinstance(database_proxy.obj, peewee.PostgresqlDatabase):
        return peewee.SQL("(SELECT unnest(cd_named_case_ids()))")
    return CaseAccess.select(CaseAccess.case).where(CaseAccess.user == user_id)


def _names_case(user_id: int) -> peewee.Node:
    """Whether the case row's case names the user: on a server the policies' own `cd_named(id)`."""
    if isinstance(database_proxy.obj, peewee.PostgresqlDatabase):
        return peewee.fn.cd_named(Case.id)
    return Case.id.in_(_named(user_id))


def visible(user: Actor, query: peewee.ModelSelect) -> peewee.ModelSelect:
    """Restrict a Case query to what `user` may see."""
    condition = visible_condition(user)
    return query if condition is None else query.where(condition)
