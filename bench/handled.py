"""Bytes of a fully handled case with its five documents, written through the real services.

    python -m bench.handled [--cases 30] [--db PATH] [--json OUT]

Makes a demo database without cases, then registers `--cases` complaints as the clerk and takes
each through 受理, 转办 to two departments, their 反馈, 拟稿, 审批, 答复, 回访 and 销项 as the officer
and the manager, issuing its 受理回执, 登记表, two 转办单 and 处理结果告知书 (stored compact and sealed,
as at the desk). The database is measured (bench.storage) before and after; the difference per
case is printed per table and index. The font file stored once per database (`document_font`) is
shown apart.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from bench.harness import DEFAULT_PASSWORD
from bench.storage import measure

NARRATIVES = (
    "患者在门诊候诊三小时无人叫号，询问护士站被告知系统故障，护士态度生硬，未作任何解释。",
    "住院费用清单中重复收取护理费（二级护理×2），多收120元，多次到收费处询问无人答复。",
    "夜间急诊分诊等候过久，患儿高热四十度仍被安排排队，家属情绪激动，值班医生未及时处置。",
    "检查报告出具延迟五个工作日，影响后续治疗安排，电话询问放射科多次均称系统问题。",
)
DEPARTMENTS = ["cardiology", "nursing"]


def handle(count: int, path: Path, password: str) -> tuple[dict, dict]:
    """(measure before the cases, measure after them) of a new database at `path`."""
    from app import auth
    from app.cases import acceptance, documents, follow_up, intake, reply, routing, sign_off
    from app.cases.intake import IntakeForm
    from app.demo import create_demo_database
    from models.cases import Assignment
    from models.database import database_proxy

    session, _info = create_demo_database(path, password, 0)
    auth.logout(session)
    officer = auth.login_local(path, "officer", password)
    manager = replace(officer, user=auth.current_user("manager"), slots=None, db_key=None)
    clerk = replace(officer, user=auth.current_user("clerk"), slots=None, db_key=None)
    documents.issue(officer, _first_case(clerk, intake, IntakeForm), "receipt")  # the font file, stored once
    before = measure(database_proxy.obj)
    for n in range(count):
        form = IntakeForm(
            channel="visit",
            content=f"{NARRATIVES[n % len(NARRATIVES)]}（第 {n + 1} 件）",
            complainant_name="张桂兰",
            complainant_phone=f"139{n:08d}",
            complainant_id_number="",
            patient_name="李建国",
            demands="要求医院道歉、说明原因并改进流程",
        )
        case_id = intake.register(clerk, form).case_id
        documents.issue(clerk, case_id, "receipt")
        documents.issue(clerk, case_id, "registration")
        acceptance.accept(officer, case_id)
        routing.assign(officer, case_id, DEPARTMENTS, "请核实当日情况并反馈")
        for a in Assignment.select().where(Assignment.case == case_id):
            documents.issue(officer, case_id, "dispatch", assignment_id=a.id)
            routing.respond(officer, a.id, "已核实，情况属实，已对当事人批评教育。", "科室主任")
        reply.save_draft(
            officer,
            case_id,
            facts="经调取系统日志及值班记录核实，投诉反映的情况基本属实。",
            finding="partly_upheld",
            resolution="向患者致歉；相关科室完善流程并组织培训。",
            base_revision=reply.current_revision(case_id),
        )
        reply.submit_for_approval(officer, case_id)
        reply.approve(manager, case_id, "同意")
        documents.issue(officer, case_id, "result")
        reply.record_reply(officer, case_id, "phone")
        follow_up.follow_up(officer, case_id, method="phone", satisfaction="satisfied")
        sign_off.sign_off(manager, case_id)
    after = measure(database_proxy.obj)
    auth.logout(officer)
    return before, after


def _first_case(clerk, intake, form_type) -> int:  # noqa: ANN001 - the modules imported above
    """One case registered before the measurement, so that the font file is stored before it."""
    form = form_type(
        channel="visit", content=NARRATIVES[0], complainant_name="王芳", complainant_phone="13800000000", demands="要求道歉"
    )
    return intake.register(clerk, form).case_id


def per_case(before: dict, after: dict, count: int) -> list[tuple[str, str, float]]:
    """(object, table, bytes per case) of what the cases added, biggest first."""
    old = {name: size for name, _table, size in before["objects"]}
    rows = [(name, table, (size - old.get(name, 0)) / count) for name, table, size in after["objects"]]
    return sorted((r for r in rows if r[2] > 0), key=lambda r: -r[2])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="bytes of a fully handled case with its five documents")
    parser.add_argument("--cases", type=int, default=30)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "handled.db"
        before, after = handle(args.cases, path, DEFAULT_PASSWORD)
    rows = per_case(before, after, args.cases)
    total = sum(size for _name, _table, size in rows)
    fonts = sum(size for name, table, size in before["objects"] if table == "document_font")
    print(f"{args.cases} fully handled cases, 5 documents each: {total:,.0f} bytes per case")
    print(f"(the font file, once per database: {fonts / 1e6:.1f} MB in document_font)")
    print(f"{'object':<44} {'table':<24} {'B/case':>8}")
    for name, table, size in rows:
        print(f"{name:<44} {table:<24} {size:>8.0f}")
    if args.json:
        args.json.write_text(json.dumps({"cases": args.cases, "per_case": rows}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
