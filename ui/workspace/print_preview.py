"""Preview, print and save an issued PDF, all from the bytes in memory (nothing goes to temp files).

Pages are rendered by QtPdf (`QPdfDocument`); printing paints each page as an image onto a
`QPrinter`, which is kept referenced for as long as its dialog lives (DESIGN §9).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QImage, QKeySequence, QPageLayout, QPageSize, QPainter, QPalette, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import ComplaintDeskError
from app.files import write_private
from ui.common import make_primary
from ui.operations import ChangeSpec, run

try:  # QtPdf comes in its own small wheel (PySide6-Pdf), without WebEngine
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPdfWidgets import QPdfView
except ImportError:  # pragma: no cover - the application still saves PDFs without it
    QPdfDocument = QPdfView = None  # type: ignore[assignment,misc]

PDF_AVAILABLE = QPdfDocument is not None
NO_PDF_VIEWER = "本机缺少 PDF 显示组件，无法在程序内预览或打印文书；请另存为PDF后用其他软件打开"

PRINT_DPI_LIMIT = 300  # enough for text and seals; keeps a page image under ~35 MB
PAGE_SIZES = {"A4": QPageSize.PageSizeId.A4, "A5": QPageSize.PageSizeId.A5}


class PdfPages:
    """A PDF loaded from bytes (the buffer is kept: QtPdf reads it lazily)."""

    def __init__(self, data: bytes) -> None:
        if not PDF_AVAILABLE:
            raise ComplaintDeskError(NO_PDF_VIEWER)
        self._buffer = QBuffer()
        self._buffer.setData(QByteArray(data))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument()
        self.document.load(self._buffer)
        if self.document.status() != QPdfDocument.Status.Ready or self.document.pageCount() < 1:
            raise ComplaintDeskError("文书文件无法读取")

    @property
    def page_count(self) -> int:
        return self.document.pageCount()

    def render(self, page: int, dpi: float) -> QImage:
        points: QSizeF = self.document.pagePointSize(page)
        size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
        return self.document.render(page, size)


def paint_pages(pages: PdfPages, printer: QPrinter) -> None:
    """Paint the printer's page range (all pages by default), each page filling the paper."""
    first, last = printer.fromPage(), printer.toPage()
    if first == 0:
        first, last = 1, pages.page_count
    painter = QPainter()
    if not painter.begin(printer):
        raise ComplaintDeskError("无法连接打印机，请检查打印机设置")
    try:
        dpi = min(printer.resolution(), PRINT_DPI_LIMIT)
        for number in range(first, min(last, pages.page_count) + 1):
            if number > first:
                printer.newPage()
            image = pages.render(number - 1, dpi)
            area = QRectF(painter.viewport())
            scale = min(area.width() / image.width(), area.height() / image.height())
            target = QRectF(area.x(), area.y(), image.width() * scale, image.height() * scale)
            painter.drawImage(target, image)
    finally:
        painter.end()


class DocumentPrinter:
    """Asks for a printer, then gets the bytes (so a cancelled dialog issues nothing) and prints.

    The QPrinter is held here for as long as its dialog exists, and the dialog is destroyed before
    the printer is replaced (a dialog outliving its printer crashes, DESIGN §9).
    """

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent
        self.printer: QPrinter | None = None
        self.dialog: QPrintDialog | None = None

    def print(
        self, title: str, page_size: str, source: Callable[[], bytes], changed: ChangeSpec = None
    ) -> bool:
        """Ask for a printer, then get the bytes (`source` may issue the document: `changed` is
        announced then) and paint them. False when cancelled or refused."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(title)
        printer.setFullPage(True)
        printer.setPageSize(QPageSize(PAGE_SIZES.get(page_size, QPageSize.PageSizeId.A4)))
        printer.setPageOrientation(QPageLayout.Orientation.Portrait)
        self.printer = printer
        self.dialog = QPrintDialog(printer, self.parent)
        self.dialog.setWindowTitle(f"打印 — {title}")
        try:
            if not self.dialog.exec():
                return False
            data = run(self.parent, source, changed=changed)
            if not data:
                return False
            return run(self.parent, lambda: paint_pages(PdfPages(data.value), printer)).ok
        finally:
            self.dialog.setParent(None)  # owned by Python alone: freed here, while the printer lives on
            self.dialog = None


def save_pdf(
    parent: QWidget, suggested_name: str, source: Callable[[], bytes], changed: ChangeSpec = None
) -> Path | None:
    """Ask where to save, then get the bytes and write them (owner-only). None when cancelled or refused."""
    name, _filter = QFileDialog.getSaveFileName(parent, "另存为PDF", suggested_name, "PDF 文件 (*.pdf)")
    if not name:
        return None
    path = Path(name) if name.lower().endswith(".pdf") else Path(name + ".pdf")
    outcome = run(parent, lambda: write_private(path, source()), changed=changed)
    return outcome.value if outcome else None


def open_preview(data: bytes, title: str, *, parent: QWidget, **options: object) -> PrintPreviewDialog | None:
    """The preview dialog for `data`, or None (told to the user) when the PDF cannot be shown."""
    outcome = run(parent, lambda: PrintPreviewDialog(data, title, parent=parent, **options))  # type: ignore[arg-type]
    return outcome.value if outcome else None


class PrintPreviewDialog(QDialog):
    """Shows a document's pages with 打印 and 另存为PDF.

    A preview (`issue` given) is not yet issued: its pages say 预览稿. Printing or saving it calls
    `issue`, which stores, numbers and logs the original, and prints or saves those bytes. `reprint`
    gives the bytes of a new 补打 issue: printing uses it once the shown copy has been issued, so
    every sheet of paper is a logged issue.
    """

    def __init__(
        self,
        data: bytes,
        title: str,
        *,
        file_name: str,
        page_size: str = "A4",
        issue: Callable[[], bytes] | None = None,
        reprint: Callable[[], bytes] | None = None,
        changed: ChangeSpec = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"打印预览 — {title}")
        self.data = data
        self.title = title
        self.file_name = file_name
        self.page_size = page_size
        self.issue = issue
        self.reprint = reprint
        self.changed = changed
        self.printer = DocumentPrinter(self)
        self.pages = PdfPages(data)

        self.view = QPdfView()
        self.view.setDocument(self.pages.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(16)
        palette = self.view.palette()
        palette.setColor(QPalette.ColorRole.Dark, Qt.GlobalColor.gray)
        self.view.setPalette(palette)
        self.view.setBackgroundRole(QPalette.ColorRole.Dark)

        self.pages_label = QLabel(f"共 {self.pages.page_count} 页　纸张 {page_size}")
        self.pages_label.setObjectName("hint")
        self.draft_label = QLabel("预览稿，尚未出具：打印或另存为PDF时出具并编号，记入时间线")
        self.draft_label.setObjectName("noticeLabel")
        self.fit_width_button = QPushButton("适合宽度")
        self.fit_width_button.clicked.connect(lambda: self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth))
        self.fit_page_button = QPushButton("整页")
        self.fit_page_button.clicked.connect(lambda: self.view.setZoomMode(QPdfView.ZoomMode.FitInView))
        self.print_button = make_primary(QPushButton())
        self.print_button.clicked.connect(self.print_document)
        self.save_button = QPushButton("另存为PDF…")
        self.save_button.setToolTip("Ctrl+S")
        self.save_button.clicked.connect(self.save)
        close_button = QPushButton("关闭")
        close_button.clicked.connect(self.reject)
        for button in (
            self.fit_width_button,
            self.fit_page_button,
            self.print_button,
            self.save_button,
            close_button,
        ):
            button.setAutoDefault(False)
        QShortcut(QKeySequence.StandardKey.Print, self, activated=self.print_document)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        self._update_print_button()

        bar = QHBoxLayout()
        bar.setContentsMargins(12, 8, 12, 8)
        bar.setSpacing(8)
        bar.addWidget(self.pages_label)
        bar.addSpacing(12)
        bar.addWidget(self.draft_label)
        bar.addSpacing(12)
        bar.addWidget(self.fit_width_button)
        bar.addWidget(self.fit_page_button)
        bar.addStretch(1)
        bar.addWidget(self.print_button)
        bar.addWidget(self.save_button)
        bar.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        self.resize(900, 760)

    @property
    def is_preview(self) -> bool:
        """The shown pages are a preview: nothing issued yet."""
        return self.issue is not None

    def _update_print_button(self) -> None:
        reprinting = not self.is_preview
        self.print_button.setText("补打…" if reprinting else "打印…")
        self.print_button.setToolTip(
            "再次打印会出具一份标注“补打”的文书并记入时间线（Ctrl+P）" if reprinting else "Ctrl+P"
        )
        self.print_button.setEnabled(not reprinting or self.reprint is not None)
        self.draft_label.setVisible(self.is_preview)

    def _issue_now(self) -> bytes:
        """Issue the previewed document; from now on the dialog holds the issued original."""
        assert self.issue is not None
        self.data = self.issue()
        self.issue = None
        return self.data

    def print_document(self) -> bool:
        if self.is_preview:
            source: Callable[[], bytes] = self._issue_now
        elif self.reprint is not None:
            source = self.reprint
        else:
            return False
        if not self.printer.print(self.title, self.page_size, source, self.changed):
            return False
        self._update_print_button()
        return True

    def save(self) -> Path | None:
        source = self._issue_now if self.is_preview else (lambda: self.data)
        saved = save_pdf(self, self.file_name, source, self.changed if self.is_preview else None)
        self._update_print_button()
        return saved
