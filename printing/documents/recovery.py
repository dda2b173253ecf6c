"""数据库恢复密钥单: printed once when the database is set up, then sealed and locked away."""

from __future__ import annotations

import math
import re

from reportlab.lib.enums import TA_CENTER
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table, TableStyle

from printing.base import DocumentRenderer
from printing.data import RecoverySheetData
from printing.drawing import text_width
from printing.formatting import DASH, clean, cn_date, cn_datetime, esc, esc_or_dash
from printing.page import PageHeader
from printing.styles import ACCENT, table_font

_KEY_PARTS = re.compile(r"[^\s-]+[\s-]*")
INSTRUCTIONS = (
    "本密钥是数据库的最后一道恢复凭证：所有管理员口令都遗失时，凭此密钥可以重新打开数据库并重设口令。"
    "任何人持有本密钥即可读取全部投诉资料，请按机密件保管。",
    "打印后请立即核对密钥与屏幕显示一致，然后装入信封密封，由封存人和监督人在封口处签名，"
    "交医院指定的保险柜或机要档案室保管，并登记保管位置。",
    "不得复印、拍照或扫描，不得以电子文件、电子邮件或即时通讯工具保存、传送本密钥。",
    "需要使用时，应经分管院领导批准，由两人同时在场启封；使用后应立即重设管理员口令、重新生成恢复密钥，"
    "并销毁（粉碎）本单。",
    "本单遗失或怀疑密钥泄露时，应立即报告分管院领导，重新生成恢复密钥并销毁旧单。",
)


def database_file_name(name: str) -> str:
    """Only the file name, even if a full path was passed (the sheet must not reveal paths)."""
    return re.split(r"[\\/]", clean(name))[-1]


class RecoverySheetRenderer(DocumentRenderer[RecoverySheetData]):
    """数据库恢复密钥单."""

    kind = "recovery"
    title = "数据库恢复密钥单"
    data_type = RecoverySheetData

    def page_header(self) -> PageHeader:
        d = self.data
        return PageHeader(
            title=self.title,
            meta_left=f"数据库：{database_file_name(d.database_name) or DASH}",
            meta_right=f"生成日期：{cn_date(d.created_at)}",
            footer_left="机密　打印后立即封存",
        )

    def story(self) -> list[Flowable]:
        d, kit = self.data, self.kit
        fields = kit.kv_table(
            [
                [("医院名称", esc_or_dash(d.hospital_name))],
                [("数据库文件", esc_or_dash(database_file_name(d.database_name)))],
                [("生成时间", cn_datetime(d.created_at))],
                [("生成人", esc_or_dash(d.created_by))],
            ]
        )
        return [
            self._warning(),
            kit.space(8),
            fields,
            kit.section("恢复密钥", self._key_lines()),
            kit.space(6),
            kit.section("使用与保管说明", kit.numbered(INSTRUCTIONS)),
            kit.space(18),
            KeepTogether(
                [
                    kit.signature_row([("封存人：", None), ("监督人：", None)]),
                    kit.space(14),
                    kit.signature_row([("保管位置：", None), ("日期：", None)]),
                ]
            ),
        ]

    def _warning(self) -> Table:
        """A red box at the top: what this sheet is and that it is confidential."""
        style = self.styles.section.clone("warning", textColor=ACCENT, alignment=TA_CENTER)
        text = "机密 · 本单可解密全部投诉资料 · 仅打印一次 · 打印后立即密封保管"
        table = Table([[Paragraph(text, style)]], colWidths=[self.width])
        table.setStyle(
            TableStyle(
                [
                    table_font(self.styles),
                    ("BOX", (0, 0), (-1, -1), 1.2, ACCENT),
                    ("TOPPADDING", (0, 0), (-1, -1), 6),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
        return table

    def _key_lines(self) -> list[Flowable]:
        """The key large, in the document's bold face (embedded like every font of a document; base32
        has no 0/O or 1/I to confuse), on balanced lines broken only between groups."""
        key_font = self.styles.fonts.bold
        size = self.styles.size(17)
        style = self.styles.plain.clone(
            "key", fontName=key_font, fontSize=size, leading=size * 1.6, alignment=TA_CENTER
        )
        groups = _KEY_PARTS.findall(clean(self.data.recovery_key))
        if not groups:
            return [self.kit.para(DASH, "plain")]
        available = self.width - 20
        count = math.ceil(text_width("".join(groups), key_font, size) / available)
        while True:
            per_line = math.ceil(len(groups) / count)
            lines = ["".join(groups[i : i + per_line]).rstrip() for i in range(0, len(groups), per_line)]
            if all(text_width(line, key_font, size) <= available for line in lines) or per_line == 1:
                return [Paragraph(esc(line), style) for line in lines]
            count += 1
