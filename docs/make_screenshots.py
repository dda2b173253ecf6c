"""Regenerate the screenshots in docs/screenshots/ from a throwaway demo database.

    python docs/make_screenshots.py

Runs offscreen (no display needed); every picture is a QWidget.grab() at 1280×800 or the dialog's
natural size. The data are fictitious.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QWidget, QWizard  # noqa: E402

from app import auth, clock, departments, users  # noqa: E402
from app.demo import DemoInfo, create_demo_database  # noqa: E402
from app.errors import AuthError  # noqa: E402
from app.policy import Role  # noqa: E402
from ui.admin.departments_page import DepartmentDialog  # noqa: E402
from ui.admin.user_dialogs import AddUserDialog  # noqa: E402
from ui.application import create_application  # noqa: E402
from ui.demo_dialog import DemoDialog  # noqa: E402
from ui.login_dialog import LoginDialog  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.setup_wizard import SetupWizard  # noqa: E402

OUT = Path(__file__).resolve().parent / "screenshots"
PASSWORD = "Demo2026pass"
WINDOW_SIZE = (1280, 800)
NOW = datetime(2026, 3, 16, 9, 24)

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
    QApplication.processEvents()
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
    auth.logout(session)
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


def main_screens(path: Path) -> None:
    window = MainWindow(auth.login_local(path, "admin", PASSWORD), idle_timeout_ms=0)
    show_window(window, WINDOW_SIZE)
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
    window.show_page("home")
    window.close()

    window = MainWindow(auth.login_local(path, "officer", PASSWORD), idle_timeout_ms=0)
    show_window(window, WINDOW_SIZE)
    save(window, "main_window_officer.png")
    window.lock()
    window.lock_screen.password_edit.setText("wrong1")
    window.lock_screen.try_unlock()
    save(window, "lock_screen.png")
    window.lock_screen.password_edit.setText(PASSWORD)
    window.lock_screen.try_unlock()
    window.close()


def main() -> int:
    create_application()
    OUT.mkdir(parents=True, exist_ok=True)
    with TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "demo.db"
        prepare(path)
        login_screens(path)
        dialog_screens(path)
        wizard_screens(folder / "new")
        at(NOW)
        main_screens(path)
    clock.set_clock(None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
