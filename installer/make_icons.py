"""Render resources/icons/complaintdesk.svg into the application icons (run after changing the SVG):

    .venv/bin/python installer/make_icons.py

resources/icons/complaintdesk.png (256 px: window, taskbar and the Linux .desktop entry) and
installer/windows/complaintdesk.ico (16–256 px: the .exe, its shortcuts and the setup program).
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image  # noqa: E402
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "resources" / "icons" / "complaintdesk.svg"
PNG = ROOT / "resources" / "icons" / "complaintdesk.png"
ICO = ROOT / "installer" / "windows" / "complaintdesk.ico"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(size: int) -> Image.Image:
    renderer = QSvgRenderer(str(SVG))
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()  # kept referenced while the buffer writes into it
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return Image.open(io.BytesIO(bytes(data)))


def main() -> int:
    QGuiApplication(sys.argv[:1])
    big = render(256)
    big.save(PNG, optimize=True)
    big.save(ICO, sizes=[(s, s) for s in ICO_SIZES])
    print(f"已生成 {PNG.relative_to(ROOT)}、{ICO.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
