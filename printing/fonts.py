"""CJK font discovery and registration with ReportLab, done once per process.

Discovery chain (DESIGN §6): configured path → the font shipped inside the installed application
(the bundle's fonts/ folder, when the build machine had a freely licensed one) → Windows
SimSun/SimHei/Microsoft YaHei → Linux WenQuanYi / Noto TrueType → ReportLab's built-in CID font
STSong-Light (not embedded: the PDF then depends on the reader having a Chinese font, so a warning
is returned).
"""

from __future__ import annotations

import fnmatch
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

from printing.compact import remember_subsets
from printing.sfnt import Face, read_faces

CID_FALLBACK = "STSong-Light"
WINDOWS_FONT_DIR = Path(os.environ.get("WINDIR", "C:\\Windows")) / "Fonts"
LINUX_FONT_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path(os.path.expanduser("~/.local/share/fonts")),
    Path(os.path.expanduser("~/.fonts")),
)
# (regular file, bold file or None); Windows names are exact, Linux names are lower-case globs.
WINDOWS_FILES: tuple[tuple[str, str | None], ...] = (
    ("simsun.ttc", "simhei.ttf"),
    ("simhei.ttf", None),
    ("msyh.ttc", "msyhbd.ttc"),
)
LINUX_FILES: tuple[tuple[str, str | None], ...] = (
    ("wqy-microhei.ttc", None),
    ("wqy-zenhei.ttc", None),
    ("notosanscjk*-regular.tt[cf]", "notosanscjk*-bold.tt[cf]"),
    ("notoserifcjk*-regular.tt[cf]", "notoserifcjk*-bold.tt[cf]"),
    ("notosanssc-regular.ttf", "notosanssc-bold.ttf"),
    ("notoserifsc-regular.ttf", "notoserifsc-bold.ttf"),
    ("droidsansfallbackfull.ttf", None),
)
_FONT_SUFFIXES = (".ttf", ".ttc", ".otf", ".otc")
_PROBE = "医患投诉办公室"  # a usable font must have these glyphs


@dataclass(frozen=True)
class FontSet:
    """ReportLab font names to use; `bold` equals `regular` when no bold face was found."""

    regular: str
    bold: str
    embedded: bool
    source_path: str | None
    warning: str | None = None

    @property
    def has_bold_face(self) -> bool:
        """True when headings can use a real bold face (otherwise they are drawn stroked)."""
        return self.bold != self.regular


@dataclass(frozen=True)
class Candidate:
    """A font file to try, with an optional separate bold file."""

    regular: Path
    bold: Path | None = None


_lock = threading.Lock()
_cache: dict[str | None, FontSet] = {}


def register_fonts(configured_path: str | None = None) -> FontSet:
    """Register the best available CJK font with ReportLab (cached) and return its names."""
    with _lock:
        cached = _cache.get(configured_path)
        if cached is None:
            cached = _cache[configured_path] = _discover_and_register(configured_path)
        return cached


def missing_glyphs(text: str, font_name: str) -> str:
    """The characters of `text` the registered font has no glyph for (an emoji, a rare character),
    each once, in order. A CID font is drawn by the reader: nothing is reported for it."""
    glyphs = getattr(getattr(pdfmetrics.getFont(font_name), "face", None), "charToGlyph", None)
    if glyphs is None:
        return ""
    return "".join(dict.fromkeys(ch for ch in text if not ch.isspace() and ord(ch) not in glyphs))


def clear_cache() -> None:
    """Forget earlier results (tests change the search directories)."""
    with _lock:
        _cache.clear()


def bundled_font_dir() -> Path | None:
    """The fonts/ folder of the installed (PyInstaller) application, None when run from source."""
    base = getattr(sys, "_MEIPASS", None)
    return Path(base) / "fonts" if getattr(sys, "frozen", False) and base else None


def redistributable(path: Path) -> bool:
    """A freely licensed font (WenQuanYi, Noto, Droid) that may be shipped with the application."""
    name = path.name.lower()
    return any(fnmatch.fnmatchcase(name, pattern) for pair in LINUX_FILES for pattern in pair if pattern)


def candidates(
    configured_path: str | None = None,
    windows_dir: Path | None = None,
    linux_dirs: tuple[Path, ...] | None = None,
    bundled_dir: Path | None = None,
) -> list[Candidate]:
    """The discovery chain as existing files, best first (nothing is opened yet)."""
    windows_dir = WINDOWS_FONT_DIR if windows_dir is None else windows_dir
    linux_dirs = LINUX_FONT_DIRS if linux_dirs is None else linux_dirs
    bundled_dir = bundled_font_dir() if bundled_dir is None else bundled_dir
    found: list[Candidate] = []
    if configured_path:
        found.append(Candidate(Path(configured_path)))
    if bundled_dir is not None:
        found += _linux_candidates(_index_font_files((bundled_dir,)))
    for regular, bold in WINDOWS_FILES:
        path = windows_dir / regular
        if path.is_file():
            bold_path = windows_dir / bold if bold else None
            found.append(Candidate(path, bold_path if bold_path and bold_path.is_file() else None))
    found += _linux_candidates(_index_font_files(linux_dirs))
    return found


def _linux_candidates(index: dict[str, list[Path]]) -> list[Candidate]:
    found: list[Candidate] = []
    for regular_glob, bold_glob in LINUX_FILES:
        for path in _matching(index, regular_glob):
            bold_matches = _matching(index, bold_glob) if bold_glob else []
            found.append(Candidate(path, bold_matches[0] if bold_matches else None))
    return found


def _index_font_files(directories: tuple[Path, ...]) -> dict[str, list[Path]]:
    """Map lower-case file name → paths of font files below the directories."""
    index: dict[str, list[Path]] = {}
    for directory in directories:
        if not directory.is_dir():
            continue
        for root, _dirs, files in os.walk(directory):
            for name in files:
                if name.lower().endswith(_FONT_SUFFIXES):
                    index.setdefault(name.lower(), []).append(Path(root) / name)
    return index


def _matching(index: dict[str, list[Path]], pattern: str) -> list[Path]:
    """Paths whose lower-case file name matches the glob, sorted for a stable choice."""
    names = sorted(name for name in index if fnmatch.fnmatchcase(name, pattern))
    return [path for name in names for path in sorted(index[name])]


def pick_face(faces: list[Face]) -> Face | None:
    """Choose the Simplified Chinese, proportional TrueType face of a file (None if all are CFF)."""
    usable = [face for face in faces if face.truetype]

    def rank(face: Face) -> tuple[bool, bool]:
        name = face.postscript_name.lower()
        return ("cjksc" not in name and not name.endswith("sc"), "mono" in name)

    return min(usable, key=rank) if usable else None


def _discover_and_register(configured_path: str | None) -> FontSet:
    """Walk the chain, register the first usable file, else fall back to the CID font."""
    notes: list[str] = []  # only problems with the configured file are worth telling the user
    for position, candidate in enumerate(candidates(configured_path)):
        configured = position == 0 and bool(configured_path)
        regular = _try_register(candidate.regular, notes if configured else [])
        if regular is None:
            continue
        bold = _try_register(candidate.bold, []) if candidate.bold else None
        return _font_set(regular, bold or regular, str(candidate.regular), notes)
    cid = _register_cid()
    notes.append(
        "未找到可嵌入的中文 TrueType 字体，已改用 PDF 阅读器内置的宋体（STSong-Light，未嵌入），"
        "在部分电脑或打印机上可能显示异常。请在设置中指定 .ttf/.ttc 字体文件，或安装文泉驿微米黑。"
    )
    return FontSet(cid, cid, embedded=False, source_path=None, warning="".join(notes))


def _font_set(regular: str, bold: str, source: str, notes: list[str]) -> FontSet:
    """Build the FontSet and the bold mapping used by <b> in paragraphs."""
    pdfmetrics.registerFontFamily(regular, normal=regular, bold=bold, italic=regular, boldItalic=bold)
    warning = None
    if notes:
        warning = "".join(notes) + f"已改用字体文件 {Path(source).name}。"
    return FontSet(regular, bold, embedded=True, source_path=source, warning=warning)


def _try_register(path: Path, notes: list[str]) -> str | None:
    """Register the best face of `path`; on failure append a Chinese note and return None."""
    try:
        face = pick_face(read_faces(path))
    except (OSError, ValueError):
        notes.append(f"字体文件 {path.name} 不存在或无法读取。")
        return None
    if face is None:
        notes.append(f"字体文件 {path.name} 是 CFF/OpenType 轮廓，ReportLab 无法嵌入，已跳过。")
        return None
    name = f"{face.postscript_name or path.stem}-{face.index}"
    if name in pdfmetrics.getRegisteredFontNames():
        return name
    try:
        font = TTFont(name, str(path), subfontIndex=face.index)
    except Exception as error:  # ReportLab raises TTFError and assorted parse errors
        notes.append(f"字体文件 {path.name} 无法使用（{error}）。")
        return None
    if not all(ord(char) in font.face.charToGlyph for char in _PROBE):
        notes.append(f"字体文件 {path.name} 不含中文字形，已跳过。")
        return None
    remember_subsets(font.face)  # a document's subsets are made once, not again to store it
    pdfmetrics.registerFont(font)
    return name


def _register_cid() -> str:
    """Register the non-embedded CID font and its (identical) bold mapping."""
    if CID_FALLBACK not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK))
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(CID_FALLBACK, bold, italic, CID_FALLBACK)
    return CID_FALLBACK
