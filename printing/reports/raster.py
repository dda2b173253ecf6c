"""The report's charts as PNG images, for the Word file: each reportlab.graphics drawing is drawn
to a one-page PDF (the font embedded, as in the PDF report) and rasterised by PDFium. No Qt."""

from __future__ import annotations

import io
import threading

import pypdfium2 as pdfium
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing

DPI = 200
_lock = threading.Lock()  # PDFium is not thread-safe; a report may be made on a worker thread


def drawing_png(drawing: Drawing, dpi: int = DPI) -> bytes:
    """The drawing as PNG bytes at `dpi`, on white."""
    pdf_bytes = renderPDF.drawToString(drawing)
    with _lock:
        document = pdfium.PdfDocument(pdf_bytes)
        try:
            image = document[0].render(scale=dpi / 72).to_pil()
        finally:
            document.close()
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", optimize=True)
    return out.getvalue()
