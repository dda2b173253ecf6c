"""Admin-set numbers of the statistics: targets the analysis compares against, the 考核 points per
figure, and the smallest count that raises an alert. Stored as one JSON setting; changed through
`save` (admin, audited)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from app import settings
from app.errors import ValidationError
from app.policy import Action
from app.session import Session
from app.write_path import operation

SETTING_KEY = "statistics_config"

# 考核 figures of a department, in the order of the scorecard, with their Chinese names.
SCORE_ITEMS: dict[str, str] = {
    "received": "收到投诉",
    "upheld": "成立",
    "partly_upheld": "部分成立",
    "late_acknowledge": "签收逾期",
    "late_respond": "反馈逾期",
    "dissatisfied": "回访不满意",
    "major": "重大投诉",
    "rect_overdue": "整改逾期",
    "rect_recurred": "整改后复发",
}
DEFAULT_WEIGHTS: dict[str, float] = {
    "received": 0.5,
    "upheld": 3.0,
    "partly_upheld": 1.5,
    "late_acknowledge": 1.0,
    "late_respond": 2.0,
    "dissatisfied": 2.0,
    "major": 5.0,
    "rect_overdue": 2.0,
    "rect_recurred": 3.0,
}


@dataclass(frozen=True)
class StatisticsConfig:
    completion_target: float = 0.90  # 按时办结率目标
    satisfaction_target: float = 0.85  # 满意率目标
    upheld_watch: float = 0.50  # 成立率高于此值的科室列为需关注
    alert_minimum: int = 5  # 本月件数至少达到此数才报警
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))


def load() -> StatisticsConfig:
    stored = settings.get_internal(SETTING_KEY) or {}
    base = StatisticsConfig()
    weights = {
        **base.weights,
        **{k: float(v) for k, v in stored.get("weights", {}).items() if k in SCORE_ITEMS},
    }
    values = {
        k: stored[k]
        for k in ("completion_target", "satisfaction_target", "upheld_watch", "alert_minimum")
        if k in stored
    }
    return replace(base, weights=weights, **values)


def _rate(value: Any, name: str, label: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError(name, label, "请输入 0–100 之间的百分数") from None
    if not 0 <= number <= 1:
        raise ValidationError(name, label, "请输入 0–100 之间的百分数")
    return number


def save(session: Session, config: StatisticsConfig) -> StatisticsConfig:
    """Validate and store (system administrator; audited with the old and new values)."""
    with operation(session, Action.MANAGE_SETTINGS, "statistics.config", target=SETTING_KEY) as op:
        checked = replace(
            config,
            completion_target=_rate(config.completion_target, "completion_target", "按时办结率目标"),
            satisfaction_target=_rate(config.satisfaction_target, "satisfaction_target", "满意率目标"),
            upheld_watch=_rate(config.upheld_watch, "upheld_watch", "成立率关注线"),
        )
        if not isinstance(checked.alert_minimum, int) or not 1 <= checked.alert_minimum <= 1000:
            raise ValidationError("alert_minimum", "报警最少件数", "请输入 1–1000 之间的整数")
        for key, weight in checked.weights.items():
            if key not in SCORE_ITEMS:
                raise ValidationError("weights", "考核分值", f"未知的考核项目：{key}")
            if not -100 <= float(weight) <= 100:
                raise ValidationError("weights", "考核分值", f"{SCORE_ITEMS[key]}的分值应在 −100 到 100 之间")
        old = asdict(load())
        settings.write_value(SETTING_KEY, asdict(checked), session.user.username)
        op.detail.update(old=old, new=asdict(checked))
    return checked
