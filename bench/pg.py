"""Shared mode for the benchmark (`python -m bench --pg`): a throwaway PostgreSQL server started
from the installed PostgreSQL packages (tests/support/pg_server.py: initdb + pg_ctl on 127.0.0.1,
TLS, scram), the local benchmark database migrated into it with app.migrate (what an office does
when it moves to a server), the statistics recounted as the manager's first sign-in on the server
recounts them (the server makes its own repeat keys), VACUUM (ANALYZE), then durable settings
switched on for the measurements.

VACUUM as well as ANALYZE: the rows a migration loads make autovacuum visit every large table at
once (4.6 million timeline and audit rows at 200,000 cases), for a minute or more on 2 cores; left
to run, it overlapped the first lines measured (the GUI's, officer first). Run here, before the
measurements, it also sets the visibility map the index-only reads rely on (the restricted cases'
placeholders, models/server_policy.py), as it would be on a server in use.

Every benchmark user then signs in as their own database role with row-level security on, as in a
hospital: the migrating administrator's role is made by the migration, the others' roles get their
password from the administrator (cd_set_password, as 重置密码 does, without the first-login change)."""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import Any

from bench.target import Target

DATABASE = "complaintdesk_bench"
DURABLE = ("fsync", "synchronous_commit", "full_page_writes")


def _superuser(server: Any, dbname: str) -> Any:
    import psycopg

    return psycopg.connect(
        host=server.host,
        port=server.port,
        user=server.user,
        password=server.password,
        dbname=dbname,
        autocommit=True,
    )


def serve(local: Target) -> tuple[Any, Target, dict[str, Any]]:
    """Start the server and migrate `local` into it; returns (server, shared target, facts).
    The caller stops the server (server.stop() also removes its files)."""
    from app import auth, migrate
    from models.database import ServerParams, close_current
    from models.fields import install_cipher
    from tests.support import pg_server

    if pg_server.find_bindir() is None:
        raise SystemExit("未安装 PostgreSQL（initdb/pg_ctl），无法测共享模式：apt-get install postgresql")
    server = pg_server.start()
    try:
        server.create_database(DATABASE)
        params = ServerParams(
            host=server.host,
            port=server.port,
            dbname=DATABASE,
            user=server.user,
            sslmode="verify-full",
            sslrootcert=str(server.ca_file),
        )
        opener = _identifier_opener(local)
        admin = auth.login_local(local.path, "admin", local.password)
        print("迁移基准数据库到 PostgreSQL ……", flush=True)
        started = time.perf_counter()
        last = [0.0]

        def progress(done: int, total: int, table: str) -> None:
            if time.perf_counter() - last[0] > 10:
                last[0] = time.perf_counter()
                print(f"  {done}/{total} {table}（{last[0] - started:.0f} s）", flush=True)

        try:
            if opener is not None:  # the identifiers are sealed: opened with the manager's key
                install_cipher(opener)
            report = migrate.migrate_to_server(admin, params, server.password, local.password, progress)
        finally:
            auth.logout(admin)
            close_current()
        migrated = time.perf_counter() - started
        _give_roles_their_passwords(params, report.data_key, local.password)
        recounted = _recount(params, report.data_key, local.password)
        with _superuser(server, DATABASE) as conn:
            began = time.perf_counter()
            conn.execute("VACUUM (ANALYZE)")
            analyzed = time.perf_counter() - began
            for name in DURABLE:
                conn.execute(f"ALTER SYSTEM SET {name} = on")
            conn.execute("SELECT pg_reload_conf()")
            version = conn.execute("SHOW server_version").fetchone()[0]
            size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        print(f"迁移用时 {migrated:.0f} s，统计重算 {recounted:.0f} s，VACUUM ANALYZE {analyzed:.0f} s", flush=True)
    except BaseException:
        server.stop()
        raise
    target = Target(  # server_password: the owner's, for the row-level security comparison
        local.path,
        local.password,
        server=asdict(params),
        server_password=server.password,
        data_key=report.data_key.hex(),
    )
    facts = {
        "postgresql": version,
        "database_bytes": size,
        "migration_seconds": migrated,
        "statistics_recount_seconds": recounted,
        "vacuum_analyze_seconds": analyzed,
        "rows": {t.table: t.target for t in report.tables},
    }
    return server, target, facts


def _identifier_opener(local: Target) -> Any:
    """The sealer of a user who holds the identifier key (the benchmark database keeps no recovery
    key, which an administrator migrating an office's database would type), or None when nothing
    is sealed."""
    from app import auth, sealing
    from models.fields import current_cipher

    manager = auth.login_local(local.path, "manager", local.password)
    try:
        sealer = current_cipher()
        opens = isinstance(sealer, sealing.LocalSealer) and sealer.opens_identifiers
        return sealer if opens and sealing.stored_public() is not None else None
    finally:
        auth.logout(manager)


def _recount(params: Any, data_key: bytes, password: str) -> float:
    """The statistics recount a move to a server asks for (app/migrate.py: the server makes its own
    repeat keys), run as the manager's first sign-in runs it; returns its seconds."""
    from app import auth, shared
    from app.statistics import service

    manager = shared.login_shared(params, data_key, "manager", password)
    try:
        began = time.perf_counter()
        service.rebuild(manager, lambda *_: None)
        return time.perf_counter() - began
    finally:
        auth.logout(manager)


def _give_roles_their_passwords(params: Any, data_key: bytes, password: str) -> None:
    """The administrator gives every other active user's role its password (the benchmark users
    share one); each user then signs in as that role."""
    from app import auth, server_accounts, shared
    from models.accounts import User

    admin = shared.login_shared(params, data_key, "admin", password)
    try:
        names = [
            name
            for (name,) in User.select(User.username).where(User.active, User.username != "admin").tuples()
        ]
        for name in names:
            server_accounts.set_password(params.dbname, name, password, must_change=False)
    finally:
        auth.logout(admin)
