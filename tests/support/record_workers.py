"""A separate OS process writing to a database while the test backs it up (no Qt imported)."""

from __future__ import annotations

import time
from pathlib import Path

from app import auth
from app.cases import intake
from tests.support.accounts import use_cheap_kdf
from tests.support.cases import form


def keep_registering(args: tuple[str, str, str, int, str]) -> int:
    """Log in as `username` and register `count` complaints one by one; touch `started` after the first."""
    db, username, password, count, started = args
    use_cheap_kdf()
    session = auth.login_local(db, username, password)
    try:
        for i in range(count):
            intake.register(session, form(content=f"并发写入的投诉第{i}件：候诊时间过长。"))
            if i == 0:
                Path(started).touch()
            time.sleep(0.005)
    finally:
        auth.logout(session)
    return count
