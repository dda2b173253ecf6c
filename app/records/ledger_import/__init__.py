"""导入台账: an office's Excel ledger → historic cases (历史导入).

ledger = open_ledger(path)                       refuses non-xlsx, .xls, password, damaged
table = read_sheet(ledger, sheet=None)           header row under merged titles, extra sheets
options = ImportOptions(propose_mapping(table.headers), year=…)
plan = preview(session, ledger, table, options)  the dry run (nothing written)
write_report(plan, path)                         每行 → 导入 / 需核对 / 不导入 with the reason
import_ledger(session, plan, progress)           all or nothing, idempotent
"""

from app.records.ledger_import.fields import FIELD_LABELS, FIELDS, propose_mapping
from app.records.ledger_import.plan import STATUS_LABELS, ImportOptions, Preview, RowPlan, Status, preview
from app.records.ledger_import.report import write_report
from app.records.ledger_import.store import ImportResult, import_ledger, remembered
from app.records.ledger_import.workbook import (
    LedgerFile,
    LedgerFileError,
    SheetTable,
    open_ledger,
    read_sheet,
)

__all__ = [
    "FIELDS",
    "FIELD_LABELS",
    "STATUS_LABELS",
    "ImportOptions",
    "ImportResult",
    "LedgerFile",
    "LedgerFileError",
    "Preview",
    "RowPlan",
    "SheetTable",
    "Status",
    "import_ledger",
    "open_ledger",
    "preview",
    "propose_mapping",
    "read_sheet",
    "remembered",
    "write_report",
]
