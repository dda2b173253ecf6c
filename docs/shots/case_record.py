"""Screenshots of the case record (docs/screenshots/case_*.png): a walk-in complaint that raises two
issues — registered with both, routed issue by issue, found issue by issue — and its 投诉事项 tab.

And a night-duty case corrected the next morning (更正登记信息: the dialog, the timeline).
`capture(login, outdir)` works on the demo database (`login(username)` gives a session of the demo's
clerk, officer and manager). Run on its own (`python docs/shots/case_record.py`) it builds a small
demo database first. The people and cases are fictitious.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from tempfile import TemporaryDirectory

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app import clock, departments  # noqa: E402
from app.cases import acceptance, corrections, intake, issues, routing  # noqa: E402
from app.cases.category_tree import category_leaves  # noqa: E402
from app.cases.intake import IntakeForm  # noqa: E402
from app.cases.issues import IssueInput  # noqa: E402
from app.session import Session  # noqa: E402
from docs.shots.standalone import save  # noqa: E402
from ui.intake.intake_page import IntakePage  # noqa: E402
from ui.workspace import CaseWorkspace  # noqa: E402
from ui.workspace.correction_dialog import CorrectionDialog  # noqa: E402
from ui.workspace.issue_dialogs import IssueRouteDialog  # noqa: E402

NOW = datetime(2026, 3, 16, 9, 24)  # a Monday morning, as in docs/make_screenshots.py
SIZES = (((1280, 800), ""), ((1024, 700), "_1024"))
# The family of the two-issue complaint, who come back about it (重复投诉).
FAMILY = {
    "complainant_name": "韩淑珍",
    "relation": "spouse",
    "complainant_phone": "13851234987",
    "patient_name": "韩国栋",
}


def _at(moment: datetime) -> None:
    clock.set_clock(lambda: moment)


def _two_issue_case(clerk: Session, officer: Session) -> int:
    """The night nurse ignored the call bell AND the bill charged a stopped drug."""
    _at(datetime(2026, 3, 13, 10, 5))
    case_id = intake.register(
        clerk,
        IntakeForm(
            channel="visit",
            **FAMILY,
            patient_record_no="ZY2026002417",
            visit_department="cardiology",
            content=(
                "丈夫住心内科病房期间，3 月 11 日夜里按呼叫铃近四十分钟无人应答；"
                "出院结算时发现 3 月 9 日已停用的注射用药仍连续计费三天。"
            ),
            demands="要求说明情况、退还多收费用并改进夜班护理。",
            issues=[
                IssueInput(summary="夜间呼叫铃近四十分钟无人应答", category="020202"),
                IssueInput(summary="已停用的注射用药仍连续计费三天", category="040101"),
            ],
        ),
    ).case_id
    _at(datetime(2026, 3, 13, 10, 40))
    acceptance.accept(officer, case_id)
    return case_id


def capture(login: Callable[[str], Session], outdir: Path) -> list[Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    clerk, officer = login("clerk"), login("officer")
    shots: list[Path] = []
    case_id = _two_issue_case(clerk, officer)

    _at(datetime(2026, 3, 13, 10, 45))
    route = IssueRouteDialog(issues.issues_of(case_id), departments.list_departments(include_inactive=False))
    route.rows[1][1].set_code("finance")
    route.rows[0][2].setPlainText("3 月 11 日夜班呼叫记录及应答时间\n当班护士人数")
    route.rows[1][2].setPlainText("停药医嘱后为何仍计费三天")
    route.show()
    shots.append(save(route, outdir / "case_issue_route.png"))
    routing.route_issues(officer, case_id, route.routes(), route.questions())
    route.close()

    bell, drug = issues.issues_of(case_id)
    _at(datetime(2026, 3, 16, 9, 10))
    issues.set_finding(officer, bell.id, "upheld", "呼叫系统记录显示 23:52 呼叫，00:29 方有护士应答。")
    issues.set_finding(officer, drug.id, "partly_upheld", "停药医嘱录入延迟一天，多计费一天，已退费。")
    _at(NOW)
    for size, suffix in SIZES:
        workspace = CaseWorkspace(officer, case_id)
        workspace.resize(*size)
        workspace.show()
        workspace.tabs.setCurrentIndex(CaseWorkspace.TAB_ISSUES)
        workspace.issues.view.selectRow(1)
        shots.append(save(workspace, outdir / f"case_issues{suffix}.png"))
        workspace.close()

    shots += _correction(login, outdir, leaves := {leaf.code: leaf for leaf in category_leaves()})
    shots += _repeat(clerk, officer, case_id, outdir)

    page = IntakePage(clerk)
    page.resize(1280, 800)
    page.show()
    form = page.full_form
    form.complainant_name.setText("许桂英")
    form.phone.setText("13770021458")
    form.narrative.setPlainText("在门诊收费窗口排队缴费，工作人员态度生硬；缴费后药房又发错了一种药。")
    form.category.set_leaf(leaves["030302"])
    form.extra_issues.first_summary.setText("收费窗口工作人员态度生硬")
    row = form.extra_issues.add_row()
    row.summary.setText("药房发错药")
    row.category.set_leaf(leaves["090102"])
    shots.append(save(page, outdir / "case_intake_issues.png"))
    page.close()
    return shots


def _correction(login: Callable[[str], Session], outdir: Path, leaves: dict) -> list[Path]:
    """A night-duty phone complaint without a category, corrected by the officer the next morning."""
    _at(datetime(2026, 3, 15, 23, 48))
    night = login("night_duty")
    case_id = intake.register(
        night,
        IntakeForm(
            channel="phone",
            complainant_name="邵建平",
            complainant_phone="13905181276",
            patient_name="邵立群",
            content="父亲在急诊留观，输液结束后四十分钟没有护士来拔针，家属多次去护士站催。",
            demands="希望护士长出面说明。",
        ),
    ).case_id
    _at(NOW)
    officer = login("officer")
    dialog = CorrectionDialog(
        corrections.registration(officer, case_id),
        list(leaves.values()),
        departments.list_departments(include_inactive=False),
    )
    dialog.editors["category"].set_leaf(leaves["020201"])
    dialog.editors["visit_department"].set_code("emergency")
    dialog.reason_edit.setPlainText("总值班夜间登记时未选择类别和就诊科室，今晨电话核实后补充。")
    dialog.show()
    shots = [save(dialog, outdir / "case_correction_dialog.png")]
    corrections.correct(officer, case_id, dialog.changes(), dialog.reason())
    dialog.close()
    for size, suffix in SIZES:
        workspace = CaseWorkspace(officer, case_id)
        workspace.resize(*size)
        workspace.show()
        shots.append(save(workspace, outdir / f"case_correction{suffix}.png"))
        workspace.close()
    return shots


def _repeat(clerk: Session, officer: Session, earlier: int, outdir: Path) -> list[Path]:
    """The same family back about the same matter: registered as a 重复投诉 of the earlier case."""
    _at(datetime(2026, 3, 16, 9, 15))
    case_id = intake.register(
        clerk,
        IntakeForm(
            channel="visit",
            **FAMILY,
            content="上周反映的夜间呼叫无人应答和多收药费，至今没有答复，今天再次来访。",
            demands="要求尽快书面答复。",
            category="020202",
            repeat_of=[earlier],
        ),
    ).case_id
    _at(NOW)
    workspace = CaseWorkspace(officer, case_id)
    workspace.resize(1280, 800)
    workspace.show()
    shot = save(workspace, outdir / "case_repeat.png")
    workspace.close()
    return [shot]


if __name__ == "__main__":
    from app import auth
    from app.demo import create_demo_database
    from ui.application import create_application

    create_application()
    password = "Demo2026pass"
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.db"
        _at(datetime(2026, 3, 2, 9, 0))
        session, _info = create_demo_database(path, password)
        auth.logout(session)
        for shot in capture(lambda name: auth.login_local(path, name, password), ROOT / "docs" / "screenshots"):
            print(f"已生成 {shot.name}")
