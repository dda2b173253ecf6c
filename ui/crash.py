"""Global exception hook: a crash log without personal data, and a Chinese crash dialog.

The log holds only the app version, the exception *types* and the traceback frames (file, line,
function). Exception messages and local variables are left out: they could carry a patient's or a
complainant's name, phone or ID number. File paths are cut to the part inside the package or
library folder, so the workstation user's home folder does not appear either.
"""

from __future__ import annotations

import sys
import traceback
from datetime import datetime
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import appconfig
from app.version import __version__
from ui.common import mono_font

_showing_dialog = False


def _short_path(filename: str) -> str:
    """The path relative to the sys.path entry that holds it (no user folder names)."""
    path = Path(filename)
    candidates = [path.name]
    for entry in filter(None, sys.path):
        try:
            candidates.append(path.relative_to(Path(entry)).as_posix())
        except ValueError:
            continue
    inside = candidates[1:]
    return min(inside, key=len) if inside else candidates[0]


def _exception_chain(exc: BaseException | None) -> list[BaseException]:
    chain: list[BaseException] = []
    while exc is not None and exc not in chain:
        chain.append(exc)
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    return list(reversed(chain))


def format_report(exc_type: type[BaseException], exc: BaseException | None, tb: TracebackType | None) -> str:
    """The crash report text: version, exception types and frames only."""
    lines = [
        f"医患投诉工作台 {__version__}",
        f"时间：{datetime.now():%Y-%m-%d %H:%M:%S}",
        "",
    ]
    chain = _exception_chain(exc) if exc is not None else []
    if not chain:
        chain_items: list[tuple[type[BaseException], TracebackType | None]] = [(exc_type, tb)]
    else:
        chain_items = [(type(e), e.__traceback__ if e is not exc else tb) for e in chain]
    for position, (kind, frames_tb) in enumerate(chain_items):
        if position:
            lines.append("在处理上述异常时又发生：")
        lines.append("Traceback (most recent call last):")
        for frame in traceback.extract_tb(frames_tb):
            lines.append(f'  File "{_short_path(frame.filename)}", line {frame.lineno}, in {frame.name}')
        lines.append(f"{kind.__module__}.{kind.__qualname__}")
        lines.append("")
    return "\n".join(lines)


def write_crash_log(
    exc_type: type[BaseException],
    exc: BaseException | None,
    tb: TracebackType | None,
    directory: Path | None = None,
) -> tuple[Path | None, str]:
    """Write the report to the log folder; return (file or None if unwritable, report text)."""
    report = format_report(exc_type, exc, tb)
    folder = directory or appconfig.log_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crash-{datetime.now():%Y%m%d-%H%M%S-%f}.log"
        path.write_text(report, encoding="utf-8")
    except OSError:
        return None, report
    return path, report


class CrashDialog(QDialog):
    """程序遇到意外错误: where the report is, and a button to copy it."""

    def __init__(self, log_path: Path | None, report: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("程序错误")
        self.report = report
        where = (
            f"错误报告已保存到：\n{log_path}" if log_path else "错误报告无法写入日志文件夹，请复制错误信息。"
        )
        text = QLabel(
            "程序遇到意外错误，当前操作没有完成。\n"
            "已保存的数据不受影响。请将错误信息发送给信息科或系统管理员。\n"
            "错误报告只包含程序位置，不含患者或投诉人的个人信息。\n\n" + where
        )
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        details = QPlainTextEdit(report)
        details.setReadOnly(True)
        details.setFont(mono_font(9))
        details.setMinimumSize(560, 200)
        buttons = QDialogButtonBox()
        self.copy_button = QPushButton("复制错误信息")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        close.setDefault(True)
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(details, 1)
        layout.addWidget(buttons)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.report)
        self.copy_button.setText("已复制")


def handle_exception(
    exc_type: type[BaseException], exc: BaseException | None, tb: TracebackType | None
) -> None:
    """sys.excepthook: log, then tell the user (one dialog at a time)."""
    global _showing_dialog
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    log_path, report = write_crash_log(exc_type, exc, tb)
    print(f"程序错误：{exc_type.__qualname__}（报告：{log_path}）", file=sys.stderr)
    if QApplication.instance() is None or _showing_dialog:
        return
    _showing_dialog = True
    try:
        CrashDialog(log_path, report, QApplication.activeWindow()).exec()
    finally:
        _showing_dialog = False


def install_excepthook() -> None:
    sys.excepthook = handle_exception
