"""处理结果告知书: findings, resolution, compensation, rectification and the dispute routes."""

from __future__ import annotations

from reportlab.platypus import Flowable

from printing.data import ResultData
from printing.formatting import clean, cn_date, esc, ordinal
from printing.letter import LetterRenderer
from printing.money import format_yuan, rmb_upper
from printing.texts import (
    DISPUTE_ROUTES,
    DISPUTE_ROUTES_CLOSING,
    DISPUTE_ROUTES_INTRO,
    FINDING_SENTENCES,
    ISSUE_FINDING_SENTENCES,
)


class ResultRenderer(LetterRenderer[ResultData]):
    """处理结果告知书."""

    kind = "result"
    title = "投诉处理结果告知书"
    data_type = ResultData

    def story(self) -> list[Flowable]:
        d, kit = self.data, self.kit
        opening = (
            f"您于{cn_date(d.received_at)}反映的问题（案件编号：{esc(d.case_no)}），我院高度重视，"
            "经调查核实，现将处理结果告知如下："
        )
        body = [
            self.salutation(),
            kit.para(opening),
            *self.sections(
                [
                    ("调查核实情况", kit.paragraphs(d.facts)),
                    ("逐项核实结论", self._issues()),
                    ("处理意见", self._resolution()),
                    ("整改措施", kit.numbered(d.rectification, "body", hanging=False)),
                    ("其他解决途径", self._routes()),
                ]
            ),
        ]
        return self.body_and_closing(body, self._contact_lines())

    def _issues(self) -> list[Flowable]:
        """A complaint with several issues is answered issue by issue: （一）事项1：… its finding and note."""
        d, kit = self.data, self.kit
        if len(d.issues) < 2:
            return []
        out: list[Flowable] = []
        for number, issue in enumerate(d.issues, start=1):
            finding = ISSUE_FINDING_SENTENCES[issue.finding] if issue.finding else ""
            out.append(kit.para(f"（{ordinal(number)}）{esc(issue.heading)}。{finding}"))
            out.extend(kit.optional_paragraphs(issue.note))
        return out

    def _resolution(self) -> list[Flowable]:
        d, kit = self.data, self.kit
        out = [kit.para(FINDING_SENTENCES[d.finding]), *kit.optional_paragraphs(d.resolution)]
        for label, amount in (("退费", d.refund_amount), ("赔偿", d.compensation_amount)):
            if amount is not None:
                out.append(
                    kit.para(
                        f"{label}金额：人民币 {format_yuan(amount)} 元（大写：人民币{rmb_upper(amount)}）。"
                    )
                )
        return out

    def _routes(self) -> list[Flowable]:
        kit = self.kit
        items = [kit.para(f"<b>{head}</b>{text}") for head, text in DISPUTE_ROUTES]
        return [kit.para(DISPUTE_ROUTES_INTRO), *items, kit.para(DISPUTE_ROUTES_CLOSING)]

    def _contact_lines(self) -> list[str]:
        head = self.letterhead
        line = f"感谢您对我院工作的理解与监督。如有疑问，请与我院{esc(head.department_name)}联系"
        phone = clean(head.complaint_phone)
        return [f"{line}，电话：{esc(phone)}。" if phone else f"{line}。"]
