"""The manager's home card: 待授予标识密钥 (local: the officers and managers waiting for the identifier
key) and 待确认案件角色 (shared: case roles an administrator gave), who gave the role, one click through
the operation runner; the waiting account's home says why it sees masks or nothing until then."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app import account, auth, users
from app.keyslots import KeySlotFile
from models.audit import AuditEntry
from models.database import EncryptedDatabase
from tests.support.accounts import ADMIN, ADMIN_PASSWORD, USER_PASSWORD
from tests.support.cases import FakeClock
from tests.support.sealed import login, sealed_office
from tests.support.sessions import session_as, session_for
from ui.home import RoleHome
from ui.home.home_banner import KEY_PENDING
from ui.home.key_grant_card import NO_RECORD


def _home(qtbot: QtBot, session) -> RoleHome:  # noqa: ANN001
    home = RoleHome(session, account.account_summary(session))
    qtbot.addWidget(home)
    home.resize(1110, 720)
    home.show()
    qtbot.waitExposed(home)
    return home


def test_the_manager_grants_the_key_from_the_home(qtbot: QtBot, tmp_path: Path, fake_clock: FakeClock) -> None:
    office = sealed_office(
        tmp_path / "complaints.db",
        (("manager1", "李主任", "manager"), ("officer1", "王专员", "officer"), ("clerk1", "赵文员", "clerk")),
    )
    admin = auth.login_local(office, ADMIN, ADMIN_PASSWORD)
    users.add_user(admin, "officer2", "钱专员", ["officer"], USER_PASSWORD, must_change_password=False)
    users.add_user(admin, "officer3", "孙专员", ["officer"], USER_PASSWORD)  # still on the initial password
    auth.logout(admin)
    db = EncryptedDatabase(office, KeySlotFile.load(office).unwrap_user("clerk1", USER_PASSWORD))
    db.connect()
    db.execute_sql("INSERT INTO user_role (user_id, role) SELECT id, 'officer' FROM user WHERE username = 'clerk1'")
    db.close()

    waiting = login(office, "officer2")
    officer_home = _home(qtbot, waiting)
    pending = officer_home.banner.key_pending
    assert pending.isVisible() and pending.text() == KEY_PENDING
    auth.logout(waiting)

    manager = login(office, "manager1")
    home = _home(qtbot, manager)
    card = home.key_grants
    assert card is not None and card.isVisible()
    assert [w.username for w in card.waiting] == ["clerk1", "officer2", "officer3"]
    texts = [label.text() for label in card.findChildren(QLabel)]
    assert any("钱专员（officer2）" in t for t in texts)
    assert any("角色由 周建国 于 2026-03-10 09:00 授予" in t for t in texts)
    assert NO_RECORD in texts  # the clerk's role row has no audited origin: no button to grant it
    assert not card.grant_buttons["clerk1"].isEnabled()
    assert not card.grant_buttons["officer3"].isEnabled()
    assert any("孙专员（officer3）" in t for t in texts) and any("修改初始密码后才能授予" in t for t in texts)
    assert "初始密码" in card.grant_buttons["officer3"].toolTip()

    home.resize(1024, 700)  # three waiting accounts and the backup notice above the lists: it scrolls
    qtbot.waitUntil(lambda: home.height() == 700)
    assert home.minimumSizeHint().height() <= 700 and home.scroll.verticalScrollBar().maximum() > 0
    assert home.supervision is not None
    home.scroll.ensureWidgetVisible(home.supervision, 0, 0)
    qtbot.waitUntil(lambda: not home.supervision.visibleRegion().isEmpty())
    home.scroll.ensureWidgetVisible(card.grant_buttons["officer2"])
    qtbot.waitUntil(lambda: not card.grant_buttons["officer2"].visibleRegion().isEmpty())

    qtbot.mouseClick(card.grant_buttons["officer2"], Qt.MouseButton.LeftButton)
    assert [w.username for w in card.waiting] == ["clerk1", "officer3"]
    entry = AuditEntry.get((AuditEntry.action == "identifiers.key_granted") & (AuditEntry.target == "officer2"))
    assert entry.actor == "manager1"
    auth.logout(manager)

    officer2 = login(office, "officer2")
    assert officer2.identifier_key is not None
    officer_home = _home(qtbot, officer2)
    assert not officer_home.banner.key_pending.isVisible()
    auth.logout(officer2)


def test_the_manager_confirms_a_case_role_from_the_home_on_a_server(qtbot: QtBot, shared_admin) -> None:
    """Shared mode: the same card lists the case roles an administrator gave that wait for a
    manager; 确认 makes them count on the server; the new officer's home said why it saw nothing."""
    admin, _key = shared_admin
    session_as(admin, "manager1", "manager")  # the first manager: in force at once
    users.add_user(admin, "officer2", "钱专员", ["officer"], USER_PASSWORD, must_change_password=False)
    waiting = session_for(admin, "officer2")
    assert "officer" not in waiting.user.roles
    officer_home = _home(qtbot, waiting)
    assert officer_home.banner.key_pending.isVisible()
    assert "“医患沟通办公室专员”角色尚待主任确认" in officer_home.banner.key_pending.text()

    manager = session_for(admin, "manager1")
    home = _home(qtbot, manager)
    card = home.key_grants
    assert card is not None and card.isVisible()
    assert [(w.username, w.roles, w.given_by) for w in card.waiting] == [("officer2", ("officer",), "周建国")]
    texts = [label.text() for label in card.findChildren(QLabel)]
    assert "<b>待确认案件角色</b>" in texts and any("角色由 周建国 于" in t for t in texts)
    qtbot.mouseClick(card.grant_buttons["officer2"], Qt.MouseButton.LeftButton)
    assert card.waiting == [] and not card.isVisible()
    assert "officer" in session_for(admin, "officer2").user.roles
