"""投诉事项: the issues one complaint raises, each with its category, responsible department,
questions for that department and finding; the case finding derived from them (or set by hand
with a reason). The counting rule and the API are described in docs/case-record.md.

Writes go through `case_operation` (timeline + audit). Reads for other features (statistics, the
ledger, 整改) use `issues_of`, `issues_by_case` and the counting helpers at the end; they do not
check a permission themselves — the caller has already done so for the cases it asks about.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

import peewee

from app import clock
from app.cases.rules import RuleName
from app.departments import active_department_id
from app.errors import NotFoundError, TransitionError, ValidationError
from app.session import Session
from app.validation import FINDINGS, clean_note, clean_text, validate_choice
from app.write_path import CaseOperation, case_operation
from models.cases import Case, CaseIssue, Category, FindingOverride
from models.organisation import Department

SUMMARY_MAX = 200
UNCATEGORISED = "未分类"

# -- the derived case finding ------------------------------------------------------------------------


def derive_finding(findings: Iterable[str]) -> str:
    """The case finding from its issues' findings ("" while any issue is undecided):
    all 成立 → 成立; any 成立 or 部分成立 otherwise → 部分成立; all 不成立 → 不成立;
    otherwise (不成立 and 无法认定 mixed, or all 无法认定) → 无法认定."""
    values = list(findings)
    if not values or any(not f for f in values):
        return ""
    kinds = set(values)
    if kinds == {"upheld"}:
        return "upheld"
    if kinds & {"upheld", "partly_upheld"}:
        return "partly_upheld"
    if kinds == {"not_upheld"}:
        return "not_upheld"
    return "undetermined"


# -- reading ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssueRecord:
    """One issue as stored, with the names of its category and department."""

    id: int
    case_id: int
    seq: int
    summary: str
    category_id: int | None
    category_code: str
    category_path: str
    department_id: int | None
    department_code: str
    department: str
    questions: str
    finding: str
    finding_note: str

    @property
    def finding_label(self) -> str:
        return FINDINGS.get(self.finding, "")

    @property
    def title(self) -> str:
        """What the issue is called in lists and letters: its summary, else its category."""
        return self.summary or self.category_path or UNCATEGORISED

    def heading(self) -> str:
        """ "事项1：…" as the letters and the timeline name it."""
        return f"事项{self.seq}：{self.title}"


def _issue_query() -> peewee.ModelSelect:
    return (
        CaseIssue.select(
            CaseIssue,
            Category.code.alias("category_code"),
            Category.path.alias("category_path"),
            Department.code.alias("department_code"),
            Department.name.alias("department_name"),
        )
        .join(Category, peewee.JOIN.LEFT_OUTER, on=(CaseIssue.category == Category.id))
        .join(Department, peewee.JOIN.LEFT_OUTER, on=(CaseIssue.department == Department.id), src=CaseIssue)
        .order_by(CaseIssue.case, CaseIssue.seq)
    )


def _record(row: CaseIssue) -> IssueRecord:
    return IssueRecord(
        id=row.id,
        case_id=row.case_id,
        seq=row.seq,
        summary=row.summary,
        category_id=row.category_id,
        category_code=row.category_code or "",
        category_path=row.category_path or "",
        department_id=row.department_id,
        department_code=row.department_code or "",
        department=row.department_name or "",
        questions=row.questions,
        finding=row.finding,
        finding_note=row.finding_note,
    )


def issues_of(case_id: int) -> list[IssueRecord]:
    """The issues of one case in order (seq 1, 2, …). Unchecked: for services that checked already."""
    return [_record(r) for r in _issue_query().where(CaseIssue.case == case_id).objects()]


def issues_by_case(case_ids: Iterable[int]) -> dict[int, list[IssueRecord]]:
    """The issues of many cases (the ledger export, 整改), in chunks; cases without issues are absent."""
    ids = list(dict.fromkeys(case_ids))
    found: dict[int, list[IssueRecord]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in _issue_query().where(CaseIssue.case.in_(chunk)).objects():
            found.setdefault(row.case_id, []).append(_record(row))
    return found


@dataclass(frozen=True)
class CaseFinding:
    """The case finding: the effective one, the one derived from the issues, and an override."""

    finding: str  # what the case says: the override if there is one, else the derived finding
    derived: str
    overridden: bool
    override_reason: str

    @property
    def label(self) -> str:
        return FINDINGS.get(self.finding, "")

    @property
    def derived_label(self) -> str:
        return FINDINGS.get(self.derived, "")


def case_finding(case_id: int, issues: Iterable[IssueRecord] | None = None) -> CaseFinding:
    """The case finding as derived from its issues (`issues` when the caller has read them) and,
    when set, overridden by hand."""
    if issues is not None:
        derived = derive_finding(i.finding for i in issues)
    else:
        derived = derive_finding(
            r.finding for r in CaseIssue.select(CaseIssue.finding).where(CaseIssue.case == case_id)
        )
    override = FindingOverride.get_or_none(FindingOverride.case == case_id)
    if override is None:
        return CaseFinding(derived, derived, False, "")
    return CaseFinding(override.finding, derived, True, override.reason)


# -- the counting rule (docs/case-record.md) ---------------------------------------------------------


def _counts(column: peewee.Field, cases: peewee.Select | None) -> dict[int | None, int]:
    query = CaseIssue.select(column, peewee.fn.COUNT(CaseIssue.case.distinct()).alias("n"))
    if cases is not None:
        query = query.where(CaseIssue.case.in_(cases))
    return {row[0]: row[1] for row in query.group_by(column).tuples()}


def cases_per_category(cases: peewee.Select | None = None) -> dict[int | None, int]:
    """Category id → number of cases with at least one issue in that category (None: 未分类).
    `cases` is a query selecting case ids (e.g. a period's visible cases); None means all cases.
    A case with two issues in different categories counts once under each; with two issues in the
    same category, once under it."""
    return _counts(CaseIssue.category, cases)


def cases_per_department(cases: peewee.Select | None = None) -> dict[int | None, int]:
    """Department id → number of cases with at least one issue assigned to it (None: not yet assigned)."""
    return _counts(CaseIssue.department, cases)


def issues_per_finding(cases: peewee.Select | None = None) -> dict[str, int]:
    """Finding → number of issues with it ("" : not yet decided); the per-issue finding rate."""
    query = CaseIssue.select(CaseIssue.finding, peewee.fn.COUNT(CaseIssue.id))
    if cases is not None:
        query = query.where(CaseIssue.case.in_(cases))
    return dict(query.group_by(CaseIssue.finding).tuples())


# -- validation ----------------------------------------------------------------------------------------


def category_id(code: str, field: str = "category") -> int | None:
    """The id of an active leaf category ("" → None)."""
    if not code:
        return None
    child = Category.alias()
    has_children = peewee.fn.EXISTS(child.select(child.id).where(child.parent == Category.id))
    row = (
        Category.select(Category.id, has_children.alias("has_children"))
        .where((Category.code == code) & (Category.active == True))  # noqa: E712
        .tuples()
        .first()
    )  # one statement: the category and whether it is a leaf
    if row is None or row[1]:
        raise ValidationError(field, "投诉类别", "请选择到最末一级类别")
    return row[0]


def default_department_id(category: int | None) -> int | None:
    """The department a category sends its issues to by default (if active)."""
    if category is None:
        return None
    return (
        Department.select(Department.id)
        .join(Category, on=(Category.default_department == Department.id))
        .where((Category.id == category) & (Department.active == True))  # noqa: E712
        .scalar()
    )


@dataclass(frozen=True)
class IssueInput:
    """An issue as a form submits it: summary, category leaf code, department code ("": the
    category's default department), questions for that department."""

    summary: str = ""
    category: str = ""
    department: str = ""
    questions: str = ""


@dataclass(frozen=True)
class _CleanIssue:
    summary: str
    category_id: int | None
    department_id: int | None
    questions: str


def clean_issue(issue: IssueInput, required_summary: bool = False) -> _CleanIssue:
    summary = clean_text(
        issue.summary, field="issue_summary", label="事项概述", max_len=SUMMARY_MAX, required=required_summary
    )
    category = category_id(issue.category, "issue_category")
    department = active_department_id(issue.department, field="issue_department", label="责任科室")
    questions = clean_note(issue.questions, "需科室答复的问题", max_len=5000)
    return _CleanIssue(summary, category, department or default_department_id(category), questions)


# -- writing ---------------------------------------------------------------------------------------------


def create_issue(case: Case, seq: int, issue: _CleanIssue, user_id: int, now: datetime) -> CaseIssue:
    """Store one issue (intake and `add_issue` share this; the caller writes the timeline)."""
    return CaseIssue.create(
        case=case.id,
        seq=seq,
        summary=issue.summary,
        category=issue.category_id,
        department=issue.department_id,
        questions=issue.questions,
        created_at=now,
        created_by=user_id,
    )


def sync_case(op: CaseOperation, announce: bool = True) -> None:
    """Keep the case's own columns in step with its issues: `category` is the first issue's (lists,
    search and the board show it), `finding` the effective case finding. On a case with several
    issues a change of the derived finding is noted on the timeline (`announce`)."""
    rows = list(
        CaseIssue.select(CaseIssue.category).where(CaseIssue.case == op.case.id).order_by(CaseIssue.seq)
    )
    if rows and rows[0].category_id != op.case.category_id:
        op.case.category = rows[0].category_id
        op.reindex = True
    finding = case_finding(op.case.id)
    if finding.finding != op.case.finding:
        op.case.finding = finding.finding
        if announce and len(rows) > 1 and not finding.overridden:
            op.event(derived_summary(finding.finding))
        op.detail["case_finding"] = finding.finding


def flag_recurrence(op: CaseOperation) -> None:
    """整改后复发: an issue's new category or department may repeat a problem already rectified."""
    from app.rectification import recurrence

    for line in recurrence.flag(op.session, op.case):
        op.event(line)


def derived_summary(finding: str) -> str:
    label = FINDINGS.get(finding, "")
    return f"案件结论（由各事项得出）：{label}" if label else "案件结论待各事项认定后得出"


def _issue(issue_id: int) -> CaseIssue:
    row = CaseIssue.get_or_none(CaseIssue.id == issue_id)
    if row is None:
        raise NotFoundError("投诉事项不存在")
    return row


def _names(category: int | None, department: int | None) -> tuple[str, str]:
    return (
        Category.get_by_id(category).path if category else UNCATEGORISED,
        Department.get_by_id(department).name if department else "未指定",
    )


def issue_note(category: int | None, department: int | None) -> str:
    path, dept = _names(category, department)
    return f"类别：{path}；责任科室：{dept}"


def add_issue(session: Session, case_id: int, issue: IssueInput, expected_version: int | None = None) -> int:
    """新增投诉事项. Returns its id."""
    with case_operation(session, case_id, RuleName.ADD_ISSUE, expected_version=expected_version) as op:
        clean = clean_issue(issue, required_summary=True)
        seq = (
            CaseIssue.select(peewee.fn.MAX(CaseIssue.seq)).where(CaseIssue.case == case_id).scalar() or 0
        ) + 1
        row = create_issue(op.case, seq, clean, session.user.id, clock.now())
        op.event(f"新增投诉事项{seq}：{clean.summary}", issue_note(clean.category_id, clean.department_id))
        op.detail.update(seq=seq)
        sync_case(op)
        flag_recurrence(op)
    return row.id


def edit_issue(
    session: Session, issue_id: int, issue: IssueInput, expected_version: int | None = None
) -> None:
    """修改投诉事项: summary, category, department, questions. Each change is on the timeline."""
    row = _issue(issue_id)
    with case_operation(session, row.case_id, RuleName.EDIT_ISSUE, expected_version=expected_version) as op:
        clean = clean_issue(issue)
        row = _issue(issue_id)
        changes = []
        if clean.summary != row.summary:
            changes.append(f"概述：{row.summary or '—'} → {clean.summary or '—'}")
        if clean.category_id != row.category_id:
            changes.append(f"类别：{_names(row.category_id, None)[0]} → {_names(clean.category_id, None)[0]}")
        if clean.department_id != row.department_id:
            before, after = _names(None, row.department_id)[1], _names(None, clean.department_id)[1]
            changes.append(f"责任科室：{before} → {after}")
        if clean.questions != row.questions:
            changes.append("需科室答复的问题已修改")
        if not changes:
            raise ValidationError("issue_summary", "投诉事项", "没有需要保存的修改")
        CaseIssue.update(
            summary=clean.summary,
            category=clean.category_id,
            department=clean.department_id,
            questions=clean.questions,
        ).where(CaseIssue.id == issue_id).execute()
        op.event(f"修改投诉事项{row.seq}", "\n".join(changes))
        op.detail.update(seq=row.seq, changed=len(changes))
        sync_case(op)
        flag_recurrence(op)


def remove_issue(session: Session, issue_id: int, reason: str, expected_version: int | None = None) -> None:
    """删除投诉事项 (recorded by mistake, or merged into another): never the last one."""
    row = _issue(issue_id)
    with case_operation(session, row.case_id, RuleName.REMOVE_ISSUE, expected_version=expected_version) as op:
        reason = clean_note(reason, "删除原因", required=True, max_len=500)
        row = _issue(issue_id)
        if CaseIssue.select().where(CaseIssue.case == row.case_id).count() <= 1:
            raise TransitionError("案件至少保留一个投诉事项")
        title = row.summary or _names(row.category_id, None)[0]
        CaseIssue.delete().where(CaseIssue.id == issue_id).execute()
        op.event(f"删除投诉事项{row.seq}：{title}", reason)
        op.detail.update(seq=row.seq)
        sync_case(op)


@dataclass(frozen=True)
class IssueFinding:
    """One issue's finding and the office's note on it, as the 处理意见 form gives them."""

    finding: str  # a FINDINGS key, or "" (待认定)
    note: str = ""


@dataclass(frozen=True)
class FindingChoice:
    """改定案件结论 as a form gives it: `finding` with its reason; `finding` "" withdraws the override."""

    finding: str
    reason: str = ""


def _record_issue_finding(
    op: CaseOperation, row: CaseIssue, value: IssueFinding, field: str = "finding"
) -> None:
    """Write one issue's finding and note (validated), with its timeline entry, when they change."""
    label = f"事项{row.seq}认定"
    finding = validate_choice(value.finding, FINDINGS, field=field, label=label) if value.finding else ""
    note = clean_note(value.note, f"事项{row.seq}认定说明", max_len=5000)
    if (finding, note) == (row.finding, row.finding_note):
        return
    CaseIssue.update(finding=finding, finding_note=note).where(CaseIssue.id == row.id).execute()
    op.event(f"投诉事项{row.seq} 认定：{FINDINGS.get(finding, '待认定')}", note)
    op.detail.setdefault("issues", {})[str(row.seq)] = finding


def _record_override(op: CaseOperation, choice: FindingChoice) -> None:
    """改定 (or withdraw) the case finding with its reason, with its timeline entry."""
    finding = (
        validate_choice(choice.finding, FINDINGS, field="override", label="案件结论")
        if choice.finding
        else ""
    )
    reason = clean_note(choice.reason, "改定理由", required=bool(finding), max_len=2000)
    derived = case_finding(op.case.id).derived
    FindingOverride.delete().where(FindingOverride.case == op.case.id).execute()
    if finding:
        FindingOverride.create(
            case=op.case.id, finding=finding, reason=reason, at=clock.now(), by=op.session.user.id
        )
        derived_text = FINDINGS.get(derived, "尚未全部认定")
        op.event(f"改定案件结论为“{FINDINGS[finding]}”（各事项得出：{derived_text}）", reason)
    else:
        op.event(f"取消改定，{derived_summary(derived)}", reason)
    op.detail.update(override=finding, derived=derived)


def set_finding(
    session: Session, issue_id: int, finding: str, note: str = "", expected_version: int | None = None
) -> None:
    """认定一个投诉事项: 成立 / 部分成立 / 不成立 / 无法认定 ("" withdraws it), with the office's note
    (核实情况 of this issue, printed in the 处理结果告知书)."""
    row = _issue(issue_id)
    with case_operation(
        session, row.case_id, RuleName.ISSUE_FINDING, expected_version=expected_version
    ) as op:
        row = _issue(issue_id)
        before = len(op.events)
        _record_issue_finding(op, row, IssueFinding(finding or "", note))
        if len(op.events) == before:  # the same finding again: still an entry, as asked
            op.event(f"投诉事项{row.seq} 认定：{FINDINGS.get(row.finding, '待认定')}", row.finding_note)
        op.detail.update(seq=row.seq, finding=finding or "")
        sync_case(op)


def override_finding(
    session: Session, case_id: int, finding: str, reason: str, expected_version: int | None = None
) -> None:
    """改定案件结论 with a written reason; `finding` "" removes the override (the derived one applies)."""
    with case_operation(session, case_id, RuleName.OVERRIDE_FINDING, expected_version=expected_version) as op:
        _record_override(op, FindingChoice(finding or "", reason))
        op.detail["finding"] = op.detail.pop("override")
        sync_case(op, announce=False)


def record_findings(
    op: CaseOperation, findings: Mapping[int, IssueFinding], override: FindingChoice | None = None
) -> None:
    """The 处理意见 form's 投诉事项认定, inside the draft's operation: each issue's finding and note
    (issue id → value; only changes are written, each with its timeline entry), then the override
    (None leaves it as it is), then the case finding derived again (noted when it changes)."""
    rows = {row.id: row for row in CaseIssue.select().where(CaseIssue.case == op.case.id)}
    for issue_id, value in findings.items():
        row = rows.get(issue_id)
        if row is None:
            raise ValidationError("finding", "事项认定", "该投诉事项已不在本案中，请重新载入后再认定")
        _record_issue_finding(op, row, value, field=f"finding_{issue_id}")
    if override is not None:
        current = FindingOverride.get_or_none(FindingOverride.case == op.case.id)
        stored = FindingChoice(current.finding, current.reason) if current else FindingChoice("")
        changed = (override.finding, override.reason.strip()) != (stored.finding, stored.reason)
        if changed and (override.finding or current is not None):
            _record_override(op, override)
    sync_case(op, announce=not (override and override.finding))


def finding_from_draft(op: CaseOperation, finding: str) -> str:
    """The 拟稿 form's 投诉是否成立 on a case with issues: with one issue it is that issue's finding;
    with several it must agree with the case finding (set per issue, or overridden with a reason).
    Returns the case finding after the draft."""
    if not finding:
        return op.case.finding
    rows = list(CaseIssue.select().where(CaseIssue.case == op.case.id))
    if len(rows) == 1 and rows[0].finding != finding:
        CaseIssue.update(finding=finding).where(CaseIssue.id == rows[0].id).execute()
    current = case_finding(op.case.id)
    if current.finding != finding:
        problem = (
            f"案件结论已改定为“{current.label}”；如需更改，请先取消改定或重新改定"
            if current.overridden
            else f"本案有 {len(rows)} 个投诉事项，结论由各事项认定得出（{current.label or '尚未全部认定'}）；"
            "请逐项认定，或说明理由改定案件结论"
        )
        raise ValidationError("finding", "投诉是否成立", problem)
    sync_case(op, announce=False)
    return op.case.finding
