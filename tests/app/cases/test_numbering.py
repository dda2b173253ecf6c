"""Case numbers YH-2026-000001… are unique and gap-free, also with several workstations registering
at once on the same file; a refused registration does not consume a number; query codes are 6 digits."""

from __future__ import annotations

import multiprocessing
import re
from datetime import datetime

import pytest

from app import audit
from app.cases import intake, numbering
from app.errors import ValidationError
from models.audit import AuditEntry
from models.cases import Case, CaseCounter, CaseEvent, Complainant
from models.database import close_current
from tests.support.accounts import USER_PASSWORD
from tests.support.desk import Desk

from . import _workers
from .conftest import PEOPLE, audit_count, audit_ok, case_data

PROCESSES = ["officer", "officer2", "clerk", "clerk2"]
PER_PROCESS = 25


def _run_processes(target, args_for: dict[str, tuple], timeout: float = 120) -> dict[str, object]:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(len(args_for))
    results = ctx.Queue()
    procs = [
        ctx.Process(target=target, args=(*args, barrier, results), name=f"workstation-{key}")
        for key, args in args_for.items()
    ]
    for proc in procs:
        proc.start()
    collected = {}
    try:
        for _ in procs:
            username, value = results.get(timeout=timeout)
            collected[username] = value
    finally:
        for proc in procs:
            proc.join(timeout=30)
            if proc.is_alive():  # pragma: no cover - only when a worker hangs
                proc.kill()
    assert [p.exitcode for p in procs] == [0] * len(procs)
    return collected


def test_concurrent_registration_from_four_processes_is_unique_and_gap_free(desk: Desk) -> None:
    close_current()  # the workers open the file themselves; this process reconnects afterwards
    args = {key: (str(desk.db_path), PEOPLE[key][0], USER_PASSWORD, PER_PROCESS) for key in PROCESSES}
    results = _run_processes(_workers.register_many, args)

    numbers = [no for per_user in results.values() for no, _code in per_user]
    total = len(PROCESSES) * PER_PROCESS
    assert len(numbers) == total
    assert sorted(numbers) == [f"YH-2026-{i:06d}" for i in range(1, total + 1)]
    # Each workstation saw its own numbers rising.
    for per_user in results.values():
        own = [no for no, _code in per_user]
        assert own == sorted(own)
    codes = [code for per_user in results.values() for _no, code in per_user]
    assert all(re.fullmatch(r"\d{6}", code) for code in codes)

    # The database agrees: one row per number, the counter at the last one, one timeline entry each.
    rows = list(Case.select(Case.case_no, Case.query_code, Case.registered_by).order_by(Case.case_no))
    assert [r.case_no for r in rows] == sorted(numbers)
    assert CaseCounter.get((CaseCounter.prefix == "YH") & (CaseCounter.year == 2026)).last_seq == total
    assert CaseEvent.select().where(CaseEvent.seq == 1).count() == total
    assert CaseEvent.select().count() == total
    by_user = {PEOPLE[key][0]: desk.user_id(key) for key in PROCESSES}
    for username, per_user in results.items():
        mine = {r.case_no for r in rows if r.registered_by_id == by_user[username]}
        assert mine == {no for no, _code in per_user}
    registered = AuditEntry.select().where(AuditEntry.action == "case.register").count()
    assert registered == total
    # Four logins and four logouts were audited too, all on one unbroken chain.
    assert AuditEntry.select().where(AuditEntry.action == "login.ok").count() == len(PROCESSES)
    report = audit.verify()
    assert report.ok, report.message


def test_a_registration_refused_inside_the_transaction_does_not_consume_a_number(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = desk.register()
    assert first.case_no == "YH-2026-000001"
    before, audits = case_data(), audit_count()

    def refuse(case: Case) -> None:  # the last step inside the registering transaction
        assert Case.get_or_none(Case.case_no == "YH-2026-000002") is not None  # numbered and written…
        raise ValidationError("content", "投诉内容", "包含无法建立索引的内容")

    monkeypatch.setattr(intake.search, "index_case", refuse)
    with pytest.raises(ValidationError, match="^投诉内容：包含无法建立索引的内容$"):
        desk.register(content="第二件投诉")
    monkeypatch.undo()

    # …and all rolled back: no case, no complainant, no counter step, no audit entry.
    assert case_data() == before
    assert audit_count() == audits
    assert Case.get_or_none(Case.case_no == "YH-2026-000002") is None
    assert desk.register().case_no == "YH-2026-000002"
    audit_ok()


def test_a_registration_refused_by_validation_does_not_consume_a_number(desk: Desk) -> None:
    with pytest.raises(ValidationError, match="联系电话"):
        desk.register(complainant_phone="12345")
    assert CaseCounter.select().count() == 0
    assert Complainant.select().count() == 0
    assert desk.register().case_no == "YH-2026-000001"


def test_query_codes_are_six_digits_with_leading_zeros(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(numbering.secrets, "randbelow", lambda n: 42)
    assert numbering.new_query_code() == "000042"
    assert desk.register().query_code == "000042"
    monkeypatch.undo()
    codes = {numbering.new_query_code() for _ in range(300)}
    assert all(re.fullmatch(r"\d{6}", c) for c in codes)
    assert len(codes) > 250  # random, not a counter


def test_numbers_run_per_year_of_receipt(desk: Desk) -> None:
    desk.clock.set(datetime(2026, 1, 4, 9, 0))  # Sunday 4 January 2026, a 调休 working day
    late = desk.register(received_at=datetime(2025, 12, 31, 16, 0))
    assert late.case_no == "YH-2025-000001"
    assert desk.register().case_no == "YH-2026-000001"
    assert desk.register(received_at=datetime(2025, 12, 30, 10, 0)).case_no == "YH-2025-000002"
    assert desk.register().case_no == "YH-2026-000002"


def test_the_prefix_comes_from_the_settings(desk: Desk) -> None:
    from app import settings

    settings.update(desk["admin"], {"case_prefix": "JN"})
    assert desk.register().case_no == "JN-2026-000001"
    settings.update(desk["admin"], {"case_prefix": "YH"})
    assert desk.register().case_no == "YH-2026-000001"
