"""Crash log: exception types and frames only; never the message or local values."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from app.version import __version__
from ui import crash

MARKER = "王小明 13800138000 320102199001011234"


def _raise_with_personal_data() -> None:
    complainant_phone = MARKER  # a local variable holding personal data
    raise ValueError(f"投诉人 {complainant_phone} 的记录无法保存")


def _caught() -> tuple[type[BaseException], BaseException, object]:
    try:
        try:
            _raise_with_personal_data()
        except ValueError as exc:
            raise RuntimeError(f"包装：{MARKER}") from exc
    except RuntimeError:
        info = sys.exc_info()
        assert info[0] is not None and info[1] is not None
        return info[0], info[1], info[2]
    raise AssertionError("unreachable")


def test_crash_log_has_no_personal_data(tmp_path: Path) -> None:
    exc_type, exc, tb = _caught()
    path, report = crash.write_crash_log(exc_type, exc, tb, tmp_path)  # type: ignore[arg-type]
    assert path is not None and path.parent == tmp_path
    text = path.read_text(encoding="utf-8")
    assert text == report
    for fragment in ("王小明", "13800138000", "320102199001011234", "投诉人", "包装"):
        assert fragment not in text
    assert __version__ in text
    assert "builtins.ValueError" in text and "builtins.RuntimeError" in text
    assert "_raise_with_personal_data" in text and "test_crash.py" in text
    assert str(Path.home()) not in text, "no user folder names in paths"


def test_excepthook_logs_and_shows_the_dialog(
    qapp: QApplication, workstation_folders: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[crash.CrashDialog] = []
    monkeypatch.setattr(crash.CrashDialog, "exec", lambda self: shown.append(self) or 0)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    crash.install_excepthook()
    assert sys.excepthook is crash.handle_exception

    exc_type, exc, tb = _caught()
    sys.excepthook(exc_type, exc, tb)  # type: ignore[arg-type]
    logs = list((workstation_folders / "logs").glob("crash-*.log"))
    assert len(logs) == 1
    assert MARKER not in logs[0].read_text(encoding="utf-8")
    assert len(shown) == 1
    dialog = shown[0]
    assert dialog.windowTitle() == "程序错误"
    assert dialog.copy_button.text() == "复制错误信息"
    dialog.copy_button.click()
    assert QApplication.clipboard().text() == logs[0].read_text(encoding="utf-8")
    assert MARKER not in QApplication.clipboard().text()
