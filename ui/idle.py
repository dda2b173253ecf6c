"""Idle detection: an application-wide event filter restarts a timer on every user input."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication

INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.InputMethod,
    }
)


class IdleWatcher(QObject):
    """Emits `idle` after `timeout_ms` without keyboard, mouse or touch input (0 disables it)."""

    idle = Signal()

    def __init__(self, timeout_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)  # a coarse timer may fire 5 % early
        self._timer.timeout.connect(self.idle)
        self._paused = False
        self.set_timeout(timeout_ms)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    @property
    def timeout_ms(self) -> int:
        return self._timer.interval()

    def set_timeout(self, timeout_ms: int) -> None:
        self._timer.setInterval(max(0, timeout_ms))
        self.restart()

    def restart(self) -> None:
        if self._paused or self._timer.interval() <= 0:
            self._timer.stop()
        else:
            self._timer.start()

    def pause(self) -> None:
        """Stop counting (while the screen is locked)."""
        self._paused = True
        self._timer.stop()

    def resume(self) -> None:
        self._paused = False
        self.restart()

    def remaining_ms(self) -> int:
        """Milliseconds until `idle` (-1 when not counting)."""
        return self._timer.remainingTime()

    def is_active(self) -> bool:
        return self._timer.isActive()

    def stop(self) -> None:
        self.pause()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._paused and event.type() in INPUT_EVENTS and self._timer.interval() > 0:
            self._timer.start()
        return False
