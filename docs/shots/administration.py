"""Screenshots of the administration pages: 投诉类别, 文书抬头, 审计日志 and the 交班 screens, each at
1280×800 and 1024×700 (docs/screenshots/<name>.png and <name>_1024.png), and the 编辑用户 dialog.

`capture(outdir)` builds a throwaway demo database (a few dozen synthetic complaints, through the real
services) and opens each page as its user sees it. Run on its own from the repository root:
`python -m docs.shots.administration`.
The people and cases are fictitious.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from tempfile import TemporaryDirectory

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app import account, auth, categories, clock, handover, letterhead, users  # noqa: E402
from app.cases import intake  # noqa: E402
from app.demo import create_demo_database  # noqa: E402
from app.session import Session  # noqa: E402
from docs.render_documents import sample_logo, sample_seal  # noqa: E402
from ui.admin.audit_page import AuditPage  # noqa: E402
from ui.admin.categories_page import CategoriesPage  # noqa: E402
from ui.admin.letterhead_page import LetterheadPage  # noqa: E402
from ui.admin.user_dialogs import EditUserDialog  # noqa: E402
from ui.home import RoleHome  # noqa: E402

NOW = datetime(2026, 3, 16, 9, 24)
NIGHT = datetime(2026, 3, 16, 23, 52)
MORNING = datetime(2026, 3, 17, 7, 48)
PASSWORD = "Demo2026pass"
SIZES = (((1280, 800), ""), ((1024, 700), "_1024"))


def _settle(widget: QWidget) -> None:
    for _ in range(3):
        QApplication.processEvents()
    QTest.qWait(120)


def _shoot(
    make: Callable[[], QWidget], name: str, outdir: Path, prepare: Callable[[QWidget], None]
) -> list[Path]:
    shots = []
    for size, suffix in SIZES:
        page = make()
        page.resize(*size)
        page.show()
        _settle(page)
        prepare(page)
        _settle(page)
        target = outdir / f"{name}{suffix}.png"
        page.grab().save(str(target))
        shots.append(target)
        page.close()
        page.deleteLater()
    return shots


def admin_pages(admin: Session, outdir: Path) -> list[Path]:
    """投诉类别 with a retired group and the search preview; 文书抬头 with logo and seal."""
    categories.retire_category(admin, "0104")
    shots = []

    def categories_ready(page: QWidget) -> None:
        assert isinstance(page, CategoriesPage)
        page.select_code("010101")
        page.search.setText("fwtd")

    shots += _shoot(lambda: CategoriesPage(admin), "categories", outdir, categories_ready)
    texts = {
        **letterhead.texts(),
        "hospital_address": "江宁市秦淮路168号",
        "complaint_phone": "025-8888 6120",
        "night_duty_phone": "025-8888 6000",
        "letterhead_contact": "邮编 211100　接待时间：工作日 8:00—17:30",
    }
    letterhead.save(admin, texts, logo=sample_logo(), seal=sample_seal())
    shots += _shoot(lambda: LetterheadPage(admin), "letterhead", outdir, lambda page: None)

    def audit_ready(page: QWidget) -> None:
        assert isinstance(page, AuditPage)
        page.verify()

    shots += _shoot(lambda: AuditPage(admin), "audit", outdir, audit_ready)
    dialog = EditUserDialog(admin, next(u for u in users.list_users(admin) if u.username == "admin"))
    dialog.show()
    _settle(dialog)
    target = outdir / "edit_user.png"
    dialog.grab().save(str(target))
    dialog.close()
    return shots + [target]


def handover_screens(path: Path, outdir: Path) -> list[Path]:
    """总值班's home before 交班 (two night complaints), then the officer's home next morning."""
    night = auth.login_local(path, "night_duty", PASSWORD)
    clock.set_clock(lambda: NIGHT)
    for severity, channel, content in (
        ("major", "phone", "家属来电反映急诊留观患者夜间跌倒致额部外伤，要求说明护理巡视情况。"),
        ("minor", "visit", "夜间急诊挂号窗口无人值守，等待约四十分钟。"),
    ):
        intake.register(night, form_for_night(severity, channel, content))
    shots = _shoot(lambda: _home(night), "handover_night", outdir, lambda page: None)
    clock.set_clock(lambda: MORNING)
    handover.hand_over(night, "跌倒的患者已电话报告分管院领导。")
    auth.logout(night)
    officer = auth.login_local(path, "officer", PASSWORD)
    shots += _shoot(lambda: _home(officer), "takeover", outdir, lambda page: None)
    auth.logout(officer)
    return shots


def _home(session: Session) -> QWidget:
    return RoleHome(session, account.account_summary(session))


def form_for_night(severity: str, channel: str, content: str) -> intake.IntakeForm:
    return intake.IntakeForm(
        channel=channel,
        content=content,
        complainant_name="周某某" if severity == "major" else "郑某",
        complainant_phone="13912340000",
        severity=severity,
    )


def capture(outdir: Path) -> list[Path]:
    clock.set_clock(lambda: NOW)
    shots: list[Path] = []
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.db"
        admin, _info = create_demo_database(path, PASSWORD, 60, seed=7)
        shots += admin_pages(admin, outdir)
        auth.logout(admin)
        shots += handover_screens(path, outdir)
    clock.set_clock(None)
    return shots


if __name__ == "__main__":
    from ui.application import create_application

    create_application()
    out = ROOT / "docs" / "screenshots"
    for shot in capture(out):
        print(f"已生成 {shot.name}")
