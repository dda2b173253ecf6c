"""导入台账 against generated messy ledgers: the dry run's verdict per row, the report read back with
openpyxl, the import itself (closed rows closed with their dates, narrative verbatim, aliases),
idempotency, all-or-nothing on a failure or 取消 in the middle, and the files it must refuse."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app import audit
from app.cases import history, issues
from app.cases.states import State
from app.errors import OperationCancelled, PermissionDenied
from app.records import ledger_import as li
from app.records.ledger_import import store
from app.session import Session
from models.audit import AuditEntry
from models.cases import Case, CaseCounter, CaseEvent, CaseText, Complainant, FollowUp
from models.organisation import Department
from models.records import ImportedRow
from models.statistics import CaseStat
from tests.support.ledgers import LONG_NARRATIVE, ROW_NUMBER, empty_workbook, messy_ledger, password_protected
from tests.support.sessions import session_as


@pytest.fixture
def manager(admin_session: Session) -> Session:
    return session_as(admin_session, "chenlx", "manager")


def _plan(session: Session, path: Path, **options) -> li.Preview:
    ledger = li.open_ledger(path)
    table = li.read_sheet(ledger)
    return li.preview(session, ledger, table, li.ImportOptions(li.propose_mapping(table.headers), **options))


def _by_row(plan: li.Preview) -> dict[int, li.RowPlan]:
    return {r.row_number: r for r in plan.rows}


def test_dry_run_judges_every_row_and_writes_the_report(manager: Session, tmp_path: Path) -> None:
    plan = _plan(manager, messy_ledger(tmp_path / "台账.xlsx"))
    assert (plan.table.sheet, plan.table.header_row, plan.table.year_hint) == ("2025年台账", 3, 2025)
    rows = _by_row(plan)
    imported = ("excel_date", "serial", "dotted", "slashed", "chinese", "no_year")
    for label in imported:
        assert rows[ROW_NUMBER[label]].status == li.Status.IMPORTED, (label, rows[ROW_NUMBER[label]].reasons)
    received = [rows[ROW_NUMBER[label]].values["received"] for label in imported]
    assert received == [
        date(2025, 3, 5),
        date(2025, 3, 4),
        date(2025, 3, 5),
        date(2025, 3, 5),
        date(2025, 3, 5),
        date(2025, 3, 6),
    ]
    assert ROW_NUMBER["blank"] not in rows and plan.blank_rows == 2
    assert "科室“某某中心”未能识别" in rows[ROW_NUMBER["unknown_dept"]].reason_text
    assert rows[ROW_NUMBER["unknown_dept"]].status == li.Status.FLAGGED
    assert "未办结，导入为待受理" in rows[ROW_NUMBER["open"]].reason_text
    assert rows[ROW_NUMBER["no_content"]].reasons == ["缺少投诉内容"]
    assert "电话“1380013”格式不正确" in rows[ROW_NUMBER["bad_phone"]].reason_text
    assert rows[ROW_NUMBER["duplicate"]].reasons == [
        f"与第 {ROW_NUMBER['excel_date']} 行内容相同（文件内重复）"
    ]
    assert rows[ROW_NUMBER["total"]].reasons == ["合计行"]
    assert plan.unknown_departments == {"某某中心": 1}
    values = rows[ROW_NUMBER["excel_date"]].values
    assert (values["phone"], values["department"], values["finding"], values["amount"]) == (
        "13800138000",
        "cardiology",
        "upheld",
        Decimal("500.00"),
    )
    assert (
        rows[ROW_NUMBER["serial"]].values["phone"] == ""
        and rows[ROW_NUMBER["serial"]].values["department"] == "cardiology"
    )
    assert rows[ROW_NUMBER["dotted"]].values["finding"] == "not_upheld"
    assert rows[ROW_NUMBER["dotted"]].values["channel"] == "transfer"
    assert rows[ROW_NUMBER["serial"]].values["finding"] == "partly_upheld"
    assert rows[ROW_NUMBER["no_year"]].values["department"] == "cardiology"  # pinyin initials of 心内科

    report = li.write_report(plan, tmp_path / "报告.xlsx")
    sheet = load_workbook(report)["逐行结果"]
    table = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert table[ROW_NUMBER["excel_date"]][1] == "导入"
    assert table[ROW_NUMBER["open"]][1] == "导入（需核对）"
    assert table[ROW_NUMBER["total"]][1:3] == ("不导入", "合计行")
    assert sheet.freeze_panes == "D2"
    assert Case.select().count() == 0  # a dry run writes nothing


def test_import_creates_historic_cases_and_a_second_import_adds_nothing(
    manager: Session, tmp_path: Path
) -> None:
    path = messy_ledger(tmp_path / "台账.xlsx")
    plan = _plan(manager, path)
    result = li.import_ledger(manager, plan)
    assert result.imported + result.flagged == len(plan.to_import) == 9
    assert Case.select().count() == 9 == ImportedRow.select().count()

    first = Case.get(Case.id == ImportedRow.get(ImportedRow.row_number == ROW_NUMBER["excel_date"]).case_id)
    assert first.state == State.CLOSED and first.closed_at == datetime(2025, 3, 12)
    assert first.received_at == datetime(2025, 3, 5) and first.case_no.startswith("YH-2025-")
    assert first.finding == "upheld" and first.compensation_amount == Decimal("500.00")
    assert Complainant.get_by_id(first.complainant_id).phone == "13800138000"
    assert FollowUp.get(FollowUp.case == first.id).satisfaction == "satisfied"
    (issue,) = issues.issues_of(first.id)  # one 投诉事项 per imported row
    assert (issue.category_id, issue.finding) == (first.category_id, "upheld")
    assert Department.get_by_id(issue.department_id).code == "cardiology"
    assert CaseStat.select().count() == 9  # counted by the statistics like any case
    events = [e.summary for e in CaseEvent.select().where(CaseEvent.case == first.id).order_by(CaseEvent.seq)]
    assert events[0] == f"历史导入：台账《台账.xlsx》工作表“2025年台账”第 {ROW_NUMBER['excel_date']} 行"
    assert events[1] == "按台账记录于 2025-03-12 办结（成立）"
    serial = Case.get(Case.id == ImportedRow.get(ImportedRow.row_number == ROW_NUMBER["serial"]).case_id)
    assert CaseText.get_by_id(serial.id).content == LONG_NARRATIVE  # verbatim, line break included
    opened = Case.get(Case.id == ImportedRow.get(ImportedRow.row_number == ROW_NUMBER["open"]).case_id)
    assert opened.state == State.REGISTERED and opened.closed_at is None
    bad_phone = ImportedRow.get(ImportedRow.row_number == ROW_NUMBER["bad_phone"]).case_id
    note = CaseEvent.get((CaseEvent.case == bad_phone) & (CaseEvent.seq == 1)).note
    assert "台账中的电话：1380013" in note
    entry = AuditEntry.select().where(AuditEntry.action == "ledger.imported").get()
    assert '"imported":' in entry.detail and audit.verify().ok
    assert history.check_all().breaks == []  # the imported timelines are chained like any other

    again = _plan(manager, path)
    assert all(r.status == li.Status.REFUSED for r in again.rows)
    assert "已导入为案件" in _by_row(again)[ROW_NUMBER["excel_date"]].reason_text
    assert li.import_ledger(manager, again).case_numbers == ()
    assert Case.select().count() == 9
    # the confirmed mapping is remembered for a ledger of the same layout
    assert li.remembered(plan.table.signature)["mapping"]


def test_the_year_of_a_date_without_one(manager: Session, tmp_path: Path) -> None:
    from tests.support.ledgers import ROWS

    rows = [list(r) for label, r in ROWS if label == "no_year"]
    path = tmp_path / "no-title.xlsx"
    messy_ledger(path, rows)
    ledger = li.open_ledger(path)
    table = li.read_sheet(ledger)
    table = table.__class__(table.sheet, table.header_row, table.headers, table.rows, "投诉台账", None)
    options = li.ImportOptions(li.propose_mapping(table.headers))
    refused = li.preview(manager, ledger, table, options).rows[0]
    assert refused.status == li.Status.REFUSED and "没有年份" in refused.reason_text
    options.year = 2024
    assert li.preview(manager, ledger, table, options).rows[0].values["received"] == date(2024, 3, 6)


def test_choices_for_unknown_departments_are_used(manager: Session, tmp_path: Path) -> None:
    plan = _plan(manager, messy_ledger(tmp_path / "a.xlsx"), department_choices={"某某中心": "outpatient"})
    row = _by_row(plan)[ROW_NUMBER["unknown_dept"]]
    assert row.status == li.Status.IMPORTED and row.values["department"] == "outpatient"


def _counts() -> tuple[int, int, int, int]:
    return (
        Case.select().count(),
        ImportedRow.select().count(),
        CaseEvent.select().count(),
        CaseCounter.select().count(),
    )


def test_all_or_nothing_on_a_failure_in_the_middle(
    manager: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = _plan(manager, messy_ledger(tmp_path / "a.xlsx"))
    before = _counts()
    real = store._create
    calls = {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("disk pulled out")
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "_create", failing)
    with pytest.raises(RuntimeError):
        li.import_ledger(manager, plan)
    assert calls["n"] == 5 and _counts() == before
    monkeypatch.setattr(store, "_create", real)

    def cancel_when_all_rows_are_written(done: int, total: int, text: str) -> None:
        if done == total:  # every case written, the transaction not yet committed
            raise OperationCancelled()

    with pytest.raises(OperationCancelled):
        li.import_ledger(manager, plan, cancel_when_all_rows_are_written)
    assert _counts() == before


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: p.write_text("序号,投诉日期\n1,2025-03-05", encoding="utf-8") or p, "不是 Excel 工作簿"),
        (password_protected, "设有打开密码"),
        (empty_workbook, "没有可导入的台账"),
        (lambda p: p.write_bytes(b"PK\x03\x04broken zip") or p, "已损坏"),
    ],
)
def test_files_that_are_refused_cleanly(make, words: str, manager: Session, tmp_path: Path) -> None:
    path = tmp_path / "台账.xlsx"
    result = make(path)
    with pytest.raises(li.LedgerFileError) as caught:
        li.read_sheet(li.open_ledger(result if isinstance(result, Path) else path))
    assert words in caught.value.message
    assert Case.select().count() == 0


def test_an_empty_named_sheet_is_refused(manager: Session, tmp_path: Path) -> None:
    ledger = li.open_ledger(messy_ledger(tmp_path / "a.xlsx"))
    with pytest.raises(li.LedgerFileError) as caught:
        li.read_sheet(ledger, "统计")
    assert "找不到表头" in caught.value.message
    with pytest.raises(li.LedgerFileError) as caught:
        li.read_sheet(li.open_ledger(empty_workbook(tmp_path / "e.xlsx")), "Sheet1")
    assert caught.value.message == "工作表“Sheet1”是空的，没有可导入的内容"


def test_only_admin_and_manager_import(admin_session: Session, tmp_path: Path) -> None:
    officer = session_as(admin_session, "linxw", "officer")
    path = messy_ledger(tmp_path / "a.xlsx")
    with pytest.raises(PermissionDenied):
        _plan(officer, path)
    assert _plan(admin_session, path).count(li.Status.IMPORTED) == 6


def test_a_row_edited_in_the_ledger_after_its_import_is_not_imported_again(
    manager: Session, tmp_path: Path
) -> None:
    from tests.support.ledgers import ROWS

    rows = [list(r) for label, r in ROWS if label in ("open", "excel_date")]
    li.import_ledger(manager, _plan(manager, messy_ledger(tmp_path / "v1.xlsx", rows)))
    rows[1][11], rows[1][13] = "已电话解释病情。", "2025-03-20"  # the open row closed later in the ledger
    again = _plan(manager, messy_ledger(tmp_path / "v2.xlsx", rows))
    assert [r.status for r in again.rows] == [li.Status.REFUSED, li.Status.REFUSED]
    assert "其他栏目后来有改动" in again.rows[1].reason_text
    assert Case.select().count() == 2
