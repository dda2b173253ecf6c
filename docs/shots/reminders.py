"""Screenshots of 提醒 (reminders.png, reminders_1024.png, reminders_digest.png).

`capture(login, outdir)` opens the main window of the office's manager-officer on the demo database
(`login(username)` gives a session) at 1280×800 and 1024×700 on the 提醒 page, and the daily digest.
Run on its own (`python docs/shots/reminders.py`) it builds a smaller demo database first.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from tempfile import TemporaryDirectory

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app import clock  # noqa: E402
from app.session import Session  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402

NOW = datetime(2026, 3, 16, 9, 24)  # a Monday morning, as in docs/make_screenshots.py


def _save(widget: QWidget, target: Path) -> Path:
    for _ in range(3):
        QApplication.processEvents()
    QTest.qWait(150)
    widget.grab().save(str(target))
    return target


def capture(login: Callable[[str], Session], outdir: Path, username: str = "zhangwei") -> list[Path]:
    clock.set_clock(lambda: NOW)
    shots = []
    for size, name in (((1280, 800), "reminders.png"), ((1024, 700), "reminders_1024.png")):
        window = MainWindow(login(username), idle_timeout_ms=0)
        window.resize(*size)
        window.show()
        if name == "reminders.png":
            dialog = window.reminders.show_digest(lambda: None)
            if dialog is not None:
                shots.append(_save(dialog, outdir / "reminders_digest.png"))
                dialog.close()
        window.show_page("reminders")
        shots.append(_save(window, outdir / name))
        window.close()
    return shots


if __name__ == "__main__":
    from app import auth, users
    from app.demo import create_demo_database
    from app.demo.fill import fill_demo_cases
    from ui.application import create_application

    create_application()
    password = "Demo2026pass"
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.db"
        clock.set_clock(lambda: datetime(2026, 2, 14, 9, 0))
        session, _info = create_demo_database(path, password)
        users.add_user(session, "zhangwei", "张伟", ["officer", "manager"], password, must_change_password=False)
        clock.set_clock(lambda: NOW)
        fill_demo_cases(session, 150)
        auth.logout(session)
        for shot in capture(lambda name: auth.login_local(path, name, password), ROOT / "docs" / "screenshots"):
            print(f"已生成 {shot.name}")
