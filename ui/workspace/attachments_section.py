"""附件: scans, photos and recordings kept in the encrypted database.

Images and PDFs open inside the program; anything else is saved where the user chooses (另存为).
Nothing is ever written to a temporary file.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.cases import overlays
from app.cases.rules import RULES, RuleName
from app.cases.views import AttachmentInfo, CaseView
from app.files import write_private
from app.policy import Decision
from app.session import Session
from ui.operations import run
from ui.workspace.models import attachment_model
from ui.workspace.print_preview import PDF_AVAILABLE, open_preview
from ui.workspace.widgets import fit_rows, heading, hint, selected_row, table_view

VIEWABLE_HINT = (
    "图片和 PDF 可在程序内查看，其他文件请另存为后用相应软件打开"
    if PDF_AVAILABLE
    else "图片可在程序内查看，其他文件请另存为后用相应软件打开"
)


def viewable(mime_type: str) -> bool:
    return mime_type.startswith("image/") or (mime_type == "application/pdf" and PDF_AVAILABLE)


class ImageViewer(QDialog):
    """An image attachment, scaled down to fit the screen."""

    def __init__(self, name: str, image: QImage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"查看附件 — {name}")
        label = QLabel()
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        pixmap = QPixmap.fromImage(image)
        if pixmap.width() > 1100 or pixmap.height() > 700:
            pixmap = pixmap.scaled(
                1100, 700, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        label.setPixmap(pixmap)
        area = QScrollArea()
        area.setWidget(label)
        area.setWidgetResizable(True)
        buttons = QDialogButtonBox()
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(area, 1)
        layout.addWidget(buttons)
        self.resize(min(pixmap.width() + 60, 1160), min(pixmap.height() + 90, 790))


def open_attachment(parent: QWidget, session: Session, attachment_id: int, case_no: str) -> None:
    """Show an image or PDF in the program; otherwise offer 另存为."""
    outcome = run(parent, lambda: overlays.attachment_data(session, attachment_id))
    if not outcome:
        return
    name, mime, data = outcome.value
    if mime.startswith("image/"):
        image = QImage.fromData(data)
        if not image.isNull():
            viewer = ImageViewer(name, image, parent)
            viewer.exec()
            viewer.deleteLater()
            return
    if mime == "application/pdf" and PDF_AVAILABLE:
        dialog = open_preview(data, f"{case_no} 附件 {name}", file_name=name, parent=parent)
        if dialog is None:
            return
        dialog.setWindowTitle(f"查看附件 — {name}")
        dialog.print_button.hide()
        dialog.exec()
        dialog.deleteLater()
        return
    save_attachment(parent, name, data)


def save_attachment(parent: QWidget, name: str, data: bytes) -> Path | None:
    target, _filter = QFileDialog.getSaveFileName(parent, "另存为", name)
    if not target:
        return None
    outcome = run(parent, lambda: write_private(Path(target), data))
    return outcome.value if outcome else None


class AttachmentsSection(QWidget):
    """Emits `add_requested` for 添加附件 (a case write: the workspace runs it)."""

    add_requested = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.case_no = ""
        self.model = attachment_model(self)
        self.view = table_view(self.model, widths=(200, 200, 70, 80))
        self.view.doubleClicked.connect(lambda _i: self.open_selected())
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.empty = hint("没有附件。可添加病历复印件、现场照片、录音等，附件保存在加密数据库中。")
        self.add_button = QPushButton(RULES[RuleName.ATTACHMENT].title + "…")
        self.add_button.clicked.connect(self.add_requested.emit)
        self.open_button = QPushButton("查看")
        self.open_button.clicked.connect(self.open_selected)
        self.save_button = QPushButton("另存为…")
        self.save_button.clicked.connect(self.save_selected)
        bar = QHBoxLayout()
        bar.setSpacing(8)
        for button in (self.add_button, self.open_button, self.save_button):
            button.setAutoDefault(False)
            bar.addWidget(button)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(heading("附件"))
        layout.addLayout(bar)
        layout.addWidget(self.empty)
        layout.addWidget(self.view)
        layout.addWidget(hint(VIEWABLE_HINT + "；双击也可打开。"))
        layout.addStretch(1)

    def set_view(self, view: CaseView, decision: Decision) -> None:
        self.case_no = view.case_no
        self.model.set_rows(view.attachments)
        fit_rows(self.view, 12)
        self.view.setVisible(bool(view.attachments))
        self.empty.setVisible(not view.attachments)
        self.add_button.setEnabled(bool(decision))
        self.add_button.setToolTip("" if decision else decision.reason)
        if view.attachments and selected_row(self.view) is None:
            self.view.selectRow(0)
        self._update_buttons()

    def selected(self) -> AttachmentInfo | None:
        row = selected_row(self.view)
        return self.model.row(row) if row is not None else None

    def _update_buttons(self) -> None:
        item = self.selected()
        self.open_button.setEnabled(item is not None and viewable(item.mime_type))
        self.open_button.setToolTip(
            VIEWABLE_HINT if item is not None and not viewable(item.mime_type) else ""
        )
        self.save_button.setEnabled(item is not None)

    def open_selected(self) -> None:
        item = self.selected()
        if item is not None:
            open_attachment(self, self.session, item.id, self.case_no)

    def save_selected(self) -> None:
        item = self.selected()
        if item is None:
            return
        outcome = run(self, lambda: overlays.attachment_data(self.session, item.id))
        if outcome:
            name, _mime, data = outcome.value
            save_attachment(self, name, data)
