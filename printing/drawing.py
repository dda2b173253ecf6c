"""Canvas-level helpers: single-line text (with a stroked bold when the font has no bold face),
shrink-to-fit sizing and PNG images kept in proportion."""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image
from reportlab.lib.colors import Color
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from printing.styles import INK

PRINT_PIXELS = 500  # enough for a 4 cm seal at 300 dpi
_STROKE_RATIO = 0.035  # stroke width as a share of the type size for the synthetic bold


def text_width(text: str, font: str, size: float, char_space: float = 0.0) -> float:
    """Width of `text` set in `font` at `size`, including letter spacing."""
    return stringWidth(text, font, size) + char_space * max(len(text) - 1, 0)


def fit_size(text: str, font: str, size: float, max_width: float, min_size: float = 6.0) -> float:
    """The largest size ≤ `size` at which `text` fits `max_width` (never below `min_size`)."""
    width = stringWidth(text, font, size)
    if width <= max_width or width == 0:
        return size
    return max(min_size, size * max_width / width)


def clip_to_width(text: str, font: str, size: float, max_width: float, min_size: float) -> tuple[str, float]:
    """Shrink `text` to fit `max_width`; if even `min_size` is too big, cut it with "…"."""
    size = fit_size(text, font, size, max_width, min_size)
    if stringWidth(text, font, size) <= max_width:
        return text, size
    while text and stringWidth(text + "…", font, size) > max_width:
        text = text[:-1]
    return text + "…", size


def wrap_to_width(text: str, font: str, size: float, max_width: float) -> list[str]:
    """Break `text` between characters into lines no wider than `max_width` (single-line texts)."""
    lines = [""]
    for char in text:
        if lines[-1] and stringWidth(lines[-1] + char, font, size) > max_width:
            lines.append("")
        lines[-1] += char
    return lines


def draw_text(
    canvas: Canvas,
    text: str,
    x: float,
    y: float,
    font: str,
    size: float,
    *,
    align: str = "left",
    stroke_bold: bool = False,
    color: Color = INK,
    char_space: float = 0.0,
) -> None:
    """Draw one line at baseline `y`; `x` is the left, centre or right edge per `align`."""
    width = text_width(text, font, size, char_space)
    if align == "center":
        x -= width / 2
    elif align == "right":
        x -= width
    canvas.saveState()
    canvas.setFillColor(color)
    text_object = canvas.beginText(x, y)
    text_object.setFont(font, size)
    text_object.setCharSpace(char_space)
    if stroke_bold:
        canvas.setStrokeColor(color)
        canvas.setLineWidth(size * _STROKE_RATIO)
        text_object.setTextRenderMode(2)  # fill, then stroke the outline: a synthetic bold
    text_object.textOut(text)
    canvas.drawText(text_object)
    canvas.restoreState()


@lru_cache(maxsize=16)
def image_reader(png: bytes, max_pixels: int = PRINT_PIXELS) -> ImageReader:
    """Decode a PNG once per process, scaled down so its longer side has at most `max_pixels`
    (a 3000-pixel logo would otherwise be compressed again into every PDF)."""
    image = Image.open(io.BytesIO(png))
    image.load()
    if max(image.size) > max_pixels:
        image.thumbnail((max_pixels, max_pixels), Image.Resampling.LANCZOS)
    return ImageReader(image)


def fitted_size(png: bytes, max_width: float, max_height: float) -> tuple[float, float]:
    """Width and height of the image scaled to fit the box, keeping its proportions."""
    pixel_width, pixel_height = image_reader(png).getSize()
    factor = min(max_width / pixel_width, max_height / pixel_height)
    return pixel_width * factor, pixel_height * factor


def draw_png(canvas: Canvas, png: bytes, x: float, y: float, width: float, height: float) -> None:
    """Draw the PNG with its transparency at (x, y) bottom-left, size as given."""
    canvas.drawImage(image_reader(png), x, y, width, height, mask="auto")
