"""Code run in separate processes (multiprocessing 'spawn') by the numbering and conflict tests.

Each process logs in itself, as a second workstation on the same database file would.
"""

from __future__ import annotations

from typing import Any


def _login(db_path: str, username: str, password: str):
    from app import auth, clock
    from tests.support.cases import START, FakeClock

    clock.set_clock(FakeClock(START))
    return auth.login_local(db_path, username, password)


def register_many(db_path: str, username: str, password: str, count: int, barrier: Any, results: Any) -> None:
    """Register `count` complaints as fast as possible once every process is ready."""
    from app import auth
    from app.cases import intake

    session = _login(db_path, username, password)
    numbers = []
    barrier.wait(timeout=60)
    for i in range(count):
        reg = intake.register(
            session,
            intake.IntakeForm(
                channel="phone",
                content=f"{username} 第 {i + 1} 件来电投诉：候诊时间过长。",
                complainant_name="测试投诉人",
                complainant_phone="13800000000",
            ),
        )
        numbers.append((reg.case_no, reg.query_code))
    auth.logout(session)
    results.put((username, numbers))


def accept_all(
    db_path: str, username: str, password: str, case_ids: list[int], barrier: Any, results: Any
) -> None:
    """Try to accept every case with the version both workstations read (1): one of them must lose."""
    from app import auth
    from app.cases import acceptance
    from app.errors import ConflictError, TransitionError

    session = _login(db_path, username, password)
    outcome = {}
    barrier.wait(timeout=60)
    for case_id in case_ids:
        try:
            acceptance.accept(session, case_id, expected_version=1)
            outcome[case_id] = "ok"
        except ConflictError as exc:
            outcome[case_id] = f"conflict:{exc.who}"
        except TransitionError as exc:  # pragma: no cover - would be a bug: reported to the test
            outcome[case_id] = f"transition:{exc.message}"
    auth.logout(session)
    results.put((username, outcome))
