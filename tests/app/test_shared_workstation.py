"""A workstation's way to the server: settings file, connection checks, enrollment, stored secrets."""

from __future__ import annotations

import base64
import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import account, appconfig, audit, migrate, shared
from app.appconfig import WorkstationConfig
from app.errors import AuthError, DatabaseOpenError, PermissionDenied, ValidationError
from models.audit import AuditEntry
from models.database import ServerParams, close_current, database_proxy
from models.fields import install_cipher
from tests.support.accounts import ADMIN, ADMIN_PASSWORD
from tests.support.memory_keyring import MemoryKeyring, use_memory_keyring
from tests.support.sessions import session_as

PASSPHRASE = "病区东楼-注册口令-2026"


@pytest.fixture(autouse=True)
def workstation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Workstation settings and kept files go to the test's folder."""
    home = tmp_path / "profile"
    monkeypatch.setattr(appconfig, "config_dir", lambda: home / "config")
    monkeypatch.setattr(appconfig, "data_dir", lambda: home / "data")
    return home


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    yield from use_memory_keyring()


def _all_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


def _secret_forms(secret: bytes) -> list[bytes]:
    return [secret, base64.b64encode(secret), secret.hex().encode()]


# -- settings file ----------------------------------------------------------------------------------


def test_old_settings_file_still_loads_as_local(workstation: Path) -> None:
    path = workstation / "config" / "config.json"
    path.parent.mkdir(parents=True)
    path.write_text(
        json.dumps(
            {"database_path": "d.db", "last_username": "王小明", "recent_databases": ["d.db"], "x": 1}
        ),
        encoding="utf-8",
    )
    config = WorkstationConfig.load()
    assert config.database_path == "d.db" and config.mode == appconfig.LOCAL
    assert config.server_params() is None and not config.is_shared
    assert shared.SharedConnection.from_config(config) is None


@pytest.mark.parametrize("server", [[], {"host": ""}, {"host": "db", "port": "x"}, {"nohost": 1}, "text"])
def test_damaged_server_settings_mean_no_server(server) -> None:
    config = WorkstationConfig(mode=appconfig.SHARED, server=server)
    assert config.server_params() is None and not config.is_shared


def test_server_settings_round_trip_and_back_to_local(tmp_path: Path) -> None:
    params = ServerParams("10.12.0.20", 5433, "complaints", "cd_app", "verify-full", "/etc/ca.crt")
    WorkstationConfig().use_server(params)
    config = WorkstationConfig.load()
    assert config.is_shared and config.server_params() == params and config.enrollment_path == ""
    config.remember_server_login(params, "王小明")
    assert WorkstationConfig.load().last_username == "王小明"
    config.remember(tmp_path / "local.db", "admin")
    config = WorkstationConfig.load()
    assert not config.is_shared and config.server_params() == params, "the server stays known"


def test_server_form_is_checked() -> None:
    ok = shared.server_params_from_form(" db.hospital ", 5432, "complaintdesk", "cd", "require", "ignored")
    assert ok == ServerParams("db.hospital", 5432, "complaintdesk", "cd", "require", "")
    cases = [
        (("", 5432, "d", "u", "require"), "服务器地址：不能为空"),
        (("db host", 5432, "d", "u", "require"), "只填写主机名或 IP 地址"),
        (("postgresql://db", 5432, "d", "u", "require"), "只填写主机名或 IP 地址"),
        (("db", 0, "d", "u", "require"), "端口"),
        (("db", 5432, "", "u", "require"), "数据库名：不能为空"),
        (("db", 5432, "d", " ", "require"), "账户名：不能为空"),
        (("db", 5432, "d", "u", "disable"), "加密方式"),
        (("db", 5432, "d", "u", "verify-full"), "必须选择医院的 CA 证书文件"),
        (("db", 5432, "d", "u", "verify-full", "/no/such/ca.crt"), "找不到文件：ca.crt"),
    ]
    for args, message in cases:
        with pytest.raises(ValidationError, match=message):
            shared.server_params_from_form(*args)


def test_server_label() -> None:
    assert (
        shared.server_label(ServerParams("10.12.0.20", 5432, "complaintdesk")) == "10.12.0.20/complaintdesk"
    )
    assert shared.server_label(ServerParams("db", 6543, "cd")) == "db:6543/cd"


# -- on the server ----------------------------------------------------------------------------------


def test_probe_tells_empty_initialised_and_wrong_password(pg_params, pg_server) -> None:
    probe = shared.probe_server(pg_params, pg_server.password)
    assert probe.empty and probe.summary().startswith("连接成功") and "空的" in probe.summary()
    probe.require_empty()
    with pytest.raises(DatabaseOpenError, match="还没有初始化"):
        shared.login_shared(pg_params, b"\1" * 32, ADMIN, ADMIN_PASSWORD)
    assert shared.probe_server(pg_params, pg_server.password).empty, "a login creates no tables"
    with pytest.raises(shared.ServerConnectionError, match="数据库服务器的用户名或密码错误") as caught:
        shared.probe_server(pg_params, "not-the-password")
    assert caught.value.kind == "auth"
    with pytest.raises(DatabaseOpenError, match="还没有初始化"):
        probe.require_key(b"\1" * 32)

    session, data_key = shared.create_shared_database(
        pg_params, pg_server.password, ADMIN, "周建国", ADMIN_PASSWORD, "江宁市第一人民医院"
    )
    opened = database_proxy.obj
    probe = shared.probe_server(pg_params, pg_server.password)
    assert database_proxy.obj is opened and not opened.is_closed(), "the open session is untouched"
    assert not probe.empty and "已经初始化" in probe.summary()
    with pytest.raises(DatabaseOpenError, match="已经初始化，不会覆盖"):
        probe.require_empty()
    probe.require_key(data_key)
    with pytest.raises(DatabaseOpenError, match="数据密钥与服务器上的数据库不符"):
        probe.require_key(b"\1" * 32)
    assert (
        shared.ServerProbe(99).summary().startswith("连接成功，但")
        and "升级" in shared.ServerProbe(99).summary()
    )
    assert session.server == pg_params and session.data_key == data_key
    assert account.database_label(session) == f"服务器 · {pg_params.host}:{pg_params.port}/{pg_params.dbname}"
    install_cipher(None)


def test_enrollment_export_is_for_admins_and_audited(shared_admin) -> None:
    session, _key = shared_admin
    blob = shared.enrollment_for(session, PASSPHRASE)
    assert shared.enrollment_server(blob) == session.server
    entry = AuditEntry.select().order_by(AuditEntry.seq.desc()).get()
    assert entry.action == "enrollment.exported" and entry.actor == ADMIN
    with pytest.raises(ValidationError, match="至少需要 10 个字符"):
        shared.enrollment_for(session, "short")
    officer = session_as(session, "officer", "officer")
    with pytest.raises(PermissionDenied):
        shared.enrollment_for(officer, PASSPHRASE)
    with pytest.raises(ValidationError, match="不是有效的工作站注册文件"):
        shared.enrollment_server(b"[1, 2]")
    close_current()
    install_cipher(None)


def test_local_session_has_no_enrollment(admin_session) -> None:
    with pytest.raises(DatabaseOpenError, match="只有连接医院服务器时"):
        shared.enrollment_for(admin_session, PASSPHRASE)


def test_join_without_keyring_keeps_the_file_and_asks_each_session(
    shared_admin, pg_params, pg_server, workstation: Path
) -> None:
    session, data_key = shared_admin
    blob = shared.enrollment_for(session, PASSPHRASE)
    close_current()
    install_cipher(None)
    with pytest.raises(AuthError, match="注册口令错误"):
        shared.join_server(blob, "wrong passphrase")

    joined = shared.join_server(blob, PASSPHRASE)
    assert joined.data_key == data_key
    kept = Path(joined.enrollment_path)
    assert kept.read_bytes() == blob and kept.is_relative_to(workstation / "data")

    later = shared.SharedConnection.from_config(WorkstationConfig.load())
    assert later is not None and later.params == pg_params
    assert later.needs_passphrase and not later.needs_enrollment
    with pytest.raises(AuthError, match="注册口令错误"):
        later.unlock("wrong passphrase")
    with pytest.raises(DatabaseOpenError, match="还没有导入工作站注册文件|注册口令"):
        shared.SharedConnection(pg_params, str(kept)).login(ADMIN, ADMIN_PASSWORD)
    later.unlock(PASSPHRASE)
    assert later.login(ADMIN, ADMIN_PASSWORD).user.username == ADMIN

    everything = _all_bytes(workstation)
    for secret in (pg_server.password.encode(), PASSPHRASE.encode(), *_secret_forms(data_key)):
        assert secret not in everything
    install_cipher(None)


def test_kept_file_gone_or_for_another_server(shared_admin, pg_params, tmp_path: Path) -> None:
    session, _key = shared_admin
    blob = shared.enrollment_for(session, PASSPHRASE)
    other = dataclasses.replace(pg_params, dbname="other")
    connection = shared.SharedConnection(other, str(tmp_path / "kept.cdenroll"))
    with pytest.raises(DatabaseOpenError, match="找不到本工作站保存的注册文件"):
        connection.unlock(PASSPHRASE)
    (tmp_path / "kept.cdenroll").write_bytes(blob)
    with pytest.raises(DatabaseOpenError, match="与本工作站的设置不符"):
        connection.unlock(PASSPHRASE)
    assert shared.SharedConnection(pg_params).needs_enrollment
    with pytest.raises(DatabaseOpenError, match="还没有导入工作站注册文件"):
        shared.SharedConnection(pg_params).login(ADMIN, ADMIN_PASSWORD)
    close_current()
    install_cipher(None)


def test_join_with_keyring_asks_nothing_next_time(
    shared_admin, pg_params, pg_server, memory_keyring: MemoryKeyring, workstation: Path
) -> None:
    session, data_key = shared_admin
    blob = shared.enrollment_for(session, PASSPHRASE)
    close_current()
    install_cipher(None)
    joined = shared.join_server(blob, PASSPHRASE)
    assert joined.enrollment_path == "" and not (workstation / "data").exists()
    later = shared.SharedConnection.from_config(WorkstationConfig.load())
    assert later is not None and not later.needs_passphrase
    assert later.login(ADMIN, ADMIN_PASSWORD).server == pg_params
    assert shared.stored_secrets(pg_params) == shared.StoredSecrets(True, True)
    close_current()
    shared.forget_workstation_secrets(pg_params)
    assert shared.stored_secrets(pg_params) == shared.StoredSecrets(True, False)
    assert memory_keyring.items == {}
    assert shared.SharedConnection.from_config(WorkstationConfig.load()).needs_enrollment
    for secret in (pg_server.password.encode(), PASSPHRASE.encode(), *_secret_forms(data_key)):
        assert secret not in _all_bytes(workstation)
    install_cipher(None)


def test_migration_reports_progress(admin_session, pg_params, pg_server) -> None:
    seen: list[tuple[int, int, str]] = []
    report = migrate.migrate_to_server(
        admin_session, pg_params, pg_server.password, ADMIN_PASSWORD, progress=lambda *step: seen.append(step)
    )
    assert report.ok
    assert [s[0] for s in seen] == list(range(len(seen))) and seen[0][1] == len(seen)
    assert {s[2] for s in seen} == {t.table for t in report.tables}
    assert audit.verify().ok
