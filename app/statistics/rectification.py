"""整改 progress for the report: the items ordered in the period (from findings or alerts) and where
they stand now (app/rectification keeps them; this only counts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

import peewee

from app.rectification.states import FINAL_STATES, STATE_LABELS
from app.statistics.periods import Period
from models.rectification import Rectification


@dataclass(frozen=True)
class RectificationSummary:
    ordered: int
    by_state: dict[str, int]  # Chinese label -> items
    overdue: int
    recurred: int


def summary(period: Period, today: date) -> RectificationSummary:
    start, end = datetime.combine(period.start, time.min), datetime.combine(period.end, time.max)
    in_period = Rectification.created_at.between(start, end)
    states = dict(
        Rectification.select(Rectification.state, peewee.fn.COUNT(Rectification.id))
        .where(in_period)
        .group_by(Rectification.state)
        .tuples()
    )
    overdue = (
        Rectification.select()
        .where(in_period & Rectification.state.not_in(sorted(FINAL_STATES)) & (Rectification.due < today))
        .count()
    )
    recurred = Rectification.select().where(in_period & (Rectification.recurred == True)).count()  # noqa: E712
    labels = {STATE_LABELS.get(k, k): n for k, n in states.items()}
    return RectificationSummary(sum(states.values()), labels, overdue, recurred)
