"""What the 统计分析 page, the reports and the CLI call: the figures of a period and the cases behind
a figure, for users the policy allows (VIEW_STATISTICS). Restricted cases are counted like any other;
in a drill-down list they show as 受限案件 to a user who may not open them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from app import clock
from app.cases.states import STATE_LABELS
from app.deadlines import calendar
from app.policy import Action, can, can_view
from app.session import Session
from app.statistics import alerts, conditions, config, indicators, store
from app.statistics.conditions import Measure
from app.statistics.indicators import Figures
from app.statistics.periods import Period
from app.validation import CHANNELS, SEVERITIES
from app.write_path import facts, operation, require
from models.cases import Case, Category
from models.organisation import Department

RESTRICTED_LABEL = "受限案件"
DRILL_PAGE = 200


def figures(session: Session, period: Period, today: date | None = None) -> Figures:
    """Every indicator of the period (judged as of today)."""
    require(session, Action.VIEW_STATISTICS, target=period.code)
    session.touch()
    return indicators.compute(
        period, today or clock.now().date(), calendar.rules().major_external_report_hours
    )


@dataclass(frozen=True)
class DrillRow:
    case_id: int | None  # None: restricted, not for this user to open
    case_no: str
    received: date | None
    state: str
    channel: str
    category: str
    severity: str


@dataclass(frozen=True)
class DrillPage:
    total: int
    rows: list[DrillRow]
    last_id: int  # pass as `after` for the next page (keyset paging)


def drill_ids(period: Period, measure: Measure, today: date) -> list[int]:
    """The ids of the cases behind one figure (no policy: for tests and reports)."""
    query = conditions.cases_where(measure, period, today.toordinal())
    return sorted({r[0] for r in query.tuples()})


def drill(
    session: Session,
    period: Period,
    measure: Measure,
    after: int = 0,
    limit: int = DRILL_PAGE,
    today: date | None = None,
) -> DrillPage:
    """One page of the cases behind a figure, in case order; restricted ones masked per policy."""
    require(session, Action.VIEW_STATISTICS, target=period.code)
    ids = drill_ids(period, measure, today or clock.now().date())
    page_ids = [i for i in ids if i > after][:limit]
    cases = {
        c.id: c
        for c in Case.select(
            Case.id,
            Case.case_no,
            Case.received_at,
            Case.state,
            Case.channel,
            Case.category,
            Case.severity,
            Case.restricted,
            Case.registered_by,
            Case.registered_at,
            Case.night_intake,
            Case.officer,
        ).where(Case.id.in_(page_ids))
    }
    paths = dict(
        Category.select(Category.id, Category.path)
        .where(Category.id.in_([c.category_id for c in cases.values() if c.category_id]))
        .tuples()
    )
    rows = []
    for case_id in page_ids:
        case = cases[case_id]
        if case.restricted and not can_view(session.user, facts(case)):
            rows.append(DrillRow(None, RESTRICTED_LABEL, None, "", "", "", ""))
            continue
        rows.append(
            DrillRow(
                case.id,
                case.case_no,
                case.received_at.date(),
                STATE_LABELS.get(case.state, case.state),
                CHANNELS.get(case.channel, case.channel),
                paths.get(case.category_id, ""),
                SEVERITIES.get(case.severity, case.severity),
            )
        )
    session.touch()
    return DrillPage(len(ids), rows, page_ids[-1] if page_ids else after)


@dataclass(frozen=True)
class Alerts:
    surges: list[alerts.SurgeAlert]
    frequent: list[alerts.FrequentComplainant]

    @property
    def lines(self) -> list[str]:
        return [a.text for a in self.surges] + [
            f"{f.text}（{'、'.join(f.case_nos[-3:])}）" for f in self.frequent
        ]


def home_alerts(session: Session) -> Alerts:
    """The manager's home: departments or categories above their baseline this month, and
    complainants with 3 or more complaints in 90 days."""
    require(session, Action.VIEW_STATISTICS, target="alerts")
    today = clock.now().date()
    return Alerts(alerts.surges(today, config.load().alert_minimum), alerts.frequent_complainants(today))


def recount_needed(session: Session) -> bool:
    """True when an upgrade left the statistics to be recounted (the figures are off until then)."""
    return can(session.user, Action.VIEW_STATISTICS).allowed and store.rebuild_pending()


def rebuild_pending(session: Session) -> bool:
    """True when the statistics await a recount and this user may do it (the manager: a recount
    must read every case, and on a shared server only the manager's role sees restricted ones)."""
    return can(session.user, Action.REBUILD_STATISTICS).allowed and store.rebuild_pending()


def rebuild(session: Session, progress: Callable[[int, int, str], None]) -> int:
    """Recount every case's statistics rows, cube and flows (after an upgrade), in one transaction
    with its audit entry; `progress` may raise to cancel, which leaves everything as it was."""
    with operation(session, Action.REBUILD_STATISTICS, "statistics.rebuilt", target="statistics") as op:
        op.detail["cases"] = store.rebuild(
            lambda done, total: progress(done, total, f"正在重建统计数据（{done}/{total} 件）……")
        )
    return op.detail["cases"]


def repeat_keys_pending(session: Session) -> bool:
    """Do cases wait for exact repeat keys that this user can make (a holder of the identifier key
    on a sealed local database; person_keys)? Read only: nothing is written when there are none."""
    if not can(session.user, Action.SETTLE_REPEAT_KEYS).allowed or not store.settles_keys():
        return False
    return bool(store.pending_key_cases(limit=1)[0])


def settle_repeat_keys(session: Session, progress: Callable[[int, int, str], None]) -> int:
    """Make the pending repeat keys exact (the cases the front desk registered or changed since a
    holder last wrote them), with one audit entry; returns the cases rewritten."""
    def report(done: int, _total: int) -> None:
        progress(done, 0, f"正在核对重复投诉（{done} 件）……")

    with operation(session, Action.SETTLE_REPEAT_KEYS, "statistics.repeat_keys_settled", target="statistics") as op:
        op.detail["cases"] = store.settle_pending(report)
    return op.detail["cases"]


@dataclass(frozen=True)
class RectificationDraft:
    """A 整改 item as a surge alert suggests it (the manager edits it before 下达整改)."""

    case_nos: tuple[str, ...]  # the month's cases of that department or category
    department: str  # department code ("" when the alert names none)
    category: str  # category code ("" for a department alert: the first case's)
    problem: str


def rectification_draft(session: Session, alert: alerts.SurgeAlert) -> RectificationDraft:
    """What 发起整改 on a surge alert fills in: its cases, its department or category, the figures."""
    require(session, Action.RECTIFY_FROM_ALERT, target="rectification")
    ids = drill_ids(alert.period, Measure(alert.kind, str(alert.key)), clock.now().date())
    case_nos = tuple(
        r[0] for r in Case.select(Case.case_no).where(Case.id.in_(ids)).order_by(Case.id).tuples()
    )
    department = category = ""
    if alert.kind == "department":
        department = Department.get_by_id(alert.key).code
    else:
        node = Category.get_by_id(alert.key)
        category = node.code
        if node.default_department_id is not None:
            department = Department.get_by_id(node.default_department_id).code
    problem = f"{alert.text}（{alert.period.label}，{len(case_nos)} 件）。"
    return RectificationDraft(case_nos, department, category, problem)
