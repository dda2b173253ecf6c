"""Shared by the shot modules of 提醒 and 整改: saving a grab once the widget has settled, and a
small demo office for running one module on its own (its manager-officer 张伟 is `zhangwei`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from tempfile import TemporaryDirectory

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from app import auth, clock, users
from app.demo import create_demo_database
from app.demo.fill import fill_demo_cases
from app.session import Session

PASSWORD = "Demo2026pass"


def save(widget: QWidget, target: Path) -> Path:
    for _ in range(3):
        QApplication.processEvents()
    QTest.qWait(150)
    widget.grab().save(str(target))
    return target


@contextmanager
def demo_office(cases: int, created: datetime, now: datetime) -> Iterator[Callable[[str], Session]]:
    """A throwaway demo database with `cases` complaints around `now`; yields `login(username)`."""
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.db"
        clock.set_clock(lambda: created)
        session, _info = create_demo_database(path, PASSWORD)
        users.add_user(
            session, "zhangwei", "张伟", ["officer", "manager"], PASSWORD, must_change_password=False
        )
        clock.set_clock(lambda: now)
        fill_demo_cases(session, cases)
        auth.logout(session)
        yield lambda name: auth.login_local(path, name, PASSWORD)
