"""Several workstations on one server: visibility across clients, conflicts, and a stress run.

The stress run is 8 processes × 500 mixed operations (override with COMPLAINTDESK_STRESS_OPS).
Afterwards every case's version equals 1 + the writes the clients saw succeed (no lost update),
case numbers are unique and gap-free, and the audit chain verifies.
"""

from __future__ import annotations

import multiprocessing
import os
import random
from collections import Counter

import pytest

from app import audit, shared
from app.cases import acceptance, board, intake, overlays
from app.cases.views import open_case
from app.errors import ConflictError, TransitionError
from models.cases import Case
from models.database import close_current
from tests.support.accounts import USER_PASSWORD, use_cheap_kdf
from tests.support.sessions import session_as

PROCESSES = 8
OPS = int(os.environ.get("COMPLAINTDESK_STRESS_OPS", "500"))


def _client(params, data_key, username):
    """A worker process signs in as the user's own database role."""
    use_cheap_kdf()  # a worker process: the cheap_kdf fixture does not reach it
    close_current()
    return shared.login_shared(params, data_key, username, USER_PASSWORD)


def _register(session, i: int) -> intake.Registered:
    return intake.register(
        session,
        intake.IntakeForm(
            channel="phone",
            content=f"并发测试投诉 {i}",
            complainant_name="并发",
            complainant_phone="13800138000",
        ),
    )


def _worker(args) -> tuple[Counter, list[str], int]:
    params, data_key, username, seed, ops = args
    session = _client(params, data_key, username)
    rng = random.Random(seed)
    writes: Counter = Counter()
    numbers: list[str] = []
    conflicts = 0
    for i in range(ops):
        ids = [row.id for row in Case.select(Case.id).where(Case.state == "registered").limit(40)]
        roll = rng.random()
        if roll < 0.15 or not ids:
            reg = _register(session, seed * 100000 + i)
            numbers.append(reg.case_no)
            writes[reg.case_id] += 0  # version 1 at registration
        elif roll < 0.55:
            case_id = rng.choice(ids)
            overlays.add_note(session, case_id, f"进程 {seed} 第 {i} 条备注")
            writes[case_id] += 1
        elif roll < 0.85:
            case_id = rng.choice(ids)
            for _attempt in range(20):
                row = Case.get_by_id(case_id)
                try:
                    if row.on_hold:
                        overlays.resume(session, case_id, expected_version=row.version)
                    else:
                        overlays.hold(session, case_id, "待补充病历", expected_version=row.version)
                    writes[case_id] += 1
                    break
                except ConflictError:
                    conflicts += 1
                except TransitionError:
                    conflicts += 1  # state changed under us between read and write: read again
        else:
            open_case(session, rng.choice(ids))
            board.queue_counts(session)
    close_current()
    return writes, numbers, conflicts


@pytest.fixture
def team(shared_admin, pg_params, pg_server):
    admin, data_key = shared_admin
    for i in range(PROCESSES):
        session_as(admin, f"officer{i}", "officer")
    close_current()
    return pg_params, data_key


def test_case_registered_at_one_client_appears_at_another_and_conflicts_surface(team) -> None:
    params, data_key = team
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        writes, numbers, _ = pool.apply(_worker, ((params, data_key, "officer1", 1, 1),))
    assert len(numbers) == 1  # no case yet, so the one operation registered a case
    session = _client(params, data_key, "officer0")
    cards = board.board(session)[0].cards
    assert [c.case_no for c in cards] == numbers

    case_id = cards[0].id
    stale_version = cards[0].version
    with ctx.Pool(1) as pool:  # the other workstation accepts the case first
        pool.apply(_accept_elsewhere, ((params, data_key, case_id),))
    with pytest.raises(ConflictError) as info:
        acceptance.reject(session, case_id, "out_of_scope", "本人的处理", expected_version=stale_version)
    assert "officer1同事" in info.value.message and "修改" in info.value.message
    assert open_case(session, case_id).state == "accepted"


def _accept_elsewhere(args) -> None:
    params, data_key, case_id = args
    session = _client(params, data_key, "officer1")
    acceptance.accept(session, case_id)
    close_current()


def test_stress_eight_clients(team) -> None:
    params, data_key = team
    session = _client(params, data_key, "officer0")
    seed_case = _register(session, 0)
    close_current()
    ctx = multiprocessing.get_context("spawn")
    jobs = [(params, data_key, f"officer{i}", i + 1, OPS) for i in range(PROCESSES)]
    with ctx.Pool(PROCESSES) as pool:
        results = pool.map(_worker, jobs)
    writes: Counter = Counter()
    numbers = [seed_case.case_no]
    for w, n, _c in results:
        writes.update(w)
        numbers.extend(n)

    session = _client(params, data_key, "officer0")
    assert len(numbers) == len(set(numbers)), "duplicate case numbers"
    seqs = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert seqs == list(range(1, len(seqs) + 1)), "gap in case numbers"
    lost = {
        cid: (row.version, 1 + writes[cid])
        for cid, row in ((r.id, r) for r in Case.select())
        if row.version != 1 + writes[cid]
    }
    assert lost == {}, f"lost updates: {lost}"
    report = audit.verify()
    assert report.ok, report.message
