"""交班单: the night's complaints the 总值班 hands to the office in the morning, most urgent first."""

from __future__ import annotations

from collections import Counter

from reportlab.platypus import Flowable

from printing.base import DocumentRenderer
from printing.data import HandoverData
from printing.formatting import clean, cn_datetime, esc
from printing.page import PageHeader
from printing.truncate import fit_lines

SEVERITY_ORDER = ("重大", "重要", "一般")
URGENT = "#b0201a"  # the letterhead's accent red


class HandoverRenderer(DocumentRenderer[HandoverData]):
    """交班单."""

    kind = "handover"
    title = "总值班交班单"
    data_type = HandoverData

    def page_header(self) -> PageHeader:
        d = self.data
        return PageHeader(
            title=self.title,
            meta_left=f"交班单号：{clean(d.number)}　交班人：{clean(d.handed_by)}",
            meta_right=f"交班时间：{cn_datetime(d.issued_at)}",
            footer_left=f"{clean(self.letterhead.hospital_name)}　{self.title}　{clean(d.number)}",
        )

    def story(self) -> list[Flowable]:
        d, kit = self.data, self.kit
        counts = Counter(row.severity for row in d.cases)
        parts = "、".join(f"{label} {counts[label]} 件" for label in SEVERITY_ORDER if counts[label])
        escalated = sum(1 for row in d.cases if row.escalated)
        summary = f"本班登记、尚待办公室受理的投诉共 <b>{len(d.cases)}</b> 件" + (f"（{parts}）" if parts else "")
        summary += f"，其中已上报院领导 {escalated} 件。" if escalated else "。"
        story: list[Flowable] = [kit.para(summary), kit.space(4), self._cases()]
        if d.note.strip():
            story += [kit.space(6), kit.section("交班说明", kit.paragraphs(d.note, "text"))]
        story += [
            kit.space(6),
            kit.para(
                "请办公室在下一个工作日上午受理上述投诉；重大投诉请优先处理并核实已报告分管院领导。", "note"
            ),
            kit.space(10),
            kit.signature_row([("交班人签名：", None), ("接班人签名：", None), ("接班时间：", None)]),
        ]
        return story

    def _cases(self) -> Flowable:
        d, kit = self.data, self.kit
        shares = (0.075, 0.2, 0.125, 0.08, 0.1, 0.12, 0.18, 0.12)
        widths = [self.width * share for share in shares]
        rows = []
        for number, row in enumerate(d.cases, start=1):
            urgent = row.severity == "重大"
            severity = esc(row.severity) + ("<br/>已上报" if row.escalated else "")
            if urgent:
                severity = f"<font color='{URGENT}'><b>{severity}</b></font>"
            summary = fit_lines(row.summary, self.styles.cell, widths[6] - 12, 3)
            rows.append(
                [
                    str(number),
                    row.case_no,
                    f"{row.received_at.month}月{row.received_at.day}日 {row.received_at:%H:%M}",
                    row.channel,
                    row.complainant,
                    kit.para(severity, "cell"),
                    summary,
                    f"{row.accept_due.month}月{row.accept_due.day}日" if row.accept_due else "—",
                ]
            )
        if not rows:
            return kit.para("本班没有待交班的投诉。", "plain")
        header = ("序号", "案件编号", "接报时间", "渠道", "投诉人", "严重程度", "投诉事由", "受理期限")
        return kit.list_table(header, rows, widths)
