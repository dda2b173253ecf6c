"""Font discovery chain, CFF detection and the non-embedded CID fallback."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

import pytest

from printing import fonts
from printing.fonts import CID_FALLBACK, candidates, clear_cache, pick_face, register_fonts
from printing.sfnt import Face, read_faces


def _sfnt(version: bytes, tags: list[bytes]) -> bytes:
    """A table directory without tables: enough for read_faces."""
    header = version + struct.pack(">HHHH", len(tags), 16, 0, 0)
    return header + b"".join(struct.pack(">4sIII", tag, 0, 0, 0) for tag in tags)


def _cff_otf() -> bytes:
    return _sfnt(b"OTTO", [b"CFF ", b"cmap", b"head"])


def _cff_ttc() -> bytes:
    face = _sfnt(b"OTTO", [b"CFF ", b"cmap"])
    return b"ttcf" + struct.pack(">III", 0x00010000, 1, 16) + face


@pytest.fixture
def fresh_cache() -> Iterator[None]:
    clear_cache()
    yield
    clear_cache()


@pytest.fixture(scope="module")
def system_font() -> Path:
    font_set = register_fonts()
    if not font_set.embedded or font_set.source_path is None:
        pytest.skip("no TrueType CJK font on this machine")
    return Path(font_set.source_path)


def test_cff_files_are_recognised(tmp_path: Path) -> None:
    otf = tmp_path / "SourceHanSans.otf"
    otf.write_bytes(_cff_otf())
    ttc = tmp_path / "NotoSansCJK-Regular.ttc"
    ttc.write_bytes(_cff_ttc())
    assert read_faces(otf) == [Face(0, truetype=False, postscript_name="")]
    assert [face.truetype for face in read_faces(ttc)] == [False]
    assert pick_face(read_faces(otf)) is None


def test_not_a_font(tmp_path: Path) -> None:
    junk = tmp_path / "junk.ttf"
    junk.write_bytes(b"hello, this is not a font file")
    with pytest.raises(ValueError):
        read_faces(junk)


def test_pick_face_prefers_simplified_chinese_and_proportional() -> None:
    faces = [
        Face(0, True, "NotoSansCJKjp-Regular"),
        Face(1, True, "NotoSansMonoCJKsc-Regular"),
        Face(2, True, "NotoSansCJKsc-Regular"),
        Face(3, False, "NotoSansCJKsc-Bold"),
    ]
    assert pick_face(faces).index == 2
    assert pick_face([Face(0, True, "WenQuanYiMicroHei"), Face(1, True, "WenQuanYiMicroHeiMono")]).index == 0


def test_system_font_is_truetype(system_font: Path) -> None:
    assert pick_face(read_faces(system_font)) is not None


def test_chain_order(tmp_path: Path) -> None:
    windows = tmp_path / "Windows" / "Fonts"
    linux = tmp_path / "share" / "fonts"
    (linux / "truetype" / "wqy").mkdir(parents=True)
    windows.mkdir(parents=True)
    for path in (windows / "simsun.ttc", windows / "simhei.ttf", windows / "msyh.ttc"):
        path.write_bytes(b"")
    (linux / "truetype" / "wqy" / "wqy-microhei.ttc").write_bytes(b"")
    (linux / "NotoSansSC-Regular.ttf").write_bytes(b"")
    (linux / "NotoSansSC-Bold.ttf").write_bytes(b"")
    found = candidates("/configured/font.ttf", windows, (linux, tmp_path / "missing"))
    assert [c.regular.name for c in found] == [
        "font.ttf",
        "simsun.ttc",
        "simhei.ttf",
        "msyh.ttc",
        "wqy-microhei.ttc",
        "NotoSansSC-Regular.ttf",
    ]
    assert found[1].bold == windows / "simhei.ttf"
    assert found[3].bold is None  # msyhbd.ttc is not there
    assert found[5].bold == linux / "NotoSansSC-Bold.ttf"


def test_registration_is_cached(system_font: Path) -> None:
    assert register_fonts() is register_fonts()
    font_set = register_fonts()
    assert font_set.embedded and font_set.warning is None
    assert Path(font_set.source_path) == system_font


def test_configured_cff_font_is_skipped_with_warning(tmp_path: Path, system_font: Path) -> None:
    otf = tmp_path / "SourceHanSerif.otf"
    otf.write_bytes(_cff_otf())
    font_set = register_fonts(str(otf))
    assert font_set.embedded
    assert Path(font_set.source_path) == system_font
    assert "CFF" in font_set.warning and "SourceHanSerif.otf" in font_set.warning


def test_configured_missing_font_warns(system_font: Path) -> None:
    font_set = register_fonts("does-not-exist.ttf")
    assert font_set.embedded
    assert "does-not-exist.ttf" in font_set.warning


def test_configured_font_is_used_first(system_font: Path) -> None:
    font_set = register_fonts(str(system_font))
    assert font_set.source_path == str(system_font)
    assert font_set.warning is None


def test_cid_fallback_when_nothing_usable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_cache: None
) -> None:
    (tmp_path / "NotoSansCJK-Regular.ttc").write_bytes(_cff_ttc())
    monkeypatch.setattr(fonts, "WINDOWS_FONT_DIR", tmp_path / "no-windows")
    monkeypatch.setattr(fonts, "LINUX_FONT_DIRS", (tmp_path,))
    font_set = register_fonts()
    assert font_set.regular == font_set.bold == CID_FALLBACK
    assert not font_set.embedded and font_set.source_path is None
    assert "STSong-Light" in font_set.warning and "未嵌入" in font_set.warning


def test_a_font_shipped_with_the_application_comes_first(tmp_path: Path) -> None:
    from printing.fonts import redistributable

    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "wqy-microhei.ttc").write_bytes(b"x")
    linux = tmp_path / "linux"
    linux.mkdir()
    (linux / "NotoSansCJK-Regular.ttc").write_bytes(b"x")
    found = candidates(None, tmp_path / "no-windows", (linux,), bundled_dir=bundle)
    assert [c.regular for c in found] == [bundle / "wqy-microhei.ttc", linux / "NotoSansCJK-Regular.ttc"]
    assert redistributable(Path("wqy-microhei.ttc")) and redistributable(Path("NotoSansSC-Regular.ttf"))
    assert not redistributable(Path("simsun.ttc")), "a Windows font is never shipped"
