"""延期/告知书: the reply date told to the complainant has moved; the new date and the reason."""

from __future__ import annotations

from reportlab.platypus import Flowable

from printing.data import NoticeData
from printing.formatting import clean, cn_date, esc
from printing.letter import LetterRenderer


class NoticeRenderer(LetterRenderer[NoticeData]):
    """投诉办理延期告知书."""

    kind = "notice"
    title = "投诉办理延期告知书"
    data_type = NoticeData

    def story(self) -> list[Flowable]:
        d, kit = self.data, self.kit
        new_date = cn_date(d.new_date) + ("（暂定）" if d.new_date_provisional else "")
        opening = (
            f"您于{cn_date(d.received_at)}反映的问题（案件编号：{esc(d.case_no)}），"
            f"我院原定于{cn_date(d.previous_date)}前答复您。"
        )
        body = [
            self.salutation(),
            kit.para(opening),
            *self.sections(
                [
                    ("调整原因", [kit.para(f"{esc(d.reason)}。"), *kit.optional_paragraphs(d.note)]),
                    ("新的答复日期", [kit.para(f"我院将于<b>{new_date}</b>前答复您。")]),
                ]
            ),
        ]
        if d.new_date_provisional:
            body.append(
                kit.para(
                    "当年法定节假日安排尚未公布，上述日期暂按周一至周五推算，如有调整以实际为准。", "note"
                )
            )
        return self.body_and_closing(body, self._contact_lines())

    def _contact_lines(self) -> list[str]:
        head = self.letterhead
        line = f"由此给您带来的不便，敬请谅解。办理期间如有疑问，请与我院{esc(head.department_name)}联系"
        phone = clean(head.complaint_phone)
        return [f"{line}，电话：{esc(phone)}。" if phone else f"{line}。"]
