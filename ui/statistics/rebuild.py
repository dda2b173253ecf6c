"""After a schema upgrade that changed how the statistics are kept: recount them on a worker thread
with a progress dialog, once the main window shows (a million cases take minutes; the window stays
painted). 取消 rolls the recount back; the database stays marked and it runs at the next login."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.session import Session
from app.statistics import service
from ui.operations import BackgroundOperation, Change, Kind, run, run_in_background


def start_pending_rebuild(parent: QWidget, session: Session) -> BackgroundOperation | None:
    """Start the recount when the database needs one and this user may see statistics."""
    pending = run(parent, lambda: service.rebuild_pending(session), quiet=True)
    if not pending.value:
        return None
    return run_in_background(
        parent,
        lambda progress: service.rebuild(session, progress),
        title="重建统计数据",
        label="数据库已升级，正在重建统计数据……（可取消，下次登录时再继续）",
        cancellable=True,
        changed=Change(Kind.CASES),
    )


def start_repeat_key_settling(parent: QWidget, session: Session) -> BackgroundOperation | None:
    """For a holder of the identifier key: make exact the repeat keys of the cases the front desk
    wrote since (quietly: usually a few cases; the figures and the home's alerts count them after)."""
    pending = run(parent, lambda: service.repeat_keys_pending(session), quiet=True)
    if not pending.value:
        return None
    return run_in_background(
        parent,
        lambda progress: service.settle_repeat_keys(session, progress),
        title="核对重复投诉",
        quiet=True,
        changed=Change(Kind.CASES),
    )
