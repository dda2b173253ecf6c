"""Reading an office's Excel 台账: refusing what is not a usable .xlsx, finding the header row under
merged title rows, and the year a title like "2025年投诉台账" gives to dates written without one."""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.errors import ComplaintDeskError
from app.files import FileAccessError, read_user_file
from app.records.ledger_import.fields import header_score

MAX_BYTES = 50 * 1024 * 1024
HEADER_SCAN_ROWS = 20
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_YEAR = re.compile(r"(20\d\d)\s*年")


class LedgerFileError(ComplaintDeskError):
    """The file cannot be imported as it is (message in Chinese, with what to do)."""


@dataclass(frozen=True)
class LedgerFile:
    path: Path
    name: str
    sha256: str
    sheets: tuple[str, ...]
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class SheetTable:
    """One sheet: the header row found, the rows below it (1-based Excel row numbers)."""

    sheet: str
    header_row: int
    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[Any, ...]], ...]
    title: str
    year_hint: int | None

    @property
    def signature(self) -> str:
        """Identifies the layout (for remembering the confirmed mapping)."""
        return hashlib.sha256("|".join(self.headers).encode("utf-8")).hexdigest()[:16]


def _refuse_non_xlsx(data: bytes, name: str) -> None:
    if data.startswith(OLE2_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise LedgerFileError(
                f"“{name}”设有打开密码，无法读取。请在 Excel 或 WPS 中打开它、取消密码后另存为 .xlsx 再导入。"
            )
        raise LedgerFileError(
            f"“{name}”是旧版 Excel（.xls）文件。请在 Excel 或 WPS 中另存为 .xlsx 后再导入。"
        )
    if not data.startswith(b"PK"):
        raise LedgerFileError(f"“{name}”不是 Excel 工作簿（.xlsx）文件，请选择台账的 .xlsx 文件。")


def _workbook(ledger_bytes: bytes, name: str):  # noqa: ANN202 - openpyxl's Workbook
    import io

    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(ledger_bytes), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise LedgerFileError(f"“{name}”已损坏或不是 Excel 工作簿（.xlsx）文件，无法读取。") from exc


def open_ledger(path: Path) -> LedgerFile:
    """Read the file once; refuse a non-xlsx, an old .xls, a password-protected or damaged file."""
    path = Path(path)
    try:
        data = read_user_file(path, MAX_BYTES)
    except FileAccessError:
        raise
    _refuse_non_xlsx(data, path.name)
    book = _workbook(data, path.name)
    try:
        sheets = tuple(book.sheetnames)
    finally:
        book.close()
    return LedgerFile(path, path.name, hashlib.sha256(data).hexdigest(), sheets, data)


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _find_header(rows: list[tuple[Any, ...]]) -> int | None:
    """Index of the row that looks most like a header (at least two known column names)."""
    best, best_score = None, 1
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        score = sum(header_score(_cell_text(v)) > 0 for v in row)
        if score > best_score:
            best, best_score = index, score
    return best


def read_sheet(ledger: LedgerFile, sheet: str | None = None) -> SheetTable:
    """The chosen sheet, or the first with a recognisable header row (extra sheets are skipped)."""
    book = _workbook(ledger.data, ledger.name)
    try:
        names = [sheet] if sheet else list(book.sheetnames)
        if sheet and sheet not in book.sheetnames:
            raise LedgerFileError(f"工作簿中没有名为“{sheet}”的工作表")
        for name in names:
            rows = [tuple(row) for row in book[name].iter_rows(values_only=True)]
            if not any(any(_cell_text(v) for v in row) for row in rows):
                if sheet:
                    raise LedgerFileError(f"工作表“{name}”是空的，没有可导入的内容")
                continue
            header_index = _find_header(rows)
            if header_index is None:
                if sheet:
                    raise LedgerFileError(
                        f"在工作表“{name}”的前 {HEADER_SCAN_ROWS} 行中找不到表头（如“投诉日期”“投诉内容”），请检查文件"
                    )
                continue
            return _table(ledger, name, rows, header_index)
    finally:
        book.close()
    raise LedgerFileError(
        f"“{ledger.name}”中没有可导入的台账：各工作表都是空的，或找不到表头（如“投诉日期”“投诉内容”）"
    )


def _table(ledger: LedgerFile, name: str, rows: list[tuple[Any, ...]], header_index: int) -> SheetTable:
    width = max((len(r) for r in rows), default=0)
    headers = tuple(_cell_text(v).replace("\n", "") for v in (*rows[header_index], *[None] * width))[:width]
    while headers and not headers[-1]:
        headers = headers[:-1]
    title = " ".join(_cell_text(v) for row in rows[:header_index] for v in row if _cell_text(v))
    year = None
    for text in (title, name, ledger.name):
        found = _YEAR.search(text)
        if found:
            year = int(found.group(1))
            break
    body = tuple(
        (header_index + 2 + offset, tuple((*row, *[None] * len(headers))[: len(headers)]))
        for offset, row in enumerate(rows[header_index + 1 :])
    )
    return SheetTable(name, header_index + 1, headers, body, title, year)
