"""Document snapshots (printing/snapshot.py): every document renders again to the same bytes from
its stored snapshot, and this installation still renders the golden snapshot to its SHA-256."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from printing import Letterhead, snapshot
from printing.compact import face_index, font_digest
from printing.fonts import FontSet, register_fonts
from printing.render import render_document
from tests.printing.conftest import full_documents

GOLDEN = Path(__file__).parent / "golden"
# A 处理结果告知书 with logo and seal, made with WenQuanYi Micro Hei (the font file of the Debian
# package installer/linux-deps.sh installs): rendering it again must give exactly this document.
GOLDEN_SHA256 = "f531df8dabba2956d804a6c38eefcaa0a92272746eef82b469395d2e961a8b68"


def _fonts(fonts: FontSet) -> tuple[snapshot.FontFile, ...]:
    faces = [pdfmetrics.getFont(name) for name in (fonts.regular, fonts.bold)]
    if not all(isinstance(font, TTFont) for font in faces):
        pytest.skip("no TrueType CJK font installed here")
    return tuple(
        snapshot.FontFile(name, font_digest(font.face), face_index(font.face))
        for name, font in zip((fonts.regular, fonts.bold), faces, strict=True)
    )


def _rendered(found: snapshot.Snapshot) -> bytes:
    fonts = FontSet(found.fonts[0].name, found.fonts[-1].name, True, None)
    return render_document(
        found.data, found.letterhead, page_size=found.page_size, document_no=found.document_no, fonts=fonts
    )


@pytest.mark.parametrize("kind", sorted(full_documents()))
def test_every_document_renders_again_from_its_snapshot(kind: str, letterhead: Letterhead) -> None:
    data = full_documents()[kind]
    fonts = _fonts(register_fonts())
    pdf = render_document(data, letterhead, document_no="YH-2026-000123-02")
    images = {"logo": letterhead.logo_png, "seal": letterhead.seal_png}
    digests = {kind: hashlib.sha256(png).hexdigest() for kind, png in images.items()}
    stored = snapshot.encode(snapshot.Snapshot(data, letterhead, "A4", "YH-2026-000123-02", fonts), digests)
    assert snapshot.is_snapshot(stored) and len(stored) < len(pdf) / 20
    by_digest = {digests[kind]: png for kind, png in images.items()}
    found = snapshot.decode(stored, by_digest.__getitem__)
    assert found.letterhead == letterhead and found.fonts == fonts
    assert _rendered(found) == pdf


def test_golden_snapshot_renders_to_the_issued_bytes() -> None:
    """Fails when a change to printing/, ReportLab or the font would change documents already
    stored as snapshots: raise snapshot.RENDERER and keep the old layout for old snapshots first
    (see docs/documents-storage.md)."""
    register_fonts()
    images = {hashlib.sha256(p.read_bytes()).hexdigest(): p.read_bytes() for p in GOLDEN.glob("*.png")}
    found = snapshot.decode((GOLDEN / "result.cdsnap").read_bytes(), images.__getitem__)
    font = pdfmetrics._fonts.get(found.fonts[0].name)  # noqa: SLF001
    if not isinstance(font, TTFont) or font_digest(font.face) != found.fonts[0].sha256:
        pytest.skip("WenQuanYi Micro Hei (the golden's font file) is not the font installed here")
    assert hashlib.sha256(_rendered(found)).hexdigest() == GOLDEN_SHA256


@pytest.mark.parametrize("seed", ["1", "4242"])
def test_another_process_renders_the_golden_snapshot_to_the_same_bytes(seed: str) -> None:
    """Rendering does not depend on the process (string hashing order, the clock, the registry)."""
    script = (
        "import hashlib, sys; from pathlib import Path; from tests.printing import test_snapshot as t;"
        "from printing import snapshot; from printing.fonts import register_fonts; register_fonts();"
        "g = t.GOLDEN; images = {hashlib.sha256(p.read_bytes()).hexdigest(): p.read_bytes() for p in g.glob('*.png')};"
        "found = snapshot.decode((g / 'result.cdsnap').read_bytes(), images.__getitem__);"
        "print(hashlib.sha256(t._rendered(found)).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": seed}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    digest = out.stdout.strip()
    register_fonts()
    font = pdfmetrics._fonts.get("WenQuanYiMicroHei-0")  # noqa: SLF001
    if font is None:
        pytest.skip("WenQuanYi Micro Hei (the golden's font file) is not the font installed here")
    assert digest == GOLDEN_SHA256


def test_values_a_snapshot_cannot_hold_are_refused() -> None:
    with pytest.raises(snapshot.SnapshotError, match="不能存档"):
        snapshot._tagged(object())
    with pytest.raises(snapshot.SnapshotError, match="已损坏"):
        snapshot.decode(snapshot.MAGIC + b"not deflate", lambda _d: b"")
