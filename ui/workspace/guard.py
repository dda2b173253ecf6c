"""Running one service call from the workspace: busy cursor, Chinese refusals, stale-save conflicts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QMessageBox, QWidget

from app.errors import ComplaintDeskError, ConflictError, ValidationError
from ui.common import busy_cursor, show_error

CONFLICT_TITLE = "案件已被他人修改"


def conflict_text(error: ConflictError) -> str:
    return f"该案件已被 {error.who} 于 {error.when:%Y-%m-%d %H:%M} 修改。"


def ask_reload(parent: QWidget | None, error: ConflictError) -> bool:
    """Tell who changed the case and offer 重新载入 (what the user typed stays where it is)."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        CONFLICT_TITLE,
        conflict_text(error),
        QMessageBox.StandardButton.NoButton,
        parent,
    )
    box.setInformativeText("请重新载入查看最新内容。您已填写的内容会保留，核对后可再次保存。")
    reload_button = box.addButton("重新载入", QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(reload_button)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is reload_button


@dataclass(frozen=True)
class Outcome:
    ok: bool
    field: str = ""  # the field a ValidationError named, to focus it


def run_guarded(
    parent: QWidget | None, action: Callable[[], object], on_reload: Callable[[], object] | None = None
) -> Outcome:
    """Call `action`; show a refusal in Chinese, or on a conflict offer to reload (then `on_reload`)."""
    try:
        with busy_cursor():
            action()
    except ConflictError as exc:
        if ask_reload(parent, exc) and on_reload is not None:
            on_reload()
        return Outcome(False)
    except ValidationError as exc:
        show_error(parent, exc)
        return Outcome(False, exc.field)
    except ComplaintDeskError as exc:
        show_error(parent, exc)
        return Outcome(False)
    return Outcome(True)
