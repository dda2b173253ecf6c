"""What row-level security costs in shared mode (`python -m bench --pg`, group `rls`).

Each operation (the board, the home queue counts, a common and a rare search term, opening a case)
runs once through the app as an officer and as a clerk, signed in as their own database roles; every SQL statement it
sends is recorded with its parameters. Each statement is then run again under
`EXPLAIN (ANALYZE, FORMAT JSON)` twice: as that user's role (the server applies the row-level
security policies of models/server_policy.py) and as the table owner (who bypasses them; the
app's own WHERE conditions still filter). The line's samples are the role's server time (planning
plus execution, summed over the operation's statements); the note gives the owner's and how many
policy sub-plans the role's plans run. The plans themselves are kept in the results JSON. (The
server's text search function answers the owner, who is no application user, with no case: the
owner's search time leaves out the text look-up.)
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

RUNS = 3
ROLES = ("officer", "clerk")


@contextmanager
def recorded() -> Iterator[list[tuple[str, Any]]]:
    """The statements (SQL, parameters) the open database runs inside the block."""
    from models.database import database_proxy

    database = database_proxy.obj
    statements: list[tuple[str, Any]] = []
    plain = database.execute_sql

    def recording(sql: str, params: Any = None, *args: Any, **kwargs: Any) -> Any:
        statements.append((sql, params))
        return plain(sql, params, *args, **kwargs)

    database.execute_sql = recording
    try:
        yield statements
    finally:
        del database.execute_sql


def _connect(target: Any, role: str | None) -> Any:
    """psycopg as the table owner (role None) or as `role`'s own database role."""
    import psycopg

    from app import server_accounts
    from models.database import ServerParams

    params = ServerParams(**target.server)
    if role is None:
        user, password = params.user, target.server_password
    else:
        where, password = server_accounts.user_params(params, role, target.password)
        user = where.user
    return psycopg.connect(
        host=params.host,
        port=params.port,
        dbname=params.dbname,
        user=user,
        password=password,
        sslmode=params.sslmode,
        sslrootcert=params.sslrootcert or None,
        autocommit=True,
    )


def _policy_subplans(plan: dict[str, Any]) -> int:
    """How many sub-plans and init-plans the plan runs (the policies' EXISTS and role look-ups)."""
    own = 1 if plan.get("Parent Relationship") in ("SubPlan", "InitPlan") else 0
    return own + sum(_policy_subplans(child) for child in plan.get("Plans", []))


def _explain(conn: Any, statements: list[tuple[str, Any]]) -> tuple[float, int, list[dict[str, Any]]]:
    """Server time in seconds of the statements (planning + execution), sub-plans, the plans."""
    total, subplans, plans = 0.0, 0, []
    for sql, params in statements:
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        (document,) = conn.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params or None).fetchone()
        found = document[0]
        total += (found["Planning Time"] + found["Execution Time"]) / 1000
        subplans += _policy_subplans(found["Plan"])
        plans.append(found)
    return total, subplans, plans


def _operations(session: Any, case_id: int) -> list[tuple[str, str, Callable[[], Any]]]:
    from app.cases import board, search
    from app.cases.views import open_case

    return [
        ("board", "看板", lambda: board.board(session)),
        ("queues", "首页队列计数", lambda: board.queue_counts(session)),
        ("search", "搜索“停车场”", lambda: search.search(session, "停车场")),
        ("search_rare", "搜索“误诊漏诊”（无结果）", lambda: search.search(session, "误诊漏诊")),
        ("open", "打开案件", lambda: open_case(session, case_id)),
    ]


def rls_lines(target: Any) -> list[Any]:
    from app import auth
    from bench.harness import ROLE_NAMES, Result
    from models.cases import Case

    owner = _connect(target, None)
    results = []
    try:
        for role in ROLES:
            session = target.login(role)
            try:
                case_id = (
                    Case.select(Case.id).where(Case.restricted == False).order_by(Case.id.desc()).scalar()  # noqa: E712
                )
                operations = _operations(session, case_id)
                captured = []
                for key, label, action in operations:
                    with recorded() as statements:
                        action()
                    captured.append((key, label, list(statements)))
            finally:
                auth.logout(session)
            with _connect(target, role) as mine:
                for key, label, statements in captured:
                    as_role = [_explain(mine, statements) for _ in range(RUNS)]
                    as_owner = [_explain(owner, statements) for _ in range(RUNS)]
                    owner_median = statistics.median(t for t, _, _ in as_owner)
                    results.append(
                        Result(
                            f"rls_{key}_{role}",
                            f"行级安全：{label}（{ROLE_NAMES[role]}本人角色，服务器时间）",
                            [t for t, _, _ in as_role],
                            None,
                            note=f"表所有者（不受行级安全约束）{owner_median * 1000:.1f} ms；"
                            f"{len(statements)} 条语句，策略子计划 {as_role[0][1]} 个（所有者 {as_owner[0][1]} 个）",
                            extra={"plans_role": as_role[0][2], "plans_owner": as_owner[0][2]},
                        )
                    )
    finally:
        owner.close()
    return results
