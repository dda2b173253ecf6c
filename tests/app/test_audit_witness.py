"""The audit witness in the key slot file: a cut-off tail with the head row set back, an emptied log
and a rewritten log all pass the chain check alone, and are found against the witness; the witness
keeps its evidence through later logins and key rotations, and cannot be forged without a slot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app import audit, auth, cli, keyrotation, users, witness
from app.keyslots import KeySlotFile
from app.session import Session
from models.audit import AuditEntry, AuditHead
from models.database import database_proxy
from tests.support.accounts import ADMIN, ADMIN_PASSWORD


@pytest.fixture
def log(admin_session: Session) -> Session:
    for i in range(4):
        users.add_user(admin_session, f"user{i}", f"用户{i}", ["officer"], "Lotus-Ridge-2026")
    return admin_session


def _sql(statement: str, *params: object) -> None:
    database_proxy.execute_sql(statement, params)


def _truncate_tail(keep: int) -> None:
    """What an insider with the database key does: delete the newest entries, set the head back."""
    row = AuditEntry.get(AuditEntry.seq == keep)
    _sql("DELETE FROM audit_entry WHERE seq > ?", keep)
    _sql("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", keep, bytes.fromhex(row.hash))


def _stored_witness(session: Session) -> dict:
    stored = KeySlotFile.load(session.database_path).witness
    assert stored is not None
    return stored


def test_the_witness_follows_every_write(log: Session) -> None:
    head = AuditHead.get_by_id(1)
    stored = _stored_witness(log)
    assert (stored["seq"], stored["hash"], stored["count"]) == (head.seq, head.hash, head.seq)
    report = audit.verify(session=log)
    assert report.ok and report.witness_ok, report.message
    assert f"见证到第 {head.seq} 条" in report.message


def test_a_new_database_has_a_witness_from_the_start(admin_session: Session) -> None:
    assert _stored_witness(admin_session)["seq"] == AuditHead.get_by_id(1).seq


def test_a_cut_off_tail_passes_the_chain_but_not_the_witness(log: Session) -> None:
    witnessed = AuditHead.get_by_id(1).seq
    _truncate_tail(witnessed - 3)
    assert audit.verify().ok  # the chain alone: a shorter, valid chain
    report = audit.verify(session=log)
    assert not report.ok and not report.witness_ok
    assert f"审计见证记录了 {witnessed} 条日志" in report.message and "截断" in report.message


def test_an_emptied_log_is_found(log: Session) -> None:
    _sql("DELETE FROM audit_entry")
    _sql("DELETE FROM audit_head")
    assert audit.verify().ok
    report = audit.verify(session=log)
    assert not report.ok and "日志已被清空" in report.message


def test_a_rewritten_log_is_found(log: Session) -> None:
    """The whole chain recomputed after an edit: valid as a chain, but not the one witnessed."""
    _sql("UPDATE audit_entry SET target = 'someone-else' WHERE seq = 3")
    prev = AuditEntry.get(AuditEntry.seq == 2).hash
    for row in AuditEntry.select().where(AuditEntry.seq >= 3).order_by(AuditEntry.seq):
        digest = audit._digest(row.seq, row.at, row.actor, row.action, row.target, row.detail, prev)
        _sql("UPDATE audit_entry SET hash = ? WHERE seq = ?", bytes.fromhex(digest), row.seq)
        prev = digest
    _sql("UPDATE audit_head SET hash = ? WHERE id = 1", bytes.fromhex(prev))
    assert audit.verify().ok
    report = audit.verify(session=log)
    assert not report.ok and "与见证记录的哈希不符" in report.message


def test_new_entries_after_a_truncation_keep_the_evidence(log: Session, db_path: Path) -> None:
    """Logging in again appends entries past the old count; the witness must not move on."""
    witnessed = dict(_stored_witness(log))
    _truncate_tail(witnessed["seq"] - 3)
    auth.logout(log)
    for _ in range(3):
        session = auth.login_local(db_path, ADMIN, ADMIN_PASSWORD)
        auth.logout(session)
    session = auth.login_local(db_path, ADMIN, ADMIN_PASSWORD)
    assert _stored_witness(session) == witnessed
    assert AuditEntry.select().where(AuditEntry.action == "audit.witness_mismatch").count() == 4
    report = audit.verify(session=session)
    assert not report.ok and "与见证记录的哈希不符" in report.message


def test_a_witness_edited_in_the_file_is_refused(log: Session) -> None:
    witnessed = _stored_witness(log)["seq"]
    _truncate_tail(witnessed - 3)
    with KeySlotFile.update(log.database_path) as slots:
        assert slots.witness is not None
        slots.witness = {**slots.witness, "seq": witnessed - 3, "count": witnessed - 3}
    report = audit.verify(session=log)
    assert not report.ok and "签名无效" in report.message


def test_a_removed_witness_is_reported(log: Session) -> None:
    with KeySlotFile.update(log.database_path) as slots:
        slots.witness = None
    report = audit.verify(session=log)
    assert not report.ok and "没有审计见证" in report.message


def test_a_witness_signed_with_another_key_does_not_verify(log: Session) -> None:
    head = AuditHead.get_by_id(1)
    forged = witness.signed(log.slots.database_id, b"\x01" * 32, head.seq, head.hash, head.seq)
    with KeySlotFile.update(log.database_path) as slots:
        slots.witness = forged
    assert "签名无效" in witness.check(log, head.seq).message


def test_key_rotation_carries_the_witness(log: Session) -> None:
    keyrotation.rotate_database_key(log)
    report = audit.verify(session=log)
    assert report.ok, report.message
    assert _stored_witness(log)["seq"] == AuditHead.get_by_id(1).seq


def test_key_rotation_keeps_an_invalid_witness_invalid(log: Session) -> None:
    witnessed = _stored_witness(log)["seq"]
    _truncate_tail(witnessed - 2)
    keyrotation.rotate_database_key(log)
    assert not audit.verify(session=log).witness_ok


def test_cli_audit_verify_reports_the_truncation(
    log: Session, db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _truncate_tail(_stored_witness(log)["seq"] - 2)
    auth.logout(log)
    monkeypatch.setenv(cli.PASSWORD_ENV, ADMIN_PASSWORD)
    code = cli.run(cli.build_parser().parse_args(["audit", "verify", "--db", str(db_path), "--user", ADMIN]))
    assert code == cli.EXIT_FAILED
    err = capsys.readouterr().err
    assert "审计见证不符" in err and "截断或改写" in err


def test_the_witness_is_json_in_the_slot_file(log: Session) -> None:
    data = json.loads(KeySlotFile.sidecar_for(log.database_path).read_text(encoding="utf-8"))
    assert set(data["witness"]) == {"seq", "hash", "count", "at", "signature"}


def test_after_reads_the_witness_moves_at_most_every_few_seconds(log: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    witnessed = _stored_witness(log)["seq"]  # the last write moved it just now
    with database_proxy.atomic():
        audit.record(log.user.username, "case.view", "YH-2026-000001")
    assert witness.refresh(log, after_read=True)
    assert _stored_witness(log)["seq"] == witnessed  # within the interval: not yet
    monkeypatch.setattr(witness, "READ_REFRESH_SECONDS", 0.0)
    assert witness.refresh(log, after_read=True)
    assert _stored_witness(log)["seq"] == witnessed + 1
    with database_proxy.atomic():
        audit.record(log.user.username, "case.view", "YH-2026-000002")
    monkeypatch.setattr(witness, "READ_REFRESH_SECONDS", 3600.0)
    assert witness.refresh(log, after_read=True)
    path = log.database_path
    auth.logout(log)  # logging out always moves it
    stored = KeySlotFile.load(path).witness
    assert stored is not None and stored["seq"] == witnessed + 3  # the read, and the logout entry
