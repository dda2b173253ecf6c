"""Screenshots of 统计分析 (docs/screenshots/statistics.png at 1280×800, statistics_1024.png and
statistics_table.png at 1024×700, statistics_drill.png, statistics_report.png) and the first pages
of the rendered report (docs/documents/analysis_report.png, analysis_report_2.png).

`capture(outdir)` builds a throwaway demo database with 6,000 complaints planned around 4 December
2026 and opens November 2026 as a manager. Run on its own: `python docs/shots/statistics_page.py`
(not named statistics.py: run as a script, that would shadow the standard library's module).
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from tempfile import TemporaryDirectory

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from app import auth, clock  # noqa: E402
from app.demo import create_demo_database  # noqa: E402
from app.reports import service as reports  # noqa: E402
from app.statistics import periods  # noqa: E402
from ui.application import create_application  # noqa: E402
from ui.statistics import StatisticsPage  # noqa: E402
from ui.statistics.tables import MeasureRole  # noqa: E402

NOW = datetime(2026, 12, 4, 9, 30)
PASSWORD = "Demo2026pass"
CASES = 6000
NOVEMBER = periods.month(2026, 11)


def _settle(page: StatisticsPage) -> None:
    for _ in range(400):
        QApplication.processEvents()
        if page.computed is not None and page.computed.figures.period == NOVEMBER:
            break
        page.thread().msleep(25)
    for _ in range(5):
        QApplication.processEvents()


def capture(outdir: Path) -> list[Path]:
    clock.set_clock(lambda: NOW)
    app = QApplication.instance() or create_application([])
    shots: list[Path] = []
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "stats.db"
        admin, _info = create_demo_database(path, PASSWORD, CASES, bulk=True)
        auth.logout(admin)
        manager = auth.login_local(path, "manager", PASSWORD)
        for size, name, tab in (((1280, 800), "statistics.png", 0), ((1024, 700), "statistics_1024.png", 0),
                                ((1024, 700), "statistics_table.png", 1)):  # fmt: skip
            page = StatisticsPage(manager)
            page.resize(*size)
            page.show()
            page.set_period(NOVEMBER)
            _settle(page)
            page.tabs.setCurrentIndex(tab)
            QApplication.processEvents()
            shots.append(_save(page, outdir / name))
            if name == "statistics_table.png":
                item = page.figures_table.item(3, 1)
                dialog = page.drill(*item.data(MeasureRole))
                QApplication.processEvents()
                shots.append(_save(dialog, outdir / "statistics_drill.png"))
                dialog.close()
                report = page.open_report()
                report.resize(820, 600)
                QApplication.processEvents()
                shots.append(_save(report, outdir / "statistics_report.png"))
                report.close()
            page.close()
        source = reports.prepare(manager, NOVEMBER)
        pdf = Path(tmp) / "report.pdf"
        pdf.write_bytes(reports.issue(manager, source, source.draft, "pdf").data)
        documents = outdir.parent / "documents"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(pdf), str(Path(tmp) / "p")], check=True
        )
        pages = sorted(Path(tmp).glob("p-*.png"))  # p-1.png or p-01.png, as pdftoppm numbers them
        for page_png, name in zip(pages, ("analysis_report.png", "analysis_report_2.png"), strict=True):
            target = documents / name
            target.write_bytes(page_png.read_bytes())
            shots.append(target)
        auth.logout(manager)
    del app
    return shots


def _save(widget, target: Path) -> Path:
    widget.grab().save(str(target))
    return target


if __name__ == "__main__":
    for shot in capture(ROOT / "docs" / "screenshots"):
        print(shot)
