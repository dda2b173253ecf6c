"""修订记录: every saved revision of the draft (who, when, merged from which), each readable in full."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from app.cases.drafts import FIELD_LABELS, Revision
from ui.common import format_datetime
from ui.table_model import Column, RowTableModel
from ui.workspace.widgets import FieldGrid, fit_rows, heading, hint, selected_row, table_view


def revision_model(parent: QObject | None = None) -> RowTableModel[Revision]:
    return RowTableModel(
        [
            Column("版本", lambda r: f"第 {r.number} 版"),
            Column("保存人", lambda r: r.saved_by),
            Column("保存时间", lambda r: format_datetime(r.saved_at)),
            Column("说明", lambda r: f"合并第 {r.merged_from} 版" if r.merged_from else ""),
        ],
        parent,
    )


def revision_rows(revision: Revision) -> list[tuple[str, str]]:
    text = revision.text
    values = {**text.__dict__, "finding": revision.finding_label}
    return [(label, values[key] or "—") for key, label in FIELD_LABELS.items()]


class RevisionDialog(QDialog):
    """One saved revision, read-only."""

    def __init__(self, revision: Revision, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"处理意见 第 {revision.number} 版")
        grid = FieldGrid(columns=1)
        grid.set_rows(revision_rows(revision))
        self.grid = grid
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint(f"{revision.saved_by} 于 {format_datetime(revision.saved_at)} 保存"))
        layout.addWidget(grid, 1)
        layout.addWidget(buttons)
        self.resize(640, 480)


class DraftHistory(QWidget):
    """The revision table under the draft form; double-click opens a revision."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = revision_model(self)
        self.view = table_view(self.model, widths=(80, 100, 140))
        self.view.doubleClicked.connect(lambda _i: self.open_selected())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(heading("修订记录"))
        layout.addWidget(hint("每次保存都留存一版；双击查看该版全文。"))
        layout.addWidget(self.view)

    def set_revisions(self, revisions: list[Revision]) -> None:
        self.model.set_rows(revisions)
        fit_rows(self.view, 6)
        self.setVisible(bool(revisions))

    def open_selected(self) -> None:
        row = selected_row(self.view)
        if row is None:
            return
        dialog = RevisionDialog(self.model.row(row), self)
        dialog.exec()
        dialog.deleteLater()
