"""登记投诉 page: the full intake form, or the 总值班 short form after hours, with 保存,
保存并打印回执 and 清空. After a save the case number and query code stay on a banner and the form is
empty again for the next complainant (the channel is kept)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import appconfig, settings
from app.cases import documents, intake
from app.cases.category_tree import category_leaves
from app.cases.intake import Registered
from app.departments import DepartmentInfo, list_departments
from app.errors import PermissionDenied, ValidationError
from app.policy import Action, can
from app.session import Session
from ui.common import ErrorLabel, PageHeader, confirm, make_primary
from ui.intake.full_form import FullIntakeForm
from ui.intake.night_intake import NightIntakeForm
from ui.intake.segmented import SegmentedChoice
from ui.intake.success_banner import SuccessBanner
from ui.operations import Change, Kind, run
from ui.workspace.documents_section import file_name
from ui.workspace.print_preview import DocumentPrinter, PrintPreviewDialog, open_preview

PAPER_SIZES = {"A4": "A4", "A5": "A5"}
PAPER_KEY = "receipt_page_size"
FULL_TITLE = (
    "登记投诉",
    "带 * 的为必填项，必填项随投诉渠道变化。Ctrl+S 保存，Ctrl+P 保存并打印回执，Ctrl+Shift+P 保存并预览回执；回车跳到下一项。",
)
NIGHT_TITLE = (
    "总值班夜间登记",
    "带 * 的为必填项。Ctrl+S 保存，Ctrl+P 保存并打印回执，Ctrl+Shift+P 保存并预览回执；回车跳到下一项。",
)
RECEIPT = "受理回执"
RECEIPT_TITLE = "投诉受理回执"

IntakeEditor = FullIntakeForm | NightIntakeForm


def intake_style() -> str:
    """intake.qss, layered over the application's style sheet, with the shared icon folder resolved."""
    icons = Path(str(files("ui").joinpath("icons"))).as_posix()
    return files("ui.intake").joinpath("intake.qss").read_text(encoding="utf-8").replace("@ICONS@", icons)


def preferences() -> QSettings:
    """This workstation's intake preferences (no personal data), beside its configuration file."""
    return QSettings(str(appconfig.config_dir() / "intake.ini"), QSettings.Format.IniFormat)


def _scrolled(widget: QWidget) -> QScrollArea:
    holder = QWidget()
    holder.setObjectName("intakeContent")
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(20, 2, 20, 8)
    layout.addWidget(widget, 1)
    scroll = QScrollArea()
    scroll.setObjectName("intakeScroll")
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(holder)
    return scroll


class IntakePage(QWidget):
    """Signals: `registered(case_id)` after each save, `open_case_requested(case_id)` for 打开案件
    (banner) and 打开 (duplicate panel)."""

    registered = Signal(int)
    open_case_requested = Signal(int)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("page")
        self.setStyleSheet(intake_style())
        self.printer = DocumentPrinter(self)  # keeps its QPrinter referenced (DESIGN §9)
        self.preview: PrintPreviewDialog | None = None
        self.mode = intake.intake_mode(session)
        self._chose_full_form = False
        header_row = self._build_header()
        self._build_forms(list_departments(include_inactive=False))
        bar = self._build_action_bar()

        top = QVBoxLayout()
        top.setContentsMargins(20, 12, 20, 6)
        top.setSpacing(8)
        top.addLayout(header_row)
        top.addWidget(self.banner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)
        layout.addWidget(bar)

        for keys, slot in (
            ("Ctrl+S", lambda: self.save()),
            ("Ctrl+P", lambda: self.save(print_receipt=True)),
            ("Ctrl+Shift+P", lambda: self.save(print_receipt=True, preview=True)),  # as in the workspace
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.use_night_form(self.mode.night_intake)

    def _build_header(self) -> QHBoxLayout:
        """Title (it changes with the form), the link back to the short form, the success banner."""
        self.header = PageHeader(FULL_TITLE[0], FULL_TITLE[1])
        self.short_form_button = QPushButton("改用总值班简表")
        self.short_form_button.setProperty("link", True)
        self.short_form_button.setAutoDefault(False)
        self.short_form_button.clicked.connect(lambda: self.use_night_form(True))
        self.banner = SuccessBanner()
        self.banner.open_requested.connect(self.open_case_requested)
        header_row = QHBoxLayout()
        header_row.addWidget(self.header, 1)
        header_row.addWidget(self.short_form_button, 0, Qt.AlignmentFlag.AlignBottom)
        return header_row

    def _build_forms(self, departments: list[DepartmentInfo]) -> None:
        """The full form and the 总值班 short form, each scrollable, on a stack."""
        self.full_form = FullIntakeForm(
            departments,
            category_leaves(),
            can(self.session.user, Action.MERGE),
            int(settings.get("attachment_max_mb")),
        )
        self.full_form.identifiers_changed.connect(self.look_for_duplicates)
        self.full_form.duplicates.merge_requested.connect(self.save_as_duplicate_of)
        self.full_form.duplicates.open_requested.connect(self.open_case_requested)
        self.night_form = NightIntakeForm(departments, self.mode.accept_due)
        self.night_form.full_form_requested.connect(lambda: self.use_night_form(False))
        self.full_scroll = _scrolled(self.full_form)
        self.full_scroll.viewport().installEventFilter(self)  # the form's columns follow its width
        self.full_scroll.verticalScrollBar().valueChanged.connect(
            lambda _v: self.full_form.category.hide_popup()
        )
        self.stack = QStackedWidget()
        self.stack.addWidget(self.full_scroll)
        self.stack.addWidget(_scrolled(self.night_form))

    def _build_action_bar(self) -> QFrame:
        """Status line, receipt paper, 清空, 保存, 保存并打印回执 (no default button: Enter never saves)."""
        self.status = ErrorLabel()
        self.paper = SegmentedChoice(PAPER_SIZES, str(preferences().value(PAPER_KEY, "A4")))
        self.paper.setToolTip("受理回执的纸张，本机记住这次的选择")
        self.paper.changed.connect(self._remember_paper)
        self.clear_button = QPushButton("清空")
        self.clear_button.setToolTip("清空已填写的内容，重新登记")
        self.clear_button.clicked.connect(self.clear)
        self.save_button = QPushButton("保存（Ctrl+S）")
        self.save_button.clicked.connect(lambda: self.save())
        self.print_button = make_primary(QPushButton("保存并打印回执（Ctrl+P）"))
        self.print_button.clicked.connect(lambda: self.save(print_receipt=True))
        for button in (self.clear_button, self.save_button, self.print_button):
            button.setAutoDefault(False)
            button.setDefault(False)
        allowed = can(self.session.user, Action.REGISTER)
        for button in (self.save_button, self.print_button):
            button.setEnabled(bool(allowed))
            if not allowed:
                button.setToolTip(allowed.reason)
        bar = QFrame()
        bar.setObjectName("actionBar")
        bar_layout = QHBoxLayout(bar)
        bar_layout.setContentsMargins(20, 8, 20, 8)
        bar_layout.setSpacing(10)
        bar_layout.addWidget(self.status, 1)
        bar_layout.addStretch(1)
        paper_label = QLabel("回执纸张")
        paper_label.setBuddy(self.paper)
        bar_layout.addWidget(paper_label)
        bar_layout.addWidget(self.paper)
        bar_layout.addSpacing(12)
        bar_layout.addWidget(self.clear_button)
        bar_layout.addWidget(self.save_button)
        bar_layout.addWidget(self.print_button)
        return bar

    # -- which form ------------------------------------------------------------------------------

    def editor(self) -> IntakeEditor:
        return self.night_form if self.stack.currentIndex() == 1 else self.full_form

    def is_night_form(self) -> bool:
        return self.stack.currentIndex() == 1

    def use_night_form(self, night: bool) -> None:
        """Show the 总值班 short form (night) or the full form; what was typed in either stays."""
        self._chose_full_form = not night and self.mode.night_intake
        self.stack.setCurrentIndex(1 if night else 0)
        title, subtitle = NIGHT_TITLE if night else FULL_TITLE
        self.header.title.setText(title)
        self.header.subtitle.setText(subtitle)
        self.short_form_button.setVisible(self.mode.night_intake and not night)
        self.status.clear_message()
        self.editor().first_field().setFocus(Qt.FocusReason.OtherFocusReason)

    def refresh_mode(self) -> None:
        """Re-check office hours (the page may stay open past 17:30); switches only an empty form."""
        self.mode = intake.intake_mode(self.session, self.night_form.channel.value())
        self.night_form.set_accept_due(self.mode.accept_due)
        wanted = self.mode.night_intake and not self._chose_full_form
        if wanted != self.is_night_form() and self.editor().is_blank():
            self.use_night_form(wanted)
        self.short_form_button.setVisible(self.mode.night_intake and not self.is_night_form())

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.refresh_mode()

    # -- duplicates ------------------------------------------------------------------------------

    def look_for_duplicates(self, phone: str, id_number: str, record_no: str) -> None:
        """Earlier cases with the same phone, ID number or 门诊号/住院号 (invalid input finds none)."""
        found = []
        if phone.strip() or id_number.strip() or record_no.strip():
            # A look-up while typing: a fault just finds nothing; the hourly limit is said on the page.
            outcome = run(
                self,
                lambda: intake.find_duplicates(self.session, phone, id_number, record_no),
                quiet=True,
                expected=(PermissionDenied,),
            )
            found = outcome.value if outcome else []
            if isinstance(outcome.error, PermissionDenied):
                self.status.show_message(outcome.error.message)
        self.full_form.duplicates.set_candidates(found)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.full_scroll.viewport() and event.type() == QEvent.Type.Resize:
            QTimer.singleShot(0, self._fit_form)  # after the scroll area has finished its own resize
        return super().eventFilter(watched, event)

    def _fit_form(self) -> None:
        margins = self.full_scroll.widget().layout().contentsMargins()
        if self.full_form.fit_width(self.full_scroll.viewport().width() - margins.left() - margins.right()):
            self.full_scroll.widget().adjustSize()

    def save_as_duplicate_of(self, case_id: int) -> Registered | None:
        """Confirm, register this complaint, then merge it into `case_id`."""
        candidate = next((c for c in self.full_form.duplicates.model.rows() if c.case_id == case_id), None)
        case_no = candidate.case_no if candidate else "所选案件"
        question = (
            f"本次投诉将先登记为新案件，随后作为重复投诉并入 {case_no}。\n"
            "并入后新案件状态为“已合并”，不再单独办理，办理记录写入两案的时间线。\n\n确定登记并并入吗？"
        )
        if not confirm(self, "作为重复投诉并入", question, "登记并并入"):
            return None
        return self.save(merge_into=case_id)

    # -- saving ----------------------------------------------------------------------------------

    def save(
        self, print_receipt: bool = False, merge_into: int | None = None, preview: bool = False
    ) -> Registered | None:
        """Register what the form holds; on a refusal show it at the field and keep everything typed."""
        editor = self.editor()
        editor.fields.clear_errors()
        self.status.clear_message()
        files = editor.attachments.attachments() if isinstance(editor, FullIntakeForm) else []
        linked: list[int] = []

        def register() -> Registered:
            form = editor.to_form()
            linked.extend(i for i in form.link_to if i != merge_into)
            return intake.register(
                self.session, form, [(f.filename, f.data) for f in files], merge_into=merge_into
            )

        outcome = run(
            self,
            register,
            changed=lambda result: Change(Kind.CASES, result.case_id),
            expected=(ValidationError,),
        )
        if not outcome:
            if isinstance(outcome.error, ValidationError):
                self._show_problem(editor, outcome.error)
            return None
        result = outcome.value
        notes, warnings = self._notes(len(linked), len(files), merge_into), []
        editor.reset()
        self.banner.show_result(result, notes, warnings)
        self.registered.emit(result.case_id)
        if print_receipt and merge_into is None:
            receipt = self.preview_receipt if preview else self.print_receipt
            printed, problem = receipt(result.case_id)
            self.banner.show_result(result, [*notes, *printed], [*warnings, *problem])
        editor.first_field().setFocus(Qt.FocusReason.OtherFocusReason)
        return result

    def _notes(self, linked: int, attachments: int, merge_into: int | None) -> list[str]:
        """What the banner says was saved with the case (all of it was: one transaction)."""
        notes: list[str] = []
        if linked:
            notes.append(f"已关联 {linked} 件既往案件")
        if attachments:
            notes.append(f"已保存 {attachments} 个附件")
        if merge_into is not None:
            target = next(
                (c.case_no for c in self.full_form.duplicates.model.rows() if c.case_id == merge_into),
                "所选案件",
            )
            notes.append(f"已作为重复投诉并入 {target}")
        return notes

    def preview_receipt(self, case_id: int) -> tuple[list[str], list[str]]:
        """Show the receipt in the print preview, as the workspace does: rendered, not issued;
        打印 or 另存为PDF there issues it (stored, numbered, logged). (notes, warnings)."""
        page_size = self.paper.value()
        shown = run(self, lambda: documents.preview(self.session, case_id, "receipt", page_size=page_size))
        if not shown:
            return [], ["回执预览失败，可在案件的文书中打印"]
        case_no = self.banner.result().case_no if self.banner.result() is not None else ""

        def issue() -> bytes:
            return documents.issue(self.session, case_id, "receipt", page_size=page_size)[1]

        self.preview = open_preview(
            shown.value,
            f"{case_no} {RECEIPT_TITLE}".strip(),
            file_name=file_name(case_no, RECEIPT_TITLE),
            page_size=page_size,
            issue=issue,
            reprint=issue,
            changed=Change(Kind.DOCUMENTS, case_id),
            parent=self,
        )
        if self.preview is None:
            return [], ["回执无法预览，可在案件的文书中打印"]
        self.preview.exec()
        issued = not self.preview.is_preview
        self.preview.deleteLater()
        self.preview = None
        return [f"{RECEIPT}已出具（{page_size}）" if issued else f"{RECEIPT}未出具，可在案件的文书中打印"], []

    def print_receipt(self, case_id: int) -> tuple[list[str], list[str]]:
        """Ask for a printer, then issue (store + log) the receipt and print it: (notes, warnings).

        A cancelled printer dialog issues nothing, so the next print is not marked 补打.
        """
        page_size = self.paper.value()
        source = lambda: documents.issue(self.session, case_id, "receipt", page_size=page_size)[1]  # noqa: E731
        if self.printer.print(RECEIPT, page_size, source, Change(Kind.DOCUMENTS, case_id)):
            return [f"{RECEIPT}已打印（{page_size}）"], []
        return ["未打印回执，可在案件的文书中打印"], []

    def _show_problem(self, editor: IntakeEditor, error: ValidationError) -> None:
        message = editor.fields.message_for(error.field, error.label, error.problem)
        cell = editor.fields.show_error(error.field, message)
        if cell is not None and editor is self.full_form:
            self.full_scroll.ensureWidgetVisible(cell, 40, 60)
        editor.fields.on_corrected = self.status.clear_message  # the line goes when the field is fixed
        self.status.show_message(f"未保存。{message}")

    def clear(self) -> None:
        """清空: after a confirmation when something has been typed; the channel stays."""
        editor = self.editor()
        if not editor.is_blank() and not confirm(self, "清空", "清空已填写的内容？此操作不能撤销。", "清空"):
            return
        editor.reset()
        self.status.clear_message()
        editor.first_field().setFocus(Qt.FocusReason.OtherFocusReason)

    def _remember_paper(self, page_size: str) -> None:
        stored = preferences()
        stored.setValue(PAPER_KEY, page_size)
        stored.sync()
