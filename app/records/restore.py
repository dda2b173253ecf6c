"""Restoring a backup (.cdbackup) to a NEW database file, verified before it can be opened.

    restore_backup(backup, target, Credentials(username=…, password=…), progress)

Order: the archive and its manifest are read (a damaged or foreign file is refused in Chinese) →
each member's SHA-256 is compared with the manifest → the database and key files are written under
temporary names beside the target → the database key is unwrapped from the backup's own key slots
(a user's password, who must be an administrator there, or the recovery key) → SQLCipher page
HMACs, SQLite integrity, the audit hash chain and every table's row count are checked against the
manifest → the restore is audited inside the restored database → only then do the files take their
names. An existing file is never replaced: the target must not exist.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app import clock
from app.errors import AuthError, ComplaintDeskError
from app.files import restrict
from app.keyslots import KeySlotFile, SlotError, parse_recovery_key
from app.records import snapshot
from app.records.backup import DATABASE, FORMAT, FORMAT_VERSION, KEYS, MANIFEST
from models.migrations import SCHEMA_VERSION

Progress = Callable[[int, int, str], None]
DAMAGED = "备份文件已损坏或不是本软件的备份文件，不能恢复"


class RestoreError(ComplaintDeskError):
    """The backup cannot be restored (message in Chinese); nothing was written at the target."""


@dataclass(frozen=True)
class Credentials:
    """Who unlocks the backup: an administrator's username and password (as they were when the backup
    was taken), or the recovery key printed for that database."""

    username: str = ""
    password: str = ""
    recovery_key: str = ""


@dataclass(frozen=True)
class Manifest:
    taken_at: datetime
    kind: str
    database_id: str
    database_name: str
    schema_version: int
    counts: dict[str, int]
    audit_entries: int
    files: dict[str, dict]


@dataclass(frozen=True)
class RestoreReport:
    path: Path
    manifest: Manifest
    counts: dict[str, int]
    audit_entries: int

    def lines(self) -> list[str]:
        m = self.manifest
        return [
            f"已恢复到新数据库：{self.path}（密钥文件：{self.path.name}.keys）",
            f"备份时间：{m.taken_at:%Y-%m-%d %H:%M:%S}，原数据库：{m.database_name}",
            "加密页校验、数据库完整性校验：通过",
            f"审计日志哈希链：通过（{self.audit_entries} 条，含本次恢复记录）",
            f"记录数与备份清单一致：案件 {self.counts.get('case', 0)} 件，共 {len(self.counts)} 张表",
            "用备份时的用户名和密码登录恢复的数据库。",
        ]


def read_manifest(backup: Path) -> Manifest:
    """The manifest of a backup file; RestoreError for anything that is not a readable backup."""
    try:
        with zipfile.ZipFile(backup) as archive:
            data = json.loads(archive.read(MANIFEST).decode("utf-8"))
            names = set(archive.namelist())
    except FileNotFoundError:
        raise RestoreError(f"找不到备份文件：{backup.name}") from None
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, UnicodeDecodeError):
        raise RestoreError(DAMAGED) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not {DATABASE, KEYS} <= names:
        raise RestoreError(DAMAGED)
    if data.get("version") != FORMAT_VERSION:
        raise RestoreError("备份文件由更新版本的软件生成，请先升级本软件")
    try:
        return Manifest(
            datetime.fromisoformat(data["taken_at"]),
            data["kind"],
            data["database_id"],
            data["database_name"],
            int(data["schema_version"]),
            {str(k): int(v) for k, v in data["counts"].items()},
            int(data["audit"]["entries"]),
            data["files"],
        )
    except (KeyError, TypeError, ValueError):
        raise RestoreError(DAMAGED) from None


def _extract(archive: zipfile.ZipFile, member: str, target: Path, expected: dict) -> None:
    digest = hashlib.sha256()
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out, archive.open(member) as src:
            for block in iter(lambda: src.read(1 << 20), b""):
                digest.update(block)
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
    except zipfile.BadZipFile:
        raise RestoreError(DAMAGED) from None
    if digest.hexdigest() != expected.get("sha256"):
        raise RestoreError(f"{DAMAGED}（{member} 的校验值与清单不符）")


def _keys(database: Path, credentials: Credentials) -> list[bytes]:
    try:
        slots = KeySlotFile.load(database)
    except (ValueError, KeyError):
        raise RestoreError(DAMAGED) from None
    try:
        if credentials.recovery_key:
            return slots.recovery_keys(parse_recovery_key(credentials.recovery_key))
        return slots.user_keys(credentials.username.strip(), credentials.password)
    except SlotError as exc:
        raise AuthError(
            str(exc) if credentials.recovery_key else "用户名或密码错误（请用备份时的密码）"
        ) from None


def _place(temp: Path, final: Path) -> None:
    """Give `temp` the name `final` without ever replacing an existing file."""
    try:
        os.link(temp, final)
    except FileExistsError:
        raise RestoreError(f"目标文件已存在：{final.name}，恢复不会覆盖已有文件") from None
    except OSError:  # a file system without hard links
        if final.exists():
            raise RestoreError(f"目标文件已存在：{final.name}，恢复不会覆盖已有文件") from None
        os.replace(temp, final)
        return
    temp.unlink()


def restore_backup(
    backup: Path, target: Path, credentials: Credentials, progress: Progress | None = None
) -> RestoreReport:
    """Restore `backup` as the new database `target` (and `target`.keys), verified; see the module."""
    step = progress or (lambda done, total, text: None)
    backup, target = Path(backup), Path(target)
    target_keys = KeySlotFile.sidecar_for(target)
    for existing in (target, target_keys):
        if existing.exists():
            raise RestoreError(f"目标文件已存在：{existing.name}，恢复不会覆盖已有文件；请选择新的文件名")
    step(0, 5, "正在读取备份文件……")
    manifest = read_manifest(backup)
    if manifest.schema_version > SCHEMA_VERSION:
        raise RestoreError(f"备份来自更新版本的软件（结构版本 {manifest.schema_version}），请先升级本软件")
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.restoring-{os.getpid()}")
    temp_keys = KeySlotFile.sidecar_for(temp)
    try:
        step(1, 5, "正在解出并核对文件校验值……")
        try:
            with zipfile.ZipFile(backup) as archive:
                _extract(archive, DATABASE, temp, manifest.files.get(DATABASE, {}))
                _extract(archive, KEYS, temp_keys, manifest.files.get(KEYS, {}))
        except (zipfile.BadZipFile, KeyError, OSError) as exc:
            if isinstance(exc, OSError) and getattr(exc, "errno", None) == 28:
                raise RestoreError("磁盘空间不足，未能恢复") from None
            raise RestoreError(DAMAGED) from None
        step(2, 5, "正在解锁备份……")
        keys = _keys(temp, credentials)
        step(3, 5, "正在校验：加密页、完整性、审计哈希链、记录数……")
        counts, entries = _verify(temp, keys, manifest, credentials)
        step(4, 5, "正在启用恢复的数据库……")
        restrict(temp)
        restrict(temp_keys)
        _place(temp_keys, target_keys)
        try:
            _place(temp, target)
        except BaseException:
            target_keys.unlink(missing_ok=True)
            raise
    finally:
        for leftover in (temp, temp_keys, Path(f"{temp}-journal")):
            with contextlib.suppress(OSError):
                leftover.unlink()
    step(5, 5, "恢复完成")
    return RestoreReport(target, manifest, counts, entries)


def _verify(temp: Path, keys: list[bytes], manifest: Manifest, credentials: Credentials) -> tuple[dict, int]:
    conn = None
    for key in keys:
        try:
            conn = snapshot.open_encrypted(temp, key)
            break
        except snapshot.SnapshotError:
            continue
    if conn is None:
        raise RestoreError("备份中的密钥文件与数据库不匹配，不能恢复")
    try:
        try:
            checked = snapshot.check(conn)
        except snapshot.SnapshotError as exc:
            raise RestoreError(f"备份校验失败，不能恢复：{exc}") from None
        if checked.counts != manifest.counts:
            raise RestoreError("备份校验失败，不能恢复：记录数与备份清单不符")
        if checked.audit_entries != manifest.audit_entries:
            raise RestoreError("备份校验失败，不能恢复：审计记录数与备份清单不符")
        actor = credentials.username.strip() or "recovery"
        if not credentials.recovery_key and actor not in snapshot.admin_usernames(conn):
            raise AuthError("只有系统管理员可以恢复数据库")
        detail = {"backup_taken_at": manifest.taken_at.isoformat(), "database": manifest.database_name}
        snapshot.append_audit(conn, actor, "database.restored", manifest.database_name, detail, clock.now())
        return checked.counts, checked.audit_entries + 1
    finally:
        conn.close()
