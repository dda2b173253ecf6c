"""重大 (major) cases under 《医疗纠纷预防和处理条例》: the checklist the office works through, each
tick with who and when, the clock of the report to the 卫生主管部门 (Art. 28), and the setting that
makes a major case restricted (保密) automatically."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app import clock, settings
from app.cases import history
from app.cases.rules import RuleName
from app.deadlines.case_clocks import report_due
from app.deadlines.rules import DeadlineStatus, hours_status
from app.errors import TransitionError, ValidationError
from app.policy import Action, Role, sees_handling
from app.session import Session
from app.validation import clean_note, clean_text
from app.write_path import CaseOperation, case_operation, check, load_case
from models.accounts import User, UserRole
from models.case_record import MajorCheck
from models.cases import Case, CaseAccess


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    basis: str  # the article behind it, as shown
    not_applicable: str = ""  # the wording of "does not apply here", "" when it always applies
    value_label: str = ""  # a value recorded with the tick (the number of representatives)
    note_required: bool = False


ITEMS: tuple[ChecklistItem, ...] = (
    ChecklistItem("leadership", "已报告院领导", "重大投诉即时报告分管院领导"),
    ChecklistItem(
        "authority_report",
        "已向卫生主管部门报告",
        "条例第二十八条：发生重大医疗纠纷的，医疗机构应当按照规定向所在地县级以上地方人民政府卫生主管部门报告",
    ),
    ChecklistItem("routes_told", "已告知解决医疗纠纷的合法途径", "条例第二十三条第（一）项"),
    ChecklistItem(
        "sealing_told", "已告知病历资料、现场实物封存和启封的规定", "条例第二十三条第（二）项、第二十四条"
    ),
    ChecklistItem("copying_told", "已告知病历资料查阅、复制的规定", "条例第二十三条第（三）项"),
    ChecklistItem(
        "autopsy_told",
        "已告知近亲属有关尸检的规定",
        "条例第二十三条：患者死亡的，还应当告知其近亲属有关尸检的规定",
        not_applicable="患者未死亡，不适用",
    ),
    ChecklistItem(
        "representatives",
        "协商时每方代表不超过 5 人",
        "条例第三十条：医患双方人数较多的，应当推举代表进行协商，每方代表人数不超过 5 人",
        value_label="投诉方代表人数",
    ),
    ChecklistItem(
        "settlement",
        "已签署书面和解协议书",
        "条例第三十条：医患双方经协商达成一致的，应当签署书面和解协议书",
        not_applicable="未达成和解，不适用",
        note_required=True,
    ),
)
BY_KEY = {item.key: item for item in ITEMS}
MAX_REPRESENTATIVES = 5
STATUS_LABELS = {"done": "已完成", "not_applicable": "不适用"}
AUTO_RESTRICT_SUMMARY = history.AUTO_RESTRICT_SUMMARY


def is_major(case: Case) -> bool:
    return case.severity == "major" or case.escalated_at is not None


@dataclass(frozen=True)
class ItemState:
    item: ChecklistItem
    status: str  # "" (open), done, not_applicable
    value: str
    note: str
    at: datetime | None
    by: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, "未完成")


@dataclass(frozen=True)
class MajorChecklist:
    items: tuple[ItemState, ...]
    report_due: datetime | None  # Art. 28 report due (hours clock from the escalation)
    report_status: DeadlineStatus | None  # while the report is outstanding

    @property
    def open_count(self) -> int:
        return sum(1 for s in self.items if not s.status)


def checklist(session: Session, case_id: int) -> MajorChecklist | None:
    """The checklist of a major case (None for another case, or for a user who does not see the handling)."""
    case = load_case(case_id)
    case_facts = check(session, Action.VIEW_CASE, case)
    if not is_major(case) or not sees_handling(session.user, case_facts):
        return None
    rows = list(MajorCheck.select().where(MajorCheck.case == case_id).order_by(MajorCheck.id))
    latest = {r.item: r for r in rows}  # a later tick of the same item replaces the earlier one
    names = {u.id: u.display_name for u in User.select().where(User.id.in_({r.by_id for r in rows}))}
    states = tuple(
        ItemState(item, r.status, r.value, r.note, r.at, names.get(r.by_id, ""))
        if (r := latest.get(item.key))
        else ItemState(item, "", "", "", None, "")
        for item in ITEMS
    )
    due = report_due(case.escalated_at) if case.escalated_at else None
    reported = "authority_report" in latest
    status = None
    if due is not None and not reported:
        status = hours_status(due, clock.now(), amber_hours=2)
    return MajorChecklist(states, due, status)


def tick_summary(item: ChecklistItem, status: str, value: str) -> str:
    text = item.not_applicable if status == "not_applicable" else item.label
    if item.value_label and value:
        text += f"（{item.value_label} {value} 人）"
    return f"重大投诉事项：{text}"


def tick(
    session: Session,
    case_id: int,
    item_key: str,
    *,
    status: str = "done",
    value: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> None:
    """Tick one item of the checklist (again: a later tick replaces the earlier one, both are kept)."""
    with case_operation(session, case_id, RuleName.MAJOR_CHECK, expected_version=expected_version) as op:
        item = BY_KEY.get(item_key)
        if item is None:
            raise ValidationError("item", "清单事项", "未知的清单事项")
        if not is_major(op.case):
            raise TransitionError("只有重大投诉有此清单")
        if status not in STATUS_LABELS or (status == "not_applicable" and not item.not_applicable):
            raise ValidationError("status", item.label, "该事项不能标为不适用")
        value = clean_text(value, field="value", label=item.value_label or "数值", max_len=10)
        if (
            item.value_label
            and status == "done"
            and not (value.isdigit() and 1 <= int(value) <= MAX_REPRESENTATIVES)
        ):
            raise ValidationError(
                "value", item.value_label, f"条例第三十条规定每方代表人数不超过 {MAX_REPRESENTATIVES} 人"
            )
        note = clean_note(note, "说明", required=item.note_required and status == "done")
        MajorCheck.create(
            case=case_id,
            item=item.key,
            status=status,
            value=value,
            note=note,
            at=clock.now(),
            by=session.user.id,
        )
        op.event(tick_summary(item, status, value), note)
        op.detail.update(item=item.key, status=status)


def restrict_if_configured(op: CaseOperation) -> bool:
    """A major case is restricted (保密) when the setting says so (on by default) as soon as the office
    has it — when it is accepted (受理) or escalated (上报) — so the front desk that registered it can
    still print its 受理回执. The officers among the registering user, the case's officer and the
    one acting stay named. True when it restricted the case."""
    case = op.case
    if case.restricted or not settings.get("major_auto_restrict"):
        return False
    case.restricted = True
    for user_id in {case.registered_by_id, case.officer_id, op.session.user.id} - {None}:
        is_officer = (
            UserRole.select().where((UserRole.user == user_id) & (UserRole.role == Role.OFFICER)).exists()
        )
        already = (
            CaseAccess.select().where((CaseAccess.case == case.id) & (CaseAccess.user == user_id)).exists()
        )
        if is_officer and not already:
            CaseAccess.create(case=case.id, user=user_id)
    op.event(AUTO_RESTRICT_SUMMARY)
    return True
