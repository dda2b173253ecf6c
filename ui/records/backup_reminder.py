"""The stale-backup warning on the admin's and the manager's home: no backup yet, or the newest one
older than the configured days (in shared mode: no server backup recorded, or an old one)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from app.policy import Action, can
from app.records import backup
from app.session import Session
from ui import operations
from ui.operations import Kind


class BackupReminder(QFrame):
    """Hidden while the last backup is recent enough."""

    def __init__(
        self, session: Session, open_backup: Callable[[], object] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("backupReminder")
        self.setStyleSheet(
            "QFrame#backupReminder { background: #FDECEA; border: 1px solid #E8A39B; border-radius: 6px; }"
            "QFrame#backupReminder QLabel { color: #7A1F16; }"
        )
        self.text = QLabel()
        self.text.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.addWidget(self.text, 1)
        self.can_back_up = can(session.user, Action.BACKUP).allowed
        self.button: QPushButton | None = None
        if open_backup is not None and self.can_back_up:
            self.button = QPushButton("去备份")
            self.button.setAutoDefault(False)
            self.button.clicked.connect(lambda: open_backup())
            layout.addWidget(self.button)
        self.hide()
        operations.on_change(self, (Kind.DATABASE,), self.refresh)

    def refresh(self) -> None:
        outcome = operations.run(self, lambda: backup.backup_status(self.session), quiet=True)
        status = outcome.value if outcome else None
        stale = bool(status and status.stale)
        if stale:
            who = "" if self.can_back_up else "请提醒系统管理员处理。"
            self.text.setText(status.message + who)
        self.setVisible(stale)


AUTOMATIC_BACKUP_DELAY_MS = 30_000


def schedule_automatic_backup(window: QWidget, session: Session, done: Callable[[str], object]) -> QTimer:
    """After login, once the user has settled in (the login itself is never slowed): the day's
    automatic backup if it is due and the session is still open and unlocked."""
    timer = QTimer(window)
    timer.setSingleShot(True)
    timer.timeout.connect(lambda: None if session.locked else start_automatic_backup(window, session, done))
    timer.start(AUTOMATIC_BACKUP_DELAY_MS)
    return timer


def start_automatic_backup(
    parent: QWidget, session: Session, done: Callable[[str], object]
) -> operations.BackgroundOperation | None:
    """Take the day's automatic backup in the background if it is due; `done(text)` tells the result."""
    due = operations.run(parent, lambda: backup.automatic_backup_due(session), quiet=True)
    if not due or not due.value:
        return None
    return operations.run_in_background(
        parent,
        lambda progress: backup.run_automatic_backup(session, progress),
        title="自动备份",
        label="正在进行今天的自动备份……",
        cancellable=True,
        changed=operations.Change(Kind.DATABASE),
        on_done=lambda result: done(f"今天的自动备份已完成：{result.path.name}" if result else ""),
    )
