"""Screenshots of the administration pages: 投诉类别, 文书抬头, 审计日志 and the 交班 screens, each at
1280×800 and 1024×700 (docs/screenshots/<name>.png and <name>_1024.png).

`capture(outdir)` builds a throwaway demo database (a few dozen synthetic complaints, through the real
services) and opens each page as its user sees it. Run on its own: `python docs/shots/administration.py`.
The people and cases are fictitious.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from tempfile import TemporaryDirectory

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from PIL import Image, ImageDraw, ImageFont  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app import auth, categories, clock, letterhead  # noqa: E402
from app.demo import create_demo_database  # noqa: E402
from app.session import Session  # noqa: E402
from ui.admin.categories_page import CategoriesPage  # noqa: E402
from ui.admin.letterhead_page import LetterheadPage  # noqa: E402

NOW = datetime(2026, 3, 16, 9, 24)
PASSWORD = "Demo2026pass"
SIZES = (((1280, 800), ""), ((1024, 700), "_1024"))
FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


def _settle(widget: QWidget) -> None:
    for _ in range(3):
        QApplication.processEvents()
    QTest.qWait(120)


def _shoot(
    make: Callable[[], QWidget], name: str, outdir: Path, prepare: Callable[[QWidget], None]
) -> list[Path]:
    shots = []
    for size, suffix in SIZES:
        page = make()
        page.resize(*size)
        page.show()
        _settle(page)
        prepare(page)
        _settle(page)
        target = outdir / f"{name}{suffix}.png"
        page.grab().save(str(target))
        shots.append(target)
        page.close()
        page.deleteLater()
    return shots


def _font(size: int) -> ImageFont.ImageFont:
    try:
        return ImageFont.truetype(FONT, size)
    except OSError:
        return ImageFont.load_default()


def example_seal() -> bytes:
    """A red round office seal drawn for the example (a real one is a scan of the hospital's seal)."""
    image = Image.new("RGB", (600, 600), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    red = (206, 32, 41)
    draw.ellipse((20, 20, 580, 580), outline=red, width=22)
    draw.regular_polygon((300, 300, 70), 5, rotation=-90, fill=red)
    draw.text((300, 440), "医患沟通办公室", fill=red, font=_font(54), anchor="mm")
    draw.text((300, 150), "示例医院", fill=red, font=_font(64), anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def example_logo() -> bytes:
    image = Image.new("RGBA", (256, 256), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    blue = (23, 102, 158, 255)
    draw.ellipse((8, 8, 248, 248), outline=blue, width=14)
    draw.rectangle((108, 56, 148, 200), fill=blue)
    draw.rectangle((56, 108, 200, 148), fill=blue)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def admin_pages(admin: Session, outdir: Path) -> list[Path]:
    """投诉类别 with a retired group and the search preview; 文书抬头 with logo and seal."""
    categories.retire_category(admin, "0104")
    shots = []

    def categories_ready(page: QWidget) -> None:
        assert isinstance(page, CategoriesPage)
        page.select_code("010101")
        page.search.setText("fwtd")

    shots += _shoot(lambda: CategoriesPage(admin), "categories", outdir, categories_ready)
    texts = {
        **letterhead.texts(),
        "hospital_address": "江宁市秦淮路168号",
        "complaint_phone": "025-8888 6120",
        "night_duty_phone": "025-8888 6000",
        "letterhead_contact": "邮编 211100　接待时间：工作日 8:00—17:30",
    }
    letterhead.save(admin, texts, logo=example_logo(), seal=example_seal())
    shots += _shoot(lambda: LetterheadPage(admin), "letterhead", outdir, lambda page: None)
    return shots


def capture(outdir: Path) -> list[Path]:
    clock.set_clock(lambda: NOW)
    shots: list[Path] = []
    with TemporaryDirectory() as tmp:
        admin, _info = create_demo_database(Path(tmp) / "c.db", PASSWORD, 60, seed=7)
        shots += admin_pages(admin, outdir)
        auth.logout(admin)
    clock.set_clock(None)
    return shots


if __name__ == "__main__":
    from ui.application import create_application

    create_application()
    out = ROOT / "docs" / "screenshots"
    for shot in capture(out):
        print(f"已生成 {shot.name}")
