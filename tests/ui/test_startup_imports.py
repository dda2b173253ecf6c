"""The login window comes up before the rest of the application is imported (a quick first start)."""

from __future__ import annotations

import os
import subprocess
import sys

# Packages only the main window, documents, reports and statistics need.
LATER = ("reportlab", "openpyxl", "docx", "pypdf", "PySide6.QtCharts", "app.statistics", "ui.main_window")


def test_the_login_window_imports_nothing_of_the_main_window() -> None:
    probe = (
        "import sys\n"
        "from ui.application import GuiController, create_application\n"
        "from ui.login_dialog import LoginDialog\n"
        f"print(sorted(m for m in {LATER!r} if m in sys.modules))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
