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

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


from app import clock  # noqa: E402
from app.session import Session  # noqa: E402
from docs.shots.standalone import demo_office, save  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402

NOW = datetime(2026, 3, 16, 9, 24)  # a Monday morning, as in docs/make_screenshots.py


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
                shots.append(save(dialog, outdir / "reminders_digest.png"))
                dialog.close()
        window.show_page("reminders")
        shots.append(save(window, outdir / name))
        window.close()
    return shots


if __name__ == "__main__":
    from ui.application import create_application

    create_application()
    with demo_office(150, datetime(2026, 2, 14, 9, 0), NOW) as login:
        for shot in capture(login, ROOT / "docs" / "screenshots"):
            print(f"已生成 {shot.name}")
