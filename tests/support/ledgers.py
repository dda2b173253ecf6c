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

FIELDS = (
    "serial",
    "received",
    "channel",
    "complainant",
    "phone",
    "patient",
    "department",
    "category",
    "content",
    "demands",
    "finding",
    "result",
    "amount",
    "closed",
    "follow_up",
    "note",
)  # the columns of HEADERS, in order


def ledger_row(**values: object) -> list:
    """One row in HEADERS order; columns not named are empty ("")."""
    unknown = set(values) - set(FIELDS)
    assert not unknown, unknown
    return [values.get(name, "") for name in FIELDS]


FIRST = ledger_row(
    serial=1,
    received=datetime(2025, 3, 5),
    channel="来访",
    complainant="张桂兰",
    phone="138 0013 8000",
    patient="李建国",
    department="心内科",
    category="服务态度",
    content="门诊候诊三小时无人叫号，护士态度生硬。",
    demands="道歉",
    finding="属实",
    result="科室已向患者道歉，完善叫号流程。",
    amount="500元",
    closed=datetime(2025, 3, 12),
    follow_up="满意",
)
# (label, row) in sheet order; the tests refer to rows by label. Row numbers: title 1, subtitle 2, header 3.
ROWS: list[tuple[str, list]] = [
    ("excel_date", FIRST),
    (
        "serial",
        ledger_row(
            serial=2,
            received=45720,
            channel="电话",
            complainant="王海",
            phone="无",
            patient="王海",
            department="心内",
            category="医疗质量",
            content=LONG_NARRATIVE,
            finding="部分属实",
            result="已约谈当班医生。",
            closed=45727,
            follow_up="基本满意",
            note="家属情绪激动",
        ),
    ),
    (
        "dotted",
        ledger_row(
            serial=3,
            received="2025.3.5",
            channel="12345转办",
            complainant="陈晓",
            phone="139-0013-9000",
            patient="陈晓",
            department="急诊",
            category="收费",
            content="急诊收费重复，多收 120 元。",
            demands="退费",
            finding="不属实",
            result="经核查为两次不同检查，已解释。",
            closed="2025.3.10",
        ),
    ),
    (
        "slashed",
        ledger_row(
            serial=4,
            received="2025/03/05",
            channel="来信",
            complainant="赵敏",
            phone="0571-8765 4321",
            department="心血管内科",
            category="误诊",
            content="认为外院诊断与本院不同。",
            finding="无法核实",
            result="已书面答复。",
            closed="2025/03/20",
        ),
    ),
    (
        "chinese",
        ledger_row(
            serial=5,
            received="2025年3月5日",
            channel="网络",
            complainant="孙丽",
            phone="13900139001",
            department="急诊科",
            category="挂号难",
            content="网上挂号号源不足。",
            finding="属实",
            result="已增加号源。",
            amount="¥1,200.00",
            closed="2025年3月15日",
            follow_up="不满意",
        ),
    ),
    (
        "no_year",
        ledger_row(
            serial=6,
            received="3月6日",
            channel="来访",
            complainant="周强",
            phone="137 0013 7000",
            department="xnk",
            category="停车",
            content="停车场收费过高。",
            finding="不属实",
            result="已解释收费标准。",
            closed="3月9日",
        ),
    ),
    ("blank", [None] * len(FIELDS)),
    (
        "unknown_dept",
        ledger_row(
            serial=7,
            received="2025-03-07",
            channel="来访",
            complainant="吴芳",
            phone="13600136000",
            department="某某中心",
            category="服务态度",
            content="前台服务差。",
            finding="属实",
            result="已整改。",
            closed="2025-03-08",
        ),
    ),
    (
        "open",
        ledger_row(
            serial=8,
            received="2025-03-08",
            channel="电话",
            complainant="郑华",
            phone="13500135000",
            department="心内科",
            category="服务态度",
            content="电话投诉医生未解释病情。",
            note="处理中",
        ),
    ),
    (
        "no_content",
        ledger_row(
            serial=9,
            received="2025-03-09",
            channel="来访",
            complainant="冯伟",
            phone="13400134000",
            department="心内科",
            category="服务态度",
        ),
    ),
    (
        "bad_phone",
        ledger_row(
            serial=10,
            received="2025-03-10",
            channel="来访",
            complainant="韩梅",
            phone="1380013",
            department="心内科",
            category="服务态度",
            content="护士打针多次未成功。",
            finding="属实",
            result="已道歉。",
            closed="2025-03-11",
        ),
    ),
    ("duplicate", [11, *FIRST[1:]]),  # the first complaint entered again under another number
    ("blank2", [None] * len(FIELDS)),
    (
        "total",
        [
            None if value == "" else value
            for value in ledger_row(serial="合计", content="共 11 件", amount="1700")
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
    sheet.append(["填报单位：医患沟通办公室", *[None] * 12, "单位：元"])
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
            ledger_row(
                serial=i + 1,
                received=rng.choice(
                    [
                        datetime.combine(received, datetime.min.time()),
                        received.strftime("%Y.%m.%d"),
                        f"{received:%Y年%m月%d日}",
                    ]
                ),
                channel=rng.choice(["来访", "电话", "来信", "网络"]),
                complainant=f"投诉人{i}",
                phone=f"13{rng.randrange(10**9):09d}",
                department=rng.choice(departments),
                category=rng.choice(["服务态度", "医疗质量", "收费", "排队等候"]),
                content=f"第{i}号投诉：候诊时间过长，医生解释不够耐心，希望医院改进。",
                finding=finding,
                result="已答复。" if finding else "",
                closed=closed.strftime("%Y-%m-%d") if finding else "",
            )
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
