"""Statistics work that follows a login, on a worker thread once the main window shows: the recount
after a schema upgrade that changed how the statistics are kept, with a progress dialog (a million
cases take minutes; the window stays painted; 取消 rolls it back, the database stays marked and it
runs at the next login), and, quietly, the exact repeat keys of the cases the front desk wrote."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from app.session import Session
from app.statistics import service
from ui.operations import BackgroundOperation, Change, Kind, Progress, run, run_in_background


def _start_when(
    parent: QWidget, pending: Callable[[], bool], task: Callable[[Progress], Any], **options: Any
) -> BackgroundOperation | None:
    if not run(parent, pending, quiet=True).value:
        return None
    return run_in_background(parent, task, changed=Change(Kind.CASES), **options)


def start_pending_rebuild(parent: QWidget, session: Session) -> BackgroundOperation | None:
    """Start the recount when the database needs one and this user may see statistics."""
    return _start_when(
        parent,
        lambda: service.rebuild_pending(session),
        lambda progress: service.rebuild(session, progress),
        title="重建统计数据",
        label="数据库已升级，正在重建统计数据……（可取消，下次登录时再继续）",
        cancellable=True,
    )


def start_repeat_key_settling(parent: QWidget, session: Session) -> BackgroundOperation | None:
    """For a holder of the identifier key: make exact the repeat keys of the cases the front desk
    wrote since (quietly: usually a few cases; the figures and the home's alerts count them after)."""
    return _start_when(
        parent,
        lambda: service.repeat_keys_pending(session),
        lambda progress: service.settle_repeat_keys(session, progress),
        title="核对重复投诉",
        quiet=True,
    )
