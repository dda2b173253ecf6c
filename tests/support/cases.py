"""Case fixtures shared by the UI test folders: a settable clock, a sample intake form, and the
main path of DESIGN §4 walked through the services."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.cases import acceptance, follow_up, intake, reply, routing, sign_off
from app.cases.intake import IntakeForm
from app.cases.states import State
from app.cases.views import open_case
from app.session import Session

# Tuesday 10 March 2026, 09:00: a working day, inside office hours.
START = datetime(2026, 3, 10, 9, 0)
PHONE = "13912345678"
ID_NUMBER = "11010519491231002X"  # GB 11643 check digit X
DEPARTMENTS = ("cardiology", "nursing")
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


def walk(
    officer: Session, manager: Session, case_id: int, state: str, departments: tuple[str, ...] = DEPARTMENTS
) -> None:
    """Move a case along the main path through the services until it is in `state`."""
    current = open_case(manager, case_id).state
    for step in MAIN_PATH[MAIN_PATH.index(State(current)) + 1 : MAIN_PATH.index(State(state)) + 1]:
        if step == State.ACCEPTED:
            acceptance.accept(officer, case_id)
        elif step == State.IN_PROGRESS:
            routing.assign(officer, case_id, list(departments), "请核实当日叫号情况")
        elif step == State.DRAFTING:
            for a in open_case(officer, case_id).assignments:
                routing.respond(officer, a.id, "已核实，系统故障属实。", "科室主任")
        elif step == State.PENDING_APPROVAL:
            reply.save_draft(
                officer,
                case_id,
                facts="经核实，当日叫号系统故障。",
                finding="partly_upheld",
                resolution="向患者致歉，完善人工叫号预案。",
            )
            reply.submit_for_approval(officer, case_id)
        elif step == State.APPROVED:
            reply.approve(manager, case_id, "同意")
        elif step == State.REPLIED:
            reply.record_reply(officer, case_id, "phone")
        elif step == State.AWAITING_SIGN_OFF:
            follow_up.follow_up(officer, case_id, method="phone", satisfaction="satisfied")
        elif step == State.CLOSED:
            sign_off.sign_off(manager, case_id)
