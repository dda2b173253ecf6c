"""Case helpers shared by the tests: the settable clock, a sample intake form, and the main path of
DESIGN §4 (and its side exits) walked through the services."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from app.cases import acceptance, follow_up, intake, overlays, reply, routing, sign_off
from app.cases.intake import IntakeForm
from app.cases.states import State
from app.session import Session
from models.cases import Assignment, Case

# Tuesday 10 March 2026, 09:00: a working day, inside office hours.
START = datetime(2026, 3, 10, 9, 0)
PHONE = "13912345678"
ID_NUMBER = "11010519491231002X"  # GB 11643 check digit X
DEPARTMENTS = ("cardiology", "nursing", "radiology", "pharmacy", "laboratory", "outpatient")
MAIN_PATH = (
    State.REGISTERED,
    State.ACCEPTED,
    State.IN_PROGRESS,
    State.DRAFTING,
    State.PENDING_APPROVAL,
    State.APPROVED,
    State.REPLIED,
    State.AWAITING_SIGN_OFF,
    State.CLOSED,
)


class FakeClock:
    """The application clock (app.clock.set_clock), moved by hand."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        self.at = at

    def advance(self, **kwargs: float) -> datetime:
        self.at += timedelta(**kwargs)
        return self.at


def form(**overrides: object) -> IntakeForm:
    values: dict[str, object] = {
        "channel": "visit",
        "content": "患者在门诊候诊三小时无人叫号，询问护士站被告知系统故障，态度生硬。",
        "complainant_name": "张桂兰",
        "complainant_phone": PHONE,
        "complainant_id_number": ID_NUMBER,
        "patient_name": "李建国",
        "demands": "要求医院道歉并改进叫号流程",
    }
    values.update(overrides)
    return IntakeForm(**values)  # type: ignore[arg-type]


def register(clerk: Session, **overrides: object) -> int:
    return intake.register(clerk, form(**overrides)).case_id


def draft(officer: Session, case_id: int) -> None:
    """拟稿 with the facts, finding and opinion filled in (ready to submit)."""
    reply.save_draft(
        officer,
        case_id,
        facts="经调取叫号系统日志及护士站值班记录，当日 9:10–11:40 叫号系统故障。",
        finding="partly_upheld",
        resolution="向患者致歉；门诊部完善系统故障时的人工叫号预案。",
        base_revision=reply.current_revision(case_id),
    )


def walk(
    officer: Session,
    manager: Session,
    case_id: int,
    state: str,
    departments: Sequence[str] = DEPARTMENTS[:2],
) -> None:
    """Move a case from where it stands along the main path (or to a side exit: 不予受理, 合并) through
    the services until it is in `state`."""
    if state == Case.get_by_id(case_id).state:
        return
    if state == State.REJECTED:
        acceptance.reject(officer, case_id, "out_of_scope")
        return
    if state == State.MERGED:
        target = register(officer, content="同一投诉人就同一事项再次来访，要求尽快答复。")
        overlays.merge(officer, case_id, target)
        return
    current = Case.get_by_id(case_id).state
    for step in MAIN_PATH[MAIN_PATH.index(State(current)) + 1 : MAIN_PATH.index(State(state)) + 1]:
        if step == State.ACCEPTED:
            acceptance.accept(officer, case_id)
        elif step == State.IN_PROGRESS:
            routing.assign(officer, case_id, list(departments), "请核实当日叫号情况")
        elif step == State.DRAFTING:
            for a in Assignment.select().where(Assignment.case == case_id):
                routing.respond(officer, a.id, "已核实，系统故障属实。", "科室主任")
        elif step == State.PENDING_APPROVAL:
            draft(officer, case_id)
            reply.submit_for_approval(officer, case_id)
        elif step == State.APPROVED:
            reply.approve(manager, case_id, "同意")
        elif step == State.REPLIED:
            reply.record_reply(officer, case_id, "phone")
        elif step == State.AWAITING_SIGN_OFF:
            follow_up.follow_up(officer, case_id, method="phone", satisfaction="satisfied")
        elif step == State.CLOSED:
            sign_off.sign_off(manager, case_id)
    assert Case.get_by_id(case_id).state == state
