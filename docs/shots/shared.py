"""Screenshots of the shared-mode screens (docs/screenshots/shared_*.png).

`capture(outdir)` builds a throwaway local demo database and shows the setup wizard's choice,
server and enrollment pages, the login dialog of a workstation without keyring, and the
数据库与工作站 admin page in both modes. The server (10.12.0.20) is fictitious; the workstation
settings go to a temporary folder, and an in-memory keyring stands in for the OS one (as on a
Windows workstation with its Credential Manager). When PostgreSQL is installed, a throwaway server
also yields the migration dialog's real per-table report.
Run on its own: `python docs/shots/shared.py`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from tempfile import TemporaryDirectory

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import keyring  # noqa: E402
from keyring.backends.null import Keyring as NullKeyring  # noqa: E402
from PySide6.QtCore import QEventLoop  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app import appconfig, auth, shared  # noqa: E402
from app.demo import create_demo_database  # noqa: E402
from app.session import Session  # noqa: E402
from app.shared import ServerProbe, SharedConnection  # noqa: E402
from models.database import ServerParams  # noqa: E402
from tests.support.memory_keyring import use_memory_keyring  # noqa: E402
from ui.login_dialog import LoginDialog  # noqa: E402
from ui.server_mode.admin_page import DatabasePage  # noqa: E402
from ui.server_mode.migration_dialog import MigrationDialog  # noqa: E402
from ui.setup_wizard import PAGE_ENROLLMENT, SERVER, SetupWizard  # noqa: E402

PASSWORD = "Demo2026pass"
SERVER_PARAMS = ServerParams(
    "10.12.0.20", 5432, "complaintdesk", "complaintdesk", "verify-full", "D:/证书/hospital-ca.crt"
)
PAGE_SIZE = (1040, 720)


def _grab(widget: QWidget, path: Path) -> Path:
    for _ in range(5):
        QApplication.processEvents()
    widget.grab().save(str(path))
    return path


@contextmanager
def _workstation(folder: Path) -> Iterator[None]:
    """Workstation settings in `folder` and an in-memory keyring, for the duration of the shots."""
    saved = appconfig.config_dir, appconfig.data_dir
    appconfig.config_dir = lambda: folder / "config"  # type: ignore[assignment]
    appconfig.data_dir = lambda: folder / "data"  # type: ignore[assignment]
    memory = use_memory_keyring()
    next(memory)
    try:
        yield
    finally:
        memory.close()
        appconfig.config_dir, appconfig.data_dir = saved  # type: ignore[assignment]


@contextmanager
def _no_keyring() -> Iterator[None]:
    """A workstation without OS keyring (Linux without a desktop keyring)."""
    previous = keyring.get_keyring()
    keyring.set_keyring(NullKeyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def _fill_server_form(form, params: ServerParams) -> None:  # noqa: ANN001 - ConnectionForm
    form.set_params(params)
    form.password_edit.setText("server-password")


def wizard_shots(folder: Path, outdir: Path) -> list[Path]:
    wizard = SetupWizard(folder / "new.db")
    wizard.show()
    wizard.choice_page.choose(SERVER)
    shots = [_grab(wizard, outdir / "shared_wizard_choice.png")]
    wizard.next()
    _fill_server_form(wizard.server_page.form, SERVER_PARAMS)
    wizard.server_page.form.show_result(ServerProbe(None).summary())  # what 测试连接 tells
    shots.append(_grab(wizard, outdir / "shared_wizard_server.png"))
    wizard.setStartId(PAGE_ENROLLMENT)  # the page after 创建数据库, shown without a server
    wizard.restart()
    form = wizard.enrollment_page.form
    form.passphrase_edit.setText("east-wing-2026")
    form.confirm_edit.setText("east-wing-2026")
    shots.append(_grab(wizard, outdir / "shared_wizard_enrollment.png"))
    wizard.done(0)
    return shots


def login_shot(folder: Path, outdir: Path) -> Path:
    """A workstation without keyring: the user's own password and the enrollment passphrase are
    asked (each user signs in as their own database role; the workstation keeps no server login)."""
    with _no_keyring():
        connection = SharedConnection(SERVER_PARAMS, str(folder / "workstation.cdenroll"))
        dialog = LoginDialog(folder / "unused.db", "officer", connection=connection)
        dialog.password_edit.setText(PASSWORD)
        dialog.passphrase_edit.setText("east-wing-2026")
        dialog.show()
        path = _grab(dialog, outdir / "shared_login.png")
        dialog.close()
    return path


def admin_shots(local: Session, outdir: Path) -> list[Path]:
    shown_path = Path("D:/投诉工作台/complaintdesk.db")  # where a hospital would keep it
    page = DatabasePage(replace(local, database_path=shown_path))
    page.resize(PAGE_SIZE[0], 610)  # the local page is short: no empty half in the picture
    page.show()
    shots = [_grab(page, outdir / "shared_admin_local.png")]
    page.close()
    shared.remember_data_key(SERVER_PARAMS, bytes(32))
    on_server = replace(
        local,
        backend="postgresql",
        location=SERVER_PARAMS.location,
        database_path=None,
        slots=None,
        db_key=None,
        server=SERVER_PARAMS,
        data_key=bytes(32),
    )
    page = DatabasePage(on_server)
    page.resize(*PAGE_SIZE)
    page.show()
    shots.append(_grab(page, outdir / "shared_admin.png"))
    page.close()
    return shots


def migration_shots(local: Session, outdir: Path) -> list[Path]:
    """The migration dialog before and (with a throwaway PostgreSQL server) after the run."""
    dialog = MigrationDialog(local)
    _fill_server_form(dialog.form, SERVER_PARAMS)
    dialog.own_password_edit.setText(PASSWORD)
    dialog.show()
    shots = [_grab(dialog, outdir / "shared_migration.png")]
    from tests.support import pg_server

    if pg_server.find_bindir() is None:
        dialog.done(0)
        return shots
    server = pg_server.start()
    try:
        server.create_database("complaintdesk")
        params = ServerParams(
            server.host, server.port, "complaintdesk", server.user, "verify-full", str(server.ca_file)
        )
        dialog.form.set_params(params)
        dialog.form.password_edit.setText(server.password)
        dialog.start()
        if dialog.running:  # wait in an event loop until the worker's outcome has been handled
            loop = QEventLoop()
            dialog.ran.connect(loop.quit)
            loop.exec()
        if dialog.report is None:
            print("迁移失败：" + dialog.form.error.text())
            return shots
        dialog.export_form.passphrase_edit.setText("east-wing-2026")
        dialog.export_form.confirm_edit.setText("east-wing-2026")
        shots.append(_grab(dialog, outdir / "shared_migration_report.png"))
    finally:
        dialog.exported = True  # let it close without saving a file
        dialog.done(0)
        server.stop()
    return shots


def capture(outdir: Path) -> list[Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    with TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with _workstation(folder):
            shots = wizard_shots(folder, outdir)
            shots.append(login_shot(folder, outdir))
            local, _info = create_demo_database(folder / "complaintdesk.db", PASSWORD)
            shots += migration_shots(local, outdir)
            shots += admin_shots(local, outdir)
            auth.logout(local)
    return shots


def main() -> int:
    from ui.application import create_application

    create_application()
    for path in capture(ROOT / "docs" / "screenshots"):
        print(f"已生成 {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
