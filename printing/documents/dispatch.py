"""转办单: sends the case to a department, with questions, deadline and space for the reply."""

from __future__ import annotations

from reportlab.platypus import Flowable

from printing.base import DocumentRenderer
from printing.blocks import WRITE_IN
from printing.data import DispatchData
from printing.formatting import cn_date, cn_datetime, esc, esc_or_dash, is_blank

DEFAULT_QUESTIONS = (
    "投诉所述情况是否属实，请说明事情经过。",
    "科室及相关人员在诊疗、服务或管理上是否存在过错或不当之处。",
    "拟采取的处理意见和整改措施。",
)


class DispatchRenderer(DocumentRenderer[DispatchData]):
    """转办单."""

    kind = "dispatch"
    title = "投诉转办单"
    data_type = DispatchData

    def story(self) -> list[Flowable]:
        d, kit = self.data, self.kit
        deadline = f"{cn_date(d.deadline)}{'（暂定）' if d.deadline_provisional else ''}"
        office = esc(self.letterhead.department_name)
        fields = kit.kv_table(
            [
                [("案件编号", esc(d.case_no)), ("转办时间", cn_datetime(d.sent_at))],
                [("承办科室", esc_or_dash(d.department)), ("反馈时限", f"{deadline}前")],
                [("投诉人", esc_or_dash(d.complainant_name)), ("患者", esc_or_dash(d.patient_name))],
                [("投诉类别", esc_or_dash(d.category_path)), ("严重程度", esc_or_dash(d.severity))],
                [("经办人", esc_or_dash(d.officer_name)), ("联系电话", esc_or_dash(d.officer_phone))],
                [("科室签收人", WRITE_IN), ("签收时间", WRITE_IN)],
            ]
        )
        questions = [q for q in d.questions if q and q.strip()] or list(DEFAULT_QUESTIONS)
        return [
            kit.para(f"{esc(d.department) if not is_blank(d.department) else '承办科室'}：", "plain"),
            kit.para(
                f"现将下列投诉转你科室调查核实，请于<b>{deadline}</b>前将书面核实意见及整改措施"
                f"反馈{office}。逾期未反馈的，将按医院投诉管理制度处理。"
            ),
            kit.space(6),
            fields,
            kit.section("投诉内容", kit.paragraphs(d.narrative, "text")),
            *([kit.section("转你科室核实的投诉事项", self._issues())] if d.issues else []),
            kit.section("请核实并答复以下问题", kit.numbered(questions, "text")),
            kit.space(8),
            kit.writing_box("科室核实意见（可另附页）", [("科室负责人签名：", None), ("日期：", None)]),
        ]

    def _issues(self) -> list[Flowable]:
        """Each issue in bold, the questions about it numbered under it."""
        kit, out = self.kit, []
        for issue in self.data.issues:
            out.append(kit.para(f"<b>{esc(issue.heading)}</b>", "text"))
            out.extend(kit.numbered([q for q in issue.questions if q.strip()], "text"))
        return out
