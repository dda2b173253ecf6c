"""导出台账 read back with openpyxl: every field, dates as dates, masking per role and per request,
restricted cases only for those who may read them, audited with the row count, refused for roles
that may not export."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.cases import overlays
from app.cases.states import State
from app.errors import PermissionDenied, ValidationError
from app.records import export
from app.records import ledger_import as li
from app.session import Session
from models.audit import AuditEntry
from tests.support.cases import ID_NUMBER, PHONE, form, register, walk
from tests.support.ledgers import messy_ledger
from tests.support.sessions import session_as

START, END = date(2026, 1, 1), date(2026, 12, 31)


@pytest.fixture
def office(admin_session: Session, fake_clock) -> dict[str, Session]:
    people = {
        "officer": session_as(admin_session, "linxw", "officer", display_name="林晓雯"),
        "officer2": session_as(admin_session, "wangzq", "officer", display_name="王志强"),
        "manager": session_as(admin_session, "chenlx", "manager", display_name="陈立新"),
        "clerk": session_as(admin_session, "zhaomin", "clerk", display_name="赵敏"),
    }
    return people


def _read(path: Path) -> tuple[list[str], dict[str, dict[str, object]]]:
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    return header, {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}


def test_export_every_field_masked_per_role(office: dict[str, Session], tmp_path: Path) -> None:
    officer, manager = office["officer"], office["manager"]
    closed = register(officer, content="候诊三小时无人叫号。")
    walk(officer, manager, closed, State.CLOSED)
    secret = register(officer, content="涉及医务人员隐私的投诉。")
    overlays.restrict(manager, secret, True, [])
    out = tmp_path / "台账.xlsx"

    result = export.export_ledger(officer, START, END, out)
    header, rows = _read(out)
    assert (
        header[:3] == ["案件编号", "接待时间", "投诉渠道"] and "回访" in header and "投诉是否成立" in header
    )
    assert result.rows == 1 and len(rows) == 1, "the officer is not named on the restricted case"
    (row,) = rows.values()
    assert row["联系电话"] == "139****5678" and row["身份证号"] == "1101**********002X"
    assert isinstance(row["接待时间"], datetime) and isinstance(row["办结时间"], datetime)
    assert row["投诉内容"] == "候诊三小时无人叫号。" and row["投诉是否成立"] == "部分成立"
    assert "心血管内科" in row["转办科室"] and "电话" in row["回访"] and row["满意度"] == "满意"
    assert row["来源"] == "系统登记" and row["状态"] == "已销项"
    assert row["投诉事项"].startswith("1. ") and "部分成立" in row["投诉事项"]
    issue_rows = list(load_workbook(out)["投诉事项"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[6]) for r in issue_rows] == [(row["案件编号"], 1, "部分成立")]
    sheet = load_workbook(out).active
    assert sheet.freeze_panes == "B2" and sheet.column_dimensions["P"].width == 50
    assert sheet["B2"].number_format == "yyyy-mm-dd hh:mm"

    full = export.export_ledger(manager, START, END, out, full_identifiers=True)
    _header, rows = _read(out)
    assert full.rows == 2 and not full.masked
    assert {r["联系电话"] for r in rows.values()} == {PHONE} and ID_NUMBER in {
        r["身份证号"] for r in rows.values()
    }
    assert [r["保密"] for r in rows.values()].count("是") == 1
    entries = list(AuditEntry.select().where(AuditEntry.action == "ledger.exported").order_by(AuditEntry.seq))
    assert ['"rows":1' in entries[0].detail, '"rows":2' in entries[1].detail] == [True, True]


def test_export_lists_the_imported_source_and_refuses_clerks(
    office: dict[str, Session], tmp_path: Path
) -> None:
    ledger = li.open_ledger(messy_ledger(tmp_path / "台账.xlsx"))
    table = li.read_sheet(ledger)
    li.import_ledger(
        office["manager"],
        li.preview(office["manager"], ledger, table, li.ImportOptions(li.propose_mapping(table.headers))),
    )
    out = tmp_path / "out.xlsx"
    result = export.export_ledger(office["manager"], date(2025, 1, 1), date(2025, 12, 31), out)
    _header, rows = _read(out)
    assert result.rows == 9
    assert all(r["来源"].startswith("历史导入：台账.xlsx 第 ") for r in rows.values())
    amounts = sorted(r["赔偿/退费金额（元）"] for r in rows.values() if r["赔偿/退费金额（元）"])
    assert amounts == [500.0, 1200.0]
    with pytest.raises(PermissionDenied):
        export.export_ledger(office["clerk"], START, END, tmp_path / "no.xlsx")
    with pytest.raises(ValidationError):
        export.export_ledger(office["officer"], END, START, tmp_path / "no.xlsx")
    assert not (tmp_path / "no.xlsx").exists()


def test_cancelled_export_leaves_no_file_and_no_audit(office: dict[str, Session], tmp_path: Path) -> None:
    from app.errors import OperationCancelled

    register(office["officer"], **{"content": "一件投诉。"})

    def cancel(done: int, total: int, text: str) -> None:
        raise OperationCancelled()

    with pytest.raises(OperationCancelled):
        export.export_ledger(office["officer"], START, END, tmp_path / "x.xlsx", progress=cancel)
    assert not (tmp_path / "x.xlsx").exists()
    assert not AuditEntry.select().where(AuditEntry.action == "ledger.exported").exists()
    assert form  # the sample form is the one the cases were registered with
