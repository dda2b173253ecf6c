"""整改通知单: tells a department what to correct, by when, and what to send back as evidence."""

from __future__ import annotations

from reportlab.platypus import Flowable

from printing.base import DocumentRenderer
from printing.data import RectificationNoticeData
from printing.formatting import cn_date, esc, esc_or_dash

EVIDENCE_ASKED = (
    "整改措施的落实情况（制度修订、流程调整、人员培训或考核等）。",
    "相关佐证材料（文件、培训签到表、现场照片等），可另附页。",
    "科室负责人签字确认。",
)


class RectificationNoticeRenderer(DocumentRenderer[RectificationNoticeData]):
    """整改通知单."""

    kind = "rectification"
    title = "整改通知单"
    data_type = RectificationNoticeData

    def story(self) -> list[Flowable]:
        d, kit = self.data, self.kit
        due = f"{cn_date(d.due)}{'（暂定）' if d.due_provisional else ''}"
        office = esc(self.letterhead.department_name)
        fields = kit.kv_table(
            [
                [("整改编号", esc(d.case_no)), ("责任科室", esc_or_dash(d.department))],
                [("整改期限", f"{d.due_workdays} 个工作日，{due}前")],
                [("经办人", esc_or_dash(d.officer_name)), ("联系电话", esc_or_dash(d.officer_phone))],
            ]
        )
        story = [
            kit.para(f"{esc(d.department) or '责任科室'}：", "plain"),
            kit.para(
                f"经调查核实，下列投诉反映的问题成立或部分成立。请你科室按以下要求进行整改，并于<b>{due}</b>"
                f"前将整改情况及佐证材料书面报送{office}。{office}将对整改落实情况进行验证。"
            ),
            kit.space(6),
            fields,
        ]
        if d.cases:
            story.append(kit.section("涉及投诉", kit.numbered(list(d.cases), "text")))
        if d.problem.strip():
            story.append(kit.section("存在问题", kit.paragraphs(d.problem, "text")))
        story += [
            kit.section("整改要求", kit.paragraphs(d.measure, "text")),
            kit.section("请报送以下材料", kit.numbered(list(EVIDENCE_ASKED), "text")),
            kit.space(8),
            kit.writing_box("科室整改情况（可另附页）", [("科室负责人签名：", None), ("日期：", None)]),
        ]
        return story
