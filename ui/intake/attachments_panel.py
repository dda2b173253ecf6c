"""附件 chosen while registering (scans, photos, recordings): listed with their size, removable,
and stored with the case by the page once it has been registered."""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.files import read_attachment
from ui.common import ErrorLabel
from ui.table_model import Column, RowTableModel

FILE_FILTERS = ";;".join(
    (
        "扫描件、照片和录音 (*.pdf *.jpg *.jpeg *.png *.bmp *.tif *.tiff *.heic *.mp3 *.wav *.m4a *.amr *.aac *.ogg)",
        "扫描件和照片 (*.pdf *.jpg *.jpeg *.png *.bmp *.tif *.tiff *.heic)",
        "录音 (*.mp3 *.wav *.m4a *.amr *.aac *.ogg)",
        "所有文件 (*)",
    )
)
KIND_LABELS = {"image": "照片", "audio": "录音", "video": "视频", "application/pdf": "扫描件", "text": "文本"}


@dataclass(frozen=True)
class PendingAttachment:
    """A file read into memory, waiting for the case to exist."""

    filename: str
    data: bytes
    source: str  # where it was read from (duplicates are skipped); never stored

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def kind(self) -> str:
        mime = mimetypes.guess_type(self.filename)[0] or ""
        return KIND_LABELS.get(mime, KIND_LABELS.get(mime.split("/")[0], "文件"))


def format_size(size: int) -> str:
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1048576:.1f} MB"


class _AttachmentTable(QTableView):
    """Delete removes the current file."""

    delete_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_pressed.emit()
            return
        super().keyPressEvent(event)


class AttachmentsPanel(QGroupBox):
    """Files to store with the new case; a refused file (too big, empty, unreadable) is told in
    Chinese under the list."""

    def __init__(self, max_mb: int, parent: QWidget | None = None) -> None:
        super().__init__("附件", parent)
        self.max_mb = max_mb
        self.model: RowTableModel[PendingAttachment] = RowTableModel(
            [
                Column("文件名", lambda a: a.filename, tooltip=lambda a: a.filename),
                Column("类型", lambda a: a.kind, align_center=True),
                Column("大小", lambda a: format_size(a.size), align_center=True),
            ],
            self,
        )
        self.view = _AttachmentTable()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        self.view.setAccessibleName("附件")
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.view.delete_pressed.connect(self.remove_current)
        self.empty = QLabel(f"没有附件。可添加投诉信扫描件、现场照片或通话录音，每个不超过 {max_mb} MB。")
        self.empty.setObjectName("hint")
        self.empty.setWordWrap(True)
        self.add_button = QPushButton("添加文件…")
        self.add_button.clicked.connect(self.choose_files)
        self.remove_button = QPushButton("移除")
        self.remove_button.setToolTip("移除选中的文件（Delete 键）")
        self.remove_button.clicked.connect(self.remove_current)
        for button in (self.add_button, self.remove_button):
            button.setAutoDefault(False)
        self.error = ErrorLabel()
        self.note = QLabel("附件在案件登记后随案保存。")
        self.note.setObjectName("hint")
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.note)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 14, 12, 10)
        layout.setSpacing(6)
        layout.addWidget(self.empty)
        layout.addWidget(self.view)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        self._refresh()

    def attachments(self) -> list[PendingAttachment]:
        return self.model.rows()

    def choose_files(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(self, "添加附件", "", FILE_FILTERS)
        self.add_files([Path(p) for p in paths])

    def add_files(self, paths: Sequence[Path]) -> None:
        """Read and list the files; refused ones are told under the list."""
        rows = self.model.rows()
        known = {a.source for a in rows}
        refused: list[str] = []
        for path in paths:
            if str(path) in known:
                continue
            data, problem = read_attachment(path, self.max_mb)
            if data is None:
                refused.append(f"{path.name}：{problem}")
            else:
                rows.append(PendingAttachment(path.name, data, str(path)))
                known.add(str(path))
        self.model.set_rows(rows)
        self._refresh()
        if rows:
            self.view.selectRow(len(rows) - 1)
        self.error.show_message("未添加：" + "；".join(refused) if refused else "")

    def remove_current(self) -> None:
        row = self.view.currentIndex().row()
        rows = self.model.rows()
        if not 0 <= row < len(rows):
            return
        del rows[row]
        self.model.set_rows(rows)
        self._refresh()
        if rows:
            self.view.selectRow(min(row, len(rows) - 1))
        else:
            self.add_button.setFocus()

    def clear(self) -> None:
        self.model.set_rows([])
        self._refresh()
        self.error.clear_message()

    def _refresh(self) -> None:
        count = self.model.rowCount()
        self.empty.setVisible(count == 0)
        self.view.setVisible(count > 0)
        self.remove_button.setEnabled(count > 0)
        total = sum(a.size for a in self.model.rows())
        self.setTitle(f"附件（{count} 个，共 {format_size(total)}）" if count else "附件")
        row_height = self.view.verticalHeader().defaultSectionSize()
        self.view.setFixedHeight(
            self.view.horizontalHeader().sizeHint().height() + row_height * min(count, 4) + 4
        )
