"""Start-up probe for the benchmark: with COMPLAINTDESK_PROBE_EXIT_ON_PAINT=1 in the environment the
program ends right after its first window (the login dialog when the database exists) has been
painted, printing one JSON line to standard output:

    {"probe": "first_paint", "window": "LoginDialog", "since_process_start": 0.81, "painted_at": ...}

`since_process_start` is measured from the kernel's start time of this process (Linux; 10 ms
resolution), or from when this module was imported elsewhere (then `"from": "import"`);
`painted_at` is the wall clock (time.time()) so a parent that noted the time it spawned the process
can compute spawn → paint exactly. Without the variable nothing is installed.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

PROBE_ENV = "COMPLAINTDESK_PROBE_EXIT_ON_PAINT"
_IMPORTED = time.perf_counter()


def enabled() -> bool:
    return os.environ.get(PROBE_ENV, "") not in ("", "0")


def process_age() -> tuple[float, str]:
    """Seconds since this process started: from /proc when there is one, else since this import."""
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        started_ticks = int(fields[19])  # field 22 of stat(5); fields[0] is field 3
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return uptime - started_ticks / os.sysconf("SC_CLK_TCK"), "process"
    except (OSError, ValueError, IndexError):
        return time.perf_counter() - _IMPORTED, "import"


class _FirstPaint(QObject):
    """Application-wide event filter: the first Paint of a window ends the process once painted."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.window = ""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (
            not self.window
            and event.type() == QEvent.Type.Paint
            and isinstance(watched, QWidget)
            and watched.isWindow()
        ):
            self.window = type(watched).__name__
            # The window's children are painted and the backing store flushed in this same pass;
            # the zero timer fires after it.
            QTimer.singleShot(0, self.finish)
        return False

    def finish(self) -> None:
        age, origin = process_age()
        line = {
            "probe": "first_paint",
            "window": self.window,
            "since_process_start": round(age, 4),
            "from": origin,
            "painted_at": time.time(),
        }
        sys.stdout.write(json.dumps(line) + "\n")
        sys.stdout.flush()
        os._exit(0)  # at once: what is measured is the start, not the teardown


def install(app: QCoreApplication) -> None:
    """Watch for the first painted window when the probe variable is set."""
    if enabled():
        app.installEventFilter(_FirstPaint(app))
