"""文书: issue a document (打印预览 / 打印 / 另存为PDF) and look back at every issued copy.

Each action on a document goes through `documents.issue` (the first issue; any later one is a 补打
reprint, stamped and logged) and the archive through `documents.stored_pdf` (audited).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.cases import documents
from app.cases.documents import IssuedInfo
from app.cases.views import CaseView
from app.cases.workspace import Printable, printable_documents
from app.policy import Action, can
from app.records import dossier
from app.session import Session
from ui.common import make_primary
from ui.operations import Change, Kind, run
from ui.workspace.models import issued_model, printable_model
from ui.workspace.print_preview import (
    NO_PDF_VIEWER,
    PDF_AVAILABLE,
    DocumentPrinter,
    PrintPreviewDialog,
    open_preview,
    save_pdf,
)
from ui.workspace.widgets import fit_rows, heading, hint, selected_row, table_view


def file_name(case_no: str, title: str, reprint: bool = False) -> str:
    """A file name without personal data: case number and document title only."""
    return f"{case_no}_{title}{'_补打' if reprint else ''}.pdf"


class DocumentsSection(QWidget):
    """Emits `issued` after a document was issued (the timeline has a new entry)."""

    issued = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.case_id = 0
        self.case_no = ""
        self.printer = DocumentPrinter(self)
        self.preview: PrintPreviewDialog | None = None

        self.printables = printable_model(self)
        self.printable_view = table_view(self.printables, widths=(160, 140))
        self.printable_view.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.printable_view.doubleClicked.connect(lambda _i: self.preview_selected())
        self.none_hint = hint("目前没有您可以出具的文书。")
        self.page_combo = QComboBox()
        self.page_combo.addItems(["A4"])
        self.page_label = QLabel("纸张")
        self.preview_button = make_primary(QPushButton("打印预览…"))
        self.preview_button.clicked.connect(self.preview_selected)
        self.print_button = QPushButton("打印…")
        self.print_button.clicked.connect(self.print_selected)
        self.save_button = QPushButton("另存为PDF…")
        self.save_button.clicked.connect(self.save_selected)
        issue_bar = QHBoxLayout()
        issue_bar.setSpacing(8)
        issue_bar.addWidget(self.page_label)
        issue_bar.addWidget(self.page_combo)
        issue_bar.addSpacing(8)
        for button in (self.preview_button, self.print_button, self.save_button):
            button.setAutoDefault(False)
            issue_bar.addWidget(button)
        issue_bar.addStretch(1)

        self.issued_model = issued_model(self)
        # 文书 takes the spare width; the others fit their contents (no sideways scrolling at 1024 px).
        self.issued_view = table_view(self.issued_model, widths=(124, 0, 48, 48, 72, 104), stretch=1)
        self.issued_view.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.issued_view.doubleClicked.connect(lambda _i: self.view_archived())
        self.issued_empty = hint("尚未出具文书。")
        self.archive_button = QPushButton("查看存档…")
        self.archive_button.clicked.connect(self.view_archived)
        self.archive_save_button = QPushButton("存档另存为PDF…")
        self.archive_save_button.clicked.connect(self.save_archived)
        self.dossier_button = QPushButton("生成卷宗…")
        self.dossier_button.setToolTip("投诉档案：案件摘要、目录、全部存档文书原件、时间线、附件清单和查阅记录，合为一个 PDF")
        self.dossier_button.clicked.connect(self.save_dossier)
        self.dossier_button.setVisible(bool(can(session.user, Action.DOSSIER)))
        archive_bar = QHBoxLayout()
        archive_bar.setSpacing(8)
        for button in (self.archive_button, self.archive_save_button):
            button.setAutoDefault(False)
            archive_bar.addWidget(button)
        archive_bar.addStretch(1)
        self.dossier_button.setAutoDefault(False)
        archive_bar.addWidget(self.dossier_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(heading("出具文书"))
        layout.addWidget(hint("预览不算出具；打印或另存为PDF即出具并编号，再出具为“补打”。"))
        layout.addWidget(self.none_hint)
        layout.addWidget(self.printable_view)
        layout.addLayout(issue_bar)
        layout.addSpacing(6)
        layout.addWidget(heading("已出具记录"))
        layout.addWidget(self.issued_empty)
        layout.addWidget(self.issued_view)
        layout.addLayout(archive_bar)
        layout.addStretch(1)

    # -- data ------------------------------------------------------------------------------------

    def set_view(self, view: CaseView) -> None:
        self.case_id, self.case_no = view.id, view.case_no
        outcome = run(
            self,
            lambda: (
                printable_documents(self.session, view.id),
                documents.issued_documents(self.session, view.id),
            ),
        )
        printable, issued = outcome.value if outcome else ([], [])
        chosen = self.selected_printable()
        self.printables.set_rows(printable)
        fit_rows(self.printable_view, 5)  # more scroll: the tab keeps its height at 1024×700
        self.none_hint.setVisible(not printable)
        self.printable_view.setVisible(bool(printable))
        keys = [(p.kind, p.assignment_id) for p in printable]
        if printable:
            key = (chosen.kind, chosen.assignment_id) if chosen is not None else None
            self.printable_view.selectRow(keys.index(key) if key in keys else 0)
        self.issued_model.set_rows(issued)
        fit_rows(self.issued_view, 10)
        self.issued_empty.setVisible(not issued)
        self.issued_view.setVisible(bool(issued))
        if issued and selected_row(self.issued_view) is None:
            self.issued_view.selectRow(0)
        self._update_buttons()

    def selected_printable(self) -> Printable | None:
        row = selected_row(self.printable_view)
        return self.printables.row(row) if row is not None and row < self.printables.rowCount() else None

    def selected_issued(self) -> IssuedInfo | None:
        row = selected_row(self.issued_view)
        return self.issued_model.row(row) if row is not None and row < self.issued_model.rowCount() else None

    def _update_buttons(self) -> None:
        item = self.selected_printable()
        for button in (self.preview_button, self.print_button, self.save_button):
            button.setEnabled(item is not None)
        if not PDF_AVAILABLE:
            for button in (self.preview_button, self.print_button):
                button.setEnabled(False)
                button.setToolTip(NO_PDF_VIEWER)
        sizes = item.page_sizes if item is not None else ("A4",)
        if [self.page_combo.itemText(i) for i in range(self.page_combo.count())] != list(sizes):
            self.page_combo.clear()
            self.page_combo.addItems(list(sizes))
        self.page_combo.setEnabled(len(sizes) > 1)
        archived = self.selected_issued() is not None
        self.archive_button.setEnabled(archived and PDF_AVAILABLE)
        self.archive_save_button.setEnabled(archived)

    # -- issuing ---------------------------------------------------------------------------------

    def _issue(self, item: Printable) -> tuple[IssuedInfo, bytes]:
        result = documents.issue(
            self.session,
            self.case_id,
            item.kind,
            assignment_id=item.assignment_id,
            page_size=self.page_combo.currentText() or "A4",
        )
        self.issued.emit()
        return result

    def change(self) -> Change:
        return Change(Kind.DOCUMENTS, self.case_id)

    def _title(self, info: IssuedInfo | Printable) -> str:
        reprint = isinstance(info, IssuedInfo) and info.reprint
        department = f"（{info.department}）" if info.department else ""
        return f"{self.case_no} {info.title}{department}{'（补打）' if reprint else ''}"

    def preview_selected(self) -> None:
        """打印预览: rendered, not issued; printing or saving from the preview issues it."""
        item = self.selected_printable()
        if item is None:
            return
        page_size = self.page_combo.currentText() or "A4"
        result = run(
            self,
            lambda: documents.preview(
                self.session, self.case_id, item.kind, assignment_id=item.assignment_id, page_size=page_size
            ),
        )
        if not result:
            return
        title = f"{self.case_no} {item.title}" + (f"（{item.department}）" if item.department else "")
        issue = (lambda: self._issue(item)[1]) if item.issued == 0 else None
        self._open(
            result.value,
            title,
            file_name(self.case_no, item.title, item.issued > 0),
            page_size,
            issue=issue,
            reprint=lambda: self._issue(item)[1],
        )

    def print_selected(self) -> bool:
        item = self.selected_printable()
        if item is None:
            return False
        return self.printer.print(
            self._title(item),
            self.page_combo.currentText() or "A4",
            lambda: self._issue(item)[1],
            self.change(),
        )

    def save_selected(self) -> None:
        item = self.selected_printable()
        if item is not None:
            save_pdf(
                self,
                file_name(self.case_no, item.title, item.issued > 0),
                lambda: self._issue(item)[1],
                self.change(),
            )

    # -- the archive -----------------------------------------------------------------------------

    def view_archived(self) -> None:
        info = self.selected_issued()
        if info is None:
            return
        stored = run(self, lambda: documents.stored_pdf(self.session, info.id))
        if not stored:
            return
        again = next(
            (
                p
                for p in self.printables.rows()
                if p.kind == info.kind and (p.department == info.department or not info.department)
            ),
            None,
        )
        self._show_preview(info, stored.value, reprint_of=again)

    def save_archived(self) -> None:
        info = self.selected_issued()
        if info is not None:
            save_pdf(
                self,
                file_name(self.case_no, info.title, info.reprint),
                lambda: documents.stored_pdf(self.session, info.id),
            )

    def save_dossier(self) -> Path | None:
        """The case's 卷宗 (app/records/dossier.py) saved as one PDF."""
        return save_pdf(
            self, f"{self.case_no}_卷宗.pdf", lambda: dossier.build_dossier(self.session, self.case_id).pdf
        )

    def _show_preview(self, info: IssuedInfo, data: bytes, *, reprint_of: Printable | None) -> None:
        """An issued copy from the archive: printing it again is a 补打."""
        self._open(
            data,
            self._title(info),
            file_name(self.case_no, info.title, info.reprint),
            info.page_size,
            issue=None,
            reprint=(lambda: self._issue(reprint_of)[1]) if reprint_of is not None else None,
        )

    def _open(
        self,
        data: bytes,
        title: str,
        name: str,
        page_size: str,
        *,
        issue: Callable[[], bytes] | None,
        reprint: Callable[[], bytes] | None,
    ) -> None:
        self.preview = open_preview(
            data,
            title,
            file_name=name,
            page_size=page_size,
            issue=issue,
            reprint=reprint,
            changed=self.change(),
            parent=self,
        )
        if self.preview is None:
            return
        self.preview.exec()
        self.preview.deleteLater()  # the document's bytes go with it
        self.preview = None
