"""The login window comes up before the rest of the application is imported (a quick first start)."""

from __future__ import annotations

import os
import subprocess
import sys

# Packages only the main window, documents, reports, statistics, shared mode and password changes need.
LATER = (
    "reportlab",
    "openpyxl",
    "docx",
    "pypdf",
    "PySide6.QtCharts",
    "app.statistics",
    "ui.main_window",
    "keyring",  # shared mode only
    "zxcvbn",  # when a password is set
)


def _printed(probe: str) -> str:
    """What `probe` prints, run in a fresh interpreter (nothing imported yet)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    return out.stdout.strip()


def test_the_login_window_imports_nothing_of_the_main_window() -> None:
    probe = (
        "import sys\n"
        "from ui.application import GuiController, create_application\n"
        "from ui.login_dialog import LoginDialog\n"
        f"print(sorted(m for m in {LATER!r} if m in sys.modules))\n"
    )
    assert _printed(probe) == "[]"


def test_the_gui_command_line_does_not_build_the_other_commands() -> None:
    """`complaintdesk` / `complaintdesk gui --db …` go straight to the login window: the report, records
    and server commands (and what they import) are not loaded to parse the GUI's options."""
    probe = (
        "import sys\n"
        "import ui.application\n"
        "seen = []\n"
        "ui.application.run_gui = lambda db, demo: seen.append((db, demo)) or 0\n"
        "from app.entry import main\n"
        "assert main(['gui', '--db', 'x.db']) == 0 and main([]) == 0\n"
        f"print(seen, sorted(m for m in {(*LATER, 'app.cli', 'app.cli_report')!r} if m in sys.modules))\n"
    )
    assert _printed(probe) == "[('x.db', False), (None, False)] []"
