"""Each document rasterises with poppler (what a printer driver or viewer would do)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from printing import Letterhead, render_document

from .conftest import full_documents

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) missing")


@pytest.mark.parametrize("kind", sorted(full_documents()))
def test_renders_to_png(tmp_path: Path, letterhead: Letterhead, kind: str) -> None:
    source = tmp_path / f"{kind}.pdf"
    source.write_bytes(render_document(full_documents()[kind], letterhead, reprint=True))
    result = subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-singlefile", str(source), str(tmp_path / kind)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and not result.stderr
    with Image.open(tmp_path / f"{kind}.png") as image:
        darkest, lightest = image.convert("L").getextrema()
    assert darkest < 80 and lightest == 255  # ink on white paper
