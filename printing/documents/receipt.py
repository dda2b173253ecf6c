"""受理回执: the acknowledgement handed to the complainant (A4 or A5), with a QR code."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table, TableStyle

from printing.base import DocumentRenderer
from printing.data import ReceiptData
from printing.flowables import QrCode
from printing.formatting import clean, cn_date, cn_datetime, esc, esc_or_dash, is_blank
from printing.styles import table_font
from printing.truncate import fit_lines


class ReceiptRenderer(DocumentRenderer[ReceiptData]):
    """受理回执."""

    kind = "receipt"
    title = "投诉受理回执"
    data_type = ReceiptData
    page_sizes = ("A4", "A5")

    def story(self) -> list[Flowable]:
        d, kit = self.data, self.kit
        name = esc(d.complainant_name) if not is_blank(d.complainant_name) else "投诉人"
        channel = f"经“{esc(d.channel)}”渠道" if not is_blank(d.channel) else ""
        return [
            kit.para(f"{name}：", "plain"),
            kit.para(
                f"您于{cn_datetime(d.received_at)}{channel}反映的问题，"
                f"我院{esc(self.letterhead.department_name)}"
                f"{'已登记' if d.office_accepts_on is not None else '已登记受理'}。现将受理情况告知如下："
            ),
            kit.space(6),
            self._facts(),
            kit.space(8),
            self._notes_and_code(),
            kit.space(10),
            kit.issuer(self.letterhead, d.issued_at),
        ]

    def _facts(self) -> Table:
        d, kit = self.data, self.kit
        big = self.styles.size(12.5)
        summary = fit_lines(d.summary, self.styles.cell, kit.wide_value_width, 3 if self._small else 4)
        reply = f"{cn_date(d.expected_reply_date)}{'（暂定）' if d.expected_reply_provisional else ''}前"
        return kit.kv_table(
            [
                [
                    ("案件编号", f"<font size={big}>{esc(d.case_no)}</font>"),
                    ("查询码", f"<font size={big}>{esc(d.query_code)}</font>"),
                ],
                [("投诉人", esc_or_dash(d.complainant_name)), ("投诉渠道", esc_or_dash(d.channel))],
                [(self._received_label, cn_datetime(d.received_at)), ("经办人", esc_or_dash(d.handler_name))],
                *self._office_row(),
                [("投诉内容", esc(summary))],
                *self._issue_rows(),
                [("预计答复日期", f"{reply}（受理之日起 {d.workdays} 个工作日内）")],
            ],
            narrow=self._small,
        )

    def _issue_rows(self) -> list[list[tuple[str, str]]]:
        """A complaint with several issues lists them: each with its category and department."""
        issues = self.data.issues
        if len(issues) < 2:
            return []
        lines = []
        for issue in issues:
            where = "，".join(esc(part) for part in (issue.category, issue.department) if not is_blank(part))
            lines.append(f"{esc(issue.heading)}" + (f"（{where}）" if where else ""))
        return [[("投诉事项", "<br/>".join(lines))]]

    @property
    def _received_label(self) -> str:
        return "登记时间" if self.data.office_accepts_on is not None else "受理时间"

    def _office_row(self) -> list[list[tuple[str, str]]]:
        """A night-duty receipt: when the office takes the complaint over."""
        d = self.data
        if d.office_accepts_on is None:
            return []
        when = f"{cn_date(d.office_accepts_on)} {esc(d.office_opens_at)} 上班后由{esc(self.letterhead.department_name)}正式受理"
        return [[("正式受理", when)]]

    def _notes_and_code(self) -> Table:
        d, kit = self.data, self.kit
        code_size = self.styles.size(27 * mm)
        notes = kit.numbered(self._note_texts(), "note")
        code = [
            QrCode(f"{clean(d.case_no)}|{d.query_code}", code_size),
            kit.para("案件编号与查询码", "caption"),
        ]
        table = Table(
            [[[kit.para("温馨提示", "section"), *notes], code]],
            colWidths=[self.width - code_size, code_size],
            hAlign="LEFT",
        )
        table.setStyle(
            TableStyle(
                [
                    table_font(self.styles),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (0, 0), 4 * mm),
                ]
            )
        )
        return table

    def _note_texts(self) -> list[str]:
        """Plain (unescaped) notes for the complainant."""
        d, head = self.data, self.letterhead
        office = clean(head.department_name)
        notes = [
            f"请妥善保管本回执。凭案件编号和查询码可向我院{office}查询办理进度，右侧二维码含上述两项信息。",
            f"我院将于受理之日起 {d.workdays} 个工作日内答复您；情况复杂需要延长的，我们将另行告知。",
        ]
        if d.office_accepts_on is not None:
            notes.insert(
                1,
                f"本投诉由医院总值班在非工作时间登记，{office}将于{cn_date(d.office_accepts_on)}"
                f"（{clean(d.office_opens_at)} 上班后）正式受理。",
            )
        if d.expected_reply_provisional:
            notes.append("当年法定节假日安排尚未公布，预计答复日期暂按周一至周五推算，如有调整以实际为准。")
        phones = []
        if not is_blank(head.complaint_phone):
            phones.append(f"投诉电话：{clean(head.complaint_phone)}")
        if not is_blank(head.night_duty_phone):
            phones.append(f"夜间及节假日请联系医院总值班：{clean(head.night_duty_phone)}")
        if phones:
            notes.append("；".join(phones) + "。")
        return notes

    @property
    def _small(self) -> bool:
        return self.spec.name == "A5"
