"""The March report of the hand-computed office as PDF (pypdf), Word (python-docx) and Excel
(openpyxl): its total equals an independent count, the edited analysis is what is printed and stored."""

from __future__ import annotations

import hashlib
import io
from datetime import datetime

import docx
import openpyxl
import pypdf
import pytest
from PIL import Image

from app.errors import PermissionDenied, ValidationError
from app.reports import service
from app.statistics import periods
from models.audit import AuditEntry
from models.cases import Case
from models.statistics import IssuedReport
from tests.app.statistics.conftest import March
from tests.support.desk import Desk

MARCH = periods.month(2026, 3)


def _independent_count() -> int:
    """Cases received in March 2026, merged duplicates left out, counted on the case table itself."""
    return (
        Case.select()
        .where(
            Case.received_at.between(datetime(2026, 3, 1), datetime(2026, 3, 31, 23, 59, 59))
            & (Case.state != "merged")
        )
        .count()
    )


def test_pdf_report_total_matches_an_independent_count_and_prints_the_edited_text(
    desk: Desk, march: March
) -> None:
    source = service.prepare(desk["manager"], MARCH)
    assert "2026年3月共收到投诉 5 件" in source.draft and "改进建议" in source.draft
    edited = source.draft.replace("一、总体情况", "一、总体情况（经主任审阅）")
    issued = service.issue(desk["manager"], source, edited, "pdf")
    assert issued.total == _independent_count() == 5
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(issued.data)).pages)
    assert "2026年3月月度投诉分析报告" in text.replace(" ", "")
    assert "经主任审阅" in text and "附录：指标口径" in text and "科室考核" in text
    row = IssuedReport.get_by_id(issued.id)
    assert (
        row.analysis == edited and row.sha256 == hashlib.sha256(bytes(row.data)).hexdigest() == issued.sha256
    )
    entry = (
        AuditEntry.select().where(AuditEntry.action == "report.issued").order_by(AuditEntry.seq.desc()).get()
    )
    assert issued.sha256 in entry.detail and '"edited":true' in entry.detail


def test_word_report_is_editable_text_with_the_tables(desk: Desk, march: March) -> None:
    source = service.prepare(desk["officer"], MARCH)
    issued = service.issue(desk["officer"], source, source.draft, "docx")
    document = docx.Document(io.BytesIO(issued.data))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    assert "2026年3月月度投诉分析报告" in paragraphs and "2026年3月共收到投诉 5 件" in paragraphs
    titles = [t.rows[0].cells[0].text for t in document.tables]
    assert "指标" in titles and "科室" in titles
    headline = document.tables[titles.index("指标")]
    assert [c.text for c in headline.rows[1].cells][:2] == ["收到投诉（件）", "5"]


def test_word_report_has_the_charts_of_the_pdf_as_pictures(desk: Desk, march: March) -> None:
    """Trend, channels, categories, departments (two a row) and the finding/satisfaction stacks."""
    source = service.prepare(desk["officer"], MARCH)
    document = docx.Document(io.BytesIO(service.issue(desk["officer"], source, source.draft, "docx").data))
    pictures = [
        document.part.related_parts[blip.embed]
        for blip in (shape._inline.graphic.graphicData.pic.blipFill.blip for shape in document.inline_shapes)
    ]
    assert len(pictures) == 5 and all(p.content_type == "image/png" for p in pictures)
    assert "图表" in [p.text for p in document.paragraphs]
    grid = next(t for t in document.tables if t.rows[0].cells[0]._tc.xpath(".//pic:pic"))
    assert len(grid.rows) == 2 and len(grid.columns) == 2
    for part in pictures:
        image = Image.open(io.BytesIO(part.blob)).convert("RGB")
        assert image.width > 600 and len(image.getcolors(1 << 20) or []) > 20  # drawn, not blank
    widths = sorted(shape.width for shape in document.inline_shapes)
    assert widths[-1] > widths[0] * 1.8  # the stacks run the full width, the others half


def test_excel_report_has_a_sheet_per_table_with_numbers(desk: Desk, march: March) -> None:
    source = service.prepare(desk["manager"], MARCH)
    book = openpyxl.load_workbook(
        io.BytesIO(service.issue(desk["manager"], source, source.draft, "xlsx").data)
    )
    assert book.sheetnames[0] == "分析" and "按投诉渠道" in book.sheetnames and "科室考核" in book.sheetnames
    channels = book["按投诉渠道"]
    rows = {r[0]: r[1] for r in channels.iter_rows(min_row=3, values_only=True) if r[0]}
    assert rows["来电"] == 2 and sum(v for v in rows.values() if isinstance(v, int)) == 5


def test_scorecard_sheet_for_the_performance_office(desk: Desk, march: March) -> None:
    name, data = service.scorecard_workbook(desk["manager"], MARCH)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["科室考核"]
    header = [c.value for c in sheet[2]]
    assert name == "2026年3月科室考核.xlsx" and header[0] == "科室" and header[-1] == "扣分"
    radiology = next(r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0] == "放射科")
    # 1 case (0.5) + 1 upheld issue (3) + late 签收 (1) + late 反馈 (2) + 不满意 (2) + 重大 (5); no 整改
    assert radiology[1:] == (1, 1, 0, 1, 1, 1, 1, 0, 0, 13.5)


def test_empty_analysis_and_unknown_format_are_refused_in_chinese(desk: Desk, march: March) -> None:
    source = service.prepare(desk["manager"], MARCH)
    with pytest.raises(ValidationError) as refused:
        service.issue(desk["manager"], source, "   ", "pdf")
    assert refused.value.field == "analysis"
    with pytest.raises(ValidationError):
        service.issue(desk["manager"], source, source.draft, "html")
    assert IssuedReport.select().count() == 0


def test_clerk_may_not_read_statistics(desk: Desk, march: March) -> None:
    with pytest.raises(PermissionDenied):
        service.prepare(desk["clerk"], MARCH)


def test_rectification_progress_is_in_the_analysis(desk: Desk, march: March) -> None:
    from app.rectification import items
    from app.rectification.items import NewItem

    items.create(desk["officer"], NewItem("radiology", "规范放射科检查预约流程", (march.e,)))
    draft = service.prepare(desk["manager"], MARCH).draft
    assert "六、整改落实情况\n本期下达整改 1 项；关闭 0 项" in draft and draft.index(
        "整改落实情况"
    ) < draft.index("改进建议")
