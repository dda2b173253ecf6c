"""Shared mode for the benchmark (`python -m bench --pg`): a throwaway PostgreSQL server started
from the installed PostgreSQL packages (tests/support/pg_server.py: initdb + pg_ctl on 127.0.0.1,
TLS, scram), the local benchmark database migrated into it with app.migrate (what an office does
when it moves to a server), ANALYZE, then durable settings switched on for the measurements."""

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
        admin = auth.login_local(local.path, "admin", local.password)
        print("迁移基准数据库到 PostgreSQL ……", flush=True)
        started = time.perf_counter()
        last = [0.0]

        def progress(done: int, total: int, table: str) -> None:
            if time.perf_counter() - last[0] > 10:
                last[0] = time.perf_counter()
                print(f"  {done}/{total} {table}（{last[0] - started:.0f} s）", flush=True)

        try:
            report = migrate.migrate_to_server(admin, params, server.password, progress)
        finally:
            auth.logout(admin)
            close_current()
        migrated = time.perf_counter() - started
        with _superuser(server, DATABASE) as conn:
            began = time.perf_counter()
            conn.execute("ANALYZE")
            analyzed = time.perf_counter() - began
            for name in DURABLE:
                conn.execute(f"ALTER SYSTEM SET {name} = on")
            conn.execute("SELECT pg_reload_conf()")
            version = conn.execute("SHOW server_version").fetchone()[0]
            size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        print(f"迁移用时 {migrated:.0f} s，ANALYZE {analyzed:.0f} s", flush=True)
    except BaseException:
        server.stop()
        raise
    target = Target(
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
        "analyze_seconds": analyzed,
        "rows": {t.table: t.target for t in report.tables},
    }
    return server, target, facts
