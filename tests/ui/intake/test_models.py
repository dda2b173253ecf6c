"""qtmodeltester on every item model of the intake page."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt

from app import dictionaries
from app.cases.category_tree import CategoryLeaf
from app.cases.intake import DuplicateCandidate
from app.policy import Decision
from ui.intake.attachments_panel import AttachmentsPanel
from ui.intake.category_picker import CODE_ROLE, CategoryListModel
from ui.intake.duplicate_panel import DuplicatePanel, state_line


def test_category_list_model(qtmodeltester) -> None:
    model = CategoryListModel({"medical_affairs": "医务部"})
    qtmodeltester.check(model)
    leaves = [
        CategoryLeaf(c.code, c.name, c.full_name, c.department_code or "")
        for c in dictionaries.category_leaves()
    ]
    model.set_rows(leaves[:5])
    qtmodeltester.check(model)
    index = model.index(0, 0)
    assert model.data(index) == "医疗质量 › 诊断问题 › 误诊漏诊"
    assert model.data(index, CODE_ROLE) == "010101"
    assert model.data(index, Qt.ItemDataRole.ToolTipRole).endswith("默认责任科室：医务部")


def test_duplicate_model(qtbot, qtmodeltester) -> None:
    panel = DuplicatePanel(Decision(True))
    qtbot.addWidget(panel)
    qtmodeltester.check(panel.model)
    panel.set_candidates(
        [
            DuplicateCandidate(
                7, "YH-2026-000007", datetime(2026, 3, 2, 10, 0), "in_progress", "电话", "停车难\n排队久"
            ),
            DuplicateCandidate(
                3, "YH-2026-000003", datetime(2026, 2, 1, 9, 0), "closed", "身份证号", "态度生硬"
            ),
        ]
    )
    qtmodeltester.check(panel.model)
    assert panel.model.data(panel.model.index(0, 3)) == "科室处理中"
    assert panel.model.data(panel.model.index(0, 5)) == "停车难 排队久"
    panel.view.selectRow(1)
    assert not panel.merge_button.isEnabled()
    assert panel.merge_button.toolTip() == "YH-2026-000003 已结束（已销项），不能并入"
    panel.view.selectRow(0)
    assert panel.merge_button.isEnabled()


def test_attachment_model(qtbot, qtmodeltester, tmp_path: Path) -> None:
    panel = AttachmentsPanel(max_mb=1)
    qtbot.addWidget(panel)
    qtmodeltester.check(panel.model)
    recording = tmp_path / "通话录音.mp3"
    recording.write_bytes(b"\1" * 2_500_000)
    photo = tmp_path / "照片.png"
    photo.write_bytes(b"\x89PNG" + b"\0" * 500)
    panel.add_files([recording, photo])
    qtmodeltester.check(panel.model)
    assert [a.filename for a in panel.attachments()] == ["照片.png"]
    assert panel.model.data(panel.model.index(0, 2)) == "504 字节"
    assert panel.title() == "附件（1 个，共 504 字节）"


def test_the_duplicate_panel_names_a_closed_earlier_case() -> None:
    closed = DuplicateCandidate(7, "YH-2026-000007", datetime(2026, 3, 2, 10, 0), "closed", "电话", "停车难")
    assert state_line(closed) == (
        "所选前案 YH-2026-000007 于 2026-03-02 接待，当前状态：已销项。已办结的事项再次投诉，请标为重复投诉。"
    )
