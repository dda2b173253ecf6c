"""The audit chain detects an edited, a deleted (middle or newest) and a reordered entry."""

from __future__ import annotations

import pytest

from app import audit, users
from models.audit import AuditEntry
from models.database import database_proxy


@pytest.fixture
def log(admin_session):
    for i in range(4):
        users.add_user(admin_session, f"user{i}", f"用户{i}", ["officer"], "Lotus-Ridge-2026")
    assert audit.verify().ok
    return admin_session


def _sql(statement: str, *params) -> None:
    database_proxy.execute_sql(statement, params)


def test_intact_log_verifies(log) -> None:
    report = audit.verify()
    assert report.ok and report.entries == AuditEntry.select().count()
    assert "哈希链校验通过" in report.message


def test_edited_entry_is_named(log) -> None:
    _sql("UPDATE audit_entry SET target = 'someone-else' WHERE seq = 4")
    report = audit.verify()
    assert not report.ok and report.first_bad_seq == 4
    assert "第 4 条" in report.message and "被修改" in report.message


def test_edited_detail_is_detected(log) -> None:
    _sql("UPDATE audit_entry SET detail = '{}' WHERE seq = 5")
    assert audit.verify().first_bad_seq == 5


def test_deleted_middle_entry_is_detected(log) -> None:
    _sql("DELETE FROM audit_entry WHERE seq = 3")
    report = audit.verify()
    assert not report.ok and report.first_bad_seq == 3


def test_deleted_newest_entry_is_detected(log) -> None:
    newest = AuditEntry.select().order_by(AuditEntry.seq.desc()).first().seq
    _sql("DELETE FROM audit_entry WHERE seq = ?", newest)
    report = audit.verify()
    assert not report.ok and report.first_bad_seq == newest


def test_reordered_entries_are_detected(log) -> None:
    a, b = AuditEntry.get(AuditEntry.seq == 3), AuditEntry.get(AuditEntry.seq == 4)
    columns = ("at", "actor", "action", "target", "detail", "hash")
    for row, other in ((a, b), (b, a)):
        values = {c: getattr(other, c) for c in columns}
        AuditEntry.update(**values).where(AuditEntry.seq == row.seq).execute()
    report = audit.verify()
    assert not report.ok and report.first_bad_seq == 3


def test_renumbered_entries_are_detected(log) -> None:
    _sql("UPDATE audit_entry SET seq = seq + 100 WHERE seq = 2")
    assert audit.verify().first_bad_seq == 2


def test_a_failed_operation_leaves_neither_write_nor_audit(admin_session, monkeypatch) -> None:
    from app.keyslots import KeySlotFile
    from models.accounts import User

    before = AuditEntry.select().count()

    def disk_full(self) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(KeySlotFile, "save", disk_full)
    with pytest.raises(OSError):
        users.add_user(admin_session, "late", "某人", ["officer"], "Lotus-Ridge-2026")
    assert AuditEntry.select().count() == before
    assert User.get_or_none(User.username == "late") is None
