"""Backups of the local encrypted database: one file (.cdbackup) holding an online copy of the
database (still encrypted with the same key), its key-slot file and a manifest of what was checked.

    take_backup(session, progress=…)            管理 → 备份与恢复 → 立即备份, CLI `backup`
    run_automatic_backup(session, progress)      the first login of a day, when due
    backup_status(session)                       for the stale-backup warning on the homes

The copy is taken while others keep working (app/records/snapshot.py), verified before it is
packed, and written under a temporary name first: a cancelled or failed backup leaves no file.
Old generations of the same database in the folder are removed beyond the configured number.
Shared mode is backed up on the server (pg_dump); the administrator records when that was done.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from app import clock, settings, witness
from app.errors import ComplaintDeskError, ValidationError
from app.files import FileAccessError, restrict
from app.keyslots import KeySlotFile
from app.policy import Action
from app.records import snapshot
from app.session import Session
from app.version import __version__
from app.write_path import operation, require
from models.records import BackupRecord

FORMAT = "complaintdesk-backup"
FORMAT_VERSION = 1
SUFFIX = ".cdbackup"
MANIFEST, DATABASE, KEYS = "manifest.json", "database.db", "database.db.keys"
KIND_LABELS = {"manual": "手动备份", "automatic": "自动备份", "server": "服务器备份（pg_dump）"}

Progress = Callable[[int, int, str], None]


def _no_progress(done: int, total: int, text: str) -> None:
    return None


class BackupError(ComplaintDeskError):
    """A backup could not be taken (message in Chinese)."""


# -- settings --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupSettings:
    folder: str = ""  # "" = a 备份 folder beside the database
    generations: int = 7  # backups of this database kept in the folder
    automatic: bool = True  # at the first login of each day
    stale_days: int = 3  # warn when the last backup is older

    def folder_for(self, session: Session) -> Path:
        if self.folder:
            return Path(self.folder)
        base = session.database_path.parent if session.database_path else Path.cwd()
        return base / "备份"


SETTINGS_KEY = "backup_settings"


def backup_settings() -> BackupSettings:
    stored = settings.get_internal(SETTINGS_KEY) or {}
    known = {k: v for k, v in stored.items() if k in BackupSettings.__dataclass_fields__}
    return BackupSettings(**known)


def save_backup_settings(session: Session, new: BackupSettings) -> BackupSettings:
    """Validate and store (admin); audited with the old and new values."""
    with operation(session, Action.BACKUP, "backup.settings_changed", target="backup") as op:
        folder = new.folder.strip()
        if any(ord(ch) < 32 for ch in folder) or len(folder) > 400:
            raise ValidationError("folder", "备份文件夹", "路径不正确")
        if not 1 <= new.generations <= 365:
            raise ValidationError("generations", "保留份数", "应在 1 到 365 之间")
        if not 1 <= new.stale_days <= 90:
            raise ValidationError("stale_days", "提醒天数", "应在 1 到 90 之间")
        checked = BackupSettings(folder, new.generations, bool(new.automatic), new.stale_days)
        old = backup_settings()
        settings.write_value(SETTINGS_KEY, checked.__dict__, session.user.username)
        op.detail.update(old=old.__dict__, new=checked.__dict__)
    return checked


# -- taking a backup -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    sha256: str
    taken_at: datetime
    cases: int
    audit_entries: int
    removed: tuple[str, ...]  # older generations deleted

    def lines(self) -> list[str]:
        lines = [
            f"备份文件：{self.path}",
            f"大小 {self.size / 1048576:.1f} MB，案件 {self.cases} 件，审计记录 {self.audit_entries} 条（哈希链校验通过）",
            f"SHA-256：{self.sha256}",
        ]
        if self.removed:
            lines.append("已删除较早的备份：" + "、".join(self.removed))
        return lines


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_prefix(database_id: str) -> str:
    return f"complaintdesk-{database_id[:8]}-"


def _prepare_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".complaintdesk-probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError:
        raise FileAccessError(f"无法写入备份文件夹“{folder}”，请检查路径、网络共享和权限") from None


def _local(session: Session) -> tuple[Path, bytes]:
    if session.database_path is None or session.db_key is None:
        raise BackupError(
            "当前使用服务器共享数据库：请在数据库服务器上用 pg_dump 备份（见“备份与恢复”页的说明）"
        )
    return session.database_path, session.db_key


def take_backup(
    session: Session,
    folder: Path | None = None,
    progress: Progress = _no_progress,
    *,
    kind: str = "manual",
) -> BackupResult:
    """Copy, verify and pack the open database into `folder` (the configured one by default)."""
    action = Action.SCHEDULED_BACKUP if kind == "automatic" else Action.BACKUP
    require(session, action, target="backup")
    path, key = _local(session)
    config = backup_settings()
    folder = Path(folder) if folder else config.folder_for(session)
    _prepare_folder(folder)
    slots = KeySlotFile.load(path)
    taken_at = clock.now().replace(microsecond=0)
    name = f"{file_prefix(slots.database_id)}{taken_at:%Y%m%d-%H%M%S}{SUFFIX}"
    final = folder / name
    if final.exists():
        raise BackupError(f"备份文件已存在：{name}，请稍后再试")
    work = Path(tempfile.mkdtemp(prefix=".complaintdesk-backup-", dir=folder))
    try:
        progress(0, 4, "正在复制数据库（在线快照，其他人可继续工作）……")
        with KeySlotFile.locked(path):  # the witness as it stood before the copy: the copy holds its entry
            before_copy = witness.stored_witness(KeySlotFile.sidecar_for(path).read_bytes())
        copy = work / DATABASE
        snapshot.copy_online(path, key, copy)
        progress(1, 4, "正在校验副本（完整性、审计哈希链、记录数）……")
        conn = snapshot.open_encrypted(copy, key)
        try:
            try:
                checked = snapshot.check(conn)
            except snapshot.SnapshotError as exc:
                raise BackupError(f"备份副本校验失败，未生成备份：{exc}") from None
            progress(2, 4, "正在打包备份文件……")
            with KeySlotFile.locked(path):
                keys_bytes = KeySlotFile.sidecar_for(path).read_bytes()
            keys_bytes = witness.for_backup(
                keys_bytes,
                key,
                before_copy,
                checked.audit_head,
                checked.audit_entries,
                snapshot.entry_hashes(conn),
            )
        finally:
            conn.close()
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "app_version": __version__,
            "taken_at": taken_at.isoformat(),
            "kind": kind,
            "database_id": slots.database_id,
            "database_name": path.name,
            "schema_version": checked.schema_version,
            "counts": checked.counts,
            "audit": {
                "entries": checked.audit_entries,
                "head": checked.audit_head[1] if checked.audit_head else "",
            },
            "files": {
                DATABASE: {"size": copy.stat().st_size, "sha256": _sha256(copy)},
                KEYS: {"size": len(keys_bytes), "sha256": hashlib.sha256(keys_bytes).hexdigest()},
            },
        }
        packed = work / name
        with zipfile.ZipFile(packed, "w", compression=zipfile.ZIP_STORED) as archive:
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
            archive.write(copy, DATABASE)
            archive.writestr(KEYS, keys_bytes)
        with packed.open("rb") as fh:
            os.fsync(fh.fileno())
        progress(3, 4, "正在保存……")
        restrict(packed)
        os.replace(packed, final)
    except OSError as exc:
        full = getattr(exc, "errno", None) == 28
        raise FileAccessError(
            "磁盘空间不足，备份未完成" if full else f"无法写入备份文件夹“{folder}”"
        ) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    try:
        result = _record(session, final, taken_at, kind, checked, config.generations, slots.database_id)
    except BaseException:
        final.unlink(missing_ok=True)  # not recorded, so not kept either
        raise
    progress(4, 4, "备份完成")
    return result


def _record(
    session: Session, final: Path, taken_at: datetime, kind: str, checked, generations: int, database_id: str
) -> BackupResult:
    size, digest = final.stat().st_size, _sha256(final)
    cases = checked.counts.get("case", 0)
    action = Action.SCHEDULED_BACKUP if kind == "automatic" else Action.BACKUP
    with operation(session, action, f"backup.{kind}", target=final.name) as op:
        BackupRecord.create(
            taken_at=taken_at,
            kind=kind,
            file_name=final.name,
            folder=str(final.parent),
            size=size,
            sha256=digest,
            cases=cases,
            by=session.user.id,
        )
        op.detail.update(size=size, sha256=digest, cases=cases, audit_entries=checked.audit_entries)
    removed = prune(final.parent, database_id, generations)
    return BackupResult(final, size, digest, taken_at, cases, checked.audit_entries, tuple(removed))


def prune(folder: Path, database_id: str, keep: int) -> list[str]:
    """Delete this database's backups in `folder` beyond the newest `keep` (names sort by time)."""
    mine = sorted(folder.glob(f"{file_prefix(database_id)}*{SUFFIX}"), key=lambda p: p.name, reverse=True)
    removed = []
    for old in mine[keep:]:
        with contextlib.suppress(OSError):
            old.unlink()
            removed.append(old.name)
    return removed


# -- automatic backups and the stale warning ------------------------------------------------------


def automatic_backup_due(session: Session) -> bool:
    """A local database whose automatic backup is on and that has no backup taken today."""
    if session.database_path is None or session.db_key is None or not backup_settings().automatic:
        return False
    today = datetime.combine(clock.now().date(), datetime.min.time())
    return (
        not BackupRecord.select()
        .where(BackupRecord.taken_at >= today, BackupRecord.kind != "server")
        .exists()
    )


def run_automatic_backup(session: Session, progress: Progress = _no_progress) -> BackupResult | None:
    """Take today's automatic backup if it is due (None when it is not)."""
    if not automatic_backup_due(session):
        return None
    return take_backup(session, progress=progress, kind="automatic")


@dataclass(frozen=True)
class BackupStatus:
    shared: bool
    last_at: datetime | None
    last_kind: str
    last_file: str
    stale_days: int
    stale: bool

    @property
    def message(self) -> str:
        if self.last_at is None:
            if self.shared:
                return "尚未记录服务器数据库的备份：请按“管理 → 备份与恢复”中的说明在服务器上用 pg_dump 备份，并记录备份时间。"
            return "数据库还没有备份过：请在“管理 → 备份与恢复”中立即备份，并设置自动备份。"
        age = (clock.now() - self.last_at).days
        when = f"{self.last_at:%Y-%m-%d %H:%M}（{KIND_LABELS.get(self.last_kind, self.last_kind)}）"
        if self.stale:
            return f"最近一次备份在 {age} 天前：{when}。已超过 {self.stale_days} 天，请尽快备份。"
        return f"最近一次备份：{when}"


def backup_status(session: Session) -> BackupStatus:
    """The newest backup (in shared mode: the newest recorded server backup) and whether it is stale."""
    shared = session.database_path is None
    config = backup_settings()
    query = BackupRecord.select().order_by(BackupRecord.taken_at.desc())
    if shared:
        query = query.where(BackupRecord.kind == "server")
    last = query.first()
    if last is None:
        return BackupStatus(shared, None, "", "", config.stale_days, True)
    stale = clock.now() - last.taken_at > timedelta(days=config.stale_days)
    return BackupStatus(shared, last.taken_at, last.kind, last.file_name, config.stale_days, stale)


def recent_backups(session: Session, limit: int = 20) -> list[BackupRecord]:
    require(session, Action.BACKUP, target="backup")
    return list(BackupRecord.select().order_by(BackupRecord.taken_at.desc()).limit(limit))


def record_server_backup(session: Session, taken_at: datetime, note: str) -> None:
    """Shared mode: the administrator records that the server was backed up (pg_dump) at `taken_at`."""
    with operation(session, Action.BACKUP, "backup.server_recorded", target="server") as op:
        note = (note or "").strip()
        if len(note) > 200 or any(ord(ch) < 32 for ch in note):
            raise ValidationError("note", "说明", "不能超过 200 个字符")
        if taken_at > clock.now() + timedelta(minutes=5):
            raise ValidationError("taken_at", "备份时间", "不能晚于现在")
        BackupRecord.create(
            taken_at=taken_at.replace(microsecond=0), kind="server", note=note, by=session.user.id
        )
        op.detail.update(taken_at=taken_at.isoformat(timespec="minutes"), note=note)


def pg_dump_command(session: Session) -> str:
    """The server-side procedure, filled in with this server's address (no password)."""
    server = session.server
    host, port, db, user = (
        (server.host, server.port, server.dbname, server.user)
        if server
        else ("主机", 5432, "complaintdesk", "complaintdesk")
    )
    return (
        f"pg_dump --host={host} --port={port} --username={user} --format=custom "
        f"--file=complaintdesk-$(date +%Y%m%d).dump {db}"
    )
