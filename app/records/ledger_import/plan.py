"""The dry run: every source row → 导入 / 导入（需核对） / 不导入, with the reasons in Chinese.

The real import (store.py) imports exactly the rows this marks imported or flagged, so what the user
saw in the report is what happens."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from app.errors import ValidationError
from app.policy import Action
from app.records.ledger_import import values as cell
from app.records.ledger_import.fields import FIELD_LABELS
from app.records.ledger_import.matching import Matcher
from app.records.ledger_import.workbook import LedgerFile, SheetTable
from app.session import Session
from app.write_path import require
from models.cases import Case, CaseText, Complainant
from models.fields import blind_index, current_cipher
from models.records import ImportedRow

CONTENT_MAX = 20000


class Status(StrEnum):
    IMPORTED = "imported"
    FLAGGED = "flagged"
    REFUSED = "refused"


STATUS_LABELS = {Status.IMPORTED: "导入", Status.FLAGGED: "导入（需核对）", Status.REFUSED: "不导入"}


@dataclass
class ImportOptions:
    """What the user confirmed: column → field, the year of dates written without one, and the
    department / category chosen for texts the matcher did not know ("" = leave empty)."""

    mapping: dict[int, str]
    year: int | None = None
    department_choices: dict[str, str] = field(default_factory=dict)
    category_choices: dict[str, str] = field(default_factory=dict)


@dataclass
class RowPlan:
    row_number: int
    status: Status
    reasons: list[str]
    values: dict[str, Any]
    fingerprint: str
    source: dict[str, str]  # field → the cell text as written

    @property
    def reason_text(self) -> str:
        return "；".join(self.reasons)


@dataclass
class Preview:
    ledger: LedgerFile
    table: SheetTable
    options: ImportOptions
    rows: list[RowPlan]
    blank_rows: int
    unknown_departments: Counter
    unknown_categories: Counter

    def count(self, status: Status) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def to_import(self) -> list[RowPlan]:
        return [r for r in self.rows if r.status != Status.REFUSED]

    def lines(self) -> list[str]:
        lines = [
            f"台账：{self.ledger.name}，工作表“{self.table.sheet}”，表头在第 {self.table.header_row} 行",
            f"导入 {self.count(Status.IMPORTED)} 行，导入但需核对 {self.count(Status.FLAGGED)} 行，"
            f"不导入 {self.count(Status.REFUSED)} 行，空行 {self.blank_rows} 行",
        ]
        if self.unknown_departments:
            lines.append(
                "未能识别的科室：" + "、".join(f"{k}（{v} 行）" for k, v in self.unknown_departments.items())
            )
        if self.unknown_categories:
            lines.append(
                "未能识别的类别：" + "、".join(f"{k}（{v} 行）" for k, v in self.unknown_categories.items())
            )
        return lines


def fingerprint(source: dict[str, str]) -> str:
    """Identifies the row's content, whatever file or position it comes from (序号 left out)."""
    items = sorted((k, v) for k, v in source.items() if k != "seq")
    return hashlib.sha256(json.dumps(items, ensure_ascii=False).encode("utf-8")).hexdigest()


def _check_mapping(mapping: dict[int, str]) -> None:
    chosen = [key for key in mapping.values() if key]
    missing = [FIELD_LABELS[k] for k in ("received", "content") if k not in chosen]
    if missing:
        raise ValidationError(
            "mapping", "列对应", "请指定" + "和".join(f"“{m}”" for m in missing) + "所在的列"
        )
    twice = [FIELD_LABELS[k] for k, n in Counter(chosen).items() if n > 1]
    if twice:
        raise ValidationError("mapping", "列对应", "“" + "、".join(twice) + "”对应了不止一列")


def preview(session: Session, ledger: LedgerFile, table: SheetTable, options: ImportOptions) -> Preview:
    """Read and judge every row (nothing is written)."""
    require(session, Action.IMPORT_LEDGER, target=ledger.name)
    _check_mapping(options.mapping)
    matcher = Matcher(options.department_choices, options.category_choices)
    year = options.year or table.year_hint
    rows: list[RowPlan] = []
    blank = 0
    seen: dict[str, int] = {}
    unknown_departments: Counter = Counter()
    unknown_categories: Counter = Counter()
    for row_number, raw in table.rows:
        texts = [cell.text(v) for v in raw]
        if not any(texts):
            blank += 1
            continue
        source = {key: cell.text(raw[col]) for col, key in options.mapping.items() if key and col < len(raw)}
        plan = RowPlan(row_number, Status.IMPORTED, [], {}, fingerprint(source), source)
        rows.append(plan)
        if cell.is_total_row(texts):
            plan.status, plan.reasons = Status.REFUSED, ["合计行"]
            continue
        if [t.replace(" ", "") for t in texts[: len(table.headers)]] == [
            h.replace(" ", "") for h in table.headers
        ]:
            plan.status, plan.reasons = Status.REFUSED, ["重复的表头行"]
            continue
        if plan.fingerprint in seen:
            plan.status, plan.reasons = (
                Status.REFUSED,
                [f"与第 {seen[plan.fingerprint]} 行内容相同（文件内重复）"],
            )
            continue
        seen[plan.fingerprint] = row_number
        _judge(
            plan,
            {key: raw[col] for col, key in options.mapping.items() if key and col < len(raw)},
            matcher,
            year,
        )
        if plan.values.get("department_unknown"):
            unknown_departments[plan.values["department_unknown"]] += 1
        if plan.values.get("category_unknown"):
            unknown_categories[plan.values["category_unknown"]] += 1
    _against_database(rows)
    return Preview(ledger, table, options, rows, blank, unknown_departments, unknown_categories)


def _refuse(plan: RowPlan, reason: str) -> None:
    plan.status = Status.REFUSED
    plan.reasons.append(reason)


def _flag(plan: RowPlan, reason: str) -> None:
    if plan.status != Status.REFUSED:
        plan.status = Status.FLAGGED
    plan.reasons.append(reason)


def _judge(plan: RowPlan, raw: dict[str, Any], matcher: Matcher, year: int | None) -> None:
    v = plan.values
    try:
        v["received"] = cell.parse_date(raw.get("received"), year)
    except ValueError as exc:
        _refuse(plan, str(exc))
    else:
        if v["received"] is None:
            _refuse(plan, "缺少投诉日期")
    content = "" if raw.get("content") is None else str(raw["content"]).strip()
    if not content:
        _refuse(plan, "缺少投诉内容")
    elif len(content) > CONTENT_MAX:
        _refuse(plan, f"投诉内容超过 {CONTENT_MAX} 字")
    v["content"] = content  # verbatim (only the surrounding blanks trimmed)
    if plan.status == Status.REFUSED:
        return
    for key in ("complainant_name", "patient_name", "record_no", "demands", "result", "remarks"):
        v[key] = "" if raw.get(key) is None else str(raw[key]).strip()
    v["complainant_name"], v["patient_name"] = v["complainant_name"][:40], v["patient_name"][:40]
    v["record_no"] = v["record_no"][:32].upper()
    v["channel"], v["transfer_source"] = cell.parse_channel(raw.get("channel"))
    try:
        v["phone"] = cell.parse_phone(raw.get("phone"))
    except ValueError as exc:
        v["phone"] = ""
        _flag(plan, f"{exc}，未导入电话（原文记入时间线）")
    for kind, resolve in (("department", matcher.department), ("category", matcher.category)):
        written = cell.text(raw.get(kind))
        code, problem = resolve(written)
        v[kind] = code
        if problem:
            v[f"{kind}_unknown"] = written
            _flag(plan, f"{problem}，导入时不设{'科室' if kind == 'department' else '类别'}")
    v["category_id"] = matcher.category_id(v["category"])
    try:
        v["finding"] = cell.parse_finding(raw.get("finding"))
    except ValueError as exc:
        v["finding"] = ""
        _flag(plan, str(exc))
    try:
        v["amount"] = cell.parse_amount(raw.get("amount"))
    except ValueError as exc:
        v["amount"] = None
        _flag(plan, str(exc))
    _closing(plan, raw, year)
    v["satisfaction"] = cell.parse_satisfaction(raw.get("follow_up"))
    v["follow_up"] = cell.text(raw.get("follow_up"))


def _closing(plan: RowPlan, raw: dict[str, Any], year: int | None) -> None:
    v = plan.values
    try:
        closed: date | None = cell.parse_date(raw.get("closed"), year)
    except ValueError as exc:
        closed = None
        _flag(plan, f"办结{exc}")
    status = cell.parse_status(raw.get("status"))
    is_closed = status if status is not None else bool(closed or v["finding"] or v["result"])
    if is_closed and closed is None:
        closed = v["received"]
        _flag(plan, "已办结但没有办结日期，按投诉日期记录")
    if closed is not None and closed < v["received"]:
        _flag(plan, "办结日期早于投诉日期，按投诉日期记录")
        closed = v["received"]
    if not is_closed:
        closed = None
        _flag(plan, "台账中未办结，导入为待受理")
    v["closed"] = closed


def _changed_since_import(rows: list[RowPlan]) -> None:
    """A row imported before whose other cells were edited in the ledger since (a close date added,
    a result filled in): the same complaint — same day, same narrative — is not imported twice."""
    imported = ImportedRow.select(ImportedRow.case)
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        days = sorted({datetime.combine(r.values["received"], time.min) for r in chunk})
        known = {
            (received.date(), content): case_no
            for case_no, received, content in Case.select(Case.case_no, Case.received_at, CaseText.content)
            .join(CaseText, on=(CaseText.case == Case.id))
            .where(Case.received_at.in_(days), Case.id.in_(imported))
            .tuples()
        }
        for plan in chunk:
            case_no = known.get((plan.values["received"], plan.values["content"]))
            if case_no:
                plan.status = Status.REFUSED
                plan.reasons = [f"已导入为案件 {case_no}；台账中此行的其他栏目后来有改动，请在该案件中更新"]


def _against_database(rows: list[RowPlan]) -> None:
    """Rows already imported (same content) are not imported again; a case registered in the
    application with the same phone on the same day is named for checking."""
    live = [r for r in rows if r.status != Status.REFUSED]
    for start in range(0, len(live), 500):
        chunk = live[start : start + 500]
        found = {
            fp: case_no
            for fp, case_no in ImportedRow.select(ImportedRow.fingerprint, Case.case_no)
            .join(Case)
            .where(ImportedRow.fingerprint.in_([r.fingerprint for r in chunk]))
            .tuples()
        }
        for plan in chunk:
            if plan.fingerprint in found:
                plan.status = Status.REFUSED
                plan.reasons = [f"已导入为案件 {found[plan.fingerprint]}（再次导入不会重复）"]
    _changed_since_import([r for r in live if r.status != Status.REFUSED])
    phoned = [r for r in live if r.status != Status.REFUSED and r.values.get("phone")]
    cipher = current_cipher()
    for start in range(0, len(phoned), 500):
        chunk = phoned[start : start + 500]
        keys = {(blind_index("phone", r.values["phone"]) if cipher else r.values["phone"]): r for r in chunk}
        column = Complainant.phone_index if cipher else Complainant.phone
        query = (
            Case.select(Case.case_no, Case.received_at, column.alias("key"))
            .join(Complainant)
            .where(column.in_(list(keys)))
            .where(Case.id.not_in(ImportedRow.select(ImportedRow.case)))
        )
        for case_no, received_at, key in query.tuples():
            plan = keys.get(key)
            if plan is not None and received_at.date() == plan.values["received"]:
                _flag(plan, f"可能与已登记的案件 {case_no} 重复（同一电话、同一天）")
