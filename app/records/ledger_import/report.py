"""The dry-run report (.xlsx): each source row → 导入 / 导入（需核对） / 不导入 with the reason in Chinese,
the row's own cells beside it, and a summary sheet."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from app.files import write_private
from app.records.ledger_import.fields import FIELD_LABELS
from app.records.ledger_import.plan import STATUS_LABELS, Preview, Status

FILLS = {
    Status.IMPORTED: PatternFill("solid", fgColor="E3F4E6"),
    Status.FLAGGED: PatternFill("solid", fgColor="FFF4D6"),
    Status.REFUSED: PatternFill("solid", fgColor="FDECEA"),
}


def report_bytes(plan: Preview) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "逐行结果"
    fields = [key for _col, key in sorted(plan.options.mapping.items()) if key]
    header = ["台账行号", "结果", "原因", *[FIELD_LABELS[k] for k in fields]]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in plan.rows:
        sheet.append(
            [
                row.row_number,
                STATUS_LABELS[row.status],
                row.reason_text,
                *[row.source.get(k, "") for k in fields],
            ]
        )
        sheet.cell(sheet.max_row, 2).fill = FILLS[row.status]
    sheet.freeze_panes = "D2"
    for column, width in zip("ABC", (10, 16, 48), strict=True):
        sheet.column_dimensions[column].width = width
    for index in range(len(fields)):
        sheet.column_dimensions[sheet.cell(1, 4 + index).column_letter].width = 18
    for cells in sheet.iter_rows(min_row=2, min_col=3, max_col=3):
        cells[0].alignment = Alignment(wrap_text=True, vertical="top")
    summary = book.create_sheet("汇总")
    for line in plan.lines():
        summary.append([line])
    summary.column_dimensions["A"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_report(plan: Preview, path: Path) -> Path:
    return write_private(Path(path), report_bytes(plan))
