"""Screenshots of the records screens: 管理 → 备份与恢复 (backup.png at 1280×800, backup_1024.png at
1024×700) after one backup, as an administrator sees it; 导入台账 on a generated messy ledger (the
column mapping, the unknown department, the dry run: ledger_mapping.png, ledger_unknown.png,
ledger_dry_run.png, and ledger_dry_run_1024.png at 1024×700); 导出台账 (ledger_export.png).

`capture(outdir)` builds a throwaway database on 4 December 2026. Run on its own:
`python docs/shots/records.py`.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path
from tempfile import TemporaryDirectory

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app import auth, clock  # noqa: E402
from app.records import backup  # noqa: E402
from tests.support.sessions import session_as  # noqa: E402
from ui.records.backup_page import BackupPage  # noqa: E402

NOW = datetime(2026, 12, 4, 9, 30)


def _grab(widget: QWidget, target: Path) -> Path:
    widget.show()
    for _ in range(3):
        QApplication.processEvents()
    QTest.qWait(100)
    widget.grab().save(str(target))
    widget.close()
    return target


def _ledger_shots(manager, folder: Path, outdir: Path) -> list[Path]:  # noqa: ANN001
    from tests.support.ledgers import messy_ledger
    from ui.records.export_dialog import ExportDialog
    from ui.records.ledger_import_dialog import LedgerImportDialog

    shots = []
    for size, names in (
        ((980, 640), ("ledger_mapping.png", "ledger_unknown.png", "ledger_dry_run.png")),
        ((1024, 700), ("", "", "ledger_dry_run_1024.png")),
    ):
        dialog = LedgerImportDialog(manager)
        dialog.resize(*size)
        dialog.load(messy_ledger(folder / "2025年投诉台账.xlsx"))
        dialog.forward()
        for step, name in enumerate(names):
            if name:
                dialog.show()
                QApplication.processEvents()
                QTest.qWait(100)
                dialog.grab().save(str(outdir / name))
                shots.append(outdir / name)
            if step < 2:
                dialog.forward()
        dialog.close()
    export = ExportDialog(manager)
    shots.append(_grab(export, outdir / "ledger_export.png"))
    return shots


def capture(outdir: Path) -> list[Path]:
    clock.set_clock(lambda: NOW)
    shots: list[Path] = []
    with TemporaryDirectory() as tmp:
        session, _key = auth.create_local_database(
            Path(tmp) / "complaintdesk.db", "admin", "周建国", "Kestrel-Harbor-2026", "江宁市第一人民医院"
        )
        backup.save_backup_settings(session, backup.BackupSettings(str(Path(tmp) / "备份"), 7, True, 3))
        backup.take_backup(session)
        # As an office would set it: the hospital's file server (the shot itself wrote to a temp folder).
        backup.save_backup_settings(
            session, backup.BackupSettings("/mnt/fileserver/医患办/数据库备份", 7, True, 3)
        )
        for size, name in (((1280, 800), "backup.png"), ((1024, 700), "backup_1024.png")):
            page = BackupPage(session)
            page.resize(*size)
            shots.append(_grab(page, outdir / name))
        manager = session_as(session, "chenlx", "manager", display_name="陈立新")
        shots.extend(_ledger_shots(manager, Path(tmp), outdir))
        auth.logout(session)
    clock.set_clock(None)
    return shots


if __name__ == "__main__":
    from ui.application import create_application

    create_application()
    out = ROOT / "docs" / "screenshots"
    for shot in capture(out):
        print(f"已生成 {shot.name}")
