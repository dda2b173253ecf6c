"""Backup and verified restore on real SQLCipher files: taken while another process writes, restored
to a new file and opened; damaged backups refused in Chinese; nothing readable in a backup file."""

from __future__ import annotations

import json
import multiprocessing
import time
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest

from app import audit, auth, users
from app.cases import intake
from app.errors import AuthError, PermissionDenied
from app.records import backup, restore
from app.records.restore import Credentials, RestoreError
from app.session import Session
from models.audit import AuditEntry
from models.cases import Case, CaseEvent, CaseText, Complainant
from models.records import BackupRecord
from tests.support.accounts import ADMIN, ADMIN_PASSWORD, USER_PASSWORD
from tests.support.cases import form
from tests.support.record_workers import keep_registering
from tests.support.sessions import session_for

MARKER = "备份明文标记QX93"


def _officer(admin: Session) -> Session:
    users.add_user(admin, "linxw", "林晓雯", ["officer"], USER_PASSWORD, must_change_password=False)
    return session_for(admin, "linxw")


def test_backup_during_a_concurrent_write_restores_verified(admin_session: Session, tmp_path: Path) -> None:
    officer = _officer(admin_session)
    intake.register(officer, form(content=f"{MARKER} 候诊三小时无人叫号。", complainant_name="张桂兰"))
    started = tmp_path / "started"
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        writing = pool.apply_async(
            keep_registering, ((str(admin_session.database_path), "linxw", USER_PASSWORD, 60, str(started)),)
        )
        deadline = time.monotonic() + 60
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert started.exists(), "the writer process did not start"
        result = backup.take_backup(admin_session, tmp_path / "备份")
        assert not writing.ready(), "the backup should overlap the other process's writes"
        assert writing.get(timeout=120) == 60
    assert result.path.exists() and result.path.suffix == ".cdbackup"
    assert 1 < result.cases < 62  # a moment in the middle of the other process's work
    raw = result.path.read_bytes()
    for encoding in ("utf-8", "utf-16-le", "gb18030"):
        assert MARKER.encode(encoding) not in raw
        assert "张桂兰".encode(encoding) not in raw
    assert BackupRecord.get(BackupRecord.file_name == result.path.name).cases == result.cases
    with zipfile.ZipFile(result.path) as archive:  # the witness of the copy, not of the live log
        carried = json.loads(archive.read(backup.KEYS))["witness"]
        manifest = json.loads(archive.read(backup.MANIFEST))
    assert (carried["hash"], carried["count"]) == (manifest["audit"]["head"], manifest["audit"]["entries"])
    auth.logout(admin_session)

    target = tmp_path / "restored" / "complaints.db"
    report = restore.restore_backup(result.path, target, Credentials(ADMIN, ADMIN_PASSWORD))
    assert report.counts["case"] == result.cases
    assert target.exists() and Path(f"{target}.keys").exists()
    assert not list(target.parent.glob(".*restoring*"))

    session = auth.login_local(target, ADMIN, ADMIN_PASSWORD)
    try:
        assert Case.select().count() == result.cases
        # consistent: every case has its complainant and its first timeline entry
        assert CaseEvent.select(CaseEvent.case).distinct().count() == result.cases
        assert Complainant.select().count() == result.cases
        full = audit.verify(session=session)  # the chain, the witness the backup carried, the timelines
        assert full.ok and full.witness_ok, full.message
        assert AuditEntry.select().where(AuditEntry.action == "database.restored").count() == 1
        assert CaseText.select().where(CaseText.content.contains(MARKER)).count() == 1
    finally:
        auth.logout(session)
    officer_again = auth.login_local(target, "linxw", USER_PASSWORD)
    auth.logout(officer_again)


def _backup(admin_session: Session, tmp_path: Path) -> Path:
    path = backup.take_backup(admin_session, tmp_path / "备份").path
    auth.logout(admin_session)
    return path


def test_corrupted_backup_is_refused_in_chinese_and_writes_nothing(
    admin_session: Session, tmp_path: Path
) -> None:
    good = _backup(admin_session, tmp_path)
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as archive:
        info = archive.getinfo(backup.DATABASE)
    middle = info.header_offset + 200 + info.compress_size // 2
    data[middle : middle + 16] = bytes(16)
    broken = tmp_path / "broken.cdbackup"
    broken.write_bytes(bytes(data))
    target = tmp_path / "new.db"
    with pytest.raises(RestoreError) as caught:
        restore.restore_backup(broken, target, Credentials(ADMIN, ADMIN_PASSWORD))
    assert "已损坏" in caught.value.message
    assert list(tmp_path.glob("new.db*")) == [] and not list(tmp_path.glob(".new.db*"))

    truncated = tmp_path / "truncated.cdbackup"
    truncated.write_bytes(good.read_bytes()[: len(data) // 2])
    not_backup = tmp_path / "notes.cdbackup"
    not_backup.write_text("这不是备份", encoding="utf-8")
    for bad in (truncated, not_backup):
        with pytest.raises(RestoreError) as caught:
            restore.restore_backup(bad, target, Credentials(ADMIN, ADMIN_PASSWORD))
        assert caught.value.message == restore.DAMAGED
    assert not target.exists()


def test_a_damaged_page_is_found_even_with_a_matching_manifest(
    admin_session: Session, tmp_path: Path
) -> None:
    """Someone rewrites the manifest's hash too: SQLCipher's page check still refuses the copy."""
    import hashlib
    import json

    good = _backup(admin_session, tmp_path)
    with zipfile.ZipFile(good) as archive:
        manifest = json.loads(archive.read(backup.MANIFEST))
        db = bytearray(archive.read(backup.DATABASE))
        keys = archive.read(backup.KEYS)
    db[8192 + 100 : 8192 + 116] = bytes(16)
    manifest["files"][backup.DATABASE]["sha256"] = hashlib.sha256(db).hexdigest()
    forged = tmp_path / "forged.cdbackup"
    with zipfile.ZipFile(forged, "w") as archive:
        archive.writestr(backup.MANIFEST, json.dumps(manifest))
        archive.writestr(backup.DATABASE, bytes(db))
        archive.writestr(backup.KEYS, keys)
    with pytest.raises(RestoreError) as caught:
        restore.restore_backup(forged, tmp_path / "x.db", Credentials(ADMIN, ADMIN_PASSWORD))
    assert "校验失败" in caught.value.message
    assert not (tmp_path / "x.db").exists()


def test_restore_never_overwrites_and_needs_an_admin_of_the_backup(
    admin_session: Session, tmp_path: Path
) -> None:
    users.add_user(admin_session, "linxw", "林晓雯", ["officer"], USER_PASSWORD, must_change_password=False)
    live = admin_session.database_path
    good = _backup(admin_session, tmp_path)
    before = live.read_bytes()
    with pytest.raises(RestoreError) as caught:
        restore.restore_backup(good, live, Credentials(ADMIN, ADMIN_PASSWORD))
    assert "不会覆盖" in caught.value.message
    assert live.read_bytes() == before
    with pytest.raises(AuthError):
        restore.restore_backup(good, tmp_path / "a.db", Credentials(ADMIN, "Wrong-password-1"))
    with pytest.raises(AuthError) as caught:
        restore.restore_backup(good, tmp_path / "b.db", Credentials("linxw", USER_PASSWORD))
    assert "系统管理员" in caught.value.message
    assert not list(tmp_path.glob("[ab].db*"))


def test_restore_with_the_recovery_key(recovery_key: str, db_path: Path, tmp_path: Path) -> None:
    session = auth.login_local(db_path, ADMIN, ADMIN_PASSWORD)
    good = _backup(session, tmp_path)
    report = restore.restore_backup(good, tmp_path / "r.db", Credentials(recovery_key=recovery_key))
    assert report.audit_entries > 1
    auth.logout(auth.login_local(tmp_path / "r.db", ADMIN, ADMIN_PASSWORD))


def test_only_the_admin_backs_up_and_the_refusal_is_audited(admin_session: Session, tmp_path: Path) -> None:
    officer = _officer(admin_session)
    with pytest.raises(PermissionDenied):
        backup.take_backup(officer, tmp_path)
    assert AuditEntry.select().where(AuditEntry.action == "denied").count() == 1
    assert not list(tmp_path.glob("*.cdbackup"))


def test_automatic_backup_once_a_day_keeping_generations(
    admin_session: Session, fake_clock, tmp_path: Path
) -> None:
    backup.save_backup_settings(admin_session, backup.BackupSettings(str(tmp_path / "share"), 2, True, 3))
    officer = _officer(admin_session)
    officer.db_key, officer.database_path = admin_session.db_key, admin_session.database_path
    names = []
    for _day in range(3):
        assert backup.automatic_backup_due(officer)
        names.append(backup.run_automatic_backup(officer).path.name)
        assert backup.run_automatic_backup(officer) is None  # once a day
        fake_clock.advance(days=1)
    kept = sorted(p.name for p in (tmp_path / "share").glob("*.cdbackup"))
    assert kept == sorted(names[1:])
    assert BackupRecord.select().where(BackupRecord.kind == "automatic").count() == 3


def test_stale_backup_warning(admin_session: Session, fake_clock, tmp_path: Path) -> None:
    status = backup.backup_status(admin_session)
    assert status.stale and "还没有备份" in status.message
    backup.take_backup(admin_session, tmp_path)
    assert not backup.backup_status(admin_session).stale
    fake_clock.advance(days=4)
    status = backup.backup_status(admin_session)
    assert status.stale and "超过 3 天" in status.message


def test_settings_are_checked(admin_session: Session) -> None:
    from app.errors import ValidationError

    with pytest.raises(ValidationError):
        backup.save_backup_settings(admin_session, backup.BackupSettings("", 0, True, 3))
    saved = backup.save_backup_settings(admin_session, backup.BackupSettings(" /srv/备份 ", 10, False, 5))
    assert backup.backup_settings() == saved and saved.folder == "/srv/备份"


def test_shared_mode_records_the_server_backup(admin_session: Session, fake_clock) -> None:
    from dataclasses import replace

    shared = replace(admin_session, database_path=None, db_key=None)
    assert "pg_dump" in backup.backup_status(shared).message
    with pytest.raises(backup.BackupError):
        backup.take_backup(shared)
    backup.record_server_backup(shared, fake_clock() - timedelta(hours=2), "每日 02:00 定时任务")
    status = backup.backup_status(shared)
    assert not status.stale and status.last_kind == "server"
    assert "pg_dump --host=" in backup.pg_dump_command(shared)
