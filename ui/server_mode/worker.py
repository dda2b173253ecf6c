"""One long core call off the GUI thread, with progress and the outcome delivered back to it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal

Progress = Callable[[int, int, str], None]


class TaskThread(QThread):
    """Runs `task(progress)` in a worker thread.

    `progress(done, total, text)`, `succeeded(result)` and `failed(exception)` are queued to the
    thread that owns this object (the GUI thread), so their slots may touch widgets.
    """

    progress = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, task: Callable[[Progress], object], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._task = task

    def run(self) -> None:  # runs in the worker thread
        try:
            result = self._task(self.progress.emit)
        except Exception as exc:  # handed to the GUI thread, which shows or re-raises it
            self.failed.emit(exc)
            return
        self.succeeded.emit(result)
