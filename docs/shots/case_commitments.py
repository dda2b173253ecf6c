"""Screenshots of the kept record (docs/screenshots/case_record_*.png): the 重大事项 checklist at
1280×800 and 1024×700, the draft merge view after a conflict, the 修订记录, and the 文书 tab with a
延期告知书 and an unissued preview.

`capture(login, outdir)` is called by docs/make_screenshots.py (`login(username)` gives a session on
the demo database); it makes its own cases through the services. The people and cases are fictitious.
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

from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget  # noqa: E402

from app import clock  # noqa: E402
from app.cases import acceptance, documents, drafts, intake, major, overlays, reply, routing, views  # noqa: E402
from app.cases.intake import IntakeForm  # noqa: E402
from app.session import Session  # noqa: E402
from ui.workspace import CaseWorkspace  # noqa: E402
from ui.workspace.draft_merge import DraftMergeDialog  # noqa: E402
from ui.workspace.print_preview import PrintPreviewDialog  # noqa: E402

NOW = datetime(2026, 3, 16, 9, 24)  # a Monday morning, as in docs/make_screenshots.py


def _at(moment: datetime) -> None:
    clock.set_clock(lambda: moment)


def _grab(widget: QWidget, target: Path, wait_ms: int = 150) -> Path:
    for _ in range(5):
        QApplication.processEvents()
    QTest.qWait(wait_ms)
    widget.grab().save(str(target))
    return target


def _workspace(session: Session, case_id: int, tab: int, size: tuple[int, int]) -> CaseWorkspace:
    workspace = CaseWorkspace(session, case_id)
    workspace.resize(*size)
    workspace.show()
    workspace.tabs.setCurrentIndex(tab)
    return workspace


def _major_case(officer: Session, manager: Session) -> int:
    _at(NOW - timedelta(hours=3))
    case_id = intake.register(
        officer,
        IntakeForm(
            channel="visit",
            content="患者术后第二天夜间突发呼吸困难，家属认为值班医生处置不及时，患者经抢救无效死亡。家属十余人聚集在病区。",
            complainant_name="周海涛",
            relation="child",
            complainant_phone="13770012345",
            patient_name="周德明",
            visit_department="gen_surgery",
            severity="major",
            demands="要求查明死亡原因，封存病历，追究责任。",
        ),
    ).case_id
    acceptance.accept(officer, case_id, "家属情绪激动，已安排在医患沟通室接待")
    _at(NOW - timedelta(hours=2, minutes=40))
    major.tick(manager, case_id, "leadership", note="已电话报告分管副院长，副院长到场")
    _at(NOW - timedelta(hours=2))
    major.tick(officer, case_id, "sealing_told", note="已告知封存和启封规定，家属在场见证封存病历")
    major.tick(officer, case_id, "autopsy_told", note="已告知家属尸检应在死亡后 48 小时内进行")
    _at(NOW - timedelta(hours=1))
    major.tick(officer, case_id, "representatives", value="5", note="家属推举 5 名代表在医患沟通室协商")
    _at(NOW)
    return case_id


def _conflict(officer: Session, other: Session) -> tuple[int, drafts.DraftConflict]:
    """A case whose draft another officer saved while the first was still typing."""
    _at(NOW - timedelta(days=2))
    case_id = intake.register(
        officer,
        IntakeForm(
            channel="phone",
            content="3 月 12 日输液时发现收费单上有已停用的药品，护士呼叫铃响了很久无人应答。",
            complainant_name="吴秀英",
            complainant_phone="13912340077",
            patient_name="吴秀英",
            visit_department="cardiology",
            demands="退还多收费用，改进夜间呼叫响应。",
        ),
    ).case_id
    acceptance.accept(officer, case_id)
    routing.assign(officer, case_id, ["nursing"], "请核实 3 月 12 日夜间呼叫响应和计费情况")
    assignment = views.open_case(officer, case_id).assignments[0]
    routing.respond(
        officer,
        assignment.id,
        "夜班护士同时处理两名术后患者，响应延迟属实；停用药品系医嘱未及时撤销。",
        "护士长 杨雪梅",
    )
    _at(NOW - timedelta(minutes=20))
    reply.save_draft(
        other,
        case_id,
        facts="经护理部核实，3 月 12 日夜间呼叫响应延迟约 15 分钟；停用药品因医嘱未撤销被计费一次。",
        finding="upheld",
        resolution="向患者致歉，退还多收药费。",
        refund="86.50",
        base_revision=0,
    )
    try:
        reply.save_draft(
            officer,
            case_id,
            facts="经调取呼叫系统记录，呼叫后 15 分钟护士到达；收费系统显示停用药品计费一次，已核实。",
            finding="upheld",
            resolution="向患者当面致歉；退还多收药费 86.50 元；心内科病区夜班增加巡视频次。",
            refund="86.50",
            rectification="心内科病区夜班每小时巡视一次\n医嘱停用后由药房复核计费",
            base_revision=0,
        )
    except drafts.DraftConflict as conflict:
        return case_id, conflict
    raise AssertionError("the second save should have conflicted")


def _moved_promise(officer: Session, manager: Session) -> int:
    _at(NOW - timedelta(days=3))
    case_id = intake.register(
        officer,
        IntakeForm(
            channel="visit",
            content="检查预约等待近一个月，多次电话无人接听，报告延迟发放。",
            complainant_name="孙立新",
            complainant_phone="13605170088",
            patient_name="孙立新",
        ),
    ).case_id
    acceptance.accept(officer, case_id)
    documents.issue(officer, case_id, "receipt")
    routing.assign(officer, case_id, ["radiology", "outpatient"], "请说明预约等待和报告发放情况")
    extension = overlays.request_extension(officer, case_id, 3, "需等待设备厂家出具故障说明")
    overlays.decide_extension(manager, extension, True, "同意")
    _at(NOW)
    return case_id


def capture(login: Callable[[str], Session], outdir: Path, officer: str = "zhangwei") -> list[Path]:
    """`officer` holds both the officer and the manager role on the demo database."""
    outdir.mkdir(parents=True, exist_ok=True)
    session, other = login(officer), login("wangxm")
    shots: list[Path] = []

    major_case = _major_case(session, session)
    for size, name in (((1280, 800), "case_record_major.png"), ((1024, 700), "case_record_major_1024.png")):
        workspace = _workspace(session, major_case, CaseWorkspace.TAB_MAJOR, size)
        shots.append(_grab(workspace, outdir / name))
        workspace.close()

    case_id, conflict = _conflict(session, other)
    merge = DraftMergeDialog(conflict)
    merge.resize(1100, 700)
    merge.show()
    merge.take_theirs("facts")
    shots.append(_grab(merge, outdir / "case_record_merge.png"))
    merge.close()
    workspace = _workspace(session, case_id, CaseWorkspace.TAB_HANDLING, (1280, 800))
    workspace.handling.history.view.selectRow(0)
    area = workspace.handling.findChild(QScrollArea)
    for _ in range(3):
        QApplication.processEvents()
    area.ensureWidgetVisible(workspace.handling.history)
    shots.append(_grab(workspace, outdir / "case_record_revisions.png"))
    workspace.close()

    moved = _moved_promise(session, session)
    workspace = _workspace(session, moved, CaseWorkspace.TAB_DOCUMENTS, (1280, 800))
    shots.append(_grab(workspace, outdir / "case_record_documents.png"))
    workspace.close()
    preview = PrintPreviewDialog(
        documents.preview(session, moved, "notice"),
        "延期告知书",
        file_name="notice.pdf",
        issue=lambda: b"",
    )
    preview.resize(980, 780)
    preview.show()
    preview.fit_page_button.click()
    shots.append(_grab(preview, outdir / "case_record_notice_preview.png", wait_ms=1500))
    preview.close()
    return shots


if __name__ == "__main__":
    from tempfile import TemporaryDirectory

    from app import auth, users
    from app.demo import create_demo_database
    from ui.application import create_application

    create_application()
    password = "Demo2026pass"
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.db"
        _at(datetime(2026, 2, 14, 9, 0))
        session, _info = create_demo_database(path, password)
        users.add_user(
            session, "zhangwei", "张伟", ["officer", "manager"], password, must_change_password=False
        )
        users.add_user(session, "wangxm", "王小明", ["officer"], password, must_change_password=False)
        auth.logout(session)
        for shot in capture(
            lambda name: auth.login_local(path, name, password), ROOT / "docs" / "screenshots"
        ):
            print(f"已生成 {shot.name}")
