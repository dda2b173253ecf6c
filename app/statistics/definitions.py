"""The indicator registry: every figure's name and its written definition (口径), in one list.

Shown as tooltips on the 统计分析 page, printed in the report's appendix and in docs/statistics.md.
To add an indicator (e.g. 整改 figures): add a `Definition` here, its query in
app/statistics/conditions.py (what drills down) and its tally in app/statistics/indicators.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.statistics.facts import ACKNOWLEDGE_WORKDAYS, FOLLOW_UP_WORKDAYS


@dataclass(frozen=True)
class Definition:
    key: str
    name: str
    definition: str  # 口径


COHORT = "统计对象为收到日期（登记的收到投诉时间）在统计期间内的投诉，已合并的重复投诉不计入。"
STAGE_RULE = (
    "按工作日历（法定节假日不计、调休上班日计入）计算期限，期限当日办结为按时；"
    "期限已过仍未办结的计为逾期，尚未到期的不计入比率。"
)
HOLD_RULE = "案件暂停（待补充材料）期间时限暂停计算，暂停的工作日顺延期限；暂停中的不计为逾期。"

DEFINITIONS: tuple[Definition, ...] = (
    Definition("received", "收到投诉", COHORT + "一件投诉无论涉及几个投诉事项，在总数中只计一次。"),
    Definition(
        "channel",
        "按渠道",
        "按登记的投诉渠道计数；上级转办按转办单位（卫健委、12345、12320、信访部门等）分列。",
    ),
    Definition(
        "category1",
        "按一级类别",
        "按投诉事项的类别计数：一件投诉在其每个事项所属的类别下各计一次，同一类别下只计一次。",
    ),
    Definition("category2", "按二级类别", "同一级类别，按二级类别计数。"),
    Definition(
        "department",
        "按责任科室",
        "按投诉事项的责任科室计数：一件投诉在其每个不同的责任科室下各计一次，各科室合计可能多于投诉总数。"
        "责任科室默认为类别对应的科室，转办后随承办科室；尚未确定的列为“未指定”。",
    ),
    Definition("severity", "按严重程度", "按登记时的严重程度（一般、重要、重大）计数。"),
    Definition("handler", "按经办人", "按负责该案件的专员计数；未指定经办人的单列。"),
    Definition(
        "outcome",
        "受理情况",
        "已受理：经受理进入办理的投诉；当场解决：首诉负责当场处理的；不予受理：作出不予受理决定的；"
        "待受理：统计时尚未受理的。",
    ),
    Definition(
        "finding_case",
        "投诉成立情况（按件）",
        "按案件的调查结论计数（成立、部分成立、不成立、无法认定）；成立率 =（成立 + 部分成立）÷ 已有结论的案件数。",
    ),
    Definition(
        "finding_issue",
        "投诉成立情况（按事项）",
        "按每个投诉事项的结论计数，一件投诉有几个事项就计几次；比率口径同按件。",
    ),
    Definition(
        "timeliness_accept",
        "受理（回执）及时",
        "在受理期限内告知投诉人已收到投诉：以首次出具受理回执（补打不计）与作出受理、不予受理或当场解决决定"
        "二者中较早的时间为准；夜间、来信及下班后收到的投诉受理期限为下一个工作日，其余为收到当日。"
        + STAGE_RULE
        + HOLD_RULE,
    ),
    Definition(
        "timeliness_acknowledge",
        "科室签收及时",
        f"科室在转办后第 {ACKNOWLEDGE_WORKDAYS} 个工作日内签收；按转办次数计。" + STAGE_RULE + HOLD_RULE,
    ),
    Definition(
        "timeliness_respond",
        "科室反馈及时",
        "科室在转办单载明的反馈期限内反馈；按转办次数计，退回改派的不计。转办后案件暂停的工作日"
        "（暂停至恢复之间，反馈前的部分）顺延反馈期限。" + STAGE_RULE + HOLD_RULE,
    ),
    Definition(
        "timeliness_reply",
        "答复投诉人及时",
        "在答复期限（含批准的延期和暂停顺延）内答复投诉人。" + STAGE_RULE + HOLD_RULE,
    ),
    Definition(
        "timeliness_follow_up",
        "回访及时",
        f"答复后第 {FOLLOW_UP_WORKDAYS} 个工作日内完成回访。" + STAGE_RULE + HOLD_RULE,
    ),
    Definition(
        "completion",
        "按时办结率",
        "（当场解决件数 + 按时答复件数）÷（当场解决件数 + 按时答复件数 + 逾期答复件数）。",
    ),
    Definition(
        "satisfaction",
        "回访满意度",
        "按最近一次回访的满意度计数；满意率 =（满意 + 基本满意）÷ 已回访件数。",
    ),
    Definition("reopened", "再处理", "回访不满意后重新进入办理的案件数（每件只计一次，次数另列）。"),
    Definition(
        "external",
        "外部途径",
        "投诉人选择人民调解、行政调解、诉讼、医学会鉴定或信访的案件，按途径和进行中 / 已结束分列。",
    ),
    Definition(
        "compensation",
        "赔偿与退费",
        "处理意见中载明赔偿或退费金额（大于零）的案件：件数、金额合计和金额分段"
        "（≤ 2千元、2千–2万元、2万–10万元、> 10万元；分段含上限）。按科室分列时，"
        "一件投诉的金额计入其每个责任科室，合计只计一次。",
    ),
    Definition(
        "repeat",
        "重复投诉",
        "同一投诉人（电话或身份证号相同）或同一患者（门诊号/住院号相同）在此前 365 天内已有投诉的案件。",
    ),
    Definition(
        "major",
        "重大投诉",
        "严重程度为重大的投诉；上报用时为收到投诉至上报的小时数，按时上报指在外报时限内上报。",
    ),
    Definition(
        "backlog",
        "期末未结",
        "统计期末（或今天，取较早者）已收到、尚未销项（含待回访、待销项）的全部投诉，不限于本期收到的。",
    ),
    Definition("overdue", "期末逾期", "期末未结投诉中，受理或答复期限已过而尚未受理或答复的。"),
    Definition(
        "change",
        "环比、同比",
        "环比与上一个同类期间比较（月比上月、季比上季、年比上年）；同比与上年同期比较。变化率 =（本期 − 对比期）÷ 对比期。",
    ),
)

BY_KEY = {d.key: d for d in DEFINITIONS}


def definition(key: str) -> str:
    """The 口径 text of an indicator (for tooltips)."""
    found = BY_KEY.get(key)
    return f"{found.name}：{found.definition}" if found else ""
