"""卷宗 (the case file kept as 投诉档案): a cover with the case summary and the table of contents and
the list of issued documents with their SHA-256; and the appendix with the timeline, the attachments
with their SHA-256 and the record of who viewed the case. The issued documents themselves are not
re-rendered: app/records/dossier.py puts their stored pages between these two parts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reportlab.platypus import Flowable

from printing.base import DocumentRenderer
from printing.data import Letterhead
from printing.formatting import clean, cn_date, esc
from printing.page import PageHeader


@dataclass(frozen=True, kw_only=True)
class DossierData:
    case_no: str
    issued_at: datetime
    summary: tuple[tuple[str, str], ...]  # (label, plain text)
    contents: tuple[tuple[str, str], ...]  # (part, pages)
    documents: tuple[tuple[str, str, str, str], ...]  # (title, issued, SHA-256, pages)
    timeline: tuple[tuple[str, str, str, str], ...]  # (time, who, what, note)
    attachments: tuple[tuple[str, str, str, str], ...]  # (file, size, added, SHA-256)
    views: tuple[tuple[str, str, str], ...]  # (time, who, what)
    note: str = ""  # e.g. what was masked for this reader


class _DossierPart(DocumentRenderer[DossierData]):
    data_type = DossierData

    def page_header(self) -> PageHeader:
        d = self.data
        return PageHeader(
            title=self.title,
            meta_left=f"案件编号：{clean(d.case_no)}",
            meta_right=f"生成日期：{cn_date(d.issued_at)}",
            footer_left=f"{clean(self.letterhead.hospital_name)}　投诉档案　{clean(d.case_no)}",
        )

    def grid(
        self, header: tuple[str, ...], rows: tuple[tuple[str, ...], ...], shares: tuple[float, ...]
    ) -> Flowable:
        kit = self.kit
        cells = [
            [kit.para(esc(cell) or "—", "note" if len(cell) > 40 else "cell") for cell in row] for row in rows
        ]
        return kit.list_table(header, cells, [self.width * share for share in shares])


class DossierCoverRenderer(_DossierPart):
    kind = "dossier_cover"
    title = "投诉案件卷宗"

    def story(self) -> list[Flowable]:
        d, kit = self.data, self.kit
        story: list[Flowable] = [kit.kv_table([[(esc(label), esc(value))] for label, value in d.summary])]
        if d.note:
            story += [kit.space(4), kit.para(esc(d.note), "note")]
        story += [kit.heading("目录")]
        story += [
            kit.para(f"{n}. {esc(part)}　……　{esc(pages)}", "plain")
            for n, (part, pages) in enumerate(d.contents, 1)
        ]
        story += [kit.heading("已出具文书（按存档原件装订，SHA-256 与存档一致）")]
        if d.documents:
            story.append(self.grid(("文书", "出具", "SHA-256", "页码"), d.documents, (0.22, 0.2, 0.44, 0.14)))
        else:
            story.append(kit.para("本案尚未出具文书。", "plain"))
        return story


class DossierAppendixRenderer(_DossierPart):
    kind = "dossier_appendix"
    title = "卷宗附录"

    def story(self) -> list[Flowable]:
        d, kit = self.data, self.kit
        story: list[Flowable] = [kit.heading("一、办理时间线")]
        story.append(self.grid(("时间", "经办人", "事项", "说明"), d.timeline, (0.17, 0.12, 0.33, 0.38)))
        story.append(kit.heading("二、附件清单"))
        if d.attachments:
            story.append(
                self.grid(("文件名", "大小", "添加", "SHA-256"), d.attachments, (0.24, 0.1, 0.22, 0.44))
            )
        else:
            story.append(kit.para("无附件。", "plain"))
        story.append(kit.heading("三、查阅记录（审计日志）"))
        story.append(self.grid(("时间", "用户", "操作"), d.views, (0.25, 0.25, 0.5)))
        return story


def render_dossier_parts(
    data: DossierData, letterhead: Letterhead, font_path: str | None = None
) -> tuple[bytes, bytes]:
    """(cover, appendix) as PDF bytes."""
    from printing.fonts import register_fonts

    fonts = register_fonts(font_path)
    cover = DossierCoverRenderer(data, letterhead, fonts=fonts).render()
    appendix = DossierAppendixRenderer(data, letterhead, fonts=fonts).render()
    return cover, appendix
