"""管理 → 文书抬头: hospital and office names, contact lines, logo and seal, with a live preview of a
受理回执 rendered from the values on screen (nothing is stored until 保存)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app import letterhead, settings
from app.errors import ValidationError
from app.letterhead import KINDS, UNCHANGED, ImageInfo
from app.session import Session
from ui.common import ErrorLabel, PageHeader, make_primary
from ui.operations import Change, Kind, run
from ui.workspace.print_preview import NO_PDF_VIEWER, PDF_AVAILABLE, PdfPages

PAGE_KEY = "letterhead"
MENU_TEXT = "文书抬头"
MENU_TIP = "医院名称、联系方式、医院标志和印章：所有打印的文书都使用"
PREVIEW_DELAY_MS = 350
PREVIEW_DPI = 110  # rendered sharper than shown, then scaled to the preview's width
THUMB = 64
IMAGE_HINT = {
    "logo": "PNG 或 JPEG，不超过 4 MB，至少 64×64 像素；印在每页左上角。",
    "seal": "PNG 或 JPEG，不超过 4 MB，至少 200×200 像素；扫描件的白色底会自动去除，盖在落款上。",
}


class ImageRow(QWidget):
    """Thumbnail, 选择图片… and 移除 for the logo or the seal; `pending` is what 保存 will store."""

    def __init__(self, kind: str, page: LetterheadPage) -> None:
        super().__init__()
        self.kind = kind
        self.page = page
        self.stored: ImageInfo | None = None
        self.pending: Any = UNCHANGED  # raw bytes of a new image, None to remove
        self.thumb = QLabel()
        self.thumb.setFixedSize(THUMB + 8, THUMB + 8)
        self.thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumb.setObjectName("imageThumb")
        self.thumb.setStyleSheet("QLabel#imageThumb { border: 1px solid #DCE3EA; background: #FFFFFF; }")
        self.status = QLabel()
        self.status.setObjectName("hint")
        self.status.setWordWrap(True)
        self.choose_button = QPushButton("选择图片…")
        self.choose_button.clicked.connect(self.choose)
        self.remove_button = QPushButton("移除")
        self.remove_button.clicked.connect(self.remove)
        self.error = ErrorLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        text = QVBoxLayout()
        text.setSpacing(4)
        text.addLayout(buttons)
        text.addWidget(self.status)
        text.addWidget(self.error)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.thumb, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(text, 1)

    def show_stored(self, info: ImageInfo | None) -> None:
        self.stored, self.pending = info, UNCHANGED
        self._show(info, "已保存" if info else "")
        self.error.clear_message()

    def _show(self, info: ImageInfo | None, state: str) -> None:
        if info is None:
            self.thumb.setPixmap(QPixmap())
            self.thumb.setText("无")
            self.status.setText(f"未设置。{IMAGE_HINT[self.kind]}")
        else:
            image = QImage.fromData(info.png)
            self.thumb.setPixmap(
                QPixmap.fromImage(image).scaled(
                    THUMB,
                    THUMB,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
            self.status.setText(f"{state}：{info.width}×{info.height} 像素。{IMAGE_HINT[self.kind]}")
        self.remove_button.setEnabled(info is not None)

    def choose(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, f"选择{KINDS[self.kind]}图片", "", "图片 (*.png *.jpg *.jpeg);;所有文件 (*)"
        )
        if path:
            self.load_file(path)

    def load_file(self, path: str) -> None:
        outcome = run(self, lambda: letterhead.read_upload(self.kind, path), expected=(ValidationError,))
        if outcome.error is not None:
            self.error.show_message(outcome.error.problem)  # type: ignore[attr-defined]
            return
        if outcome and outcome.value is not None:
            self.error.clear_message()
            self.pending = outcome.value.png
            self._show(outcome.value, "待保存")
            self.page.values_changed()

    def remove(self) -> None:
        self.pending = None
        self._show(None, "")
        self.status.setText(f"将在保存后移除。{IMAGE_HINT[self.kind]}")
        self.page.values_changed()


class LetterheadPage(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.session = session
        self.edits: dict[str, QLineEdit] = {}
        self.preview_image: QImage | None = None

        form_card = QFrame()
        form_card.setObjectName("card")
        form = QFormLayout(form_card)
        form.setContentsMargins(20, 16, 20, 16)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setVerticalSpacing(9)
        for key in letterhead.TEXT_KEYS:
            definition = settings.DEFINITIONS[key]
            edit = QLineEdit()
            edit.setMaxLength(definition.max_len)
            edit.textChanged.connect(self.values_changed)
            self.edits[key] = edit
            form.addRow(definition.label.replace("（文书抬头）", ""), edit)
        self.edits["letterhead_contact"].setPlaceholderText("如 邮编、网址、信访接待时间")
        self.images = {kind: ImageRow(kind, self) for kind in KINDS}
        for kind, row in self.images.items():
            form.addRow(KINDS[kind], row)

        self.notice = QLabel()
        self.notice.setObjectName("noticeLabel")
        self.notice.hide()
        self.revert_button = QPushButton("还原")
        self.revert_button.setMinimumWidth(96)
        self.revert_button.clicked.connect(self.load)
        self.save_button = make_primary(QPushButton("保存"))
        self.save_button.setMinimumWidth(96)
        self.save_button.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addWidget(self.notice, 1)
        buttons.addStretch(0)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)

        left = QVBoxLayout()
        left.setSpacing(10)
        left.addWidget(form_card)
        left.addLayout(buttons)
        left.addStretch(1)
        left_holder = QWidget()
        left_holder.setLayout(left)
        left_scroll = QScrollArea()
        left_scroll.setWidget(left_holder)
        left_scroll.setWidgetResizable(True)
        left_scroll.setFrameShape(QFrame.Shape.NoFrame)

        self.preview_label = QLabel()
        self.preview_label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.preview_label.setWordWrap(True)
        self.preview_scroll = QScrollArea()
        self.preview_scroll.setWidget(self.preview_label)
        self.preview_scroll.setWidgetResizable(True)
        self.preview_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.preview_scroll.setObjectName("letterheadPreview")
        self.preview_scroll.setStyleSheet("QScrollArea#letterheadPreview { background: #E9EEF3; }")
        preview_title = QLabel("预览：受理回执（示例数据，A5）")
        preview_title.setObjectName("sectionTitle")
        right = QVBoxLayout()
        right.setSpacing(8)
        right.addWidget(preview_title)
        right.addWidget(self.preview_scroll, 1)

        columns = QHBoxLayout()
        columns.setSpacing(18)
        columns.addWidget(left_scroll, 5)
        columns.addLayout(right, 4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 22, 28, 18)
        layout.setSpacing(12)
        layout.addWidget(
            PageHeader(
                "文书抬头",
                "受理回执、告知书、转办单等所有文书的页眉和落款都使用这里的设置；修改只影响之后打印的文书。",
            )
        )
        layout.addLayout(columns, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.render_preview)
        self.load()

    def values(self) -> dict[str, str]:
        return {key: edit.text() for key, edit in self.edits.items()}

    def load(self) -> None:
        outcome = run(self, lambda: (letterhead.texts(), letterhead.images()))
        if not outcome or outcome.value is None:
            return
        texts, stored = outcome.value
        for key, edit in self.edits.items():
            edit.blockSignals(True)
            edit.setText(str(texts[key]))
            edit.blockSignals(False)
        for kind, row in self.images.items():
            row.show_stored(stored.get(kind))
        self.notice.hide()
        self.render_preview()

    def values_changed(self) -> None:
        self.notice.hide()
        self._timer.start()

    def render_preview(self) -> None:
        self._timer.stop()
        if not PDF_AVAILABLE:
            self.preview_label.setText(NO_PDF_VIEWER)
            return
        logo, seal = self.images["logo"].pending, self.images["seal"].pending
        outcome = run(
            self,
            lambda: PdfPages(letterhead.preview_receipt(self.session, self.values(), logo, seal)).render(
                0, PREVIEW_DPI
            ),
            expected=(ValidationError,),
        )
        if outcome.error is not None:
            self.preview_image = None
            self.preview_label.setPixmap(QPixmap())
            self.preview_label.setText(f"无法预览：{outcome.error}")
            return
        if outcome and outcome.value is not None:
            self.preview_image = outcome.value
            self._show_preview()

    def _show_preview(self) -> None:
        """The rendered page scaled to the preview's width (it scrolls only vertically)."""
        if self.preview_image is None:
            return
        width = max(200, self.preview_scroll.viewport().width() - 16)
        scaled = self.preview_image.scaledToWidth(
            min(width, self.preview_image.width()), Qt.TransformationMode.SmoothTransformation
        )
        self.preview_label.setPixmap(QPixmap.fromImage(scaled))

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        QTimer.singleShot(0, self._show_preview)  # once the layout has given the preview its new width

    def save(self) -> None:
        logo, seal = self.images["logo"].pending, self.images["seal"].pending
        outcome = run(
            self,
            lambda: letterhead.save(self.session, self.values(), logo, seal),
            changed=Change(Kind.SETTINGS),
            focus=lambda key: self.edits[key].setFocus() if key in self.edits else None,
        )
        if outcome:
            self.load()
            self.notice.setText("文书抬头已保存，之后打印的文书将使用新的设置。")
            self.notice.show()
