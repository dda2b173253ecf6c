"""Every document: required text present, fonts embedded, empty fields, reprint marks, paging."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import fields, replace
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, A5
from reportlab.platypus import Flowable, Table

from printing import DOCUMENT_KINDS, REJECTION_RULES, Letterhead, register_fonts, render_document
from printing.decor import PageDecorator
from printing.documents.receipt import ReceiptRenderer
from printing.flowables import QrCode
from printing.fonts import clear_cache
from printing.page import PAGE_SPECS, PageHeader
from printing.styles import get_styles
from printing.texts import OTHER_ROUTES

from .conftest import body_text, full_documents, minimal_documents, page_texts, pdf_text, squash

REPRINTED = datetime(2026, 11, 24, 9, 30)
LETTERHEAD_TEXT = [
    "江宁市第一人民医院",
    "医患沟通办公室",
    "江宁市秦淮路168号",
    "025-88886120",
    "025-88886000",
]
EXPECTED: dict[str, list[str]] = {
    "handover": [
        "总值班交班单", "JB-20261120-0003", "孙立军", "YH-2026-000123", "重大", "已上报", "王建国",
        "急诊留观患者夜间跌倒。", "跌倒的患者已报告张院长。", "接班人签名",
    ],
    "receipt": [
        "投诉受理回执", "YH-2026-000123", "482913", "王建国", "来访", "2026年11月19日09:20",
        "候诊三个小时，医生态度生硬。", "2026年11月26日（暂定）前", "5个工作日", "陈敏", "2026年11月19日",
    ],
    "registration": [
        "投诉登记表", "YH-2026-000123", "2026年11月19日09:20", "来电", "王建国", "子女", "13951882046",
        "320102198507153217", "建邺区汉中门大街56号", "李秀兰", "门诊号/住院号", "MZ20261118-0457",
        "心血管内科门诊", "2026年11月18日", "医疗质量/诊疗/误诊漏诊", "重要", "患者候诊近三个小时。",
        "接诊医生问诊仅三分钟。", "要求道歉并退还挂号费。", "陈敏", "投诉人签名", "年月日",
    ],
    "rectification": [
        "整改通知单", "ZG-2026-0007", "护理部", "10 个工作日，2026年12月3日（暂定）前", "呼叫铃响应不超过 3 分钟",
        "夜间呼叫铃响应不及时", "YH-2026-000123", "部分成立", "陈敏", "8021", "科室整改情况", "佐证材料",
    ],
    "dispatch": [
        "投诉转办单", "心血管内科", "2026年11月19日10:30", "2026年11月24日（暂定）前", "患者候诊近三个小时。",
        "1.候诊时间过长的原因。", "2.接诊医生是否存在服务态度问题。", "陈敏", "8021", "王建国", "李秀兰",
        "服务态度/医务人员", "一般", "科室核实意见", "科室负责人签名",
    ],
    "rejection": [
        "投诉不予受理告知书", "赵明", "2026年11月19日", "涉及治安或刑事案件", REJECTION_RULES["criminal"],
        "您反映的事项公安机关已立案。", OTHER_ROUTES, "特此告知", "投诉人签收",
    ],
    "result": [
        "投诉处理结果告知书", "王建国", "经调阅叫号系统日志，候诊2小时47分钟属实。", "部分成立",
        "接诊医生当面致歉，退还挂号费。", "退费金额：人民币25.00元", "贰拾伍元整",
        "赔偿金额：人民币1,234.50元", "壹仟贰佰叁拾肆元伍角", "1.增开一个诊室。",
        "2.开展医患沟通培训。", "第二十二条", "双方自愿协商", "申请人民调解", "申请行政调解",
        "向人民法院提起诉讼", "特此告知",
    ],
    "notice": [
        "投诉办理延期告知书", "王建国", "2026年11月26日前", "经批准延期5个工作日", "需等待医学会专家意见。",
        "2026年12月3日（暂定）前", "特此告知", "投诉人签收",
    ],
    "followup": [
        "投诉回访记录", "外部途径", "人民调解：进行中", "王建国", "139****2046", "√上门", "电话", "√基本满意", "不满意", "2026年12月2日10:15",
        "投诉人认可处理结果。", "陈敏", "回访人签名",
    ],
    "recovery": [
        "数据库恢复密钥单", "complaintdesk.db", "2026年11月3日16:12", "刘洋", "K7Q2-M9XD-4HTP-WB3R-8NCF-J6VA-Z2YE-5GUS",
        "机密", "封存人", "监督人",
    ],
}  # fmt: skip


def _fonts(pdf: bytes) -> Iterator[tuple[str, object]]:
    """(BaseFont, descriptor) of every font used on any page."""
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if font["/Subtype"] == "/Type0":
                font = font["/DescendantFonts"][0].get_object()
            yield str(font["/BaseFont"]).lstrip("/"), font.get("/FontDescriptor")


def _render_all(documents: dict[str, object], letterhead: Letterhead, **options: object) -> dict[str, bytes]:
    return {kind: render_document(data, letterhead, **options) for kind, data in documents.items()}


@pytest.fixture(scope="module")
def full_pdfs(letterhead: Letterhead) -> dict[str, bytes]:
    return _render_all(full_documents(), letterhead)


def test_kinds_cover_every_dataclass() -> None:
    documents = full_documents()
    assert set(DOCUMENT_KINDS) == set(documents) == set(EXPECTED)
    for kind, (title, dataclass) in DOCUMENT_KINDS.items():
        assert isinstance(documents[kind], dataclass)
        assert title in EXPECTED[kind]


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_required_text_present(full_pdfs: dict[str, bytes], kind: str) -> None:
    text = pdf_text(full_pdfs[kind])
    missing = [item for item in EXPECTED[kind] + LETTERHEAD_TEXT if squash(item) not in text]
    assert not missing
    assert "None" not in text
    assert "第1页共1页" in text or "第1页共2页" in text


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_fonts_embedded(full_pdfs: dict[str, bytes], kind: str) -> None:
    if not register_fonts().embedded:
        pytest.skip("no TrueType CJK font on this machine")
    fonts = list(_fonts(full_pdfs[kind]))
    embedded = [name for name, descriptor in fonts if descriptor and "/FontFile2" in descriptor.get_object()]
    assert embedded, "the CJK font must be embedded"
    assert {name for name, _descriptor in fonts} == set(embedded), "every font embedded, Helvetica included"
    if shutil.which("pdffonts"):  # poppler's own listing, as a reader of the file sees it
        listing = subprocess.run(["pdffonts", "-"], input=full_pdfs[kind], capture_output=True, check=True)
        rows = listing.stdout.decode().splitlines()[2:]
        assert rows and all(row.split()[-5] == "yes" for row in rows), listing.stdout.decode()


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_all_optional_fields_empty(bare_letterhead: Letterhead, kind: str) -> None:
    pdf = render_document(minimal_documents()[kind], bare_letterhead)
    text = pdf_text(pdf)
    assert "None" not in text
    assert "某医院" in text and "第1页共1页" in text


def test_empty_letterhead_and_fields(kind: str = "registration") -> None:
    pdf = render_document(minimal_documents()[kind], Letterhead(hospital_name="", department_name=""))
    assert "—" in pdf_text(pdf)


HOSTILE = "<b>张</b> & <font size=40>李</font> <br/> &amp; <para>"
VALIDATED = {"query_code", "finding", "method", "satisfaction"}


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_user_text_is_escaped(kind: str) -> None:
    data = full_documents()[kind]
    text_fields = {
        field.name: HOSTILE
        for field in fields(data)
        if field.name not in VALIDATED and isinstance(getattr(data, field.name), str)
    }
    head = Letterhead(HOSTILE, HOSTILE, HOSTILE, HOSTILE, HOSTILE, HOSTILE)
    text = pdf_text(render_document(replace(data, **text_fields), head))
    assert squash(HOSTILE) in text
    assert "<b>张</b>" in text  # not turned into bold markup


def test_receipt_qr_holds_only_case_number_and_query_code(letterhead: Letterhead) -> None:
    renderer = ReceiptRenderer(full_documents()["receipt"], letterhead, fonts=register_fonts())
    codes = [flowable for flowable in _walk(renderer.story()) if isinstance(flowable, QrCode)]
    assert [code.value for code in codes] == ["YH-2026-000123|482913"]


def _walk(items: object) -> Iterator[Flowable]:
    if isinstance(items, list | tuple):
        for item in items:
            yield from _walk(item)
    elif isinstance(items, Table):
        yield from _walk(items._cellvalues)
    elif isinstance(items, Flowable):
        yield items


@pytest.mark.parametrize(("size", "expected"), [("A4", A4), ("A5", A5)])
def test_receipt_page_sizes(letterhead: Letterhead, size: str, expected: tuple[float, float]) -> None:
    pdf = render_document(full_documents()["receipt"], letterhead, page_size=size)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(expected)
    assert "482913" in pdf_text(pdf)


def test_a5_only_for_the_receipt(letterhead: Letterhead) -> None:
    with pytest.raises(ValueError, match="A5"):
        render_document(full_documents()["result"], letterhead, page_size="A5")


def test_unknown_data_type(letterhead: Letterhead) -> None:
    with pytest.raises(TypeError):
        render_document(object(), letterhead)  # type: ignore[arg-type]


def _long_narrative(characters: int = 10_000) -> str:
    sentences = []
    index = 0
    while sum(map(len, sentences)) < characters:
        sentences.append(
            f"第{index:04d}句：患者家属反映护士未及时处理输液外渗（CT 检查单号 A{index}），导致手背肿胀。"
        )
        if index % 17 == 16:
            sentences.append("\n")
        index += 1
    return "".join(sentences)


def _body_bounds(letterhead: Letterhead, title: str) -> tuple[float, float]:
    """Heights between which the flowing text lies (below the running header, above the footer)."""
    spec = PAGE_SPECS["A4"]
    decorator = PageDecorator(letterhead, PageHeader(title, "", ""), get_styles(register_fonts()), spec, None)
    return spec.size[1] - decorator.frame_top + 1, spec.bottom - 1


@pytest.mark.parametrize(
    ("kind", "field", "section_title"),
    [
        ("registration", "narrative", "投诉事由及经过"),
        ("dispatch", "narrative", "投诉内容"),
        ("result", "facts", ""),
    ],
)
def test_long_text_paginates_without_loss(
    letterhead: Letterhead, kind: str, field: str, section_title: str
) -> None:
    narrative = _long_narrative()
    data = replace(full_documents()[kind], **{field: narrative})
    pdf = render_document(data, letterhead, reprint=True, reprinted_at=REPRINTED)
    pages = page_texts(pdf)
    assert len(pages) >= 4
    title = DOCUMENT_KINDS[kind][0]
    for number, text in enumerate(pages, start=1):
        assert f"第{number}页共{len(pages)}页" in text
        assert "补打" in text and "补打于2026年11月24日09:30" in text
        assert "YH-2026-000123" in text and title in text
    assert f"{title}（续）" in pages[1]
    body = body_text(pdf, *_body_bounds(letterhead, title))
    if section_title:
        body = body.replace(section_title, "")  # the section bar repeats on every page it spans
    assert squash(narrative) in body


def test_reprint_marks_short_document(letterhead: Letterhead) -> None:
    pdf = render_document(full_documents()["receipt"], letterhead, reprint=True, reprinted_at=REPRINTED)
    assert "补打于2026年11月24日09:30" in pdf_text(pdf)
    assert "补打" not in pdf_text(render_document(full_documents()["receipt"], letterhead))


@pytest.fixture
def cid_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from printing import fonts

    monkeypatch.setattr(fonts, "WINDOWS_FONT_DIR", tmp_path)
    monkeypatch.setattr(fonts, "LINUX_FONT_DIRS", ())
    clear_cache()
    yield
    clear_cache()


def test_cid_fallback_still_renders(cid_only: None, letterhead: Letterhead) -> None:
    pdf = render_document(full_documents()["receipt"], letterhead)
    names = [name for name, _descriptor in _fonts(pdf)]
    assert "STSong-Light" in names
    assert not any("/FontFile2" in (d.get_object() if d else {}) for _n, d in _fonts(pdf))


def test_receipt_with_a_whole_narrative_as_summary_stays_on_one_page(letterhead: Letterhead) -> None:
    data = replace(full_documents()["receipt"], summary=_long_narrative())
    pdf = render_document(data, letterhead, page_size="A5")
    pages = page_texts(pdf)
    assert len(pages) == 1
    assert "第0000句" in pages[0] and "……" in pages[0] and "第0100句" not in pages[0]


def test_overlong_letterhead_is_wrapped_not_lost() -> None:
    address = "江宁市" + "秦淮路168号" * 30
    head = Letterhead(
        hospital_name="江宁市第一人民医院（江宁大学附属第一医院）江北院区南京路分院",
        department_name="医患沟通办公室（投诉管理办公室、医务处医患关系科）",
        address=address,
    )
    text = pdf_text(render_document(full_documents()["registration"], head, reprint=True))
    assert squash(address) in text
    assert "医患沟通办公室（投诉管理办公室、医务处医患关系科）" in text


def test_a_character_the_font_cannot_draw_prints_as_a_visible_box(letterhead: Letterhead) -> None:
    """An emoji in a name would print as nothing: it prints as □ (and the font stays embedded)."""
    if not register_fonts().embedded:
        pytest.skip("no TrueType CJK font on this machine")
    data = replace(full_documents()["receipt"], complainant_name="王😀建国")
    pdf = render_document(data, letterhead)
    text = pdf_text(pdf)
    assert "王□建国" in text and "😀" not in text
    fonts = list(_fonts(pdf))
    assert all(descriptor and "/FontFile2" in descriptor.get_object() for _name, descriptor in fonts)
