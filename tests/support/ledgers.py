"""Messy Excel 台账 as offices keep them, generated for the import tests and the benchmark: a merged
title row, a subtitle, extra sheets, blank rows, a 合计 row, dates in every form, phones with spaces,
dashes or 无, departments as staff write them, 属实 / 部分属实 / 不属实."""

from __future__ import annotations

import io
import random
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

HEADERS = [
    "序号",
    "投诉日期",
    "投诉方式",
    "投诉人",
    "联系电话",
    "患者姓名",
    "被投诉科室",
    "投诉类别",
    "投诉内容",
    "诉求",
    "是否属实",
    "处理结果",
    "赔偿金额",
    "办结日期",
    "回访情况",
    "备注",
]
TITLE = "江宁市第一人民医院2025年医患投诉台账"
LONG_NARRATIVE = (
    "患者家属反映：3月4日夜间急诊候诊两小时无人接诊，\n值班医生解释不清，态度生硬；要求说明原因。"
)

# (label, row) in sheet order; the tests refer to rows by label. Row numbers: title 1, subtitle 2, header 3.
ROWS: list[tuple[str, list]] = [
    (
        "excel_date",
        [
            1,
            datetime(2025, 3, 5),
            "来访",
            "张桂兰",
            "138 0013 8000",
            "李建国",
            "心内科",
            "服务态度",
            "门诊候诊三小时无人叫号，护士态度生硬。",
            "道歉",
            "属实",
            "科室已向患者道歉，完善叫号流程。",
            "500元",
            datetime(2025, 3, 12),
            "满意",
            "",
        ],
    ),
    (
        "serial",
        [
            2,
            45720,
            "电话",
            "王海",
            "无",
            "王海",
            "心内",
            "医疗质量",
            LONG_NARRATIVE,
            "",
            "部分属实",
            "已约谈当班医生。",
            "",
            45727,
            "基本满意",
            "家属情绪激动",
        ],
    ),
    (
        "dotted",
        [
            3,
            "2025.3.5",
            "12345转办",
            "陈晓",
            "139-0013-9000",
            "陈晓",
            "急诊",
            "收费",
            "急诊收费重复，多收 120 元。",
            "退费",
            "不属实",
            "经核查为两次不同检查，已解释。",
            "",
            "2025.3.10",
            "",
            "",
        ],
    ),
    (
        "slashed",
        [
            4,
            "2025/03/05",
            "来信",
            "赵敏",
            "0571-8765 4321",
            "",
            "心血管内科",
            "误诊",
            "认为外院诊断与本院不同。",
            "",
            "无法核实",
            "已书面答复。",
            "",
            "2025/03/20",
            "",
            "",
        ],
    ),
    (
        "chinese",
        [
            5,
            "2025年3月5日",
            "网络",
            "孙丽",
            "13900139001",
            "",
            "急诊科",
            "挂号难",
            "网上挂号号源不足。",
            "",
            "属实",
            "已增加号源。",
            "¥1,200.00",
            "2025年3月15日",
            "不满意",
            "",
        ],
    ),
    (
        "no_year",
        [
            6,
            "3月6日",
            "来访",
            "周强",
            "137 0013 7000",
            "",
            "xnk",
            "停车",
            "停车场收费过高。",
            "",
            "不属实",
            "已解释收费标准。",
            "",
            "3月9日",
            "",
            "",
        ],
    ),
    ("blank", [None] * 16),
    (
        "unknown_dept",
        [
            7,
            "2025-03-07",
            "来访",
            "吴芳",
            "13600136000",
            "",
            "某某中心",
            "服务态度",
            "前台服务差。",
            "",
            "属实",
            "已整改。",
            "",
            "2025-03-08",
            "",
            "",
        ],
    ),
    (
        "open",
        [
            8,
            "2025-03-08",
            "电话",
            "郑华",
            "13500135000",
            "",
            "心内科",
            "服务态度",
            "电话投诉医生未解释病情。",
            "",
            "",
            "",
            "",
            "",
            "",
            "处理中",
        ],
    ),
    (
        "no_content",
        [
            9,
            "2025-03-09",
            "来访",
            "冯伟",
            "13400134000",
            "",
            "心内科",
            "服务态度",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
    ),
    (
        "bad_phone",
        [
            10,
            "2025-03-10",
            "来访",
            "韩梅",
            "1380013",
            "",
            "心内科",
            "服务态度",
            "护士打针多次未成功。",
            "",
            "属实",
            "已道歉。",
            "",
            "2025-03-11",
            "",
            "",
        ],
    ),
    (
        "duplicate",
        [
            11,
            datetime(2025, 3, 5),
            "来访",
            "张桂兰",
            "138 0013 8000",
            "李建国",
            "心内科",
            "服务态度",
            "门诊候诊三小时无人叫号，护士态度生硬。",
            "道歉",
            "属实",
            "科室已向患者道歉，完善叫号流程。",
            "500元",
            datetime(2025, 3, 12),
            "满意",
            "",
        ],
    ),
    ("blank2", [None] * 16),
    (
        "total",
        [
            "合计",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            "共 11 件",
            None,
            None,
            None,
            "1700",
            None,
            None,
            None,
        ],
    ),
]
ROW_NUMBER = {label: 4 + index for index, (label, _row) in enumerate(ROWS)}


def _messy_book(rows: list[list]) -> Workbook:
    book = Workbook()
    notes = book.active
    notes.title = "填表说明"
    notes["A1"] = "本台账每月 5 日前报医务部。"
    notes["A2"] = "投诉方式填写：来访、来电、来信、网络、上级转办。"
    sheet = book.create_sheet("2025年台账")
    sheet.append([TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet.append(
        [
            "填报单位：医患沟通办公室",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            "单位：元",
        ]
    )
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    sheet.column_dimensions["I"].width = 60
    book.create_sheet("统计").append(["科室", "件数"])
    return book


def messy_ledger(path: Path, rows: list[list] | None = None) -> Path:
    book = _messy_book([r for _label, r in ROWS] if rows is None else rows)
    book.save(path)
    return path


def big_ledger(path: Path, count: int, seed: int = 7) -> Path:
    """`count` distinct rows in the messy layout (for the benchmark)."""
    rng = random.Random(seed)
    departments = ["心内科", "心内", "急诊", "急诊科", "心血管内科", "xnk"]
    findings = ["属实", "部分属实", "不属实", ""]
    rows = []
    for i in range(count):
        day = date(2025, 1, 1).toordinal() + rng.randrange(360)
        received = date.fromordinal(day)
        closed = date.fromordinal(day + rng.randrange(1, 20))
        finding = rng.choice(findings)
        rows.append(
            [
                i + 1,
                rng.choice(
                    [
                        datetime.combine(received, datetime.min.time()),
                        received.strftime("%Y.%m.%d"),
                        f"{received:%Y年%m月%d日}",
                    ]
                ),
                rng.choice(["来访", "电话", "来信", "网络"]),
                f"投诉人{i}",
                f"13{rng.randrange(10**9):09d}",
                "",
                rng.choice(departments),
                rng.choice(["服务态度", "医疗质量", "收费", "排队等候"]),
                f"第{i}号投诉：候诊时间过长，医生解释不够耐心，希望医院改进。",
                "",
                finding,
                "已答复。" if finding else "",
                "",
                closed.strftime("%Y-%m-%d") if finding else "",
                "",
                "",
            ]
        )
    return messy_ledger(path, rows)


def password_protected(path: Path, password: str = "Ledger2025") -> Path:
    """A real Excel-encrypted .xlsx (an OLE2 container with EncryptionInfo + EncryptedPackage)."""
    import msoffcrypto

    plain = io.BytesIO()
    _messy_book([r for _label, r in ROWS[:2]]).save(plain)
    plain.seek(0)
    out = io.BytesIO()
    msoffcrypto.OfficeFile(plain).encrypt(password, out)
    path.write_bytes(out.getvalue())
    return path


def empty_workbook(path: Path) -> Path:
    book = Workbook()
    book.active.title = "Sheet1"
    book.save(path)
    return path
