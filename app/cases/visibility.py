"""Read-side queries shared by the board, lists, queues and search; all filtered by visibility."""

from __future__ import annotations

import peewee

from app.policy import NIGHT_DUTY_VISIBLE_STATES, Actor, visibility
from models.cases import Case, CaseAccess

NOTHING = peewee.SQL("0 = 1")


def visible_condition(user: Actor) -> peewee.Node | None:
    """The WHERE condition of the cases `user` may see (the query form of policy.can_view); None
    when they may see every case."""
    scope = visibility(user)
    if scope.all_cases:
        return None
    conditions = []
    if scope.unrestricted:
        conditions.append(Case.restricted == False)  # noqa: E712
    if scope.named_restricted:
        named = CaseAccess.select(CaseAccess.case).where(CaseAccess.user == scope.user_id)
        conditions.append((Case.restricted == True) & (Case.id.in_(named) | (Case.officer == scope.user_id)))  # noqa: E712
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


def visible(user: Actor, query: peewee.ModelSelect) -> peewee.ModelSelect:
    """Restrict a Case query to what `user` may see."""
    condition = visible_condition(user)
    return query if condition is None else query.where(condition)
