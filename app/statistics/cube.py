"""The monthly cube (`StatCube`): what each case adds to the figures of its month of receipt, kept
in the same transaction as the case's statistics rows. Only what does not change with the day it
is read lives here; what is late *as of today* is read live from the open cases
(app/statistics/sources.py). The period-end snapshots (期末未结, 期末逾期) are kept as day-by-day
flows (`StatFlow`): a cell keyed `flow:<figure>` holds a day ordinal instead of a month.

`contributions(rows)` is the one definition; `apply` adds the difference before/after a write,
`rebuild` recounts everything."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

import peewee

from app.cases.states import AssignmentState
from app.statistics.conditions import BANDS
from app.statistics.facts import StatRows
from models.statistics import AssignmentStat, CaseStat, IssueStat, StatCube, StatFlow

Cells = dict[tuple[int, str], list[int]]  # (month, key) -> [n, amount]; (day, "flow:…") -> [±n, 0]
CASE_STAGES = ("accept", "reply", "follow_up")
FLOW = "flow:"
Interval = tuple[int, int | None]  # days [first, stop): `stop` is the first day out, None while open


def month_of(day: int) -> int:
    d = date.fromordinal(day)
    return d.year * 100 + d.month


def _key(value: Any) -> str:
    return "" if value is None else str(value)


def band_of(fen: int) -> str:
    lower = 0
    for code, _, upper in BANDS:
        if upper is None or lower < fen <= upper:
            return code
        lower = upper
    return BANDS[-1][0]


def _stage(due: int | None, done: int | None, applies: bool = True) -> str:
    """on_time / late_done for a finished stage, "" otherwise (pending: read live)."""
    if not applies or due is None or done is None:
        return ""
    return "on_time" if done <= due else "late_done"


def _union(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for first, stop in sorted(intervals, key=lambda i: i[0]):
        if merged and (merged[-1][1] is None or first <= merged[-1][1]):
            last = merged[-1]
            merged[-1] = (last[0], None if last[1] is None or stop is None else max(last[1], stop))
        else:
            merged.append((first, stop))
    return merged


def _clip(interval: Interval, within: Interval) -> Interval | None:
    first = max(interval[0], within[0])
    stops = [s for s in (interval[1], within[1]) if s is not None]
    stop = min(stops) if stops else None
    return (first, stop) if stop is None or first < stop else None


def snapshot_intervals(c: dict[str, Any]) -> dict[str, list[Interval]]:
    """The days on which a case is in the 期末未结 and the 期末逾期 figures (conditions.backlog and
    conditions.overdue, read as intervals of the day E they are judged on)."""
    backlog: Interval = (c["received_day"], c["closed_day"])
    if backlog[1] is not None and backlog[1] <= backlog[0]:
        return {"backlog": [], "overdue": []}
    late: list[Interval] = []
    if c["accept_due"] is not None:  # E > accept_due and not yet accepted on E
        late.append((c["accept_due"] + 1, c["accepted_day"]))
    if c["outcome"] == "accepted" and c["reply_due"] is not None:
        late.append((c["reply_due"] + 1, c["replied_day"]))
    late = [i for i in late if i[1] is None or i[0] < i[1]]
    overdue = [clipped for i in _union(late) if (clipped := _clip(i, backlog)) is not None]
    return {"backlog": [backlog], "overdue": overdue}


def _add_flows(c: dict[str, Any], cells: Cells) -> None:
    for key, intervals in snapshot_intervals(c).items():
        for first, stop in intervals:
            cells[(first, FLOW + key)][0] += 1
            if stop is not None:
                cells[(stop, FLOW + key)][0] -= 1


def contributions(rows: StatRows, cells: Cells | None = None) -> Cells:
    """What one case adds to the cube (into `cells` when given)."""
    cells = cells if cells is not None else defaultdict(lambda: [0, 0])
    c = rows.case
    month = month_of(c["received_day"])
    _add_flows(c, cells)

    def add(key: str, n: int = 1, amount: int = 0) -> None:
        cell = cells[(month, key)]
        cell[0] += n
        cell[1] += amount

    if c["outcome"] == "merged":
        add("merged")
        return cells
    add("received")
    channel = c["channel"]
    add(f"channel:transfer:{c['transfer_source']}" if channel == "transfer" else f"channel:{channel}")
    add(f"severity:{c['severity']}")
    add(f"outcome:{c['outcome']}")
    add(f"handler:{_key(c['officer'])}")
    if c["finding"]:
        add(f"finding_case:{c['finding']}")
    if c["satisfaction"]:
        add(f"satisfaction:{c['satisfaction']}")
    if c["reopen_count"] > 0:
        add("reopened", 1, c["reopen_count"])
    for route in filter(None, c["external"].split(",")):
        add(f"external:{route}")
    if c["is_repeat"]:
        add("repeat")
    if c["severity"] == "major":
        add("major")
        if c["report_hours"] is not None:
            add("major_reported", 1, c["report_hours"])
            add(f"major_report_hours:{c['report_hours']}")  # in time is judged on today's rule
    fen = c["compensation_fen"] or 0
    if fen > 0:
        add("compensation", 1, fen)
        add(f"compensation:{band_of(fen)}", 1, fen)
    verdicts = {
        "accept": _stage(c["accept_due"], c["accepted_day"]),
        "reply": _stage(c["reply_due"], c["replied_day"], c["outcome"] == "accepted"),
        "follow_up": _stage(c["follow_up_due"], c["followed_day"]),
    }
    for stage, verdict in verdicts.items():
        if verdict:
            add(f"timeliness_{stage}:{verdict}")
    if c["outcome"] == "on_spot" or verdicts["reply"] == "on_time":
        add("completion:on_time")
    elif verdicts["reply"] == "late_done":
        add("completion:late_done")
    departments: set[Any] = set()
    for issue in rows.issues:
        for column in ("category1", "category2", "department"):
            if issue[f"first_{column}"]:
                add(f"{column}:{_key(issue[column])}")
        if issue["first_issue"]:  # "" (undecided) counted too: the number of issues
            add(f"finding_issue:{issue['finding']}")
        if issue["finding"] in ("upheld", "partly_upheld"):  # 考核: per issue and department
            add(f"dept_{issue['finding']}:{_key(issue['department'])}")
        departments.add(issue["department"])
    for department in departments:
        if c["satisfaction"] == "dissatisfied":
            add(f"dept_dissatisfied:{_key(department)}")
        if c["severity"] == "major":
            add(f"dept_major:{_key(department)}")
    if fen > 0:
        for department in departments:
            add(f"compensation_department:{_key(department)}", 1, fen)
    for a in rows.assignments:
        returned = a["state"] == AssignmentState.RETURNED
        ack = _stage(
            a["acknowledge_due"], a["acknowledged_day"], not returned or a["acknowledged_day"] is not None
        )
        respond = _stage(a["respond_due"], a["responded_day"], not returned)
        for stage, verdict in (("acknowledge", ack), ("respond", respond)):
            if verdict:
                add(f"timeliness_{stage}:{verdict}")
            if verdict == "late_done":
                add(f"dept_late_{stage}:{a['department']}")
    return cells


def stored_rows(case_ids: Iterable[int]) -> list[StatRows]:
    """The statistics rows of these cases as stored now."""
    ids = sorted(set(case_ids))
    result = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        issues: dict[int, list[dict]] = defaultdict(list)
        for row in IssueStat.select().where(IssueStat.case.in_(chunk)).dicts():
            issues[row["case"]].append(row)
        assignments: dict[int, list[dict]] = defaultdict(list)
        for row in AssignmentStat.select().where(AssignmentStat.case.in_(chunk)).dicts():
            assignments[row["case"]].append(row)
        for row in CaseStat.select().where(CaseStat.case.in_(chunk)).dicts():
            result.append(StatRows(row, issues[row["case"]], assignments[row["case"]], []))
    return result


def stored_cells(case_ids: Iterable[int]) -> Cells:
    cells: Cells = defaultdict(lambda: [0, 0])
    for rows in stored_rows(case_ids):
        contributions(rows, cells)
    return cells


def apply(before: Cells, after: Cells) -> None:
    """Add after − before to the cube and the flows (rows upserted; a cell may go back to zero)."""
    for cell in sorted(set(before) | set(after)):
        n = after.get(cell, [0, 0])[0] - before.get(cell, [0, 0])[0]
        amount = after.get(cell, [0, 0])[1] - before.get(cell, [0, 0])[1]
        if not (n or amount):
            continue
        if cell[1].startswith(FLOW):
            StatFlow.insert(key=cell[1].removeprefix(FLOW), day=cell[0], n=n).on_conflict(
                conflict_target=[StatFlow.key, StatFlow.day], update={StatFlow.n: StatFlow.n + n}
            ).execute()
        else:
            StatCube.insert(month=cell[0], key=cell[1], n=n, amount=amount).on_conflict(
                conflict_target=[StatCube.month, StatCube.key],
                update={StatCube.n: StatCube.n + n, StatCube.amount: StatCube.amount + amount},
            ).execute()


def rebuild(case_ids: list[int], chunk: int = 2000) -> None:
    """The whole cube and the flows from the stored rows (after a full recount or a bulk fill)."""
    cells: Cells = defaultdict(lambda: [0, 0])
    for start in range(0, len(case_ids), chunk):
        for rows in stored_rows(case_ids[start : start + chunk]):
            contributions(rows, cells)
    write_cells(cells)


def with_repeats(cells: Cells, repeat_days: Iterable[int]) -> Cells:
    """`cells` summed with no case a repeat, plus the cases found repeats since (their days of
    receipt): what `contributions` gives with the flags set (they add to "repeat" alone)."""
    result: Cells = defaultdict(lambda: [0, 0], {cell: list(value) for cell, value in cells.items()})
    for day in repeat_days:
        result[(month_of(day), "repeat")][0] += 1
    return result


def write_cells(cells: Cells) -> None:
    """Store `cells` as the whole cube and the flows (the ones there before are removed)."""
    StatCube.delete().execute()
    StatFlow.delete().execute()
    cube_rows, flow_rows = [], []
    for (at, key), (n, amount) in cells.items():
        if key.startswith(FLOW):
            if n:
                flow_rows.append({"key": key.removeprefix(FLOW), "day": at, "n": n})
        elif n or amount:
            cube_rows.append({"month": at, "key": key, "n": n, "amount": amount})
    for model, items in ((StatCube, cube_rows), (StatFlow, flow_rows)):
        for start in range(0, len(items), 500):
            model.insert_many(items[start : start + 500]).execute()


def snapshot(key: str, day: int) -> int:
    """期末未结 / 期末逾期 on a day: the sum of the figure's flows up to that day."""
    return int(
        StatFlow.select(peewee.fn.SUM(StatFlow.n))
        .where((StatFlow.key == key) & (StatFlow.day <= day))
        .scalar()
        or 0
    )


def read(months: list[int]) -> dict[str, list[int]]:
    """Sum of the cube over these months, per key: {key: [n, amount]}."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for key, n, amount in (
        StatCube.select(StatCube.key, peewee.fn.SUM(StatCube.n), peewee.fn.SUM(StatCube.amount))
        .where(StatCube.month.in_(months))
        .group_by(StatCube.key)
        .tuples()
    ):
        totals[key] = [int(n or 0), int(amount or 0)]
    return totals
