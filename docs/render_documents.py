"""Render every document with sample data to docs/documents/<kind>.png (first page, 80 dpi).

Usage: python docs/render_documents.py   (needs pdftoppm from poppler-utils)

The hospital, people and cases are fictional.
"""

from __future__ import annotations

import io
import math
import shutil
import subprocess
import sys
import tempfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from printing import (  # noqa: E402 - the repository root must be importable first
    DispatchData,
    FollowUpData,
    Letterhead,
    NoticeData,
    ReceiptData,
    RecoverySheetData,
    RegistrationData,
    RejectionData,
    ResultData,
    register_fonts,
    render_document,
)
from printing.data import HandoverData, HandoverRow  # noqa: E402

OUT = ROOT / "docs" / "documents"
HOSPITAL = "江宁市第一人民医院"
OFFICE = "医患沟通办公室"
TEAL = (0, 110, 120, 255)
SEAL_RED = (210, 35, 40, 175)


def _font(size: int) -> ImageFont.FreeTypeFont:
    """The CJK font ReportLab uses, for drawing the sample logo and seal."""
    source = register_fonts().source_path
    if source is None:
        return ImageFont.load_default(size)
    return ImageFont.truetype(source, size)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def sample_logo() -> bytes:
    """A round emblem: teal ring with 江一 inside."""
    size = 240
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((6, 6, size - 6, size - 6), outline=TEAL, width=14)
    draw.ellipse((34, 34, size - 34, size - 34), fill=TEAL)
    draw.text((size / 2, size / 2), "江一", font=_font(78), fill=(255, 255, 255, 255), anchor="mm")
    return _png(image)


def sample_seal() -> bytes:
    """A red round seal: hospital name along the rim, star, office name; semi-transparent."""
    size = 420
    centre = size / 2
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, size - 8, size - 8), outline=SEAL_RED, width=12)
    _draw_star(draw, centre, centre - 8, 58)
    draw.text((centre, centre + 92), OFFICE, font=_font(36), fill=SEAL_RED, anchor="mm")
    font = _font(52)
    span = 240.0
    for index, char in enumerate(HOSPITAL):
        angle = 90 + span / 2 - span * index / (len(HOSPITAL) - 1)
        glyph = Image.new("RGBA", (70, 70), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((35, 35), char, font=font, fill=SEAL_RED, anchor="mm")
        glyph = glyph.rotate(angle - 90, resample=Image.Resampling.BICUBIC)
        radius = centre - 62
        x = centre + radius * math.cos(math.radians(angle)) - 35
        y = centre - radius * math.sin(math.radians(angle)) - 35
        image.alpha_composite(glyph, (round(x), round(y)))
    return _png(image)


def _draw_star(draw: ImageDraw.ImageDraw, x: float, y: float, radius: float) -> None:
    points = []
    for index in range(10):
        r = radius if index % 2 == 0 else radius * 0.38
        angle = math.radians(90 + 36 * index)
        points.append((x + r * math.cos(angle), y - r * math.sin(angle)))
    draw.polygon(points, fill=SEAL_RED)


def letterhead() -> Letterhead:
    return Letterhead(
        hospital_name=HOSPITAL,
        department_name=OFFICE,
        address="江宁市秦淮路168号门诊楼二楼",
        complaint_phone="025-8888 6120",
        night_duty_phone="025-8888 6000",
        contact_line="工作时间：周一至周五 8:00—17:30",
        logo_png=sample_logo(),
        seal_png=sample_seal(),
    )


NARRATIVE = (
    "2026年11月18日上午，患者李秀兰（投诉人母亲，68岁）因反复胸闷到我院心内科门诊就诊，"
    "挂号后在候诊区等候近三个小时，期间多次询问护士站，均被告知“按顺序等待”。\n"
    "就诊时接诊医生问诊约三分钟即开具心电图和心脏彩超检查，未详细询问既往病史，也未解释检查目的。"
    "投诉人认为医生态度敷衍，对老人的提问不耐烦，并称“看不懂就去问护士”。\n"
    "检查完成后返回诊室时医生已下班，投诉人只能次日再次挂号，多支出挂号费并耽误了治疗。"
    "患者当晚胸闷加重，到急诊科留观一晚，经治疗后缓解。"
)


DEMANDS = "要求心内科就候诊时间过长和接诊医生态度问题作出解释并道歉；退还第二次挂号费；今后对老年患者提供必要的引导和优先服务。"

FACTS = (
    "接到您的投诉后，我办会同心内科、门诊部调阅了11月18日的挂号记录、叫号系统日志和门诊病历，"
    "并分别听取了接诊医生、分诊护士的陈述。\n"
    "经核实：当日上午心内科门诊就诊人数较平日增加约四成，您母亲自挂号至就诊实际等候2小时47分钟；"
    "分诊护士未按规定向候诊时间超过1小时的患者说明原因。接诊医生问诊时间较短，"
    "对检查目的解释不充分，言语生硬，存在服务态度问题。检查结果回报时已过该医生出诊时间，"
    "门诊未安排其他医生接续阅片，导致您母亲次日需再次挂号。"
)


def samples() -> dict[str, object]:
    """One realistic instance of every document."""
    received = datetime(2026, 11, 19, 9, 20)
    issued = datetime(2026, 11, 19, 9, 45)
    case = {"case_no": "YH-2026-000123"}
    return {
        "receipt": ReceiptData(
            **case,
            query_code="482913",
            received_at=received,
            channel="来访",
            complainant_name="王建国",
            summary=NARRATIVE,
            expected_reply_date=date(2026, 11, 26),
            workdays=5,
            handler_name="陈敏",
            issued_at=issued,
        ),
        "registration": RegistrationData(
            **case,
            received_at=received,
            channel="来访",
            complainant_name="王建国",
            complainant_relation="子女",
            complainant_phone="139 5188 2046",
            complainant_id_number="320102198507153217",
            complainant_address="江宁市建邺区汉中门大街56号3栋1单元802室",
            patient_name="李秀兰",
            patient_record_no="门诊号 MZ20261118-0457",
            visit_department="心血管内科门诊",
            visit_date=date(2026, 11, 18),
            category_path="服务态度 / 医务人员 / 言行不当",
            severity="一般",
            narrative=NARRATIVE,
            demands=DEMANDS,
            registered_by="陈敏",
            issued_at=issued,
        ),
        "dispatch": DispatchData(
            **case,
            department="心血管内科",
            sent_at=datetime(2026, 11, 19, 10, 30),
            deadline=date(2026, 11, 24),
            narrative=NARRATIVE,
            questions=[
                "11月18日上午心内科门诊的出诊安排和候诊人数，候诊时间过长的原因。",
                "接诊医生的问诊、告知过程，是否存在服务态度问题。",
                "检查结果回报后未能当日完成诊疗的原因，拟采取的改进措施。",
            ],
            officer_name="陈敏",
            officer_phone="025-8888 6120（分机 8021）",
            complainant_name="王建国",
            patient_name="李秀兰",
            category_path="服务态度 / 医务人员 / 言行不当",
            severity="一般",
            issued_at=datetime(2026, 11, 19, 10, 30),
        ),
        "rejection": RejectionData.for_reason(
            "court_or_mediation",
            case_no="YH-2026-000131",
            complainant_name="赵明",
            received_at=datetime(2026, 11, 20, 14, 5),
            note="您提交的材料显示，您已于2026年11月10日就同一诊疗事项向江宁市医疗纠纷人民调解委员会申请调解，"
            "目前调解程序正在进行中。我院将积极配合调解委员会的工作。",
            issued_at=datetime(2026, 11, 21, 9, 0),
        ),
        "result": ResultData(
            **case,
            complainant_name="王建国",
            received_at=received,
            facts=FACTS,
            finding="部分成立",
            resolution=(
                "您反映的候诊时间过长、接诊医生服务态度生硬的问题属实；检查项目的开具符合诊疗规范。"
                "心内科已安排接诊医生当面向您和您母亲致歉，医院对其进行诫勉谈话，并在科室内通报。"
                "您母亲11月19日的挂号费予以退还。"
            ),
            refund_amount=Decimal("25.00"),
            rectification=[
                "心内科门诊工作日上午增开一个诊室，候诊超过1小时的患者由分诊护士主动说明情况。",
                "检查结果当日回报的，由当班医生接续阅片，不再要求患者重新挂号。",
                "全院开展医患沟通培训，将服务态度纳入科室月度考核。",
            ],
            issued_at=datetime(2026, 11, 25, 15, 0),
        ),
        "notice": NoticeData(
            **case,
            complainant_name="王建国",
            received_at=received,
            previous_date=date(2026, 11, 26),
            new_date=date(2026, 12, 3),
            reason="投诉涉及心血管内科、门诊部两个科室，答复期限相应调整",
            note="两个科室的核实意见需要汇总，我们将在新的答复日期前给您完整的答复。",
            issued_at=datetime(2026, 11, 20, 9, 30),
        ),
        "followup": FollowUpData(
            **case,
            complainant_name="王建国",
            contact="139****2046",
            method="电话",
            followed_at=datetime(2026, 12, 2, 10, 15),
            satisfaction="基本满意",
            remarks=(
                "投诉人表示已收到处理结果告知书和退还的挂号费，对医院的处理态度表示认可。"
                "其母亲目前在心内科规律复诊，病情稳定。\n"
                "投诉人建议门诊增加老年患者的引导人员，已转门诊部研究。"
            ),
            officer_name="陈敏",
            routes=[("人民调解", "进行中", "已向江宁市医疗纠纷人民调解委员会申请调解")],
            issued_at=datetime(2026, 12, 2, 10, 40),
        ),
        "recovery": RecoverySheetData(
            hospital_name=HOSPITAL,
            database_name="complaintdesk.db",
            created_at=datetime(2026, 11, 3, 16, 12),
            created_by="系统管理员 刘洋",
            recovery_key="K7Q2-M9XD-4HTP-WB3R-8NCF-J6VA-Z2YE-5GUS-QL4K-T8MD-3PXH-RW7N",
        ),
        "handover": HandoverData(
            number="JB-20261203-0012",
            handed_by="孙立军",
            cases=[
                HandoverRow(
                    "YH-2026-001187",
                    datetime(2026, 12, 2, 23, 40),
                    "来电",
                    "周某某",
                    "重大",
                    "患者家属来电反映急诊留观患者夜间跌倒致额部外伤，要求医院说明护理巡视情况并追究责任。",
                    escalated=True,
                    accept_due=date(2026, 12, 3),
                ),
                HandoverRow(
                    "YH-2026-001186",
                    datetime(2026, 12, 2, 21, 5),
                    "来访",
                    "吴某",
                    "重要",
                    "住院部夜班护士拒绝家属陪护探视，态度生硬。",
                    accept_due=date(2026, 12, 3),
                ),
                HandoverRow(
                    "YH-2026-001188",
                    datetime(2026, 12, 3, 1, 20),
                    "来电",
                    "郑某",
                    "一般",
                    "夜间急诊挂号窗口无人值守，等待约四十分钟。",
                    accept_due=date(2026, 12, 3),
                ),
            ],
            note="1187 号已于 23:55 电话报告分管院领导张院长，家属情绪激动，早上 8:30 会再来。",
            issued_at=datetime(2026, 12, 3, 7, 48),
        ),
    }


def render_png(pdf: bytes, target: Path) -> None:
    """First page of the PDF as PNG via pdftoppm."""
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "document.pdf"
        source.write_bytes(pdf)
        stem = Path(work) / "page"
        subprocess.run(
            ["pdftoppm", "-r", "80", "-png", "-singlefile", str(source), str(stem)],
            check=True,
        )
        shutil.copyfile(stem.with_suffix(".png"), target)


def main() -> None:
    if shutil.which("pdftoppm") is None:
        sys.exit("需要 pdftoppm（poppler-utils）")
    OUT.mkdir(parents=True, exist_ok=True)
    head = letterhead()
    for kind, data in samples().items():
        target = OUT / f"{kind}.png"
        render_png(render_document(data, head), target)
        print(target.relative_to(ROOT))


if __name__ == "__main__":
    main()
