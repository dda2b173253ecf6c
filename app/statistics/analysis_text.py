"""The analysis that opens a report, drafted in Chinese from the figures by fixed templates:
the same figures always give the same text. The user edits it before issuing.

Each paragraph is one function in `PARAGRAPHS`; a new section (e.g. 整改 progress) is one more."""

from __future__ import annotations

from collections.abc import Callable

from app.rectification.figures import RectificationFigures
from app.statistics.config import StatisticsConfig
from app.statistics.indicators import Figures
from app.statistics.scorecard import DepartmentScore

CN_NUMBERS = "一二三四五六七八九十"
TOP = 3

# 改进建议 per level-1 category (what an office typically asks for when it rises)
SUGGESTIONS: dict[str, str] = {
    "医疗质量": "医务部组织相关科室开展病例讨论，落实首诊负责、三级查房和疑难病例讨论制度",
    "护理质量": "护理部加强巡视和呼叫应答管理，开展护理操作规范培训和考核",
    "服务态度": "相关科室开展医患沟通和服务礼仪培训，将服务投诉纳入个人考评",
    "医疗费用": "财务科和价格管理部门核查收费项目，加强费用告知和清单解释",
    "医德医风": "纪检监察部门加强医德医风教育，畅通举报渠道并逐件核查",
    "就医环境": "后勤部门排查候诊区、卫生间和标识指引，及时整改环境问题",
    "后勤保障": "后勤部门梳理保障流程，明确报修响应时限",
    "医保政策": "医保办加强政策宣传和窗口解释，规范医保结算流程",
    "药品耗材": "药学部门核查供应和使用环节，加强用药告知",
    "安全保卫": "保卫部门加强巡查和安防管理，完善突发事件处置预案",
    "预约挂号与信息系统": "信息部门排查系统故障，优化预约挂号和叫号流程",
    "隐私保护": "加强患者隐私保护培训，规范信息查询和诊室管理",
    "医院感染": "院感科加强感染防控督查，落实手卫生和消毒隔离制度",
    "病历与证明": "病案管理部门规范病历书写、复印和证明开具流程",
}
GENERIC_SUGGESTION = "相关职能部门组织专项分析，查找原因并制定改进措施"


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def change(now: int, before: int) -> str:
    """增加 3 件（+25.0%）/ 减少 2 件（−10.0%）/ 持平."""
    diff = now - before
    if diff == 0:
        return "持平"
    rate = f"（{'+' if diff > 0 else '−'}{abs(diff) / before * 100:.1f}%）" if before else ""
    return f"{'增加' if diff > 0 else '减少'} {abs(diff)} 件{rate}"


def _rate_change(now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return ""
    diff = (now - before) * 100
    if abs(diff) < 0.05:
        return "，与上期持平"
    return f"，较上期{'上升' if diff > 0 else '下降'} {abs(diff):.1f} 个百分点"


def _top(counts: dict[str, int], total: int) -> str:
    items = sorted(counts.items(), key=lambda kv: -kv[1])[:TOP]
    return "、".join(f"{name}（{n} 件，占 {n / total * 100:.1f}%）" for name, n in items)


def _risers(now: dict[str, int], before: dict[str, int]) -> list[tuple[str, int]]:
    rises = [(name, n - before.get(name, 0)) for name, n in now.items() if n - before.get(name, 0) > 0]
    return sorted(rises, key=lambda kv: -kv[1])[:TOP]


def overview(f: Figures, cfg: StatisticsConfig, scores: list[DepartmentScore]) -> str:
    h = f.headline
    outcome = {t.measure.value: t.count for t in f.outcomes}
    text = (
        f"{f.period.label}共收到投诉 {h.received} 件，环比{change(h.received, f.previous.received)}，"
        f"同比{change(h.received, f.year_ago.received)}。其中受理 {outcome.get('accepted', 0)} 件，"
        f"当场解决 {outcome.get('on_spot', 0)} 件，不予受理 {outcome.get('rejected', 0)} 件"
    )
    if outcome.get("pending"):
        text += f"，待受理 {outcome['pending']} 件"
    text += "。"
    if f.merged:
        text += f"另有重复投诉 {f.merged} 件已合并，不重复计数。"
    return text


def distribution(f: Figures, cfg: StatisticsConfig, scores: list[DepartmentScore]) -> str:
    h, prev = f.headline, f.previous
    if not h.received:
        return "本期无投诉。"
    text = f"按类别，投诉较多的是{_top(h.by_category1, h.received)}。"
    risers = _risers(h.by_category1, prev.by_category1)
    if risers:
        text += "较上期增加较多的类别：" + "、".join(f"{n}（+{d} 件）" for n, d in risers) + "。"
    text += f"按责任科室，投诉较多的是{_top(h.by_department, h.received)}。"
    channels = "、".join(f"{t.label} {t.count} 件" for t in f.channels[:TOP])
    if channels:
        text += f"主要渠道为{channels}。"
    return text + "（一件投诉涉及多个类别或科室的，在各类别、科室下分别计数。）"


def quality(f: Figures, cfg: StatisticsConfig, scores: list[DepartmentScore]) -> str:
    h, prev = f.headline, f.previous
    parts = []
    if h.with_finding:
        parts.append(
            f"已有调查结论的 {h.with_finding} 件中，成立或部分成立 {h.upheld} 件，成立率 {pct(h.upheld_rate)}"
            f"{_rate_change(h.upheld_rate, prev.upheld_rate)}"
        )
    rate = h.completion_rate
    if rate is not None:
        verdict = "达到" if rate >= cfg.completion_target else "未达到"
        parts.append(
            f"按时办结率 {pct(rate)}{_rate_change(rate, prev.completion_rate)}，{verdict}目标（{pct(cfg.completion_target)}）"
        )
    if h.followed:
        verdict = "达到" if (h.satisfaction_rate or 0) >= cfg.satisfaction_target else "未达到"
        parts.append(
            f"回访 {h.followed} 件，满意及基本满意率 {pct(h.satisfaction_rate)}"
            f"{_rate_change(h.satisfaction_rate, prev.satisfaction_rate)}，{verdict}目标（{pct(cfg.satisfaction_target)}）"
        )
    late = [f"{r.label} {r.late.count} 件" for r in f.stages if r.late.count]
    if late:
        parts.append("各环节逾期：" + "、".join(late))
    return ("；".join(parts) + "。") if parts else "本期尚无办结、结论或回访数据。"


def watch(f: Figures, cfg: StatisticsConfig, scores: list[DepartmentScore]) -> str:
    watched = [s for s in scores[:TOP] if s.score > 0]
    if not watched:
        return "本期无需重点关注的科室。"
    names = "、".join(f"{s.department}（考核扣分 {s.score:g}）" for s in watched)
    return f"需关注的科室：{names}。请相关科室逐件核对投诉，分析原因。"


def repeats_and_major(f: Figures, cfg: StatisticsConfig, scores: list[DepartmentScore]) -> str:
    text = f"重复投诉 {f.repeats.count} 件（同一投诉人或患者一年内再次投诉）。"
    if f.major.count:
        text += f"重大投诉 {f.major.count} 件，按时上报 {f.major_reported_in_time} 件。"
    else:
        text += "本期无重大投诉。"
    if f.reopened.count:
        text += f"回访不满意重新处理 {f.reopened.count} 件。"
    text += f"截至期末，未结投诉 {f.backlog.count} 件，其中逾期 {f.overdue.count} 件。"
    return text


def rectification_progress(r: RectificationFigures) -> str:
    """整改 of the period (app/rectification/figures.py)."""
    ordered, done, failed = r.total("ordered"), r.total("done"), r.total("failed")
    if not (ordered or done or failed or r.total("overdue") or r.total("recurred")):
        return "本期未下达或关闭整改项。"
    text = f"本期下达整改 {ordered} 项；关闭 {done + failed} 项，其中已落实 {done} 项、未落实 {failed} 项"
    if r.rate is not None:
        text += f"，整改落实率 {pct(r.rate)}"
    text += f"。期末逾期未完成 {r.total('overdue')} 项"
    if r.total("recurred"):
        text += f"；整改后同类投诉复发 {r.total('recurred')} 项，需复查整改措施"
    return text + "。"


def suggestions(f: Figures, cfg: StatisticsConfig, scores: list[DepartmentScore]) -> str:
    risers = _risers(f.headline.by_category1, f.previous.by_category1)
    if not risers:
        return "各类别投诉未见上升，建议继续保持现有管理措施，做好投诉台账分析。"
    lines = [f"{n}类投诉增加 {d} 件，建议{SUGGESTIONS.get(n, GENERIC_SUGGESTION)}。" for n, d in risers]
    return "".join(lines)


Paragraph = Callable[[Figures, StatisticsConfig, list[DepartmentScore]], str]
PARAGRAPHS: tuple[tuple[str, Paragraph], ...] = (
    ("总体情况", overview),
    ("投诉分布", distribution),
    ("办理质量", quality),
    ("需关注的科室", watch),
    ("重复、重大投诉与积压", repeats_and_major),
    ("改进建议", suggestions),
)


def draft(
    f: Figures,
    cfg: StatisticsConfig,
    scores: list[DepartmentScore],
    rectified: RectificationFigures | None = None,
) -> str:
    """The whole analysis: numbered headings, one paragraph each, separated by blank lines; 整改
    before the suggestions when its figures are given."""
    sections = [(title, build(f, cfg, scores)) for title, build in PARAGRAPHS]
    if rectified is not None:
        sections.insert(len(sections) - 1, ("整改落实情况", rectification_progress(rectified)))
    blocks = [f"{CN_NUMBERS[i]}、{title}\n{text}" for i, (title, text) in enumerate(sections)]
    return "\n\n".join(blocks)
