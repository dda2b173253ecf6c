"""The real import: every row the dry run marked 导入 or 导入（需核对） becomes a case, in ONE
transaction (a failure or 取消 anywhere leaves the database as it was). Each case is marked 历史导入
with its source file and row (ImportedRow, and the first timeline entry); closed rows become closed
cases with the dates the ledger recorded; the narrative is kept verbatim."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from app import clock, settings
from app.cases import numbering
from app.cases.issues import default_department_id
from app.cases.states import State
from app.policy import Action
from app.records.ledger_import.plan import Preview, RowPlan, Status, preview
from app.session import Session
from app.statistics import repeats
from app.statistics import store as stats_store
from app.validation import FINDINGS
from app.write_path import chained_events, operation
from models.cases import Case, CaseEvent, CaseHandling, CaseIssue, CaseText, Category, Complainant, FollowUp
from models.database import database_proxy
from models.fields import blind_index
from models.organisation import Department
from models.records import ImportedRow
from models.search_index import char_row, insert_rows_sql, is_sqlite
from models.statistics import StatPersonKey

Progress = Callable[[int, int, str], None]
MAPPINGS_KEY = "ledger_import_mappings"  # layout signature → the confirmed mapping and choices
EVENT_ACTION = "import"


@dataclass(frozen=True)
class ImportResult:
    imported: int
    flagged: int
    refused: int
    case_numbers: tuple[str, ...]

    def lines(self) -> list[str]:
        return [
            f"已导入 {self.imported + self.flagged} 件历史案件（其中需核对 {self.flagged} 件），未导入 {self.refused} 行",
            "导入的案件标记为“历史导入”，时间线记有台账文件和行号。",
        ]


def remembered(signature: str) -> dict:
    """The mapping and choices confirmed last time for a ledger of this layout ({} if none)."""
    stored = settings.get_internal(MAPPINGS_KEY) or {}
    return stored.get(signature, {})


def _at(day: date) -> datetime:
    return datetime.combine(day, time(0, 0))


def import_ledger(session: Session, plan: Preview, progress: Progress | None = None) -> ImportResult:
    """Judge the rows again (the database may have changed since the dry run) and import them."""
    step = progress or (lambda done, total, text: None)
    fresh = preview(session, plan.ledger, plan.table, plan.options)
    rows = fresh.to_import
    prefix = settings.get("case_prefix")
    departments = {d.code: d.id for d in Department.select(Department.id, Department.code)}
    paths = {c.id: c.path for c in Category.select(Category.id, Category.path)}
    numbers: list[str] = []
    with operation(session, Action.IMPORT_LEDGER, "ledger.imported", target=plan.ledger.name[:64]) as op:
        now = clock.now().replace(microsecond=0)
        years = Counter(row.values["received"].year for row in rows)
        free = {year: iter(numbering.reserve_case_nos(prefix, year, n)) for year, n in sorted(years.items())}
        ids, later = [], Later()
        for done, row in enumerate(rows):
            if done % 20 == 0:
                step(done, len(rows), f"正在导入第 {done + 1}/{len(rows)} 件（台账第 {row.row_number} 行）……")
            numbers.append(next(free[row.values["received"].year]))
            ids.append(_create(session, fresh, row, numbers[-1], departments, paths, now, later))
            if len(later) >= 500:
                later.flush()
        later.flush()
        _statistics(ids)
        step(len(rows), len(rows), "正在提交……")
        _remember(session, fresh)
        op.detail.update(
            file=plan.ledger.name,
            sha256=plan.ledger.sha256,
            sheet=plan.table.sheet,
            imported=fresh.count(Status.IMPORTED),
            flagged=fresh.count(Status.FLAGGED),
            refused=fresh.count(Status.REFUSED),
        )
    session.touch()
    return ImportResult(
        fresh.count(Status.IMPORTED), fresh.count(Status.FLAGGED), fresh.count(Status.REFUSED), tuple(numbers)
    )


class Later:
    """Rows whose ids nobody needs, inserted many at a time (the case and complainant rows are
    inserted one by one: their ids are needed at once)."""

    def __init__(self) -> None:
        self.rows: dict[type, list[dict]] = defaultdict(list)

    def add(self, model: type, **values: object) -> None:
        self.rows[model].append(values)

    def __len__(self) -> int:
        return sum(len(rows) for rows in self.rows.values())

    def flush(self) -> None:
        for model in (CaseText, CaseHandling, CaseIssue, ImportedRow, FollowUp, CaseEvent):
            rows = self.rows.pop(model, [])
            for start in range(0, len(rows), 100):
                model.insert_many(rows[start : start + 100]).execute()


def _statistics(ids: list[int]) -> None:
    """The statistics rows of the new cases, and the repeat flags of everyone they concern."""
    keys: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        stats_store.add_cases(chunk)  # on a server: keys, flags and cube made there
        if stats_store.server_kept():
            continue
        keys |= {
            k
            for (k,) in StatPersonKey.select(StatPersonKey.key).where(StatPersonKey.case.in_(chunk)).tuples()
        }
    repeats.update_flags(keys)


def _remember(session: Session, plan: Preview) -> None:
    stored = settings.get_internal(MAPPINGS_KEY) or {}
    stored[plan.table.signature] = {
        "mapping": {str(k): v for k, v in plan.options.mapping.items()},
        "departments": plan.options.department_choices,
        "categories": plan.options.category_choices,
    }
    settings.write_value(MAPPINGS_KEY, stored, session.user.username)


def _create(
    session: Session,
    plan: Preview,
    row: RowPlan,
    case_no: str,
    departments: dict[str, int],
    paths: dict[int, str],
    now: datetime,
    later: Later,
) -> int:
    """One imported row: complainant, case, its one 投诉事项, the 历史导入 mark, timeline, 回访, text index."""
    v = row.values
    received = _at(v["received"])
    closed_at = _at(v["closed"]) if v["closed"] else None
    complainant_id = Complainant.insert(
        name=v["complainant_name"],
        phone=v["phone"],
        name_index=blind_index("name", v["complainant_name"]),
        phone_index=blind_index("phone", v["phone"]),
    ).execute()
    case_id = Case.insert(
        case_no=case_no,
        query_code=numbering.new_query_code(),
        state=State.CLOSED if closed_at else State.REGISTERED,
        channel=v["channel"],
        transfer_source=v["transfer_source"],
        received_at=received,
        registered_at=now,
        registered_by=session.user.id,
        complainant=complainant_id,
        patient_name=v["patient_name"],
        patient_record_no=v["record_no"],
        patient_name_index=blind_index("name", v["patient_name"]),
        patient_record_index=blind_index("record", v["record_no"]),
        category=v["category_id"],
        accept_due=v["received"],
        finding=v["finding"],
        compensation_amount=v["amount"],
        replied_at=closed_at,
        closed_at=closed_at,
        closed_by=session.user.id if closed_at else None,
        close_kind="resolved" if closed_at else "",
        updated_at=now,
        updated_by=session.user.id,
    ).execute()
    later.add(CaseText, case=case_id, content=v["content"], demands=v["demands"])
    if v["result"]:
        later.add(CaseHandling, case=case_id, resolution=v["result"])
    department = departments.get(v["department"]) or default_department_id(v["category_id"])
    later.add(
        CaseIssue,
        case=case_id,
        seq=1,
        category=v["category_id"],
        department=department,
        finding=v["finding"],
        created_at=now,
        created_by=session.user.id,
    )
    later.add(
        ImportedRow,
        fingerprint=row.fingerprint,
        case=case_id,
        source_file=plan.ledger.name[:200],
        source_sha256=plan.ledger.sha256,
        sheet=plan.table.sheet[:64],
        row_number=row.row_number,
        imported_at=now,
        imported_by=session.user.id,
    )
    events = _events(plan, row, closed_at)
    if v["follow_up"]:
        later.add(
            FollowUp,
            case=case_id,
            at=closed_at or received,
            by=session.user.id,
            method="other",
            satisfaction=v["satisfaction"],
            remarks=v["follow_up"],
            outcome="sign_off",
        )
        events.append(("台账回访记录", v["follow_up"]))
    later.rows[CaseEvent].extend(
        chained_events(case_id, session.user.id, now, EVENT_ACTION, [(summary, note, None) for summary, note in events])
    )
    _index(case_id, case_no, v, paths.get(v["category_id"], ""))
    return case_id


def _events(plan: Preview, row: RowPlan, closed_at: datetime | None) -> list[tuple[str, str]]:
    v = row.values
    notes = []
    if row.source.get("phone") and not v["phone"]:
        notes.append(f"台账中的电话：{row.source['phone']}")
    if v["remarks"]:
        notes.append(f"台账备注：{v['remarks']}")
    if row.status == Status.FLAGGED:
        notes.append("需核对：" + row.reason_text)
    events = [
        (
            f"历史导入：台账《{plan.ledger.name}》工作表“{plan.table.sheet}”第 {row.row_number} 行",
            "\n".join(notes),
        )
    ]
    if closed_at:
        finding = FINDINGS.get(v["finding"], "")
        events.append(
            (f"按台账记录于 {v['closed']:%Y-%m-%d} 办结" + (f"（{finding}）" if finding else ""), v["result"])
        )
    return events


def _index(case_id: int, case_no: str, v: dict, category_path: str) -> None:
    """The text index row, from the values at hand (as app.cases.search.index_case writes it)."""
    if not is_sqlite(database_proxy.obj):
        return
    people = " ".join(p for p in (v["complainant_name"], v["patient_name"]) if p)
    row = (case_id, case_no, people, f"{v['content']}\n{v['demands']}", "", category_path)
    trigram_sql, chars_sql = insert_rows_sql(open_case=not v["closed"])  # as the state it is stored in
    database_proxy.execute_sql(trigram_sql, row)
    database_proxy.execute_sql(chars_sql, char_row(row))
