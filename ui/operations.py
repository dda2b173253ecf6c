"""The one way a widget runs a service call: `run` (quick, on the GUI thread) or `run_in_background`.

    outcome = run(self, lambda: users.add_user(session, ...), changed=Change(Kind.USERS), focus=self.focus_field)
    if outcome:
        self.accept()

    run_in_background(self, lambda progress: ledger.export(session, path, progress),
                      title="导出台账", on_done=self.show_report, changed=None)

The runner owns the busy cursor and the progress dialog, shows every `ComplaintDeskError` the same
way (`ui.failures.show_failure`: the named field is focused for a validation error, a conflict offers
重新载入, a database fault says what to do and offers 重试 or 重新连接), and after a write tells the
whole window what changed through one signal, `bus().data_changed(kind, case_id | None)`, so each
page refreshes only when its data changed. Anything that is not a `ComplaintDeskError` is a bug: it
propagates to the crash dialog. Widgets contain no `try/except` of their own.
"""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget
from shiboken6 import Shiboken

from app.db_errors import close_thread_connection, translated
from app.errors import ComplaintDeskError, OperationCancelled, SessionLockedError
from ui.common import busy_cursor
from ui.failures import RETRY, show_failure

T = TypeVar("T")

Progress = Callable[[int, int, str], None]
"""`progress(done, total, text)`; raises `OperationCancelled` once the user pressed 取消."""


class Kind(StrEnum):
    """What a write changed; pages subscribe to the kinds they show."""

    CASE = "case"  # one case (case_id given): its workspace, the board, lists and counts
    CASES = "cases"  # many or new cases (import, demo, registration)
    USERS = "users"
    DEPARTMENTS = "departments"
    CATEGORIES = "categories"
    SETTINGS = "settings"
    CALENDAR = "calendar"
    DOCUMENTS = "documents"  # issued documents and print logs
    DATABASE = "database"  # connection, migration, restore


CASE_KINDS = frozenset({Kind.CASE, Kind.CASES, Kind.CALENDAR})
"""Kinds after which case lists, the board and the queue counts must be read again."""


@dataclass(frozen=True)
class Change:
    kind: Kind
    case_id: int | None = None


class OperationBus(QObject):
    """The application-wide notice that data changed: `data_changed(kind, case_id or None)`."""

    data_changed = Signal(str, object)

    def announce(self, change: Change | None) -> None:
        if change is not None:
            self.data_changed.emit(str(change.kind), change.case_id)


_BUS: OperationBus | None = None


def bus() -> OperationBus:
    global _BUS
    if _BUS is None:
        _BUS = OperationBus()
    return _BUS


def on_change(widget: QWidget, kinds: tuple[Kind, ...], handler: Callable[[], object]) -> None:
    """Call `handler()` when data of one of `kinds` changed, while `widget`'s window is on screen.

    A banner of a closed window (logged out, replaced) must not read the database again."""

    target = weakref.ref(widget)
    method = weakref.WeakMethod(handler) if inspect.ismethod(handler) else lambda: handler

    def changed(kind: str, _case_id: object) -> None:
        current, call = target(), method()
        if kind not in kinds or current is None or call is None or not Shiboken.isValid(current):
            return
        if current.window().isVisible():
            call()

    bus().data_changed.connect(changed)


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What `run` returns: truthy when the call went through; `value` is what it returned."""

    ok: bool
    value: T | None = None
    field: str = ""  # the field a ValidationError named
    error: ComplaintDeskError | None = None

    def __bool__(self) -> bool:
        return self.ok


ChangeSpec = Change | Callable[[Any], Change | None] | None


def _change_for(spec: ChangeSpec, value: Any) -> Change | None:
    return spec(value) if callable(spec) else spec


def run(
    parent: QWidget | None,
    call: Callable[[], T],
    *,
    changed: ChangeSpec = None,
    focus: Callable[[str], object] | None = None,
    on_reload: Callable[[], object] | None = None,
    quiet: bool = False,
    expected: tuple[type[ComplaintDeskError], ...] = (),
) -> Outcome[T]:
    """Call a quick service on the GUI thread under a busy cursor and show any refusal.

    `changed` is announced after success (a Change, or a function of the result). `focus(field)` is
    called for a validation error, `on_reload()` when the user chose 重新载入 after a conflict.
    `quiet` suppresses the message (for background look-ups whose failure is not the user's concern);
    errors of the `expected` types are returned unshown, for the caller to present in its own place.
    """
    while True:
        try:
            with busy_cursor(), translated():
                value = call()
        except ComplaintDeskError as exc:
            # A locked session refuses every call; the lock screen already says why.
            if quiet or isinstance(exc, (*expected, SessionLockedError)):
                return Outcome(False, field=getattr(exc, "field", ""), error=exc)
            if show_failure(parent, exc, focus=focus, on_reload=on_reload) == RETRY:
                continue
            return Outcome(False, field=getattr(exc, "field", ""), error=exc)
        bus().announce(_change_for(changed, value))
        return Outcome(True, value)


# -- long work off the GUI thread ------------------------------------------------------------------


class TaskThread(QThread):
    """Runs `task(progress)` in a worker thread; outcome signals are queued to the GUI thread.

    The worker uses its own database connection (peewee keeps one per thread) and closes it when
    the task ends, so the GUI thread's connection and open transaction are never shared."""

    progress = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, task: Callable[[Progress], object], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._task = task
        self.cancel_requested = False

    def _progress(self, done: int, total: int, text: str) -> None:
        if self.cancel_requested:
            raise OperationCancelled()
        self.progress.emit(done, total, text)

    def run(self) -> None:  # runs in the worker thread
        try:
            with translated():
                result = self._task(self._progress)
        except BaseException as exc:  # handed to the GUI thread: shown there, or re-raised as a bug
            self.failed.emit(exc)
            return
        finally:
            close_thread_connection()
        self.succeeded.emit(result)


class BackgroundOperation(QObject):
    """One long service call with a progress dialog; see `run_in_background`."""

    finished = Signal(object)  # the Outcome

    def __init__(
        self,
        parent: QWidget | None,
        task: Callable[[Progress], T],
        *,
        title: str,
        label: str,
        cancellable: bool,
        changed: ChangeSpec,
        on_done: Callable[[T], object] | None,
        focus: Callable[[str], object] | None,
        quiet: bool = False,
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self._task = task
        self._changed = changed
        self._on_done = on_done
        self._focus = focus
        self.outcome: Outcome[T] | None = None
        self.last_progress: tuple[int, int, str] | None = None  # what the dialog showed last
        self.dialog = QProgressDialog(label, "取消" if cancellable else "", 0, 0, parent)
        if quiet:  # the page says itself that it is working and stays usable meanwhile
            self.dialog.setWindowModality(Qt.WindowModality.NonModal)
            self.dialog.setMinimumDuration(24 * 3600 * 1000)
        self.dialog.setWindowTitle(title)
        if not quiet:
            self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.dialog.setMinimumDuration(300)
        self.dialog.setMinimumWidth(420)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        if not cancellable:
            self.dialog.setCancelButton(None)
        self.dialog.canceled.connect(self.cancel)
        self._start()

    def _start(self) -> None:
        self.thread = TaskThread(self._task, self)
        self.thread.progress.connect(self._on_progress)
        self.thread.succeeded.connect(self._on_succeeded)
        self.thread.failed.connect(self._on_failed)
        self.thread.start()

    def cancel(self) -> None:
        if self.outcome is None:
            self.thread.cancel_requested = True
            self.dialog.setLabelText("正在取消……")

    def _on_progress(self, done: int, total: int, text: str) -> None:
        self.last_progress = (done, total, text or self.dialog.labelText())
        self.dialog.setMaximum(max(total, 0))
        self.dialog.setValue(min(done, total) if total > 0 else 0)
        if text:
            self.dialog.setLabelText(text)

    def _finish(self, outcome: Outcome[T]) -> None:
        self.thread.wait()
        self.dialog.canceled.disconnect(self.cancel)
        self.dialog.reset()
        self.dialog.hide()
        self.dialog.deleteLater()
        self.outcome = outcome
        self.finished.emit(outcome)

    def _on_succeeded(self, value: T) -> None:
        self._finish(Outcome(True, value))
        bus().announce(_change_for(self._changed, value))
        if self._on_done is not None:
            self._on_done(value)

    def _on_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, ComplaintDeskError):
            self._finish(Outcome(False))
            raise exc  # a bug: the excepthook shows the crash dialog
        self.thread.wait()
        if (
            not isinstance(exc, OperationCancelled)
            and show_failure(self._parent, exc, focus=self._focus) == RETRY
        ):
            self._start()
            return
        self._finish(Outcome(False, field=getattr(exc, "field", ""), error=exc))

    def wait(self, timeout_ms: int = 60_000) -> Outcome[T] | None:
        """Block until done while processing events (tests and modal callers)."""
        from PySide6.QtCore import QDeadlineTimer, QEventLoop

        if self.outcome is None:
            loop = QEventLoop()
            self.finished.connect(loop.quit)
            deadline = QDeadlineTimer(timeout_ms)
            while self.outcome is None and not deadline.hasExpired():
                loop.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
        return self.outcome


def run_in_background(
    parent: QWidget | None,
    task: Callable[[Progress], T],
    *,
    title: str,
    label: str = "正在处理，请稍候……",
    cancellable: bool = False,
    changed: ChangeSpec = None,
    on_done: Callable[[T], object] | None = None,
    focus: Callable[[str], object] | None = None,
    quiet: bool = False,
) -> BackgroundOperation:
    """Run `task(progress)` on a worker thread with a progress dialog (cancellable when the work
    allows: `progress` then raises `OperationCancelled` and the service rolls back). `quiet`: no
    dialog and no modality, for a page that shows its own "正在计算" and stays usable.

    `on_done(result)` runs on the GUI thread after success; failures are shown like `run`'s."""
    return BackgroundOperation(
        parent,
        task,
        title=title,
        label=label,
        cancellable=cancellable,
        changed=changed,
        on_done=on_done,
        focus=focus,
        quiet=quiet,
    )
