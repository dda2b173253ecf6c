"""Screenshots of 待授予标识密钥 on the manager's home (local mode), at 1280×800 and 1024×700
(docs/screenshots/key_grants.png and key_grants_1024.png): one officer ready to be granted, one still
on the initial password the administrator set, and one whose role no audited change gave.

Run on its own from the repository root: `python -m docs.shots.key_grants`.
The people are fictitious.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path
from tempfile import TemporaryDirectory

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app import account, auth, clock, users  # noqa: E402
from app.keyslots import KeySlotFile  # noqa: E402
from models.database import EncryptedDatabase  # noqa: E402
from ui.home import RoleHome  # noqa: E402

NOW = datetime(2026, 3, 16, 9, 24)
PASSWORD = "Demo2026pass"
SIZES = (((1280, 800), ""), ((1024, 700), "_1024"))


def _office(path: Path) -> None:
    admin, _recovery = auth.create_local_database(path, "admin", "周建国", PASSWORD, "示例市第一人民医院")
    users.add_user(admin, "manager", "李主任", ["manager"], PASSWORD, must_change_password=False)
    users.add_user(admin, "clerk", "赵敏", ["clerk"], PASSWORD, must_change_password=False)
    users.add_user(admin, "qian", "钱晓燕", ["officer"], PASSWORD, must_change_password=False)
    users.add_user(admin, "sun", "孙建平", ["officer"], PASSWORD)  # still on the initial password
    auth.logout(admin)
    auth.logout(auth.login_local(path, "manager", PASSWORD))  # the first manager makes the key
    db = EncryptedDatabase(path, KeySlotFile.load(path).unwrap_user("clerk", PASSWORD))
    db.connect()  # a role row written with plain SQL, behind the application's back
    db.execute_sql("INSERT INTO user_role (user_id, role) SELECT id, 'officer' FROM user WHERE username = 'clerk'")
    db.close()


def capture(outdir: Path) -> list[Path]:
    clock.set_clock(lambda: NOW)
    shots: list[Path] = []
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.db"
        _office(path)
        manager = auth.login_local(path, "manager", PASSWORD)
        for size, suffix in SIZES:
            home = RoleHome(manager, account.account_summary(manager))
            home.resize(*size)
            home.show()
            for _ in range(3):
                QApplication.processEvents()
            QTest.qWait(120)
            target = outdir / f"key_grants{suffix}.png"
            home.grab().save(str(target))
            shots.append(target)
            home.close()
            home.deleteLater()
        auth.logout(manager)
    clock.set_clock(None)
    return shots


if __name__ == "__main__":
    from ui.application import create_application

    create_application()
    out = ROOT / "docs" / "screenshots"
    for shot in capture(out):
        print(f"已生成 {shot.name}")
