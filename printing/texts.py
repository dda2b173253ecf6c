"""Fixed Chinese wording used on the letters: rejection reasons and rules, dispute routes."""

from __future__ import annotations

REJECTION_REASONS: dict[str, str] = {
    "court_or_mediation": "已向法院起诉或申请第三方调解",
    "authority_handled": "已由卫生健康主管部门或信访部门处理",
    "no_subject_facts": "无明确投诉对象和具体事实",
    "criminal": "涉及治安或刑事案件",
    "out_of_scope": "不属于投诉管理部门职权范围",
}
"""Reason code → the reason as printed (DESIGN §4)."""

_RULE_SOURCE = "《医疗机构投诉管理办法》规定，"
_RULE_CONSEQUENCE = "投诉管理部门不予处理，但应当向患者说明情况，告知相关处理规定。"
_RULE_CASES: dict[str, tuple[str, str]] = {
    "court_or_mediation": (
        "患者已就投诉事项向人民法院起诉或者向第三方申请调解的，",
        "您反映的事项已进入诉讼或第三方调解程序，将由该程序依法处理。",
    ),
    "authority_handled": (
        "患者已就投诉事项向卫生健康主管部门或者信访部门反映并作出处理的，",
        "请以相关部门作出的处理意见为准。",
    ),
    "no_subject_facts": (
        "没有明确的投诉对象和具体事实的，",
        "如您能补充就诊时间、科室、人员及具体经过，可重新提出投诉。",
    ),
    "criminal": (
        "投诉内容已经涉及治安案件、刑事案件的，",
        "请向公安机关报案，由公安机关依法处理。",
    ),
    "out_of_scope": (
        "不属于投诉管理部门职权范围的投诉，",
        "我们可以告知您有权处理该事项的部门。",
    ),
}
REJECTION_RULES: dict[str, str] = {
    code: _RULE_SOURCE + case + _RULE_CONSEQUENCE + advice for code, (case, advice) in _RULE_CASES.items()
}
"""Reason code → the rule behind the decision, as told to the complainant."""

OTHER_ROUTES = (
    "如您对医疗服务仍有异议，可以依照《医疗纠纷预防和处理条例》，通过医患双方自愿协商、"
    "向医疗纠纷人民调解委员会申请人民调解、向卫生健康主管部门申请行政调解或者依法向人民法院"
    "提起诉讼等途径解决；也可以依照《信访工作条例》向有关部门反映。"
)
"""Default text telling a rejected complainant where else to turn."""

FINDING_SENTENCES: dict[str, str] = {
    "成立": "经调查核实，您反映的问题属实，投诉成立。",
    "部分成立": "经调查核实，您反映的问题部分属实，投诉部分成立。",
    "不成立": "经调查核实，您反映的问题与事实不符，投诉不成立。",
    "无法认定": "经调查核实，现有材料尚不足以认定您反映的问题，投诉暂无法认定。",
}
"""Finding (FINDINGS in printing.data) → the sentence that tells it."""

ISSUE_FINDING_SENTENCES: dict[str, str] = {
    "成立": "经核实，该事项属实，成立。",
    "部分成立": "经核实，该事项部分属实，部分成立。",
    "不成立": "经核实，该事项与事实不符，不成立。",
    "无法认定": "现有材料尚不足以认定该事项，暂无法认定。",
}
"""The finding of one 投诉事项, as the 处理结果告知书 answers it issue by issue."""

DISPUTE_ROUTES_INTRO = (
    "如您对上述处理结果有异议，根据《医疗纠纷预防和处理条例》第二十二条的规定，可以通过下列途径解决："
)
DISPUTE_ROUTES: tuple[tuple[str, str], ...] = (
    (
        "（一）双方自愿协商。",
        "医患双方可以在医院安排的专门场所进行协商；参与人数较多的，应当推举代表进行协商。",
    ),
    (
        "（二）申请人民调解。",
        "可以向医疗纠纷人民调解委员会申请调解，人民调解不收取费用。",
    ),
    (
        "（三）申请行政调解。",
        "可以向医疗纠纷发生地县级人民政府卫生健康主管部门申请行政调解。",
    ),
    (
        "（四）向人民法院提起诉讼。",
        "可以依法向人民法院提起民事诉讼。",
    ),
    (
        "（五）法律、法规规定的其他途径。",
        "",
    ),
)
"""The routes of 《医疗纠纷预防和处理条例》 Art. 22, each as (heading, explanation)."""

DISPUTE_ROUTES_CLOSING = "纠纷处理期间，请您通过合法途径表达诉求，共同维护正常的诊疗秩序。"
