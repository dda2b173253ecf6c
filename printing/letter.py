"""Shared shape of the two letters to the complainant (不予受理告知书, 处理结果告知书):
salutation, numbered sections, 特此告知, sealed issuer block and the complainant's receipt line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.platypus import Flowable, KeepTogether

from printing.base import D, DocumentRenderer
from printing.formatting import esc, is_blank, ordinal


class LetterRenderer(DocumentRenderer[D]):
    """A letter addressed to the complainant, signed and sealed by the office."""

    def salutation(self) -> Flowable:
        data: Any = self.data
        name = data.complainant_name
        return self.kit.para(f"{esc(name) if not is_blank(name) else '投诉人'}：", "plain")

    def sections(self, parts: Sequence[tuple[str, list[Flowable]]]) -> list[Flowable]:
        """Sections headed 一、二、…; sections without content are left out and not numbered."""
        out: list[Flowable] = []
        present = [(title, body) for title, body in parts if body]
        for number, (title, body) in enumerate(present, start=1):
            out.append(KeepTogether([self.kit.heading(f"{ordinal(number)}、{title}"), body[0]]))
            out.extend(body[1:])
        return out

    def closing(self, lines: Sequence[str] = (), tail: Sequence[Flowable] = ()) -> list[Flowable]:
        """Closing sentences, 特此告知, the sealed issuer block and the acknowledgement line, kept on
        one page together with `tail` (the last flowables of the body), so the signature never
        stands on a page of its own."""
        data: Any = self.data
        kit = self.kit
        flat: list[Flowable] = []
        for flowable in tail:  # a KeepTogether inside a KeepTogether never fits: unpack it
            flat.extend(flowable._content if isinstance(flowable, KeepTogether) else [flowable])
        return [
            KeepTogether(
                [
                    *flat,
                    *(kit.para(line) for line in lines),
                    kit.para("特此告知。"),
                    kit.space(10),
                    kit.issuer(self.letterhead, data.issued_at),
                    kit.space(20),
                    kit.para("本告知书一式两份，投诉人与医院各执一份。", "note"),
                    kit.space(10),
                    kit.signature_row([("投诉人签收：", None), ("日期：", None)]),
                ]
            )
        ]

    def body_and_closing(self, body: list[Flowable], lines: Sequence[str] = ()) -> list[Flowable]:
        """`body`, its last flowable kept on the page of the closing and signature."""
        return [*body[:-1], *self.closing(lines, tail=body[-1:])]
