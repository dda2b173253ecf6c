"""The operation runner: one way to show failures, one data_changed signal, long work off the GUI
thread with progress and cancel, a lost server connection offered 重新连接, bugs left to the crash path."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QLineEdit, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from app import settings
from app.errors import ConnectionLostError, OperationCancelled, ValidationError
from app.session import Session
from tests.ui.workspace.support import answer, on_modal
from ui.operations import Change, Kind, bus, run, run_in_background


def test_success_announces_what_changed(qtbot: QtBot) -> None:
    with qtbot.waitSignal(bus().data_changed) as signal:
        outcome = run(None, lambda: 42, changed=Change(Kind.CASE, 7))
    assert outcome and outcome.value == 42
    assert signal.args == ["case", 7]


def test_a_validation_error_is_shown_and_its_field_focused(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    edit = QLineEdit(parent)
    parent.show()
    focused: list[str] = []
    seen: list[str] = []

    def refuse() -> None:
        raise ValidationError("hospital_name", "医院名称", "不能为空")

    on_modal(QMessageBox, answer("确定", seen))
    with qtbot.assertNotEmitted(bus().data_changed):
        outcome = run(parent, refuse, changed=Change(Kind.SETTINGS), focus=focused.append)
    assert not outcome and outcome.field == "hospital_name"
    assert seen == ["医院名称：不能为空"] and focused == ["hospital_name"]
    assert edit.isVisible()


def test_a_lost_connection_offers_reconnect_then_runs_the_call_again(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr("app.db_errors.reconnect", lambda: calls.append("reconnect"))

    def save() -> str:
        calls.append("save")
        if calls.count("save") == 1:
            raise ConnectionLostError()
        return "saved"

    seen: list[str] = []
    on_modal(QMessageBox, answer("重新连接", seen))
    outcome = run(None, save)
    assert outcome.value == "saved"
    assert calls == ["save", "reconnect", "save"]
    assert seen == ["与医院数据库服务器的连接已断开，本次操作没有保存。"]


def test_a_bug_is_not_swallowed(qtbot: QtBot) -> None:
    with pytest.raises(ZeroDivisionError):
        run(None, lambda: 1 / 0)


def test_long_work_runs_on_a_worker_thread_with_its_own_connection(
    qtbot: QtBot, admin_session: Session
) -> None:
    threads: list[str] = []
    progress_seen: list[tuple[int, int]] = []

    def task(progress) -> str:
        threads.append(threading.current_thread().name)
        for done in range(1, 4):
            progress(done, 3, f"第 {done} 步")
        return settings.get("hospital_name")  # a read on the worker's own connection

    operation = run_in_background(None, task, title="测试", changed=Change(Kind.SETTINGS))
    operation.thread.progress.connect(lambda done, total, _text: progress_seen.append((done, total)))
    with qtbot.waitSignal(bus().data_changed):
        outcome = operation.wait()
    assert outcome and outcome.value == "江宁市第一人民医院"
    assert threads and threads[0] != threading.main_thread().name
    assert settings.get("hospital_name") == "江宁市第一人民医院"  # the GUI thread's connection still works


def test_cancel_stops_long_work_at_its_next_progress_step(qtbot: QtBot) -> None:
    started = threading.Event()
    steps: list[int] = []

    def task(progress) -> None:
        for step in range(1000):
            progress(step, 1000, "")
            steps.append(step)
            started.set()
            threading.Event().wait(0.005)

    operation = run_in_background(None, task, title="导出", cancellable=True)
    assert started.wait(5)
    cancel = next(b for b in operation.dialog.findChildren(QPushButton) if b.text() == "取消")
    cancel.click()
    outcome = operation.wait()
    assert not outcome and isinstance(outcome.error, OperationCancelled)
    assert len(steps) < 1000
