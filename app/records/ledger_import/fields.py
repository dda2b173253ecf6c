"""The fields a ledger column can be mapped to, the header words offices use for them, and the
proposed mapping (the one the user confirmed last time for the same layout comes first)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class LedgerField:
    key: str
    label: str
    headers: tuple[str, ...]  # header texts that name this field, most specific first


FIELDS: tuple[LedgerField, ...] = (
    LedgerField(
        "received",
        "投诉日期",
        ("投诉日期", "接待日期", "登记日期", "受理日期", "来访日期", "投诉时间", "日期", "时间"),
    ),
    LedgerField("channel", "投诉渠道", ("投诉渠道", "投诉方式", "投诉途径", "来源", "渠道", "方式")),
    LedgerField("complainant_name", "投诉人", ("投诉人姓名", "投诉人", "来访人", "姓名")),
    LedgerField("phone", "联系电话", ("联系电话", "联系方式", "电话", "手机")),
    LedgerField("patient_name", "患者姓名", ("患者姓名", "病人姓名", "患者")),
    LedgerField("record_no", "门诊号/住院号", ("住院号", "门诊号", "病历号", "就诊号")),
    LedgerField(
        "department",
        "被投诉科室",
        ("被投诉科室", "涉及科室", "责任科室", "投诉科室", "被投诉部门", "科室", "部门"),
    ),
    LedgerField(
        "category", "投诉类别", ("投诉类别", "投诉类型", "问题类别", "问题类型", "类别", "类型", "分类")
    ),
    LedgerField(
        "content",
        "投诉内容",
        ("投诉内容", "投诉事由", "投诉事项", "反映问题", "主要内容", "简要情况", "内容", "事由"),
    ),
    LedgerField("demands", "诉求", ("投诉诉求", "诉求", "要求")),
    LedgerField("finding", "是否属实", ("是否属实", "核实情况", "是否成立", "调查结果", "定性", "属实")),
    LedgerField("result", "处理结果", ("处理结果", "处理情况", "处理意见", "处理经过", "答复内容", "处理")),
    LedgerField("amount", "金额", ("赔偿金额", "赔付金额", "补偿金额", "退费金额", "金额")),
    LedgerField(
        "closed", "办结日期", ("办结日期", "结案日期", "答复日期", "完成日期", "办结时间", "处理日期")
    ),
    LedgerField("status", "办理状态", ("办理状态", "是否办结", "办结情况", "状态")),
    LedgerField("follow_up", "回访", ("回访情况", "回访结果", "回访", "满意度", "是否满意")),
    LedgerField("remarks", "备注", ("备注", "说明")),
    LedgerField("seq", "序号", ("序号", "编号", "序")),
)
FIELD_LABELS = {f.key: f.label for f in FIELDS}
IGNORE = ""  # a column not imported


def normal_header(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"[\s:：*（）()]", "", text)


def _field_score(header: str, item: LedgerField) -> int:
    """3 exact, 2 the header starts with the word, 1 contains it; 0 no match."""
    best = 0
    for word in item.headers:
        if header == word:
            return 3
        if header.startswith(word):
            best = max(best, 2)
        elif len(word) >= 2 and word in header:
            best = max(best, 1)
    return best


def header_score(text: str) -> int:
    header = normal_header(text)
    return max((_field_score(header, item) for item in FIELDS), default=0) if header else 0


def propose_mapping(headers: tuple[str, ...], remembered: dict[int, str] | None = None) -> dict[int, str]:
    """Column index → field key: the remembered mapping of this layout, else each field given to the
    column whose header names it best (a field is used once; unknown columns are not imported)."""
    if remembered:
        return {i: key for i, key in remembered.items() if i < len(headers) and key in FIELD_LABELS}
    candidates = []
    for column, text in enumerate(headers):
        header = normal_header(text)
        for rank, item in enumerate(FIELDS):
            score = _field_score(header, item) if header else 0
            if score:
                candidates.append((-score, rank, column, item.key))
    mapping: dict[int, str] = {}
    for _score, _rank, column, key in sorted(candidates):
        if column not in mapping and key not in mapping.values():
            mapping[column] = key
    return mapping
