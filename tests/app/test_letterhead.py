"""文书抬头: logo and seal uploads are size-checked and stored as PNG; every issued document carries
them (the receipt's PDF holds both images); the live preview renders unsaved values."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from app import letterhead
from app.cases import documents
from app.errors import PermissionDenied, ValidationError
from app.session import Session
from models.audit import AuditEntry
from tests.support.cases import FakeClock
from tests.support.desk import open_desk


def _image(size: tuple[int, int], fmt: str, *, background: tuple[int, ...] = (255, 255, 255)) -> bytes:
    mode = "RGBA" if len(background) == 4 else "RGB"
    image = Image.new(mode, size, background)
    ImageDraw.Draw(image).ellipse((8, 8, size[0] - 8, size[1] - 8), outline=(200, 20, 20), width=12)
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


TEXTS = {
    "hospital_name": "江宁市第一人民医院",
    "office_name": "医患沟通办公室",
    "hospital_address": "江宁市秦淮路168号",
    "complaint_phone": "025-8888 6120",
    "night_duty_phone": "025-8888 6000",
    "letterhead_contact": "邮编 211100",
}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "文件是空的"),
        (b"not an image at all", "无法识别的图片"),
        (_image((300, 300), "GIF"), "只支持 PNG 或 JPEG"),
        (_image((120, 120), "PNG"), "图片太小（120×120 像素）"),
        (_image((4200, 1200), "PNG"), "图片太大"),
        (_image((1000, 200), "PNG"), "过于狭长"),
    ],
)
def test_seal_uploads_are_checked(data: bytes, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as refused:
        letterhead.prepare_image("seal", data)
    assert refused.value.field == "seal" and refused.value.label == "印章"


def test_a_jpeg_seal_becomes_a_png_with_its_paper_transparent() -> None:
    info = letterhead.prepare_image("seal", _image((1200, 1200), "JPEG"))
    image = Image.open(io.BytesIO(info.png))
    assert image.format == "PNG" and image.mode == "RGBA"
    assert max(image.size) == letterhead.STORED_PIXELS
    assert image.getpixel((2, 2))[3] == 0, "white paper is transparent"
    assert image.getpixel((image.size[0] // 2, 6))[3] == 255, "the red ring stays"
    logo = letterhead.prepare_image("logo", _image((96, 96), "PNG", background=(10, 90, 140, 255)))
    assert Image.open(io.BytesIO(logo.png)).getpixel((2, 2))[3] == 255, "a logo keeps its background"


def _image_names(pdf: bytes) -> list[str]:
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    xobjects = page["/Resources"].get("/XObject", {})
    return [name for name, ref in xobjects.items() if ref.get_object()["/Subtype"] == "/Image"]


def test_saved_logo_and_seal_appear_on_an_issued_receipt(
    admin_session: Session, fake_clock: FakeClock
) -> None:
    desk = open_desk(admin_session, fake_clock, new={"clerk": ("clerk", "前台文员", ["clerk"])})
    case_id = desk.register("clerk").case_id
    _info, before = documents.issue(desk["clerk"], case_id, "receipt")
    assert _image_names(before) == [], "no images configured yet"

    head = letterhead.save(
        admin_session, TEXTS, logo=_image((160, 160), "PNG"), seal=_image((600, 600), "JPEG")
    )
    assert head.logo_png and head.seal_png and head.contact_line == "邮编 211100"
    entry = AuditEntry.select().where(AuditEntry.action == "letterhead.changed").get()
    assert '"seal":' in entry.detail and '"logo":' in entry.detail

    _info, reprint = documents.issue(desk["clerk"], case_id, "receipt", page_size="A5")
    assert _image_names(reprint) == [], "a reprint reproduces the receipt as it was handed over"
    later_case = desk.register("clerk").case_id
    _info, pdf = documents.issue(desk["clerk"], later_case, "receipt", page_size="A5")
    assert len(_image_names(pdf)) == 2, "logo in the header, seal over the issuer lines"
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "江宁市秦淮路168号" in text and "邮编 211100" in text
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1, (
        "the seal does not push the A5 receipt onto a second page"
    )

    letterhead.save(admin_session, TEXTS, seal=None)  # remove the seal, keep the logo
    _info, pdf = documents.issue(desk["clerk"], desk.register("clerk").case_id, "receipt")
    assert len(_image_names(pdf)) == 1


def test_preview_uses_unsaved_values_and_refuses_bad_ones(admin_session: Session) -> None:
    pdf = letterhead.preview_receipt(
        admin_session, {**TEXTS, "hospital_name": "预览医院"}, seal=_image((400, 400), "PNG")
    )
    assert "预览医院" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert len(_image_names(pdf)) == 1
    assert letterhead.images() == {}, "a preview stores nothing"
    with pytest.raises(ValidationError, match="医院名称：不能为空"):
        letterhead.preview_receipt(admin_session, {**TEXTS, "hospital_name": " "})


def test_only_the_admin_sets_the_letterhead(admin_session: Session, fake_clock: FakeClock) -> None:
    desk = open_desk(admin_session, fake_clock, new={"manager": ("manager", "主任", ["manager"])})
    with pytest.raises(PermissionDenied):
        letterhead.save(desk["manager"], TEXTS, seal=_image((400, 400), "PNG"))
    assert letterhead.images() == {}
