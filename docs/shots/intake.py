"""Screenshots of the intake page (docs/screenshots/intake_*.png).

`capture(session, outdir)` is called by docs/make_screenshots.py with the session of a user who may
register complaints (clerk or officer). It registers two earlier complaints of the same family, so the
duplicate panel has something to show, and one new complaint for the success banner. The night-duty
short form is shown for the user `night_username` (the demo database's 总值班).
Run on its own (`python docs/shots/intake.py`) it builds a throwaway demo database first.
The people and cases are fictitious.
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from tempfile import TemporaryDirectory

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from peewee import DoesNotExist  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QInputMethodEvent  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app import auth, clock  # noqa: E402
from app.cases import intake  # noqa: E402
from app.cases.category_tree import category_leaves  # noqa: E402
from app.cases.intake import IntakeForm  # noqa: E402
from app.session import Session  # noqa: E402
from ui.intake.intake_page import IntakePage  # noqa: E402

PAGE_SIZE = (1280, 800)
NOW = datetime(2026, 3, 16, 9, 24)  # a Monday morning
NIGHT = datetime(2026, 3, 16, 23, 40)
PHONE = "13912345678"
RECORD_NO = "ZY2026031108"


def _at(moment: datetime) -> None:
    clock.set_clock(lambda: moment)


def _settle() -> None:
    for _ in range(5):
        QApplication.processEvents()


def _grab(widget: QWidget, path: Path) -> Path:
    _settle()
    QTest.qWait(300)  # let fade animations (the line edits' clear buttons) finish
    widget.grab().save(str(path))
    return path


def _page(session: Session) -> IntakePage:
    page = IntakePage(session)
    page.resize(*PAGE_SIZE)
    page.show()
    _settle()
    return page


def _type(widget: QWidget, text: str) -> None:
    """Chinese arrives as an input method's commit string, as a pinyin IME delivers it."""
    widget.setFocus()
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def earlier_cases(session: Session) -> None:
    """Two earlier complaints: the same caller about parking, and the same patient's stay."""
    _at(datetime(2026, 2, 24, 15, 10))
    intake.register(
        session,
        IntakeForm(
            channel="phone",
            complainant_name="王秀英",
            complainant_phone=PHONE,
            content="门诊停车场排队近一小时，保安指挥混乱，老人等候时身体不适。",
            category="060301",
        ),
    )
    _at(datetime(2026, 3, 12, 10, 35))
    intake.register(
        session,
        IntakeForm(
            channel="visit",
            complainant_name="李国强",
            relation="child",
            complainant_phone="13770561234",
            patient_name="李建平",
            patient_record_no=RECORD_NO,
            visit_department="cardiology",
            content="父亲住院期间夜间用药调整未告知家属，次日出现低血压，要求科室解释。",
            category="010301",
            severity="serious",
        ),
    )


def fill_visit(page: IntakePage) -> None:
    """A realistic visit complaint: a daughter about her father's stay in 心血管内科."""
    form = page.full_form
    form.channel.set_value("visit")
    _type(form.complainant_name, "王秀英")
    form.relation.setCurrentIndex(form.relation.findData("child"))
    form.phone.setText(PHONE)
    form.id_number.setText("320115196503120023")
    _type(form.address, "江宁区东山街道上元大街 312 号 5 栋 201 室")
    _type(form.patient_name, "李建平")
    form.record_no.setText(RECORD_NO)
    form.visit_department.set_code("cardiology")
    form.visit_date.set_value(date(2026, 3, 11))
    leaf = next(leaf for leaf in category_leaves() if leaf.code == "010301")
    form.category.set_leaf(leaf)
    form.severity.set_value("serious")
    _type(
        form.narrative,
        "3 月 11 日晚父亲因胸闷入住心血管内科。当晚值班医生调整了降压药，未向家属说明原因和风险；"
        "次日上午父亲出现头晕、血压偏低，护士测量后通知了医生。\n\n"
        "家属到医生办公室询问为何换药，值班医生称“按规定办事，不用解释”，随后离开办公室。"
        "家属又找到护士站，护士表示不清楚用药调整的原因，让家属等主治医生查房。\n\n"
        "父亲年纪大，有高血压和糖尿病史，家属担心再出现类似情况，当天下午来医患沟通办公室反映。",
    )
    _type(form.demands, "请科室主任当面解释用药调整的原因；值班医生向家属道歉。")


def attach_files(page: IntakePage, folder: Path) -> None:
    photo = folder / "护理记录单照片.jpg"
    photo.write_bytes(b"\xff\xd8" + bytes(1_350_000))
    audio = folder / "家属通话录音.m4a"
    audio.write_bytes(bytes(2_860_000))
    page.full_form.attachments.add_files([photo, audio])


def capture(session: Session, outdir: Path, night_username: str = "night_duty") -> list[Path]:
    """Grab the intake screens into `outdir`; returns the files. Leaves the clock at NOW."""
    outdir.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []
    earlier_cases(session)
    _at(NOW)
    with TemporaryDirectory() as tmp:
        page = _page(session)
        fill_visit(page)
        attach_files(page, Path(tmp))
        page.full_form.duplicates.clear()
        page.full_form.narrative.setFocus()
        shots.append(_grab(page, outdir / "intake_form.png"))

        page.look_for_duplicates(PHONE, "", RECORD_NO)
        page.full_form.duplicates.toggle_link()
        _settle()  # lay the panel out before scrolling to it
        page.full_scroll.ensureWidgetVisible(page.full_form.duplicates, 0, 12)
        page.full_form.duplicates.view.setFocus()
        shots.append(_grab(page, outdir / "intake_duplicates.png"))

        page.full_scroll.verticalScrollBar().setValue(0)
        picker = page.full_form.category
        picker.clear()
        picker.edit.setFocus()
        QTest.keyClicks(picker.edit, "fwtd")
        QTest.keyClick(picker.edit, Qt.Key.Key_Down)
        shots.append(_grab(page, outdir / "intake_category_picker.png"))
        picker.hide_popup()
        picker.set_leaf(next(leaf for leaf in category_leaves() if leaf.code == "010301"))

        page.save()
        page.full_form.complainant_name.setFocus()
        shots.append(_grab(page, outdir / "intake_success.png"))
        page.close()

    try:
        night_user = auth.current_user(night_username)
    except DoesNotExist:
        night_user = None
    if night_user is not None:
        _at(NIGHT)
        night = _page(replace(session, user=night_user, slots=None, db_key=None))
        form = night.night_form
        form.channel.set_value("phone")
        _type(form.complainant_name, "陈丽")
        form.phone.setText("15850123456")
        _type(form.patient_name, "陈建华")
        form.location.set_code("emergency")
        form.severity.set_value("major")
        _type(
            form.narrative,
            "23:10 来电：父亲 22 时许在急诊留观室输液时从床上跌落，头部着地，家属称当时床栏未拉起、"
            "呼叫后十分钟无人到场。目前已做头颅 CT，家属情绪激动，表示要找媒体。",
        )
        form.narrative.setFocus()
        shots.append(_grab(night, outdir / "intake_night.png"))
        night.close()
    _at(NOW)
    return shots


# -- standalone: a small demo database -----------------------------------------------------------

PASSWORD = "Demo2026pass"


def main() -> int:
    from app.demo import create_demo_database
    from ui.application import create_application

    create_application()
    outdir = ROOT / "docs" / "screenshots"
    with TemporaryDirectory() as tmp:
        _at(datetime(2026, 2, 1, 9, 0))
        admin, _info = create_demo_database(Path(tmp) / "demo.db", PASSWORD)
        clerk = replace(admin, user=auth.current_user("clerk"), slots=None, db_key=None)
        for path in capture(clerk, outdir):
            print(f"已生成 {path.name}")
        auth.logout(admin)
    clock.set_clock(None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
