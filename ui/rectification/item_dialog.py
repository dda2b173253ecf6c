"""One 整改 item: what was asked, what the department did, the verification, its history, and the
steps the user may take now (buttons disabled with the policy's or the state's reason)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.files import read_user_file
from app.policy import can
from app.rectification import items, notice, queries
from app.rectification.queries import ItemDetail
from app.rectification.states import RECURRED_LABEL, STEP_RULES, RectState
from app.session import Session
from ui.common import format_datetime, make_primary
from ui.operations import Change, Kind, run
from ui.workspace.attachments_section import save_attachment
from ui.workspace.dialogs import TextDialog
from ui.workspace.print_preview import open_preview
from ui.workspace.widgets import FieldGrid, chip, format_size, heading, scroll_page, set_tone, workspace_style

# button key → (text, step it needs)
BUTTONS: tuple[tuple[str, str, str], ...] = (
    ("start", "开始整改", "start"),
    ("record", "登记整改情况…", "record"),
    ("evidence_file", "添加整改材料…", "evidence_file"),
    ("submit", "提交验证", "submit"),
    ("verify_pass", "验证通过…", "verify"),
    ("verify_fail", "验证不通过…", "verify"),
    ("close_done", "确认已落实…", "close"),
    ("close_failed", "关闭为未落实…", "close"),
    ("print", "打印整改通知单", "print"),
)


def fit_list(widget: QListWidget, max_rows: int = 5) -> None:
    """A short list as tall as its rows (one row when empty, scrolling beyond `max_rows`)."""
    rows = min(max(widget.count(), 1), max_rows)
    row_height = widget.sizeHintForRow(0) if widget.count() else widget.fontMetrics().height() + 6
    widget.setFixedHeight(rows * row_height + 2 * widget.frameWidth() + 4)


class ItemDialog(QDialog):
    """Emits `open_case_requested(case_id)` when the user opens one of the covered cases."""

    open_case_requested = Signal(int)

    def __init__(self, session: Session, item_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.item_id = item_id
        self.detail: ItemDetail | None = None
        self.setStyleSheet(workspace_style())
        self.resize(900, 680)
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.state_chip = chip()
        self.recurred_chip = chip(RECURRED_LABEL, "red", "落实后同一科室、同一类别又收到投诉")
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addWidget(self.state_chip)
        head.addWidget(self.recurred_chip)
        head.addStretch(1)
        self.facts = FieldGrid()
        self.texts = FieldGrid("整改内容", columns=1)
        self.case_list = QListWidget()
        self.case_list.itemActivated.connect(self._open_case)
        self.file_list = QListWidget()
        self.file_list.itemActivated.connect(self._open_file)
        self.history = QListWidget()
        self.history.setWordWrap(True)
        self.history.setMinimumHeight(180)
        body = scroll_page(
            self.facts,
            self.texts,
            heading("涉及案件（双击打开）"),
            self.case_list,
            heading("整改材料（双击另存）"),
            self.file_list,
            heading("经过"),
            self.history,
        )
        self.buttons: dict[str, QPushButton] = {}
        office_row, manager_row = QHBoxLayout(), QHBoxLayout()
        for key, text, step in BUTTONS:
            button = QPushButton(text)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, k=key: self.take(k))
            self.buttons[key] = button
            (manager_row if step in ("close", "print") else office_row).addWidget(button)
            if key == "close_failed":
                manager_row.addStretch(1)
        office_row.addStretch(1)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        manager_row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.addLayout(head)
        layout.addWidget(body, 1)
        layout.addLayout(office_row)
        layout.addLayout(manager_row)
        self.reload()

    # -- showing ---------------------------------------------------------------------------------

    def reload(self) -> bool:
        outcome = run(self, lambda: queries.item_detail(self.session, self.item_id))
        if not outcome:
            return False
        detail = self.detail = outcome.value
        row = detail.row
        self.setWindowTitle(f"整改项 {row.number}")
        self.title.setText(f"整改项 {row.number}")
        self.state_chip.setText(row.state_label)
        set_tone(
            self.state_chip, "red" if row.overdue else "green" if row.state == RectState.DONE else "state"
        )
        self.recurred_chip.setVisible(row.recurred)
        due = f"{row.due:%Y-%m-%d}" + ("（暂定）" if row.due_provisional else "")
        self.facts.set_rows(
            [
                ("责任科室", row.department),
                ("整改期限", due),
                ("投诉类别", row.category),
                ("来源", row.source),
                ("下达时间", format_datetime(row.created_at)),
                ("验证", "已验证" if detail.verified else "未验证"),
            ]
        )
        texts = [("存在问题", detail.problem), ("整改要求", row.measure), ("整改情况", detail.evidence)]
        if detail.verification_note:
            texts.append(("验证意见", detail.verification_note))
        if detail.close_reason:
            texts.append(("关闭说明", detail.close_reason))
        for case_no, at in detail.recurrences:
            texts.append((RECURRED_LABEL, f"{case_no}（{format_datetime(at)} 发现）"))
        self.texts.set_rows(texts, wide=[label for label, _text in texts])
        self.case_list.clear()
        for case in detail.cases:
            item = QListWidgetItem(case.case_no)
            item.setData(Qt.ItemDataRole.UserRole, case.id if case.visible else None)
            self.case_list.addItem(item)
        self.file_list.clear()
        if not detail.files:
            self.file_list.addItem("（尚无整改材料）")
        for file in detail.files:
            item = QListWidgetItem(
                f"{file.filename}　{format_size(file.size)}　{format_datetime(file.added_at)}"
            )
            item.setData(Qt.ItemDataRole.UserRole, file.id)
            self.file_list.addItem(item)
        self.history.clear()
        for event in detail.events:
            note = f"\n{event.note}" if event.note else ""
            self.history.addItem(f"{format_datetime(event.at)}　{event.actor}　{event.summary}{note}")
        for key, _text, step in BUTTONS:
            why = detail.steps.get(step, "")
            button = self.buttons[key]
            button.setVisible(bool(can(self.session.user, STEP_RULES[step][0])))  # the role's steps only
            button.setEnabled(not why)
            button.setToolTip(why)
        for widget in (self.case_list, self.file_list):
            fit_list(widget)
        make_primary(self.buttons["submit"])
        return True

    # -- steps -----------------------------------------------------------------------------------

    def change(self) -> Change:
        return Change(Kind.CASES)

    def _version(self) -> int | None:
        return self.detail.row.version if self.detail else None

    def take(self, key: str) -> None:
        version = self._version()
        session, item_id = self.session, self.item_id
        if key == "start":
            self._run(lambda: items.start(session, item_id, version))
        elif key == "record":
            dialog = TextDialog(
                "登记整改情况", "整改情况", "保存", note="写明科室采取的措施和完成时间。", parent=self
            )
            dialog.text_edit.setPlainText(self.detail.evidence if self.detail else "")
            self._text_step(dialog, lambda: items.record(session, item_id, dialog.text(), version))
        elif key == "evidence_file":
            self._add_file()
        elif key == "submit":
            self._run(lambda: items.submit(session, item_id, version))
        elif key in ("verify_pass", "verify_fail"):
            passed = key == "verify_pass"
            title, label = ("验证通过", "验证意见") if passed else ("验证不通过", "退回原因")
            dialog = TextDialog(title, label, title, parent=self)
            self._text_step(dialog, lambda: items.verify(session, item_id, passed, dialog.text(), version))
        elif key in ("close_done", "close_failed"):
            done = key == "close_done"
            title, label = ("确认已落实", "关闭意见") if done else ("关闭为未落实", "未落实原因")
            dialog = TextDialog(title, label, title, parent=self)
            self._text_step(dialog, lambda: items.close(session, item_id, done, dialog.text(), version))
        elif key == "print":
            self.print_notice()

    def _run(self, call) -> None:  # noqa: ANN001 - a service call
        if run(self, call, changed=self.change(), on_reload=self.reload):
            self.reload()

    def _text_step(self, dialog: TextDialog, perform) -> None:  # noqa: ANN001 - a service call
        dialog.perform = perform
        dialog.on_reload = self.reload
        dialog.change = self.change()
        accepted = dialog.exec()
        dialog.deleteLater()
        if accepted:
            self.reload()

    def _add_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(self, "添加整改材料")
        if not name:
            return
        path = Path(name)
        self._run(
            lambda: items.add_evidence_file(self.session, self.item_id, path.name, read_user_file(path))
        )

    def print_notice(self) -> None:
        outcome = run(self, lambda: notice.issue(self.session, self.item_id), changed=self.change())
        if not outcome:
            return
        info, pdf = outcome.value
        self.reload()
        number = self.detail.row.number if self.detail else ""
        dialog = open_preview(
            pdf,
            f"{number} 整改通知单{'（补打）' if info.reprint else ''}",
            file_name=f"{number}-整改通知单.pdf",
            reprint=lambda: notice.issue(self.session, self.item_id)[1],
            parent=self,
        )
        if dialog is not None:
            dialog.exec()
            dialog.deleteLater()
            self.reload()

    def _open_case(self, item: QListWidgetItem) -> None:
        case_id = item.data(Qt.ItemDataRole.UserRole)
        if case_id is not None:
            self.open_case_requested.emit(case_id)
            self.accept()

    def _open_file(self, item: QListWidgetItem) -> None:
        file_id = item.data(Qt.ItemDataRole.UserRole)
        if file_id is None:
            return
        outcome = run(self, lambda: queries.attachment_data(self.session, file_id))
        if outcome:
            name, data = outcome.value
            save_attachment(self, name, data)
