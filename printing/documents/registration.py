"""投诉登记表: the intake form, signed by the complainant."""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph

from printing.base import DocumentRenderer
from printing.data import RegistrationData
from printing.formatting import cn_date, cn_datetime, esc, esc_or_dash


class RegistrationRenderer(DocumentRenderer[RegistrationData]):
    """投诉登记表."""

    kind = "registration"
    title = "投诉登记表"
    data_type = RegistrationData

    def story(self) -> list[Flowable]:
        d, kit = self.data, self.kit
        fields = kit.kv_table(
            [
                "投诉人信息",
                [
                    ("姓名", esc_or_dash(d.complainant_name)),
                    ("与患者关系", esc_or_dash(d.complainant_relation)),
                ],
                [
                    ("联系电话", esc_or_dash(d.complainant_phone)),
                    ("身份证号", esc_or_dash(d.complainant_id_number)),
                ],
                [("联系地址", esc_or_dash(d.complainant_address))],
                "患者信息",
                [
                    ("患者姓名", esc_or_dash(d.patient_name)),
                    ("门诊号/住院号", esc_or_dash(d.patient_record_no)),
                ],
                [
                    ("就诊科室", esc_or_dash(d.visit_department)),
                    ("就诊日期", esc_or_dash(cn_date(d.visit_date))),
                ],
                "投诉信息",
                [("受理时间", cn_datetime(d.received_at)), ("投诉渠道", esc_or_dash(d.channel))],
                [("投诉类别", esc_or_dash(d.category_path))],
                [("严重程度", esc_or_dash(d.severity)), ("登记人", esc_or_dash(d.registered_by))],
            ]
        )
        return [
            fields,
            *self._issues(),
            kit.section("投诉事由及经过", kit.paragraphs(d.narrative, "text")),
            kit.section("投诉人诉求", kit.paragraphs(d.demands, "text")),
            kit.space(10),
            kit.para("以上登记内容经本人核对，与本人陈述一致。", "plain"),
            kit.space(14),
            kit.signature_row([("投诉人签名：", None), ("日期：", None)]),
            kit.space(14),
            kit.signature_row([("登记人签名：", None), ("日期：", None)]),
        ]

    def _issues(self) -> list[Flowable]:
        """A complaint with several issues lists them under the fields: category, department and,
        when the issuer may see them, the questions put to the department."""
        d, kit = self.data, self.kit
        if len(d.issues) < 2:
            return []
        asks = any(issue.questions for issue in d.issues)
        header = ["投诉事项", "投诉类别", "责任科室", *(["需科室核实的问题"] if asks else [])]
        shares = (0.28, 0.28, 0.16, 0.28) if asks else (0.4, 0.4, 0.2)
        rows: list[list[str | Paragraph]] = []
        for issue in d.issues:
            row: list[str | Paragraph] = [
                issue.heading,
                issue.category or "未分类",
                issue.department or "待定",
            ]
            if asks:
                numbered = [
                    f"{n}. {esc(q)}" for n, q in enumerate((q for q in issue.questions if q.strip()), 1)
                ]
                row.append(kit.para("<br/>".join(numbered) or "—", "cell"))
            rows.append(row)
        return [kit.space(6), kit.list_table(header, rows, [self.width * share for share in shares])]
