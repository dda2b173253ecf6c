"""管理 → 文书抬头: the live preview follows the fields, a bad image is refused in place, saving stores it."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app import letterhead
from app.session import Session
from tests.app.test_letterhead import _image
from ui.admin.letterhead_page import LetterheadPage


@pytest.fixture
def page(qtbot: QtBot, admin_session: Session) -> LetterheadPage:
    widget = LetterheadPage(admin_session)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_preview_follows_the_fields(qtbot: QtBot, page: LetterheadPage) -> None:
    assert page.preview_image is not None and page.preview_image.width() > 300
    first = page.preview_image
    page.edits["hospital_address"].setText("江宁市秦淮路168号")
    qtbot.waitUntil(lambda: page.preview_image is not first)
    page.edits["hospital_name"].setText("")
    qtbot.waitUntil(lambda: page.preview_image is None)
    assert page.preview_label.text() == "无法预览：医院名称：不能为空"


def test_a_small_seal_is_refused_in_place_and_a_good_one_is_saved(
    qtbot: QtBot, page: LetterheadPage, tmp_path: Path
) -> None:
    small = tmp_path / "small.png"
    small.write_bytes(_image((100, 100), "PNG"))
    seal_row = page.images["seal"]
    seal_row.load_file(str(small))
    assert "图片太小（100×100 像素）" in seal_row.error.text()
    assert seal_row.pending is letterhead.UNCHANGED

    good = tmp_path / "seal.jpg"
    good.write_bytes(_image((500, 500), "JPEG"))
    seal_row.load_file(str(good))
    assert not seal_row.error.text() and "待保存：500×500" in seal_row.status.text()
    page.save()
    assert "已保存" in page.notice.text()
    assert set(letterhead.images()) == {"seal"}
    assert "已保存：500×500" in seal_row.status.text()
    seal_row.remove()
    page.save()
    assert letterhead.images() == {}
