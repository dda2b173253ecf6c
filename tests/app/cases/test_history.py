"""Tamper-evident timelines: each case's events are hash-chained, the workspace view says when the
chain breaks, and `audit verify` names the case and the event, also for a timeline whose hashes
were recomputed or whose newest events were cut off (the audit log recorded its head)."""

from __future__ import annotations

import json

from app import audit
from app.cases import history, overlays, views
from app.cases.states import State
from models.audit import AuditEntry
from models.cases import Case, CaseEvent
from models.chain import GENESIS, event_digest, head_text, same_head
from models.database import database_proxy
from tests.support.desk import Desk


def _sql(statement: str, *params: object) -> None:
    database_proxy.execute_sql(statement, params)


def _events(case_id: int) -> list[CaseEvent]:
    return list(CaseEvent.select().where(CaseEvent.case == case_id).order_by(CaseEvent.seq))


def _case_no(case_id: int) -> str:
    return Case.get_by_id(case_id).case_no


def _full(desk: Desk) -> audit.VerifyReport:
    return audit.verify(session=desk["admin"])


def test_every_event_is_chained_to_the_one_before(desk: Desk) -> None:
    case_id = desk.new_case(State.DRAFTING)
    events = _events(case_id)
    assert len(events) >= 4
    prev = GENESIS
    for e in events:
        digest = event_digest(case_id, e.seq, e.at, e.actor_id, e.action, e.summary, e.note, e.attachment_id, prev)
        assert e.hash == digest
        prev = digest
    assert views.open_case(desk["officer"], case_id).timeline_problem == ""
    report = _full(desk)
    assert report.ok, report.message
    assert report.timelines is not None and report.timelines[1] == CaseEvent.select().count()
    assert "案件时间线完整" in report.message


def test_each_case_write_records_the_timeline_head_in_the_audit_log(desk: Desk) -> None:
    case_id = desk.new_case(State.ACCEPTED)
    newest = _events(case_id)[-1]
    entry = AuditEntry.select().where(AuditEntry.action == "case.accept").order_by(AuditEntry.seq.desc()).get()
    head = head_text(newest.seq, newest.hash)  # the newest event's number and 128 bits of its hash
    assert json.loads(entry.detail)["chain"] == {_case_no(case_id): head}
    assert history.audited_heads()[_case_no(case_id)] == head
    assert same_head(head, newest.seq, newest.hash) and not same_head(head, newest.seq - 1, newest.hash)
    # heads recorded before the short form (the whole hash) are read too
    assert same_head(f"{newest.seq}:{newest.hash}", newest.seq, newest.hash)
    assert not same_head(f"{newest.seq}:{newest.hash}", newest.seq, "0" * 64)
    assert not same_head(head_text(newest.seq, "0" * 64), newest.seq, newest.hash)


def test_a_row_edited_with_plain_sql_shows_on_open_and_in_verify(desk: Desk) -> None:
    case_id = desk.new_case(State.IN_PROGRESS)
    _sql("UPDATE case_event SET note = '已与患者和解' WHERE case_id = ? AND seq = 2", case_id)

    problem = views.open_case(desk["officer"], case_id).timeline_problem
    assert "第 2 条" in problem and "被改动" in problem
    report = _full(desk)
    assert not report.ok
    assert any(_case_no(case_id) in b and "第 2 条" in b for b in report.timeline_breaks)
    assert f"案件 {_case_no(case_id)} 的时间线第 2 条" in report.message
    assert audit.verify().ok  # the audit chain alone is untouched: the timeline check finds it


def test_a_deleted_event_in_the_middle_is_found(desk: Desk) -> None:
    case_id = desk.new_case(State.IN_PROGRESS)
    _sql("DELETE FROM case_event WHERE case_id = ? AND seq = 2", case_id)
    assert "第 2 条缺失" in views.open_case(desk["officer"], case_id).timeline_problem
    assert any("第 2 条缺失" in b for b in _full(desk).timeline_breaks)


def test_recomputed_hashes_do_not_hide_an_edit(desk: Desk) -> None:
    """Somebody who knows the scheme edits a row and recomputes the chain: it is valid again, but no
    longer the timeline the audit log vouched for."""
    case_id = desk.new_case(State.IN_PROGRESS)
    _sql("UPDATE case_event SET summary = '受理（已撤回）' WHERE case_id = ? AND seq = 2", case_id)
    prev = GENESIS
    for e in _events(case_id):
        prev = event_digest(case_id, e.seq, e.at, e.actor_id, e.action, e.summary, e.note, e.attachment_id, prev)
        _sql("UPDATE case_event SET hash = ? WHERE id = ?", bytes.fromhex(prev), e.id)

    assert views.open_case(desk["officer"], case_id).timeline_problem == ""  # the chain itself holds
    report = _full(desk)
    assert not report.ok
    assert any(_case_no(case_id) in b and "与审计日志记录的时间线不符" in b for b in report.timeline_breaks)


def test_the_newest_events_cut_off_are_found(desk: Desk) -> None:
    case_id = desk.new_case(State.IN_PROGRESS)
    newest = _events(case_id)[-1].seq
    _sql("DELETE FROM case_event WHERE case_id = ? AND seq = ?", case_id, newest)
    assert views.open_case(desk["officer"], case_id).timeline_problem == ""
    assert any(f"第 {newest} 条与审计日志" in b for b in _full(desk).timeline_breaks)


def test_a_deleted_case_is_found(desk: Desk) -> None:
    case_id = desk.new_case(State.ACCEPTED)
    case_no = _case_no(case_id)
    _sql('DELETE FROM case_event WHERE case_id = ?', case_id)
    _sql('DELETE FROM case_access WHERE case_id = ?', case_id)
    _sql('DELETE FROM "case" WHERE id = ?', case_id)
    assert any(case_no in b and "案件已不存在" in b for b in _full(desk).timeline_breaks)


def test_a_merge_chains_both_timelines(desk: Desk) -> None:
    first, second = desk.new_case(State.ACCEPTED), desk.new_case(State.ACCEPTED)
    overlays.merge(desk["officer"], second, first, "同一投诉人同一事项")
    entry = AuditEntry.select().where(AuditEntry.action == "case.merge").get()
    assert set(json.loads(entry.detail)["chain"]) == {_case_no(first), _case_no(second)}
    assert _full(desk).ok


def test_rows_written_many_at_a_time_are_chained_too() -> None:
    """Writers that insert timeline rows in bulk (the ledger import) take them from chained_events."""
    from datetime import datetime

    from app.write_path import chained_events

    at = datetime(2026, 3, 10, 9, 0)
    rows = chained_events(7, 2, at, "import", [("台账导入", "", None), ("台账回访记录", "满意", None)])
    assert [r["seq"] for r in rows] == [1, 2]
    first = event_digest(7, 1, at, 2, "import", "台账导入", "", None, GENESIS)
    assert rows[0]["hash"] == first
    assert rows[1]["hash"] == event_digest(7, 2, at, 2, "import", "台账回访记录", "满意", None, first)
