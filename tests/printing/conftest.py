"""Fixtures for the printing tests: a letterhead with images, full and minimal document data,
and helpers that read a PDF back."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from printing import (
    DispatchData,
    FollowUpData,
    Letterhead,
    NoticeData,
    ReceiptData,
    RecoverySheetData,
    RectificationNoticeData,
    RegistrationData,
    RejectionData,
    ResultData,
)
from printing.data import HandoverData, HandoverRow

RECEIVED = datetime(2026, 11, 19, 9, 20)
ISSUED = datetime(2026, 11, 19, 9, 45)


def _png(colour: tuple[int, int, int, int], size: tuple[int, int]) -> bytes:
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((2, 2, size[0] - 2, size[1] - 2), outline=colour, width=6)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="session")
def letterhead() -> Letterhead:
    return Letterhead(
        hospital_name="江宁市第一人民医院",
        address="江宁市秦淮路168号",
        complaint_phone="025-8888 6120",
        night_duty_phone="025-8888 6000",
        contact_line="工作时间：周一至周五",
        logo_png=_png((0, 110, 120, 255), (120, 120)),
        seal_png=_png((200, 30, 30, 200), (300, 300)),
    )


@pytest.fixture(scope="session")
def bare_letterhead() -> Letterhead:
    return Letterhead(hospital_name="某医院")


def full_documents() -> dict[str, object]:
    """Every document with every field filled."""
    case = {"case_no": "YH-2026-000123"}
    return {
        "receipt": ReceiptData(
            **case,
            query_code="482913",
            received_at=RECEIVED,
            channel="来访",
            complainant_name="王建国",
            summary="候诊三个小时，医生态度生硬。",
            expected_reply_date=date(2026, 11, 26),
            expected_reply_provisional=True,
            workdays=5,
            handler_name="陈敏",
            issued_at=ISSUED,
        ),
        "registration": RegistrationData(
            **case,
            received_at=RECEIVED,
            channel="来电",
            complainant_name="王建国",
            complainant_relation="子女",
            complainant_phone="13951882046",
            complainant_id_number="320102198507153217",
            complainant_address="建邺区汉中门大街56号",
            patient_name="李秀兰",
            patient_record_no="MZ20261118-0457",
            visit_department="心血管内科门诊",
            visit_date=date(2026, 11, 18),
            category_path="医疗质量 / 诊疗 / 误诊漏诊",
            severity="重要",
            narrative="患者候诊近三个小时。接诊医生问诊仅三分钟。",
            demands="要求道歉并退还挂号费。",
            registered_by="陈敏",
            issued_at=ISSUED,
        ),
        "rectification": RectificationNoticeData(
            case_no="ZG-2026-0007",
            department="护理部",
            measure="修订夜间呼叫应答制度，呼叫铃响应不超过 3 分钟；组织全科护士培训并考核。",
            due=date(2026, 12, 3),
            due_workdays=10,
            due_provisional=True,
            problem="夜间呼叫铃响应不及时，患者等待超过 20 分钟。",
            cases=["YH-2026-000123　护理服务 / 呼叫响应不及时（部分成立）"],
            officer_name="陈敏",
            officer_phone="8021",
            issued_at=ISSUED,
        ),
        "dispatch": DispatchData(
            **case,
            department="心血管内科",
            sent_at=datetime(2026, 11, 19, 10, 30),
            deadline=date(2026, 11, 24),
            deadline_provisional=True,
            narrative="患者候诊近三个小时。",
            questions=["候诊时间过长的原因。", "接诊医生是否存在服务态度问题。"],
            officer_name="陈敏",
            officer_phone="8021",
            complainant_name="王建国",
            patient_name="李秀兰",
            category_path="服务态度 / 医务人员",
            severity="一般",
            issued_at=ISSUED,
        ),
        "rejection": RejectionData.for_reason(
            "criminal",
            **case,
            complainant_name="赵明",
            received_at=RECEIVED,
            note="您反映的事项公安机关已立案。",
            issued_at=ISSUED,
        ),
        "result": ResultData(
            **case,
            complainant_name="王建国",
            received_at=RECEIVED,
            facts="经调阅叫号系统日志，候诊2小时47分钟属实。",
            finding="部分成立",
            resolution="接诊医生当面致歉，退还挂号费。",
            refund_amount=Decimal("25.00"),
            compensation_amount=Decimal("1234.50"),
            rectification=["增开一个诊室。", "开展医患沟通培训。"],
            issued_at=ISSUED,
        ),
        "notice": NoticeData(
            **case,
            complainant_name="王建国",
            received_at=RECEIVED,
            previous_date=date(2026, 11, 26),
            new_date=date(2026, 12, 3),
            new_date_provisional=True,
            reason="经批准延期 5 个工作日",
            note="需等待医学会专家意见。",
            issued_at=ISSUED,
        ),
        "followup": FollowUpData(
            **case,
            complainant_name="王建国",
            contact="139****2046",
            method="上门",
            followed_at=datetime(2026, 12, 2, 10, 15),
            satisfaction="基本满意",
            remarks="投诉人认可处理结果。",
            officer_name="陈敏",
            routes=[("人民调解", "进行中", "")],
            issued_at=ISSUED,
        ),
        "recovery": RecoverySheetData(
            hospital_name="江宁市第一人民医院",
            database_name="complaintdesk.db",
            created_at=datetime(2026, 11, 3, 16, 12),
            created_by="刘洋",
            recovery_key="K7Q2-M9XD-4HTP-WB3R-8NCF-J6VA-Z2YE-5GUS",
        ),
        "handover": HandoverData(
            number="JB-20261120-0003",
            handed_by="孙立军",
            cases=[
                HandoverRow(
                    "YH-2026-000123", RECEIVED, "来电", "王建国", "重大", "急诊留观患者夜间跌倒。",
                    escalated=True, accept_due=date(2026, 11, 20),
                ),
                HandoverRow("YH-2026-000124", RECEIVED, "来访", "李某", "一般", "夜间挂号窗口无人。"),
            ],
            note="跌倒的患者已报告张院长。",
            issued_at=ISSUED,
        ),
    }


def minimal_documents() -> dict[str, object]:
    """Every document with only the required fields, optional ones empty."""
    return {
        "receipt": ReceiptData(
            case_no="YH-2026-000001",
            query_code="000000",
            received_at=RECEIVED,
            channel="",
            complainant_name="",
            summary="",
            expected_reply_date=date(2026, 11, 26),
            issued_at=ISSUED,
        ),
        "registration": RegistrationData(
            case_no="YH-2026-000001", received_at=RECEIVED, channel="", complainant_name="", issued_at=ISSUED
        ),
        "rectification": RectificationNoticeData(
            case_no="ZG-2026-0001", department="", measure="", due=date(2026, 12, 3), due_workdays=10, issued_at=ISSUED
        ),
        "dispatch": DispatchData(
            case_no="YH-2026-000001",
            department="",
            sent_at=RECEIVED,
            deadline=date(2026, 11, 24),
            issued_at=ISSUED,
        ),
        "rejection": RejectionData(
            case_no="YH-2026-000001",
            complainant_name="",
            received_at=RECEIVED,
            reason="",
            rule_text="",
            other_routes="",
            issued_at=ISSUED,
        ),
        "result": ResultData(
            case_no="YH-2026-000001",
            complainant_name="",
            received_at=RECEIVED,
            facts="",
            finding="无法认定",
            resolution="",
            issued_at=ISSUED,
        ),
        "notice": NoticeData(
            case_no="YH-2026-000001",
            complainant_name="",
            received_at=RECEIVED,
            previous_date=date(2026, 11, 26),
            new_date=date(2026, 12, 3),
            reason="涉及多个科室",
            issued_at=ISSUED,
        ),
        "followup": FollowUpData(
            case_no="YH-2026-000001",
            complainant_name="",
            method="其他",
            followed_at=RECEIVED,
            satisfaction="满意",
            issued_at=ISSUED,
        ),
        "recovery": RecoverySheetData(
            hospital_name="", database_name="", created_at=RECEIVED, created_by="", recovery_key=""
        ),
        "handover": HandoverData(number="JB-20261120-0001", handed_by="", cases=[], issued_at=ISSUED),
    }


def squash(text: str) -> str:
    """Text without any whitespace (PDF extraction breaks lines wherever the layout did)."""
    return re.sub(r"\s+", "", text)


def pdf_text(pdf: bytes) -> str:
    """All text of the PDF, whitespace removed."""
    return squash("".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def page_texts(pdf: bytes) -> list[str]:
    """Text per page, whitespace removed."""
    return [squash(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def body_text(pdf: bytes, top: float, bottom: float) -> str:
    """Text drawn between the heights `bottom` and `top` (points) on every page, in order:
    the running header and footer are left out."""
    out: list[str] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: object, _size: object) -> None:
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if bottom < y < top:
            out.append(text)

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return squash("".join(out))
