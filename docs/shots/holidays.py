"""Screenshots of 管理 → 节假日 (docs/screenshots/calendar.png at 1280×800, calendar_1024.png at 1024×700).

`capture(outdir)` builds a throwaway database on 4 December 2026, opens the page on 2027 (no data yet:
every day provisional), pastes an example notice into the import panel and shows the parsed result
beside the calendar, as an admin sees it before confirming. The example notice is illustrative only.
Run on its own: `python docs/shots/holidays.py`.
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
from PySide6.QtWidgets import QApplication  # noqa: E402

from app import auth, clock  # noqa: E402
from ui.admin.calendar_page import CalendarPage  # noqa: E402

NOW = datetime(2026, 12, 4, 9, 30)
EXAMPLE = """国务院办公厅关于2027年部分节假日安排的通知（示例）
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
　　经国务院批准，现将2027年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
　　一、元旦：1月1日（周五）至3日（周日）放假，共3天。
　　二、春节：2月5日（农历除夕、周五）至12日（农历正月初七、周五）放假调休，共8天。2月20日（周六）上班。
　　三、清明节：4月3日（周六）至5日（周一）放假，共3天。
　　四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月25日（周日）、5月8日（周六）上班。
　　五、端午节：6月9日（周三）放假1天，不调休。
　　六、中秋节：9月15日（周三）放假1天，不调休。
　　七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。
国务院办公厅
"""


def capture(outdir: Path) -> list[Path]:
    clock.set_clock(lambda: NOW)
    shots: list[Path] = []
    with TemporaryDirectory() as tmp:
        session, _key = auth.create_local_database(
            Path(tmp) / "c.db", "admin", "周建国", "Kestrel-Harbor-2026", "江宁市第一人民医院"
        )
        for size, name in (((1280, 800), "calendar.png"), ((1024, 700), "calendar_1024.png")):
            page = CalendarPage(session)
            page.resize(*size)
            page.show()
            QApplication.processEvents()
            page.open_import()
            page.panel.text_edit.setPlainText(EXAMPLE)
            page.panel.parse()
            page.grid.select(page.preview.days[0])
            for _ in range(3):
                QApplication.processEvents()
            QTest.qWait(100)
            target = outdir / name
            page.grab().save(str(target))
            shots.append(target)
            page.close()
        auth.logout(session)
    clock.set_clock(None)
    return shots


if __name__ == "__main__":
    from ui.application import create_application

    create_application()
    out = ROOT / "docs" / "screenshots"
    for shot in capture(out):
        print(f"已生成 {shot.name}")
