"""The benchmark's start-up probe: a real `python -m app gui` process ends after painting its login
window and says so; without the variable the probe stays out of the way."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app import auth
from ui import startup_probe


def test_gui_process_exits_after_painting_the_login_window(
    admin_session, db_path: Path, tmp_path: Path
) -> None:
    auth.logout(admin_session)
    profile = tmp_path / "profile-home"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        startup_probe.PROBE_ENV: "1",
        "HOME": str(profile),  # the workstation settings of this run stay in the test's folder
        "XDG_CONFIG_HOME": str(profile / "config"),
        "XDG_DATA_HOME": str(profile / "data"),
        "XDG_STATE_HOME": str(profile / "state"),
    }
    spawned = time.time()
    done = subprocess.run(
        [sys.executable, "-m", "app", "gui", "--db", str(db_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    assert probe["probe"] == "first_paint"
    assert probe["window"] == "LoginDialog"
    assert probe["from"] == "process"
    assert 0 < probe["since_process_start"] < time.time() - spawned + 0.05
    assert spawned < probe["painted_at"] <= time.time()


@pytest.mark.parametrize(("value", "on"), [("", False), ("0", False), ("1", True)])
def test_probe_only_with_the_variable(monkeypatch: pytest.MonkeyPatch, value: str, on: bool) -> None:
    monkeypatch.setenv(startup_probe.PROBE_ENV, value)
    assert startup_probe.enabled() is on


def test_process_age_is_positive_and_grows() -> None:
    first, origin = startup_probe.process_age()
    time.sleep(0.02)
    second, _ = startup_probe.process_age()
    assert origin == "process" and 0 < first <= second
