"""The audit witness a backup carries is its copy's own, judged on the copy: raced deterministically
against writes on another connection before and after the copy while this connection holds an
older read snapshot; and a witness that no longer fits the log is carried unchanged (evidence)."""

from __future__ import annotations

import json
import threading
import zipfile
from pathlib import Path

import pytest

from app import audit, auth, users, witness
from app.cases import intake
from app.keyslots import KeySlotFile
from app.records import backup, restore, snapshot
from app.records.restore import Credentials
from app.session import Session
from models.audit import AuditEntry, AuditHead
from models.cases import Case
from models.database import database_proxy
from tests.support.accounts import ADMIN, ADMIN_PASSWORD, USER_PASSWORD
from tests.support.cases import form
from tests.support.sessions import session_for


def _officer(admin: Session) -> Session:
    users.add_user(admin, "linxw", "林晓雯", ["officer"], USER_PASSWORD, must_change_password=False)
    return session_for(admin, "linxw")


def _register_on_another_connection(officer: Session, text: str) -> None:
    """A write committed on a connection of its own (a thread's), which moves the slot file's witness."""
    failures: list[BaseException] = []

    def work() -> None:
        try:
            intake.register(officer, form(content=text))
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            failures.append(exc)
        finally:
            database_proxy.close()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert not failures, failures


def _carried(path: Path) -> tuple[dict, dict]:
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read(backup.KEYS))["witness"], json.loads(archive.read(backup.MANIFEST))


def test_the_witness_is_the_copy_s_while_this_connection_lags_and_others_write(
    admin_session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    officer = _officer(admin_session)
    intake.register(officer, form(content="候诊三小时无人叫号。"))
    live = database_proxy.connection()
    real_copy, real_for_backup = snapshot.copy_online, witness.for_backup
    lagging = []

    def copy_between_writes(*args: object) -> None:
        # this connection keeps an older read snapshot open, as a statement not yet reset does
        cursor = live.execute("SELECT seq FROM audit_entry ORDER BY seq")
        cursor.fetchone()
        lagging.append(cursor)
        _register_on_another_connection(officer, "复制之前另一连接写入的投诉。")
        real_copy(*args)
        _register_on_another_connection(officer, "复制之后、读取见证之前写入的投诉。")

    def for_backup_then_release(*args: object) -> bytes:
        try:
            return real_for_backup(*args)
        finally:
            lagging.pop().close()

    monkeypatch.setattr(snapshot, "copy_online", copy_between_writes)
    monkeypatch.setattr(witness, "for_backup", for_backup_then_release)
    result = backup.take_backup(admin_session, tmp_path / "备份")

    live_witness = KeySlotFile.load(admin_session.database_path).witness
    assert live_witness is not None and live_witness["seq"] == AuditHead.get_by_id(1).seq
    carried, manifest = _carried(result.path)
    assert (carried["hash"], carried["count"]) == (manifest["audit"]["head"], manifest["audit"]["entries"])
    assert result.cases == 2  # everything committed before the copy, nothing after it
    assert Case.select().count() == 3
    assert carried["count"] < live_witness["count"]
    auth.logout(admin_session)

    target = tmp_path / "restored" / "complaints.db"
    restore.restore_backup(result.path, target, Credentials(ADMIN, ADMIN_PASSWORD))
    session = auth.login_local(target, ADMIN, ADMIN_PASSWORD)
    try:
        report = audit.verify(session=session)
        assert report.ok and report.witness_ok, report.message
    finally:
        auth.logout(session)


def test_a_witness_that_no_longer_fits_the_log_is_carried_unchanged(
    admin_session: Session, tmp_path: Path
) -> None:
    for i in range(4):
        users.add_user(admin_session, f"user{i}", f"用户{i}", ["officer"], USER_PASSWORD)
    witnessed = KeySlotFile.load(admin_session.database_path).witness
    assert witnessed is not None and witnessed["seq"] > 3
    keep = witnessed["seq"] - 3  # an insider cuts the tail off and sets the head back
    row = AuditEntry.get(AuditEntry.seq == keep)
    database_proxy.execute_sql("DELETE FROM audit_entry WHERE seq > ?", (keep,))
    database_proxy.execute_sql("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", (keep, row.hash))

    result = backup.take_backup(admin_session, tmp_path / "备份")

    carried, manifest = _carried(result.path)
    assert carried == KeySlotFile.load(admin_session.database_path).witness  # not re-signed for the copy
    assert carried["count"] > manifest["audit"]["entries"]
