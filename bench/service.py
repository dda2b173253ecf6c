"""Service-level lines (no Qt): open a case, search, the board queries, register a case, issue a
受理回执 — each through the same app/ call the GUI makes, on the benchmark's session."""

from __future__ import annotations

import random
import statistics
from dataclasses import replace
from datetime import timedelta
from typing import Any

from bench.harness import BUDGETS, Result, _timed


def register_cases(session: Any, count: int) -> Result:
    from app import clock
    from app.cases import intake
    from app.demo.generator import generator_for_database

    now = clock.now()
    forms = [plan.form for plan in generator_for_database(seed=4242).plans(count + 20)][:count]
    samples = []
    for i, form in enumerate(forms):
        received = now - timedelta(minutes=count - i)
        form = replace(form, received_at=received, link_to=[])
        seconds, _ = _timed(lambda form=form: intake.register(session, form))
        samples.append(seconds)
    return Result("register", "登记一件投诉（服务调用）", samples, BUDGETS["register"], note=f"{count} 次")


def open_cases(session: Any, rng: random.Random, count: int) -> Result:
    from app.cases.views import open_case
    from models.cases import Case

    top = Case.select(Case.id).order_by(Case.id.desc()).limit(1).scalar()
    samples, events = [], []
    for case_id in (rng.randint(1, top) for _ in range(count)):
        seconds, view = _timed(lambda case_id=case_id: open_case(session, case_id))
        samples.append(seconds)
        events.append(len(view.timeline))
    note = f"{count} 件随机案件，时间线平均 {statistics.mean(events):.1f} 条"
    return Result("open_case", "打开案件（服务调用，含时间线）", samples, BUDGETS["open_case"], note=note)


def receipts(session: Any, count: int) -> Result:
    """Issue a 受理回执: fill the data from the case, render the PDF, store it with its SHA-256."""
    from app.cases import documents
    from models.cases import Case

    ids = [
        row.id
        for row in Case.select(Case.id)
        .where(Case.state == "registered")
        .order_by(Case.id.desc())
        .limit(count)
    ]
    documents.issue(session, ids[0], "receipt")  # fonts registered once per process
    samples = [
        _timed(lambda case_id=case_id: documents.issue(session, case_id, "receipt"))[0] for case_id in ids
    ]
    return Result(
        "receipt_pdf",
        "受理回执 PDF（取数、排版、存档）",
        samples,
        BUDGETS["receipt_pdf"],
        note=f"{len(samples)} 份",
    )


def searches(session: Any, key: str, label: str, texts: list[str]) -> Result:
    from app.cases import search

    search.search(session, "预热")  # the first query of a session also loads the FTS module
    samples, hits = [], {}
    for text in texts:
        seconds, ids = _timed(lambda text=text: search.search(session, text))
        samples.append(seconds)
        hits[text] = len(ids)
    return Result(key, label, samples, BUDGETS[key], note=f"{len(texts)} 个查询", extra={"hits": hits})


def board_queries(session: Any, runs: int) -> list[Result]:
    """The board and the home queues, warm."""
    from app.cases import board

    results = []
    for key, label, action in (
        ("board", "看板（每列前 50 张卡片）", lambda: board.board(session)),
        ("queues", "首页队列计数", lambda: board.queue_counts(session)),
        ("case_list", "案件列表第一页", lambda: board.case_list(session)),
    ):
        samples = [_timed(action)[0] for _ in range(runs)]
        results.append(Result(key, label, samples, None, note="热查询，登录到看板合计 ≤ 1.0 s"))
    return results


def service_lines(manager: Any, seed: int, writes: bool = True) -> list[Result]:
    """Open, search, board queries; with `writes` also register and receipts (they add cases). The
    officer's lines run on the manager's connection as the officer (local mode: one database)."""
    from app import auth

    rng = random.Random(seed)
    officer = replace(manager, user=auth.current_user("officer"))
    return [open_cases(manager, rng, 100), *officer_lines(officer, rng, writes)]


def officer_lines(officer: Any, rng: random.Random, writes: bool = True) -> list[Result]:
    from bench.queries import fts_queries, short_queries

    results = [
        searches(officer, "search_fts", "搜索 ≥3 字（全文索引）", fts_queries(rng)),
        searches(officer, "search_short", "搜索 1–2 字", short_queries(rng)),
        *board_queries(officer, 10),
    ]
    if writes:
        results.append(register_cases(officer, 50))
        results.append(receipts(officer, 30))
    return results


def shared_service_lines(target: Any, seed: int) -> list[Result]:
    """Shared mode: the same lines, each user signed in as their own database role (the server's
    row-level security applies to the officer's queries as to a real officer's)."""
    from app import auth

    rng = random.Random(seed)
    manager = target.login("manager")
    try:
        results = [open_cases(manager, rng, 100)]
    finally:
        auth.logout(manager)
    officer = target.login("officer")
    try:
        return results + officer_lines(officer, rng)
    finally:
        auth.logout(officer)
