"""The restriction flag changed with plain SQL (local mode), tested as the attack: a clerk unwraps
their own key slot, sets "case".restricted = 0 on a sealed restricted case, and waits for the named
officer's next ordinary write. Only the audited lift may store the texts plain again; the flag that
disagrees with the chained timeline shows on open and in `audit verify`."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import audit, auth
from app.cases import overlays, search, views
from app.keyslots import KeySlotFile
from app.restricted_content import KEPT_SEALED
from models.audit import AuditEntry
from models.cases import Case
from models.database import EncryptedDatabase, database_proxy
from models.fields import CONTENT_PREFIX
from tests.app.test_sealed_restricted_content import DEMANDS, NARRATIVE, _restricted_case
from tests.support.accounts import USER_PASSWORD
from tests.support.cases import FakeClock, register
from tests.support.sealed import every_value, login, sealed_office

PEOPLE = (
    ("manager1", "李主任", "manager"),
    ("officer1", "王专员", "officer"),
    ("clerk1", "赵文员", "clerk"),
)


@pytest.fixture
def office(db_path: Path, fake_clock: FakeClock) -> Path:
    return sealed_office(db_path, PEOPLE)


def _clerk_sql(path: Path, statement: str, *params: object) -> None:
    """What the clerk can do beside the application: their own slot's key, plain SQL."""
    key = KeySlotFile.load(path).unwrap_user("clerk1", USER_PASSWORD)
    db = EncryptedDatabase(path, key)
    db.connect()
    try:
        db.execute_sql(statement, params)
    finally:
        db.close()


def _raw_texts(case_id: int) -> tuple[str, str]:
    """The stored values as the database holds them (not opened by the installed sealer)."""
    return database_proxy.obj.execute_sql(
        "SELECT content, demands FROM case_text WHERE case_id = ?", (case_id,)
    ).fetchone()


def test_a_flag_cleared_with_sql_does_not_unseal_on_the_officers_next_write(office: Path, tmp_path: Path) -> None:
    case_id = _restricted_case(office)
    _clerk_sql(office, 'UPDATE "case" SET restricted = 0 WHERE id = ?', case_id)

    officer = login(office, "officer1")
    try:
        view = views.open_case(officer, case_id)
        assert "保密标记被取消" in view.timeline_problem and "请联系系统管理员核查" in view.timeline_problem
        assert view.content == NARRATIVE  # the holder still reads it
        overlays.add_note(officer, case_id, "普通备注")
        content, demands = _raw_texts(case_id)
        assert content.startswith(CONTENT_PREFIX) and demands.startswith(CONTENT_PREFIX)
        newest = AuditEntry.select().order_by(AuditEntry.seq.desc()).get()
        assert newest.action == "case.note" and KEPT_SEALED in newest.detail
        assert case_id not in search.search(officer, NARRATIVE[:6])  # number-only index
        report = audit.verify(session=officer)
        assert not report.ok
        case_no = Case.get_by_id(case_id).case_no
        assert any(case_no in line and "保密标记被取消" in line for line in report.timeline_breaks)
        assert f"案件 {case_no}：案件的保密标记被取消" in report.message
    finally:
        auth.logout(officer)

    clerk_key = KeySlotFile.load(office).unwrap_user("clerk1", USER_PASSWORD)
    everything = every_value(office, clerk_key)
    assert NARRATIVE not in everything and DEMANDS not in everything


def test_the_audited_lift_still_stores_the_texts_plain_and_verify_passes(office: Path) -> None:
    case_id = _restricted_case(office)
    manager = login(office, "manager1")
    try:
        overlays.restrict(manager, case_id, False)
        assert _raw_texts(case_id) == (NARRATIVE, DEMANDS)
        assert views.open_case(manager, case_id).timeline_problem == ""
        assert audit.verify(session=manager).ok
        overlays.restrict(manager, case_id, True, ["officer1"])  # restricted again: sealed again
        assert all(v.startswith(CONTENT_PREFIX) for v in _raw_texts(case_id))
        assert audit.verify(session=manager).ok
    finally:
        auth.logout(manager)


def test_a_flag_set_with_sql_shows_too(office: Path) -> None:
    clerk = login(office, "clerk1")
    case_id = register(clerk, content="普通投诉内容")
    auth.logout(clerk)
    _clerk_sql(office, 'UPDATE "case" SET restricted = 1 WHERE id = ?', case_id)
    manager = login(office, "manager1")
    try:
        assert "没有设为保密的记录" in views.open_case(manager, case_id).timeline_problem
        report = audit.verify(session=manager)
        assert any("没有设为保密的记录" in line for line in report.timeline_breaks)
    finally:
        auth.logout(manager)
