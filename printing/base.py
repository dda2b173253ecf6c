"""The renderer every document derives from: page set-up, header/footer, build to PDF bytes."""

from __future__ import annotations

import io
from abc import ABC, abstractmethod
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import Any, ClassVar, Generic, TypeVar

from reportlab import rl_config
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from printing.blocks import Kit
from printing.data import Letterhead
from printing.decor import PageDecorator
from printing.fonts import FontSet
from printing.formatting import clean, cn_date
from printing.page import PAGE_SPECS, NumberedCanvas, PageHeader
from printing.styles import get_styles

D = TypeVar("D")

# Binary streams instead of ASCII85: smaller files, and ReportLab's pure-Python encoder costs
# several milliseconds per image.
rl_config.useA85 = 0


class DocumentRenderer(ABC, Generic[D]):
    """One document kind. Subclasses set the class attributes and build the story."""

    kind: ClassVar[str]
    title: ClassVar[str]
    data_type: ClassVar[type]
    page_sizes: ClassVar[tuple[str, ...]] = ("A4",)

    def __init__(
        self,
        data: D,
        letterhead: Letterhead,
        *,
        fonts: FontSet,
        page_size: str = "A4",
        reprinted_at: datetime | None = None,
        footer_mark: str = "",
    ) -> None:
        if page_size not in self.page_sizes:
            raise ValueError(f"{self.title}不支持 {page_size} 纸张，可用：{'、'.join(self.page_sizes)}")
        self.data = data
        self.letterhead = letterhead
        self.spec = PAGE_SPECS[page_size]
        self.styles = get_styles(fonts, self.spec.scale)
        self.width = self.spec.size[0] - 2 * self.spec.margin
        self.kit = Kit(self.styles, self.width)
        self.reprinted_at = reprinted_at
        self.footer_mark = footer_mark

    def page_header(self) -> PageHeader:
        """Title, case number and issue date on every page (override for documents without a case)."""
        data: Any = self.data
        return PageHeader(
            title=self.title,
            meta_left=f"编号：{clean(data.case_no)}",
            meta_right=f"日期：{cn_date(data.issued_at)}",
            footer_left=f"{clean(self.letterhead.hospital_name)}　{self.title}",
        )

    @abstractmethod
    def story(self) -> list[Flowable]:
        """The flowables of the document body."""

    def render(self) -> bytes:
        """Lay the story out on as many pages as it needs and return the PDF."""
        header = replace(self.page_header(), footer_right=self.footer_mark)
        decorator = PageDecorator(self.letterhead, header, self.styles, self.spec, self.reprinted_at)
        page_width, page_height = self.spec.size
        frame = Frame(
            self.spec.margin,
            self.spec.bottom,
            self.width,
            page_height - decorator.frame_top - self.spec.bottom,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        buffer = io.BytesIO()
        document = BaseDocTemplate(
            buffer,
            pagesize=self.spec.size,
            pageTemplates=[PageTemplate(id="page", frames=[frame], onPage=decorator.draw_header)],
            title=header.title,
            author=clean(self.letterhead.hospital_name),
            subject=header.meta_left,
            creator="ComplaintDesk",
            initialFontName=self.styles.fonts.regular,  # no unused, unembedded Helvetica
        )
        canvas = partial(
            NumberedCanvas,
            draw_footer=decorator.draw_footer,
            created_at=getattr(self.data, "issued_at", None) or getattr(self.data, "created_at", None),
        )
        document.build(self.story(), canvasmaker=canvas)
        return buffer.getvalue()
