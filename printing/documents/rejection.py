"""不予受理告知书: the complaint is not accepted; the reason, the rule and the other routes."""

from __future__ import annotations

from reportlab.platypus import Flowable

from printing.data import RejectionData
from printing.formatting import cn_date, esc, is_blank
from printing.letter import LetterRenderer


class RejectionRenderer(LetterRenderer[RejectionData]):
    """不予受理告知书."""

    kind = "rejection"
    title = "投诉不予受理告知书"
    data_type = RejectionData

    def story(self) -> list[Flowable]:
        d, kit = self.data, self.kit
        office = esc(self.letterhead.department_name)
        finding = f"该事项属于“{esc(d.reason)}”的情形，" if not is_blank(d.reason) else ""
        opening = (
            f"您于{cn_date(d.received_at)}向我院反映的投诉事项（案件编号：{esc(d.case_no)}）已收悉。"
            f"经审查，{finding}我院{office}决定不予受理。现将有关情况告知如下："
        )
        body = [
            self.salutation(),
            kit.para(opening),
            *self.sections(
                [
                    ("不予受理的依据", kit.optional_paragraphs(d.rule_text)),
                    ("情况说明", kit.optional_paragraphs(d.note)),
                    ("其他解决途径", kit.optional_paragraphs(d.other_routes)),
                ]
            ),
        ]
        return self.body_and_closing(body)
