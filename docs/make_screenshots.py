"""Regenerate the screenshots in docs/screenshots/ from a throwaway demo database.

    python docs/make_screenshots.py

Runs offscreen (no display needed); every picture is a QWidget.grab() at 1280×800 or the dialog's
natural size. The database holds a few hundred synthetic complaints (app.demo, through the real
services) on Monday 16 March 2026; each role's home, the board, the case list and the admin pages are
taken from the real main window. The screens of the intake page, the case workspace and the shared
mode come from docs/shots/*.py (`capture()`), which this script calls when they exist.
The people and cases are fictitious.
"""

from __future__ import annotations

import importlib
import os
import sys
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget, QWizard  # noqa: E402

from app import auth, clock, departments, key_grants, users  # noqa: E402
from app.cases import board, documents, intake  # noqa: E402
from app.cases.board import BoardFilter  # noqa: E402
from app.demo import DemoInfo, create_demo_database  # noqa: E402
from app.demo.fill import fill_demo_cases  # noqa: E402
from app.demo.generator import generator_for_database  # noqa: E402
from app.errors import AuthError  # noqa: E402
from app.policy import Role  # noqa: E402
from app.session import Session  # noqa: E402
from ui.admin.departments_page import DepartmentDialog  # noqa: E402
from ui.admin.user_dialogs import AddUserDialog  # noqa: E402
from ui.application import create_application, dispose_windows  # noqa: E402
from ui.demo_dialog import DemoDialog  # noqa: E402
from ui.login_dialog import LoginDialog  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.setup_wizard import SetupWizard  # noqa: E402

OUT = Path(__file__).resolve().parent / "screenshots"
PASSWORD = "Demo2026pass"
WINDOW_SIZE = (1280, 800)
NOW = datetime(2026, 3, 16, 9, 24)  # a Monday morning
NIGHT = datetime(2026, 3, 16, 23, 52)  # the same day's night shift
DEMO_CASES = 400

# Contact details for some of the default departments, and one department no longer in use.
DEPARTMENT_CONTACTS = {
    "cardiology": ("内线 3201", "郑国华"),
    "respiratory": ("内线 3215", "冯丽"),
    "gastro": ("内线 3218", "陈志远"),
    "neurology": ("内线 3222", "吴海燕"),
    "nephrology": ("内线 3230", "杜明"),
    "endocrinology": ("内线 3236", "钱淑芬"),
    "hematology": ("内线 3240", "严立"),
    "oncology": ("内线 3245", "孔维"),
    "gen_surgery": ("内线 3302", "褚卫东"),
    "orthopedics": ("内线 3310", "卫明"),
    "neurosurgery": ("内线 3316", "蒋涛"),
    "thoracic_surg": ("内线 3320", "沈佳"),
    "urology": ("内线 3326", "韩志强"),
    "obgyn": ("内线 3408", "杨雪梅"),
    "pediatrics": ("内线 3420", "朱晓"),
    "emergency": ("内线 3120", "秦芳"),
}
RETIRED_DEPARTMENT = "health_check"

EXTRA_USERS = [
    ("wangxm", "王小明", ["officer"], "13912345678"),
    ("lihong", "李红", ["clerk"], ""),
    ("zhangwei", "张伟", ["officer", "manager"], ""),
    ("liujing", "刘静", ["night_duty"], ""),
]


def save(widget: QWidget, name: str) -> None:
    for _ in range(3):
        QApplication.processEvents()
    QTest.qWait(200)  # let hover and fade animations settle
    widget.grab().save(str(OUT / name))
    print(f"已生成 {name}")


def show_window(widget: QWidget, size: tuple[int, int] | None = None) -> None:
    if size:
        widget.resize(*size)
    widget.show()
    QApplication.processEvents()


def at(moment: datetime) -> None:
    clock.set_clock(lambda: moment)


def prepare(path: Path) -> None:
    """Demo database with departments, more users, one locked and one disabled account."""
    at(NOW - timedelta(days=30))
    session, _info = create_demo_database(path, PASSWORD)
    known = {d.code: d for d in departments.list_departments()}
    for code, (phone, head) in DEPARTMENT_CONTACTS.items():
        d = known[code]
        departments.save_department(session, code, d.name, d.kind, phone, head, new=False)
    departments.set_department_active(session, RETIRED_DEPARTMENT, False)
    for username, name, roles, phone in EXTRA_USERS:
        users.add_user(session, username, name, roles, PASSWORD, phone, must_change_password=False)
    users.set_active(session, "liujing", False)
    at(NOW)  # the demo complaints are planned around this morning
    print(f"生成 {DEMO_CASES} 件演示案件 ……", flush=True)
    fill_demo_cases(session, DEMO_CASES)
    at(NOW - timedelta(days=30))
    auth.logout(session)
    manager = auth.login_local(path, "manager", PASSWORD)  # makes the identifier key and seals
    key_grants.grant_waiting(manager)  # the officers read identifiers, as after a manager's grants
    auth.logout(manager)
    at(NOW - timedelta(days=8, hours=-2, minutes=1))
    try:
        auth.login_local(path, "officer", "typo-" + PASSWORD)
    except AuthError:
        pass
    for day, username in ((10, "admin"), (8, "officer"), (5, "wangxm"), (3, "zhangwei"), (1, "admin")):
        at(NOW - timedelta(days=day, hours=-2))
        auth.logout(auth.login_local(path, username, PASSWORD))
    at(NOW - timedelta(minutes=4))
    for _ in range(5):
        try:
            auth.login_local(path, "lihong", "wrong-password-1")
        except AuthError:
            pass
    at(NOW)


def dialog_screens(path: Path) -> None:
    """The dialogs behind the admin pages and the demo start (extra pictures for the guide)."""
    session = auth.login_local(path, "admin", PASSWORD)
    dialog = AddUserDialog(session)
    dialog.username_edit.setText("chenjing")
    dialog.display_edit.setText("陈静")
    dialog.phone_edit.setText("13812345678")
    dialog.role_checks.boxes["officer"].setChecked(True)
    show_window(dialog)
    save(dialog, "add_user.png")
    dialog.close()
    known = {d.code: d for d in departments.list_departments()}
    dialog = DepartmentDialog(session, known["cardiology"])
    show_window(dialog)
    save(dialog, "department_dialog.png")
    dialog.close()
    auth.logout(session)
    info = DemoInfo(path, PASSWORD, {role.value: role.value for role in Role})
    demo = DemoDialog(info)
    show_window(demo)
    save(demo, "demo.png")
    demo.close()


def login_screens(path: Path) -> None:
    dialog = LoginDialog(path, "officer")
    dialog.password_edit.setText(PASSWORD)
    show_window(dialog)
    save(dialog, "login.png")
    dialog.close()


def wizard_screens(folder: Path) -> None:
    wizard = SetupWizard(folder / "complaintdesk.db")
    show_window(wizard)
    wizard.next()
    wizard.hospital_page.name_edit.setText("江宁市第一人民医院")
    wizard.next()
    wizard.next()
    page = wizard.admin_page
    page.username_edit.setText("admin")
    page.display_edit.setText("周建国")
    page.password_edit.setText(PASSWORD)
    page.confirm_edit.setText(PASSWORD)
    save(wizard, "setup_wizard.png")
    wizard.next()
    save(wizard, "setup_wizard_recovery.png")
    wizard.recovery_page.confirm_box.setChecked(True)
    wizard.button(QWizard.WizardButton.FinishButton).click()
    auth.logout(wizard.session)


def _session(path: Path, username: str) -> Session:
    return auth.login_local(path, username, PASSWORD)


def _window(session: Session) -> MainWindow:
    window = MainWindow(session, idle_timeout_ms=0)
    show_window(window, WINDOW_SIZE)
    return window


def _register(session: Session, moments: list[datetime], seed: int) -> list[int]:
    """Complaints of the front desk's channels, registered at the given moments."""
    forms = [
        p.form for p in generator_for_database(seed=seed).plans(60) if p.form.channel in ("visit", "phone")
    ]
    ids = []
    for form, moment in zip(forms, moments, strict=False):
        at(moment)
        ids.append(intake.register(session, replace(form, received_at=moment, link_to=[])).case_id)
    at(NOW)
    return ids


def admin_screens(path: Path) -> None:
    """The administrator's account home and the admin pages, in the main window."""
    window = _window(_session(path, "admin"))
    save(window, "main_window.png")
    for key, name, row in (
        ("users", "users.png", "lihong"),
        ("departments", "departments.png", "respiratory"),
    ):
        page = window.show_page(key)
        page.select_key(row)  # type: ignore[attr-defined]
        page.view.setFocus()  # type: ignore[attr-defined]
        save(window, name)
    window.show_page("settings")
    save(window, "settings.png")
    window.close()


def clerk_screens(path: Path) -> None:
    """督查股: this morning's registrations, two receipts printed (one of them twice)."""
    session = _session(path, "clerk")
    ids = _register(session, [NOW - timedelta(minutes=m) for m in (86, 52, 31)], seed=11)
    for case_id, moment in ((ids[0], NOW - timedelta(minutes=84)), (ids[1], NOW - timedelta(minutes=49))):
        at(moment)
        documents.issue(session, case_id, "receipt")
    at(NOW - timedelta(minutes=12))
    documents.issue(session, ids[0], "receipt")  # the complainant came back for another copy: 补打
    at(NOW)
    window = _window(session)
    desk = window.home_page.intake_desk  # type: ignore[attr-defined]
    desk.select_case(ids[0])
    save(window, "home_clerk.png")
    window.close()


def office_screens(path: Path) -> None:
    """专员: the home by urgency, the board (plain, filtered, a refused move), the list and a search."""
    session = _session(path, "officer")
    window = _window(session)
    save(window, "home_officer.png")
    page = window.show_page("board")
    save(window, "board.png")
    page.filters.mine.setChecked(True)
    bar = page.scroll.horizontalScrollBar()
    bar.setValue(bar.maximum())  # the later columns: 待审批 … 待销项
    save(window, "board_filtered.png")
    bar.setValue(0)
    page.filters.reset()
    pending = page.columns["pending_approval"].model.cards()
    if pending:
        page.move_case(pending[0].id, "pending_approval", "approved")  # refused: the manager approves
        save(window, "board_refused.png")
    cases = window.show_page("cases")
    cases.table.setFocus()
    save(window, "case_list.png")
    cases.search_edit.setText("态度")
    cases.run_search()
    cases.search_edit.setFocus()
    save(window, "case_list_search.png")
    cases.search_edit.clear()
    cases.run_search()
    window.lock()
    window.lock_screen.password_edit.setText("wrong1")
    window.lock_screen.try_unlock()
    save(window, "lock_screen.png")
    window.lock_screen.password_edit.setText(PASSWORD)
    window.lock_screen.try_unlock()
    window.close()


def manager_screens(path: Path) -> None:
    window = _window(_session(path, "manager"))
    save(window, "home_manager.png")
    window.close()


def night_screens(path: Path) -> None:
    """总值班 at the end of the evening: two complaints of the shift and the handover summary."""
    session = _session(path, "night_duty")
    _register(session, [NIGHT - timedelta(minutes=97), NIGHT - timedelta(minutes=14)], seed=23)
    at(NIGHT)
    window = _window(session)
    shift = window.home_page.night_shift  # type: ignore[attr-defined]
    shift.table.selectRow(0)
    shift.table.setFocus()
    save(window, "home_night.png")
    window.close()
    at(NOW)


def shot_modules(path: Path) -> None:
    """The intake page, the case workspace and the shared mode, by their own scripts (if present)."""
    for name, run in (
        ("intake", lambda module: module.capture(_session(path, "clerk"), OUT, night_username="night_duty")),
        ("workspace", lambda module: module.capture(*_workspace_case(path), OUT)),
        ("shared", lambda module: module.capture(OUT)),
        ("shared_placeholders", lambda module: module.capture(OUT)),
        ("holidays", lambda module: module.capture(OUT)),
        ("statistics_page", lambda module: module.capture(OUT)),
        ("records", lambda module: module.capture(OUT)),
        ("reminders", lambda module: module.capture(lambda username: _session(path, username), OUT)),
        ("rectification", lambda module: module.capture(lambda username: _session(path, username), OUT)),
        ("case_record", lambda module: module.capture(lambda username: _session(path, username), OUT)),
        ("administration", lambda module: module.capture(OUT)),
        ("case_commitments", lambda module: module.capture(lambda username: _session(path, username), OUT)),
        ("key_grants", lambda module: module.capture(OUT)),
    ):
        try:
            module = importlib.import_module(f"docs.shots.{name}")
        except ModuleNotFoundError:
            continue
        for shot in run(module):
            print(f"已生成 {Path(shot).name}")
        dispose_windows()
        at(NOW)


def _workspace_case(path: Path) -> tuple[Session, int]:
    """An officer's session and a case in 科室处理中 with its departments' answers partly in."""
    session = _session(path, "officer")
    cards = board.case_list(session, BoardFilter(states=("in_progress",)), limit=20)
    cards = [c for c in cards if not c.redacted] or board.case_list(session, BoardFilter(), limit=1)
    return session, cards[0].id


def main() -> int:
    create_application()
    OUT.mkdir(parents=True, exist_ok=True)
    with TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "demo.db"
        prepare(path)
        wizard_screens(folder / "new")
        dispose_windows()
        at(NOW)
        for screens in (
            login_screens,
            dialog_screens,
            admin_screens,
            shot_modules,
            clerk_screens,
            office_screens,
            manager_screens,
            night_screens,
        ):
            screens(path)
            dispose_windows()  # each step's windows go now, not in the teardown at exit
    clock.set_clock(None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
