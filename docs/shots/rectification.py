"""Screenshots of 整改 (rectification.png, rectification_1024.png, rectification_item.png,
rectification_case.png) and the 整改通知单 (documents/rectification_notice.png when pdftoppm exists).

`capture(login, outdir)` gives the office's manager-officer (`login(username)` gives a session) a few
items on the demo database: one closed as 已落实 and then recurred, one overdue, one submitted for
verification, one just ordered. Run on its own (`python docs/shots/rectification.py`) it builds a
smaller demo database first.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


from app import clock  # noqa: E402
from app.cases import intake  # noqa: E402
from app.cases.issues import issues_of  # noqa: E402
from app.rectification import items, notice  # noqa: E402
from app.rectification.items import NewItem  # noqa: E402
from app.session import Session  # noqa: E402
from docs.shots.standalone import demo_office, save  # noqa: E402
from models.cases import Case  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.rectification.item_dialog import ItemDialog  # noqa: E402

NOW = datetime(2026, 3, 16, 9, 24)  # a Monday morning, as in docs/make_screenshots.py
MEASURES = (
    "修订夜间呼叫应答制度，呼叫铃响应不超过 3 分钟；组织全科护士培训并考核。",
    "门诊候诊超过 1 小时的患者由护士站主动告知原因；高峰时段增开诊室。",
    "规范检查前告知流程，告知内容写入检查申请单；科室每月抽查 20 份。",
    "收费窗口增设咨询岗，对退费流程制作告知牌；窗口人员服务规范再培训。",
)


def _found_cases(limit: int) -> list[tuple[int, int, str]]:
    """(case id, issue id, department code) of cases with an issue found 成立 / 部分成立."""
    found = []
    for case in Case.select(Case.id).where(Case.finding.in_(["upheld", "partly_upheld"])).order_by(Case.id):
        for issue in issues_of(case.id):
            if issue.finding in ("upheld", "partly_upheld") and issue.department_code:
                found.append((case.id, issue.id, issue.department_code))
                break
        if len(found) == limit:
            break
    return found


def prepare(session: Session) -> int:
    """The items of the pictures; returns the id of the one the item dialog shows."""
    cases = _found_cases(len(MEASURES))
    ids = []
    for n, ((case_id, issue_id, department), measure) in enumerate(zip(cases, MEASURES, strict=False)):
        clock.set_clock(lambda n=n: NOW - timedelta(days=40 - 8 * n))
        ids.append(
            items.create(session, NewItem("", measure, (case_id,), due_workdays=10, issue_id=issue_id))
        )
        del department
    done, overdue, waiting = ids[0], ids[1], ids[2]
    clock.set_clock(lambda: NOW - timedelta(days=20))
    items.record(session, done, "已修订《夜间呼叫应答制度》，3月2日培训护士 26 人，考核合格。")
    items.submit(session, done)
    items.verify(session, done, True, "现场抽查夜间呼叫记录 30 条，均在 3 分钟内应答")
    items.close(session, done, True, "同意")
    clock.set_clock(lambda: NOW - timedelta(days=2))
    case = Case.get_by_id(cases[0][0])
    form = intake.IntakeForm(
        channel="phone",
        content="夜间按呼叫铃二十分钟无人应答，家属到护士站催促后才来。",
        complainant_name="周立新",
        complainant_phone="13851234567",
        category=issues_of(case.id)[0].category_code,
        visit_department=cases[0][2],
    )
    intake.register(session, form)
    clock.set_clock(lambda: NOW - timedelta(days=1))
    items.record(session, waiting, "已在检查申请单增加告知栏，科室已组织学习。")
    items.submit(session, waiting)
    notice.issue(session, overdue)
    clock.set_clock(lambda: NOW)
    return done


def capture(login: Callable[[str], Session], outdir: Path, username: str = "zhangwei") -> list[Path]:
    clock.set_clock(lambda: NOW)
    session = login(username)
    shown = prepare(session)
    shots = []
    for size, name in (((1280, 800), "rectification.png"), ((1024, 700), "rectification_1024.png")):
        window = MainWindow(login(username), idle_timeout_ms=0)
        window.resize(*size)
        window.show()
        window.show_page("rectification")
        shots.append(save(window, outdir / name))
        if name == "rectification.png":
            dialog = ItemDialog(window.session, shown, window)
            dialog.show()
            shots.append(save(dialog, outdir / "rectification_item.png"))
            dialog.close()
            case_id = Case.select(Case.id).order_by(Case.id.desc()).get().id
            workspace = window.open_case(case_id)
            workspace.tabs.setCurrentIndex(workspace.TAB_RECTIFICATION)
            shots.append(save(window, outdir / "rectification_case.png"))
        window.close()
    return shots


if __name__ == "__main__":
    from ui.application import create_application

    create_application()
    with demo_office(250, datetime(2026, 1, 20, 9, 0), NOW) as login:
        for shot in capture(login, ROOT / "docs" / "screenshots"):
            print(f"已生成 {shot.name}")
