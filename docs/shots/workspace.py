"""Screenshots of the case workspace (docs/screenshots/workspace_*.png).

`capture(session, case_id, outdir)` is called by docs/make_screenshots.py with an officer's session
and a case in progress; it finds a drafting and a closed case through the board's read model.
Run on its own (`python docs/shots/workspace.py`) it builds a throwaway demo database first.
The people and cases are fictitious.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from tempfile import TemporaryDirectory

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QBuffer, QByteArray, QIODevice  # noqa: E402
from PySide6.QtGui import QColor, QImage, QPainter  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app import auth, clock  # noqa: E402
from app.cases import acceptance, board, documents, follow_up, intake, overlays, reply, routing, sign_off  # noqa: E402
from app.cases.board import BoardFilter  # noqa: E402
from app.cases.intake import IntakeForm  # noqa: E402
from app.session import Session  # noqa: E402
from ui.workspace import CaseWorkspace  # noqa: E402
from ui.workspace.print_preview import PrintPreviewDialog  # noqa: E402

WINDOW_SIZE = (1280, 800)
PREVIEW_SIZE = (980, 780)


def _settle() -> None:
    for _ in range(5):
        QApplication.processEvents()


def _grab(widget: QWidget, path: Path, wait_ms: int = 0) -> Path:
    _settle()
    if wait_ms:  # QPdfView renders its pages in the background
        QTest.qWait(wait_ms)
    widget.grab().save(str(path))
    return path


def _find_case(session: Session, state: str) -> int | None:
    cards = board.case_list(session, BoardFilter(states=(state,), include_final=True), limit=1)
    return cards[0].id if cards else None


def _workspace(session: Session, case_id: int, tab: int) -> CaseWorkspace:
    workspace = CaseWorkspace(session, case_id)
    workspace.resize(*WINDOW_SIZE)
    workspace.show()
    workspace.tabs.setCurrentIndex(tab)
    _settle()
    return workspace


def _preview_document(session: Session, case_id: int) -> tuple[bytes, documents.IssuedInfo]:
    """The case's 处理结果告知书 (or any issued document), issuing one when none exists yet."""
    issued = documents.issued_documents(session, case_id)
    for kind in ("result", "receipt"):
        for info in issued:
            if info.kind == kind:
                return documents.stored_pdf(session, info.id), info
    info, data = documents.issue(session, case_id, "receipt")
    return data, info


def capture(session: Session, case_id: int, outdir: Path) -> list[Path]:
    """Grab the workspace screens of an officer's session into `outdir`; returns the files."""
    outdir.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []

    def shot(
        target: int, tab: int, name: str, prepare: Callable[[CaseWorkspace], None] | None = None
    ) -> None:
        workspace = _workspace(session, target, tab)
        if prepare is not None:
            prepare(workspace)
        shots.append(_grab(workspace, outdir / name))
        workspace.close()
        workspace.deleteLater()

    shot(case_id, CaseWorkspace.TAB_ASSIGNMENTS, "workspace_in_progress.png")
    drafting = _find_case(session, "drafting") or case_id
    shot(drafting, CaseWorkspace.TAB_HANDLING, "workspace_draft.png", lambda w: w.handling.focus_first())
    closed = _find_case(session, "closed") or case_id
    shot(closed, CaseWorkspace.TAB_INFO, "workspace_closed_timeline.png")
    shot(closed, CaseWorkspace.TAB_DOCUMENTS, "workspace_documents.png")

    data, info = _preview_document(session, closed)
    case_no = next(c.case_no for c in board.cards_for(session, [closed]))
    preview = PrintPreviewDialog(
        data,
        f"{case_no} {info.title}",
        file_name=f"{case_no}_{info.title}.pdf",
        page_size=info.page_size,
        reprint=lambda: documents.issue(session, closed, info.kind)[1],  # as the 文书 tab offers it: 补打
    )
    preview.resize(*PREVIEW_SIZE)
    preview.show()
    preview.fit_page_button.click()
    shots.append(_grab(preview, outdir / "workspace_print_preview.png", wait_ms=1500))
    preview.close()
    return shots


# -- standalone: a small demo database -----------------------------------------------------------

PASSWORD = "Demo2026pass"
NOW = datetime(2026, 3, 16, 9, 24)


def _at(moment: datetime) -> None:
    clock.set_clock(lambda: moment)


def _photo() -> bytes:
    """A plain stand-in for a photo of a queue ticket (no real person)."""
    image = QImage(640, 420, QImage.Format.Format_RGB32)
    image.fill(QColor("#DCE6EE"))
    painter = QPainter(image)
    painter.fillRect(180, 80, 280, 260, QColor("#FFFFFF"))
    painter.setPen(QColor("#17669E"))
    painter.drawText(image.rect(), 0x84, "门诊叫号单 A086")
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def _register(session: Session, at: datetime, **fields: object) -> int:
    _at(at)
    return intake.register(session, IntakeForm(**fields)).case_id  # type: ignore[arg-type]


def build_demo(path: Path) -> tuple[Session, int]:
    """Users and three cases (in progress, drafting, closed); returns the officer's session and the first case."""
    from app import users
    from app.demo import create_demo_database
    from app.policy import Role

    _at(NOW - timedelta(days=20))
    admin, _info = create_demo_database(path, PASSWORD)
    users.add_user(admin, "wangxm", "王小明", [Role.OFFICER.value], PASSWORD, must_change_password=False)
    clerk, officer, manager = (
        replace(admin, user=auth.current_user(name), slots=None, db_key=None)
        for name in ("clerk", "officer", "manager")
    )

    closed = _register(
        clerk,
        datetime(2026, 3, 2, 9, 40),
        channel="phone",
        complainant_name="周美华",
        relation="child",
        complainant_phone="13951234567",
        patient_name="周德顺",
        patient_record_no="ZY2026001873",
        visit_department="orthopedics",
        category="020202",
        severity="minor",
        content="母亲术后住院期间夜间多次按呼叫铃，护士二十分钟后才到，家属很担心。",
        demands="希望改进夜班护理巡视，给个说法。",
    )
    _at(datetime(2026, 3, 2, 10, 5))
    acceptance.accept(officer, closed)
    documents.issue(officer, closed, "receipt")
    routing.assign(officer, closed, ["nursing"], "请核实 3 月 1 日夜班呼叫响应情况")
    assignment = routing_assignments(officer, closed)[0]
    _at(datetime(2026, 3, 2, 10, 20))
    documents.issue(officer, closed, "dispatch", assignment_id=assignment)
    _at(datetime(2026, 3, 3, 15, 0))
    routing.respond(
        officer,
        assignment,
        "经调取呼叫系统记录，当晚 23:40 呼叫后 18 分钟到达，值班护士同时在处理另一名术后患者。已对夜班人力安排进行调整。",
        "护理部 杨雪梅",
    )
    _at(datetime(2026, 3, 4, 9, 30))
    reply.save_draft(
        officer,
        closed,
        facts="经核实，当晚骨科病区一名护士负责 14 张床位，呼叫后 18 分钟到达，响应时间超出科室规定。",
        finding="upheld",
        resolution="向患者及家属致歉；骨科病区夜班增加一名护士；护理部每月抽查呼叫响应时间。",
        rectification="骨科病区夜班增配护士一名\n护理部每月抽查夜间呼叫响应记录",
        base_revision=0,
    )
    reply.submit_for_approval(officer, closed)
    _at(datetime(2026, 3, 5, 11, 0))
    reply.approve(manager, closed, "同意，请尽快电话答复家属。")
    _at(datetime(2026, 3, 5, 15, 20))
    documents.issue(officer, closed, "result")
    reply.record_reply(officer, closed, "phone", note="已电话告知处理结果，家属表示理解。")
    _at(datetime(2026, 3, 11, 10, 0))
    follow_up.follow_up(
        officer,
        closed,
        method="phone",
        satisfaction="satisfied",
        remarks="家属表示满意，近几晚呼叫响应很快。",
    )
    documents.issue(officer, closed, "receipt")
    _at(datetime(2026, 3, 12, 16, 30))
    sign_off.sign_off(manager, closed, "resolved", "处理到位，家属满意。")

    drafting = _register(
        clerk,
        datetime(2026, 3, 9, 14, 10),
        channel="visit",
        complainant_name="刘建平",
        complainant_phone="13805170023",
        patient_name="刘建平",
        patient_record_no="MZ2026020311",
        visit_department="radiology",
        category="040101",
        severity="minor",
        content="3 月 6 日做 CT 检查，收费单上同一项目收了两次，共多收 1234.50 元。",
        demands="退还多收的费用。",
    )
    _at(datetime(2026, 3, 9, 15, 0))
    acceptance.accept(officer, drafting)
    routing.assign(officer, drafting, ["radiology"], "请核实 3 月 6 日 CT 收费明细")
    _at(datetime(2026, 3, 10, 16, 0))
    routing.respond(
        officer, routing_assignments(officer, drafting)[0], "系统故障导致重复计费，已核实。", "放射科 孔维"
    )
    _at(datetime(2026, 3, 11, 9, 0))
    reply.save_draft(
        officer,
        drafting,
        facts="经核对收费系统日志，3 月 6 日 CT 平扫因网络中断重复计费一次。",
        finding="upheld",
        resolution="退还重复收取的费用，并向患者致歉。",
        refund=Decimal("1234.50"),
        rectification="信息科排查收费系统重复提交问题",
        base_revision=0,
    )

    current = _register(
        clerk,
        datetime(2026, 3, 12, 10, 15),
        channel="visit",
        complainant_name="张桂兰",
        relation="spouse",
        complainant_phone="13912345678",
        complainant_id_number="11010519491231002X",
        complainant_address="江宁区东山街道竹山路 88 号",
        patient_name="李建国",
        patient_record_no="MZ2026031207",
        visit_department="cardiology",
        category="030101",
        severity="serious",
        content="3 月 11 日上午在心内科门诊候诊近三小时无人叫号，询问护士站被告知系统故障，护士态度生硬。"
        "患者有冠心病，候诊期间胸闷，无人关注。",
        demands="要求医院道歉，并改进叫号流程和候诊关怀。",
    )
    _at(datetime(2026, 3, 12, 10, 20))
    overlays.add_attachment(clerk, current, "叫号单照片.png", _photo(), "投诉人提供的叫号单")
    _at(datetime(2026, 3, 12, 11, 0))
    acceptance.accept(officer, current, "已电话联系投诉人，告知办理时限。")
    routing.assign(
        officer,
        current,
        ["cardiology", "nursing"],
        "请核实 3 月 11 日上午候诊及叫号情况\n请说明护士站的解释经过",
    )
    _at(datetime(2026, 3, 12, 14, 30))
    first, _second = routing_assignments(officer, current)
    routing.acknowledge(officer, first, "郑国华")
    _at(datetime(2026, 3, 13, 16, 40))
    routing.respond(
        officer,
        first,
        "当日 9:10–11:40 叫号系统故障，门诊改为人工叫号，未及时告知候诊患者，属实。已安排专人负责故障时的候诊告知。",
        "心内科主任 郑国华",
    )
    _at(NOW)
    return officer, current


def routing_assignments(session: Session, case_id: int) -> list[int]:
    from app.cases.views import open_case

    return [a.id for a in open_case(session, case_id).assignments if a.state != "returned"]


def main() -> int:
    from ui.application import create_application

    create_application()
    out = ROOT / "docs" / "screenshots"
    with TemporaryDirectory() as tmp:
        session, case_id = build_demo(Path(tmp) / "demo.db")
        for path in capture(session, case_id, out):
            print(f"已生成 {path.name}")
        auth.logout(session)
    clock.set_clock(None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
