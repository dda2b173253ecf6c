"""Keeping the statistics tables current: `refresh(case_id)` inside every case write (called by
app/write_path.py and registration), `rebuild()` recounts every case from scratch (after a schema
upgrade or a bulk fill), `recount()` computes all rows without writing (tests compare it with what
the writes maintained)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

import peewee

from app.deadlines import calendar
from app.statistics import cube, person_keys, repeats
from app.statistics.facts import (
    ACTING_ACTIONS,
    HOLD_ACTIONS,
    AssignmentFacts,
    CaseFacts,
    CategoryInfo,
    StatRows,
    Workdays,
    rows_for,
)
from app.statistics.issues import CaseIssueFacts, issues_by_case
from models.accounts import Setting
from models.bulk_insert import defaults, insert_rows
from models.cases import (
    Assignment,
    Case,
    CaseEvent,
    Category,
    Complainant,
    ExternalRoute,
    FollowUp,
    IssuedDocument,
)
from models.database import database_proxy
from models.fields import CONTENT_PREFIX
from models.migrations import STATISTICS_REBUILD_SETTING
from models.search_index import is_sqlite
from models.server_statistics import STORED
from models.statistics import AssignmentStat, CaseStat, IssueStat, StatPersonKey
from printing.render import DOCUMENT_KINDS

RECEIPT_ISSUED = (
    "出具" + DOCUMENT_KINDS["receipt"][0]
)  # a first 受理回执 on the timeline (app/cases/documents.py)

Progress = Callable[[int, int], None]

_CASE_COLUMNS = (
    Case.id,
    Case.received_at,
    Case.channel,
    Case.transfer_source,
    Case.category,
    Case.severity,
    Case.officer,
    Case.state,
    Case.restricted,
    Case.finding,
    Case.reopen_count,
    Case.compensation_amount,
    Case.escalated_at,
    Case.accept_due,
    Case.reply_due,
    Case.replied_at,
    Case.on_hold,
    Case.closed_at,
    Case.visit_department,
    Case.complainant,
    Case.patient_record_no.coerce(False),  # as stored: opened by the keyer that may (person_keys)
    Case.patient_record_index,
    Case.refund_amount,
)
_ASSIGNMENT_COLUMNS = (
    Assignment.case,
    Assignment.id,
    Assignment.department,
    Assignment.state,
    Assignment.sent_at,
    Assignment.due,
    Assignment.acknowledged_at,
    Assignment.responded_at,
)
_COMPLAINANT_COLUMNS = (
    Complainant.id,
    Complainant.phone.coerce(False),
    Complainant.phone_index,
    Complainant.id_number.coerce(False),
    Complainant.id_number_index,
)


def category_map() -> dict[int, CategoryInfo]:
    """Each category's level-1 and level-2 ancestors and default department."""
    rows = {
        r[0]: r
        for r in Category.select(
            Category.id, Category.parent, Category.level, Category.default_department
        ).tuples()
    }
    result: dict[int, CategoryInfo] = {}
    for cid, (_, _, level, dept) in rows.items():
        chain = {level: cid}
        parent = rows[cid][1]
        while parent is not None and parent in rows:
            chain[rows[parent][2]] = parent
            parent = rows[parent][1]
        result[cid] = CategoryInfo(chain.get(1), chain.get(2), dept)
    return result


def _money_total(*amounts: Decimal | None) -> Decimal | None:
    """The sum of the amounts given (None when there is none)."""
    given = [a for a in amounts if a is not None]
    return sum(given, Decimal(0)) if given else None


def _facts(
    row: tuple,
    complainant: tuple | None,
    events: _Events,
    follow_ups: list[tuple[Any, str]],
    assignments: list[AssignmentFacts],
    issues: list[CaseIssueFacts],
    external: list[tuple[str, str]],
    keyer: person_keys.Keyer,
) -> CaseFacts:
    (cid, received, channel, source, category, severity, officer, state, restricted, finding, reopen,
     compensation, escalated, accept_due, reply_due, replied, on_hold, closed, visit_dept, _,
     record_no, record_index, refund) = row  # fmt: skip
    values = [("record", record_no or "", record_index or "")]
    if complainant is not None:
        values += [
            ("phone", complainant[1] or "", complainant[2] or ""),
            ("id", complainant[3] or "", complainant[4] or ""),
        ]
    return CaseFacts(
        id=cid,
        received_at=received,
        channel=channel,
        transfer_source=source,
        category_id=category,
        severity=severity,
        officer_id=officer,
        state=state,
        restricted=restricted,
        finding=finding,
        reopen_count=reopen,
        compensation=_money_total(compensation, refund),  # 赔偿与退费 are counted together
        escalated_at=escalated,
        accept_due=accept_due,
        reply_due=reply_due,
        replied_at=replied,
        on_hold=on_hold,
        closed_at=closed,
        visit_department_id=visit_dept,
        person_keys=keyer.keys(cid, values),
        acted=events.acted,
        receipt_at=events.receipt_at,
        holds=events.holds(on_hold, closed),
        external=external,
        follow_ups=follow_ups,
        assignments=assignments,
        issues=issues,
    )


def _workdays() -> Workdays:
    cal = calendar.calendar()
    return Workdays(lambda start, n: cal.add_workdays(start, n)[0], cal.workdays_between)


class _Events:
    """What the statistics read of a case's timeline: the first decision, the first 受理回执 and
    the holds."""

    def __init__(self) -> None:
        self.acted: tuple[str, Any] | None = None
        self.receipt_at: Any = None
        self._holds: list[list[Any]] = []

    def add(self, action: str, at: Any) -> None:
        if action in ACTING_ACTIONS:
            self.acted = self.acted or (action, at)
        elif action == "print":
            self.receipt_at = self.receipt_at or at
        elif action == "hold":
            self._holds.append([at, None])
        elif action == "resume" and self._holds and self._holds[-1][1] is None:
            self._holds[-1][1] = at

    def holds(self, on_hold: bool, closed: Any) -> list[tuple[Any, Any]]:
        """(held, resumed); a hold left unresumed by a case closed meanwhile ends at its closing."""
        result = [(h, r) for h, r in self._holds]
        if result and result[-1][1] is None and not on_hold:
            result[-1] = (result[-1][0], closed)
        return result


_READ_ACTIONS = frozenset(ACTING_ACTIONS + HOLD_ACTIONS)


def _events(case_ids: list[int]) -> dict[int, _Events]:
    """The timeline events the statistics read, and which cases have a sealed print among them
    (one statement; the issued documents are read only for those)."""
    events: dict[int, _Events] = defaultdict(_Events)
    sealed_print = (CaseEvent.action == "print") & CaseEvent.summary.startswith(CONTENT_PREFIX)
    wanted = (
        CaseEvent.action.in_(ACTING_ACTIONS + HOLD_ACTIONS)
        | ((CaseEvent.action == "print") & (CaseEvent.summary == RECEIPT_ISSUED))
        | sealed_print
    )
    sealed: set[int] = set()
    for case_id, action, at, is_sealed in (
        CaseEvent.select(CaseEvent.case, CaseEvent.action, CaseEvent.at, sealed_print)
        .where(_among(CaseEvent.case, case_ids) & wanted)
        .order_by(CaseEvent.case, CaseEvent.seq)
        .tuples()
    ):
        if is_sealed:
            sealed.add(case_id)
        else:
            events[case_id].add(action, at)
    if sealed:
        _sealed_receipts(sorted(sealed), events)
    return events


def _sealed_receipts(case_ids: list[int], events: dict[int, _Events]) -> None:
    """A restricted case's timeline is sealed (models/sealed_timeline.py): which of its prints was
    the first 受理回执 is read from the issued documents instead (`case_ids`: the cases with a
    sealed print)."""
    first = (
        IssuedDocument.select(IssuedDocument.case, peewee.fn.MIN(IssuedDocument.issued_at).alias("at"))
        .where(
            IssuedDocument.case.in_(case_ids) & (IssuedDocument.kind == "receipt") & ~IssuedDocument.reprint
        )
        .group_by(IssuedDocument.case)
    )
    for row in first:
        at = row.at
        known = events[row.case_id].receipt_at
        events[row.case_id].receipt_at = at if known is None or str(at) < str(known) else known


def _among(field: peewee.Field, case_ids: list[int]) -> peewee.Expression:
    """`field IN (ids)`, or a BETWEEN when the ids are a run without gaps (the bulk path's chunks of
    2,000 new cases: no SQL text with two thousand parameters to build and parse per table)."""
    if len(case_ids) > 1 and len(set(case_ids)) == len(case_ids) == max(case_ids) - min(case_ids) + 1:
        return field.between(min(case_ids), max(case_ids))
    return field.in_(case_ids)


def _external(case_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    routes: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for case_id, route, status in (
        ExternalRoute.select(ExternalRoute.case, ExternalRoute.route, ExternalRoute.status)
        .where(_among(ExternalRoute.case, case_ids))
        .tuples()
    ):
        routes[case_id].append((route, status))
    return routes


def _case_rows(case_ids: list[int], categories: dict[int, CategoryInfo]) -> Iterator[StatRows]:
    """The statistics rows of these cases, read with one query per table."""
    cases = list(Case.select(*_CASE_COLUMNS).where(_among(Case.id, case_ids)).tuples())
    complainant_ids = {r[19] for r in cases}
    complainants = {
        r[0]: r
        for r in Complainant.select(*_COMPLAINANT_COLUMNS).where(Complainant.id.in_(complainant_ids)).tuples()
    }
    events = _events(case_ids)
    external = _external(case_ids)
    keyer = person_keys.for_session()
    keyer.prepare(case_ids)
    follow_ups: dict[int, list[tuple[Any, str]]] = defaultdict(list)
    for case_id, at, satisfaction in (
        FollowUp.select(FollowUp.case, FollowUp.at, FollowUp.satisfaction)
        .where(_among(FollowUp.case, case_ids))
        .order_by(FollowUp.case, FollowUp.at, FollowUp.id)
        .tuples()
    ):
        follow_ups[case_id].append((at, satisfaction))
    assignments: dict[int, list[AssignmentFacts]] = defaultdict(list)
    for r in (
        Assignment.select(*_ASSIGNMENT_COLUMNS)
        .where(_among(Assignment.case, case_ids))
        .order_by(Assignment.case, Assignment.id)
        .tuples()
    ):
        assignments[r[0]].append(AssignmentFacts(*r[1:]))
    issues = issues_by_case(case_ids)
    workdays = _workdays()
    for row in cases:
        cid = row[0]
        facts = _facts(
            row,
            complainants.get(row[19]),
            events[cid],
            follow_ups[cid],
            assignments[cid],
            issues[cid],
            external[cid],
            keyer,
        )
        yield rows_for(facts, categories, workdays)


def server_kept() -> bool:
    """On a shared server the identifier keys, repeat flags, cube and flows are kept by the server
    itself from the per-case rows (models/server_statistics.py); no application role may write them."""
    return not is_sqlite(database_proxy)


def _per_case() -> tuple[type[peewee.Model], ...]:
    """The tables the application writes per case (the identifier keys too, locally)."""
    if server_kept():
        return (IssueStat, AssignmentStat, CaseStat)
    return (IssueStat, AssignmentStat, StatPersonKey, CaseStat)


CASE_FIELDS = tuple(f.name for f in _CASE_COLUMNS)  # the case values `rows_from_values` reads
_CASE_DEFAULTS = {f.name: f.default for f in _CASE_COLUMNS}


def rows_from_values(
    case: Mapping[str, Any],
    complainant: Mapping[str, Any] | None,
    events: Iterable[tuple[str, str, Any]],
    follow_ups: Iterable[tuple[Any, str]],
    assignments: Iterable[Mapping[str, Any]],
    issues: list[CaseIssueFacts],
    external: list[tuple[str, str]],
    categories: dict[int, CategoryInfo],
    workdays: Workdays,
    keyer: person_keys.Keyer,
) -> StatRows:
    """The statistics rows of a case whose rows a bulk writer holds in memory (the demo's bulk path,
    before they are inserted): the same reading of the same values as `_case_rows` makes of the
    stored rows. `case`, `complainant` and `assignments` are keyed by field name (a field left out
    has the model's default); `events` are the timeline's (action, summary, at) in `seq` order,
    `follow_ups` (at, satisfaction) in the order written; `keyer` makes the repeat keys from the
    values as written (person_keys.PlainKeyer)."""
    row = tuple(case.get(name, _CASE_DEFAULTS[name]) for name in CASE_FIELDS)
    person = None
    if complainant is not None:
        person = (complainant["id"], complainant["phone"], complainant.get("phone_index", ""),
                  complainant["id_number"], complainant.get("id_number_index", ""))  # fmt: skip
    timeline = _Events()
    for action, summary, at in events:
        if action in _READ_ACTIONS or (action == "print" and summary == RECEIPT_ISSUED):
            timeline.add(action, at)
    facts = _facts(
        row,
        person,
        timeline,
        sorted(follow_ups, key=lambda f: f[0]),  # stable: by time, then as written (the id)
        [
            AssignmentFacts(a["id"], a["department"], a["state"], a["sent_at"], a["due"],
                            a["acknowledged_at"], a["responded_at"])  # fmt: skip
            for a in assignments
        ],
        issues,
        external,
        keyer,
    )
    return rows_for(facts, categories, workdays)


def insert_computed(rows: Iterable[StatRows]) -> None:
    """Store rows computed by `rows_from_values` (a local bulk writer); repeat flags and the cube
    are left to `finish_bulk`."""
    _insert(rows)


def _delete(case_ids: list[int]) -> None:
    for model in _per_case():
        model.delete().where(model.case.in_(case_ids)).execute()


def _insert(rows: Iterable[StatRows]) -> None:
    """The rows of these cases, one prepared statement per table (models/bulk_insert.py); on a
    server, the identifier keys of each case are then made by the server from its own rows."""
    rows = list(rows)
    insert_rows(CaseStat, [r.case for r in rows])
    insert_rows(IssueStat, [i for r in rows for i in r.issues])
    insert_rows(AssignmentStat, [a for r in rows for a in r.assignments])
    if not server_kept():
        insert_rows(StatPersonKey, [p for r in rows for p in r.persons])


def _server_store(case_id: int, rows: list[StatRows]) -> None:
    """One case's rows on a server in one statement: `cd_stat_store` (models/server_statistics.py)
    deletes the stored rows and inserts these as the caller (the same row-level security and
    grants as the statements it replaces: delete, insert per table, `cd_stat_persons`)."""
    tables = (
        [r.case for r in rows],
        [i for r in rows for i in r.issues],
        [a for r in rows for a in r.assignments],
    )
    documents = [json.dumps(_by_column(model, given)) for model, given in zip(STORED, tables, strict=True)]
    database_proxy.execute_sql(
        "SELECT cd_stat_store(%s::integer, %s::jsonb, %s::jsonb, %s::jsonb)", (case_id, *documents)
    )


def _by_column(model: type[peewee.Model], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`rows` (keyed by field name) keyed by column, with the model's defaults for the fields they
    leave out (models.bulk_insert.defaults, as insert_rows stores them)."""
    fields = model._meta.fields
    return [
        {fields[name].column_name: value for name, value in {**row, **defaults(model, row)}.items()} for row in rows
    ]


def _server_persons(case_ids: Iterable[int]) -> None:
    for case_id in case_ids:
        database_proxy.execute_sql("SELECT cd_stat_persons(%s)", (case_id,))


def refresh(case_id: int) -> None:
    """Rewrite one case's statistics rows and its part of the monthly cube; inside the case write's
    transaction. Cases sharing an identifier may change their repeat flag, so their part too.
    On a server the rows are written here and the server settles the rest (`server_kept`)."""
    new = list(_case_rows([case_id], category_map()))
    if server_kept():
        _server_store(case_id, new)
        return
    _refresh_local([case_id], new)


def _refresh_local(case_ids: list[int], new: list[StatRows]) -> None:
    keys = repeats.keys_of(case_ids) | {p["key"] for r in new for p in r.persons}
    affected = set(case_ids) | repeats.cases_with(keys)
    before = cube.stored_cells(affected)
    _delete(case_ids)
    _insert(new)
    repeats.update_flags(keys)
    cube.apply(before, cube.stored_cells(affected))


def settles_keys() -> bool:
    """Can this session make exact repeat keys of the pending ones (a holder on a sealed database)?"""
    return person_keys.for_session().exact


def pending_key_cases(after: str = "", limit: int = 500) -> tuple[list[int], str]:
    """Cases with a pending repeat key (person_keys.PENDING) beyond the key `after`, in key order
    (a range of the table's own order), and the last key read."""
    rows = list(
        StatPersonKey.select(StatPersonKey.key, StatPersonKey.case)
        .where(StatPersonKey.key > max(after, person_keys.PENDING), StatPersonKey.key < person_keys.PENDING_END)
        .order_by(StatPersonKey.key)
        .limit(limit)
        .tuples()
    )
    return list(dict.fromkeys(case for _key, case in rows)), (rows[-1][0] if rows else after)


def settle_pending(progress: Progress | None = None, chunk: int = 500) -> int:
    """Make the pending repeat keys exact (by a holder: `settles_keys`), `chunk` cases a transaction,
    each once (a value that does not open stays pending); returns the cases rewritten."""
    if not settles_keys():
        return 0
    done, after = 0, ""
    while True:
        with database_proxy.atomic():
            ids, after = pending_key_cases(after, chunk)
            if ids:
                _refresh_local(ids, list(_case_rows(ids, category_map())))
        if not ids:
            return done
        done += len(ids)
        if progress is not None:
            progress(done, 0)


def add_cases(case_ids: list[int]) -> None:
    """Statistics rows for cases inserted in bulk (the demo's bulk path), with prepared statements;
    repeat flags and the cube are made afterwards for all cases at once (`finish_bulk`). On a server
    (a ledger import) the server makes the keys, flags and cube cells of each case."""
    _insert(_case_rows(case_ids, category_map()))
    if server_kept():
        _server_persons(case_ids)


def finish_bulk(cells: cube.Cells | None = None) -> None:
    """After a bulk fill: every repeat flag, then the whole cube — recounted from the stored rows,
    or, when the writer summed the cases' `cube.contributions` as it went (`cells`, counted with no
    case a repeat yet), those cells with the repeats added."""
    repeats.rebuild_flags()
    if cells is None:
        cube.rebuild(_all_case_ids())
        return
    cube.write_cells(cube.with_repeats(cells, _repeat_days()))


def _repeat_days() -> Iterator[int]:
    """The day of receipt of every case flagged a repeat (merged cases carry no identifiers)."""
    query = CaseStat.select(CaseStat.received_day).where(CaseStat.is_repeat == True)  # noqa: E712
    return (day for (day,) in query.tuples())


def _all_case_ids() -> list[int]:
    return [r[0] for r in Case.select(Case.id).order_by(Case.id).tuples()]


def recount(chunk: int = 2000) -> list[StatRows]:
    """Every case's rows computed afresh from the case tables (nothing written), repeat flags included."""
    ids = _all_case_ids()
    categories = category_map()
    rows = []
    for start in range(0, len(ids), chunk):
        rows.extend(_case_rows(ids[start : start + chunk], categories))
    flagged = repeats.repeat_cases((p["key"], p["received_day"], p["case"]) for r in rows for p in r.persons)
    for r in rows:
        r.case["is_repeat"] = r.case["case"] in flagged
    return rows


def rebuild(progress: Progress | None = None, chunk: int = 2000) -> int:
    """Recount every case into the statistics tables, in one transaction; returns the case count.
    `progress(done, total)` may raise to cancel: the transaction rolls back and the tables stay as
    they were (still marked for a rebuild)."""
    ids = _all_case_ids()
    categories = category_map()
    with database_proxy.atomic():
        if server_kept():  # the manager's recount: keys, flags, cube and flows recounted at commit
            database_proxy.execute_sql("SELECT cd_stat_rebuild()")
        for model in _per_case():
            model.delete().execute()
        for start in range(0, len(ids), chunk):
            _insert(_case_rows(ids[start : start + chunk], categories))
            if progress is not None:
                progress(min(start + chunk, len(ids)), len(ids))
        if not server_kept():  # on a server cd_stat_rebuild clears the mark (settings are the owner's)
            repeats.rebuild_flags()
            cube.rebuild(ids)
            Setting.delete().where(Setting.key == STATISTICS_REBUILD_SETTING).execute()
    return len(ids)


def rebuild_pending() -> bool:
    """True when an upgrade changed how the statistics are kept and they have not been recounted
    yet (the application then runs `rebuild` in the background after login)."""
    return Setting.get_or_none(Setting.key == STATISTICS_REBUILD_SETTING) is not None
