"""文书抬头: the hospital's name, office, contact lines, logo and seal that every document carries.

The texts are settings (app.settings); the logo and the seal are images the admin uploads (PNG or
JPEG, size-checked) and the database keeps as PNG. `current()` is what every issued document is
rendered with (printing/decor.py draws the header, printing/blocks.py the seal), so documents added
later use it without knowing about it. `preview_receipt` renders a sample 受理回执 with unsaved values,
for the page's live preview.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from PIL import Image, UnidentifiedImageError

from app import clock, settings
from app.errors import ValidationError
from app.policy import Action
from app.session import Session
from app.write_path import operation, require
from models.administration import LetterheadImage
from printing.data import Letterhead, ReceiptData
from printing.render import render_document

KINDS = {"logo": "医院标志", "seal": "印章"}
TEXT_KEYS = (
    "hospital_name",
    "office_name",
    "hospital_address",
    "complaint_phone",
    "night_duty_phone",
    "letterhead_contact",
)
MAX_FILE_BYTES = 4 * 1024 * 1024
MIN_PIXELS = {"logo": 64, "seal": 200}  # a 4 cm seal below 200 px prints visibly blurred
MAX_PIXELS = 4000
STORED_PIXELS = 800  # kept at most this size; documents draw it at ≤ 500 px (printing.drawing)
WHITE_LEVEL = 235  # a seal scanned on white paper: this light and lighter becomes transparent


@dataclass(frozen=True)
class ImageInfo:
    kind: str
    png: bytes
    width: int
    height: int
    sha256: str


def _problem(kind: str, text: str) -> ValidationError:
    return ValidationError(kind, KINDS[kind], text)


def prepare_image(kind: str, data: bytes) -> ImageInfo:
    """Check an uploaded logo or seal and turn it into the PNG that is stored.

    PNG or JPEG only, at most 4 MB, sides between the minimum (64 px logo, 200 px seal) and 4000 px.
    A seal keeps its transparency; one without (a JPEG scan) gets its white paper made transparent,
    so it stamps over the issuer lines instead of covering them."""
    if kind not in KINDS:
        raise ValidationError("kind", "图片", "未知的图片类型")
    if not data:
        raise _problem(kind, "文件是空的")
    if len(data) > MAX_FILE_BYTES:
        raise _problem(kind, f"文件过大（{len(data) / 1048576:.1f} MB），请不超过 4 MB")
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError):
        raise _problem(kind, "无法识别的图片，请选择 PNG 或 JPEG 文件") from None
    if image.format not in ("PNG", "JPEG"):
        raise _problem(kind, f"只支持 PNG 或 JPEG 图片（所选文件为 {image.format}）")
    width, height = image.size
    low = MIN_PIXELS[kind]
    if min(width, height) < low:
        raise _problem(kind, f"图片太小（{width}×{height} 像素），打印会模糊，请至少 {low}×{low} 像素")
    if max(width, height) > MAX_PIXELS:
        raise _problem(kind, f"图片太大（{width}×{height} 像素），请不超过 {MAX_PIXELS} 像素")
    if max(width, height) > 4 * min(width, height):
        raise _problem(kind, f"图片过于狭长（{width}×{height} 像素），请裁去多余的空白")
    image = image.convert("RGBA")
    if kind == "seal" and image.getextrema()[3][0] == 255:  # fully opaque: a scan on paper
        image.putalpha(image.convert("L").point(lambda v: 0 if v >= WHITE_LEVEL else 255))
    if max(image.size) > STORED_PIXELS:
        image.thumbnail((STORED_PIXELS, STORED_PIXELS), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    png = buffer.getvalue()
    return ImageInfo(kind, png, image.size[0], image.size[1], hashlib.sha256(png).hexdigest())


def images() -> dict[str, ImageInfo]:
    """The stored logo and seal (either may be missing)."""
    return {
        row.kind: ImageInfo(row.kind, bytes(row.png), row.width, row.height, row.sha256)
        for row in LetterheadImage.select()
    }


def build(texts: dict[str, Any], logo: bytes | None, seal: bytes | None) -> Letterhead:
    return Letterhead(
        hospital_name=texts["hospital_name"],
        department_name=texts["office_name"],
        address=texts["hospital_address"],
        complaint_phone=texts["complaint_phone"],
        night_duty_phone=texts["night_duty_phone"],
        contact_line=texts["letterhead_contact"],
        logo_png=logo,
        seal_png=seal,
    )


def current() -> Letterhead:
    """The letterhead every document is issued with (no permission: not personal data)."""
    stored = images()
    values = settings.get_all()
    return build(
        values,
        stored["logo"].png if "logo" in stored else None,
        stored["seal"].png if "seal" in stored else None,
    )


def texts() -> dict[str, Any]:
    values = settings.get_all()
    return {key: values[key] for key in TEXT_KEYS}


def check_texts(values: dict[str, Any]) -> dict[str, Any]:
    """Each text checked by its setting's rule; the hospital name is required."""
    checked = {key: settings.validate(key, values.get(key, "")) for key in TEXT_KEYS}
    if not checked["hospital_name"]:
        raise ValidationError("hospital_name", settings.DEFINITIONS["hospital_name"].label, "不能为空")
    return checked


UNCHANGED = object()
"""Pass as an image to `save` to keep the stored one; None removes it."""


def save(
    session: Session, values: dict[str, Any], logo: Any = UNCHANGED, seal: Any = UNCHANGED
) -> Letterhead:
    """Store the texts and the new logo / seal (uploaded bytes, None to remove) in one audited change."""
    with operation(session, Action.MANAGE_LETTERHEAD, "letterhead.changed", target="letterhead") as op:
        checked = check_texts(values)
        prepared = {
            kind: (prepare_image(kind, data) if data is not None else None)
            for kind, data in (("logo", logo), ("seal", seal))
            if data is not UNCHANGED
        }
        before = texts()
        changed = {k: v for k, v in checked.items() if before[k] != v}
        for key, value in changed.items():
            settings.write_value(key, value, session.user.username)
        now = clock.now()
        for kind, info in prepared.items():
            LetterheadImage.delete().where(LetterheadImage.kind == kind).execute()
            if info is not None:
                LetterheadImage.create(
                    kind=kind,
                    png=info.png,
                    sha256=info.sha256,
                    width=info.width,
                    height=info.height,
                    updated_at=now,
                    updated_by=session.user.username,
                )
        op.detail.update(
            texts=sorted(changed),
            images={kind: (info.sha256 if info else "removed") for kind, info in prepared.items()},
        )
    return current()


SAMPLE_SUMMARY = "患者家属反映门诊候诊时间过长，分诊台工作人员解释不耐心，要求医院说明情况并改进。"


def sample_receipt_data(now: datetime) -> ReceiptData:
    """A made-up receipt for previews (no case involved)."""
    return ReceiptData(
        case_no="YH-0000-000000",
        query_code="000000",
        received_at=now - timedelta(minutes=20),
        channel="来访",
        complainant_name="（示例）张某某",
        summary=SAMPLE_SUMMARY,
        expected_reply_date=(now + timedelta(days=7)).date(),
        workdays=5,
        handler_name="（经办人）",
        issued_at=now,
    )


def preview_receipt(
    session: Session, values: dict[str, Any], logo: Any = UNCHANGED, seal: Any = UNCHANGED
) -> bytes:
    """A sample 受理回执 with these (unsaved) texts and images; raises ValidationError like `save`."""
    require(session, Action.MANAGE_LETTERHEAD, target="letterhead")
    checked = check_texts(values)
    stored = images()

    def pick(kind: str, given: Any) -> bytes | None:
        if given is UNCHANGED:
            return stored[kind].png if kind in stored else None
        return prepare_image(kind, given).png if given is not None else None

    head = build(checked, pick("logo", logo), pick("seal", seal))
    return render_document(sample_receipt_data(clock.now()), head)


def read_upload(kind: str, path: str) -> ImageInfo:
    """Read and check an image file the admin picked (nothing is stored yet)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise _problem(kind, f"无法读取文件（{exc.strerror or exc}）") from None
    return prepare_image(kind, data)
