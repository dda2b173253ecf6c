"""Screenshot of 受限案件 placeholders in shared mode (docs/screenshots/shared_case_list_placeholder.png).

`capture(outdir)` starts a throwaway PostgreSQL server (when installed), creates a shared database,
registers a few complaints, restricts two of them to one named officer and shows the case list of
an officer who is not named: the restricted cases appear as 受限案件 with their number, state and
deadline, read from the server's placeholder view, exactly as a local database shows them.
Run on its own: `python docs/shots/shared_placeholders.py`.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app import clock, shared  # noqa: E402
from app.cases import overlays  # noqa: E402
from app.cases.states import State  # noqa: E402
from app.session import Session  # noqa: E402
from models.database import ServerParams  # noqa: E402
from tests.support import pg_server  # noqa: E402
from tests.support.cases import FakeClock, walk  # noqa: E402
from tests.support.desk import open_desk  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402

PASSWORD = "Demo2026pass"
START = datetime(2026, 3, 2, 9, 30)
PEOPLE = {
    "clerk": ("chenjing", "陈静", ["clerk"]),
    "officer": ("linxw", "林晓雯", ["officer"]),
    "officer2": ("wangzq", "王志强", ["officer"]),
    "manager": ("zhaomin", "赵敏", ["manager"]),
}
# (complainant, category, narrative, state, restricted)
CASES = (
    ("张桂兰", "060201", "门诊候诊三小时无人叫号，询问护士站被告知系统故障。", State.IN_PROGRESS, False),
    ("刘志强", "010304", "住院期间病历复印等待时间过长。", State.ACCEPTED, False),
    ("孙丽华", "010202", "院领导亲属就手术并发症投诉主刀医生。", State.IN_PROGRESS, True),
    ("周海燕", "040101", "收费窗口多收检查费用，要求退费。", State.DRAFTING, False),
    ("吴建平", "020102", "患者家属称术后护理不当致病情加重，要求赔偿。", State.REGISTERED, True),
    ("郑晓梅", "090102", "药房发药错误，幸未服用。", State.REGISTERED, False),
)


def _grab(widget: QWidget, path: Path) -> Path:
    for _ in range(5):
        QApplication.processEvents()
    QTest.qWait(200)
    widget.grab().save(str(path))
    return path


def _office(admin: Session, now: FakeClock) -> Session:
    """The cases of CASES on the server; the unnamed officer's session."""
    desk = open_desk(admin, now, new=PEOPLE)
    for name, category, content, state, restricted in CASES:
        case_id = desk.register("clerk", complainant_name=name, category=category, content=content).case_id
        walk(desk["officer"], desk["manager"], case_id, state, ("cardiology",))
        if restricted:
            overlays.restrict(desk["manager"], case_id, True, ["linxw"])
        now.advance(hours=1, minutes=25)
    now.advance(days=6)
    return desk["officer2"]


def capture(outdir: Path) -> list[Path]:
    if pg_server.find_bindir() is None:
        return []
    outdir.mkdir(parents=True, exist_ok=True)
    server = pg_server.start()
    now = FakeClock(START)
    clock.set_clock(now)
    try:
        server.create_database("complaintdesk")
        params = ServerParams(server.host, server.port, "complaintdesk", server.user, "verify-full", str(server.ca_file))
        admin, _key = shared.create_shared_database(params, server.password, "admin", "周建国", PASSWORD, "示例医院")
        officer = _office(admin, now)
        window = MainWindow(officer, idle_timeout_ms=0)
        window.resize(1280, 800)
        window.show()
        window.show_page("cases").table.setFocus()
        shots = [_grab(window, outdir / "shared_case_list_placeholder.png")]
        window.close()
        officer.db.close()
        admin.db.close()
        return shots
    finally:
        clock.set_clock(None)
        server.stop()


def main() -> int:
    from ui.application import create_application

    create_application()
    for path in capture(ROOT / "docs" / "screenshots"):
        print(f"已生成 {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
