"""Shared mode on a real PostgreSQL server: TLS, errors in Chinese, sealed identifiers, lockout."""

from __future__ import annotations

import dataclasses

import pytest

from app import audit, auth, shared, users
from app.cases import board, intake, search
from app.errors import AuthError, DatabaseOpenError, LockedOutError, ValidationError
from models.database import close_current
from models.fields import install_cipher
from tests.support.accounts import ADMIN, ADMIN_PASSWORD
from tests.support.sessions import session_as

MARKERS = {
    "complainant_name": "欧阳标记人",
    "complainant_phone": "13987654321",
    "complainant_id_number": "",  # filled below with a valid checksum
    "complainant_address": "标记路88号MARKADDR",
    "patient_name": "患者标记名",
    "patient_record_no": "ZY20260088",
}


def _valid_id() -> str:
    from app.validation import id_check_digit

    first17 = "32010219800101123"
    return first17 + id_check_digit(first17)


def _login(pg_params, pg_server, data_key, username=ADMIN, password=ADMIN_PASSWORD):
    close_current()
    return shared.login_shared(pg_params, data_key, username, password)


def test_server_tables_hold_no_plaintext_identifiers(shared_admin, pg_params, pg_server) -> None:
    session = session_as(shared_admin[0], "officer", "officer")
    values = dict(MARKERS, complainant_id_number=_valid_id())
    form = intake.IntakeForm(channel="visit", content="门诊排队时间过长，要求改进。", **values)
    reg = intake.register(session, form)
    with pg_server.connect(pg_params.dbname) as conn:
        dump = "\n".join(
            str(row)
            for table in ("complainant", "case", "case_event", "audit_entry")
            for row in conn.execute(f'SELECT * FROM "{table}"').fetchall()
        )
    assert reg.case_no in dump
    for marker in values.values():
        assert marker not in dump, marker
    # …and the application reads them back in the clear, finds duplicates by blind index.
    found = intake.find_duplicates(session, phone=values["complainant_phone"])
    assert [c.case_no for c in found] == [reg.case_no]
    assert search.search(session, values["patient_record_no"]) == [reg.case_id]
    assert search.search(session, "排队时间") == [reg.case_id]
    assert search.search(session, values["complainant_name"]) == [reg.case_id]
    from app.cases.views import open_case

    view = open_case(session, reg.case_id)
    assert (
        view.complainant_name == values["complainant_name"]
        and view.complainant_id_number == values["complainant_id_number"]
    )
    assert board.case_list(session)[0].complainant.startswith("欧阳")
    assert audit.verify().ok


def test_login_lockout_and_wrong_password(shared_admin, pg_params, pg_server) -> None:
    session, key = shared_admin
    users.add_user(session, "officer", "林晓雯", ["officer"], "Lotus-Ridge-2026", must_change_password=False)
    for _ in range(4):
        with pytest.raises(AuthError, match="用户名或密码错误"):
            _login(pg_params, pg_server, key, "officer", "Wrong12345")
    with pytest.raises(LockedOutError):
        _login(pg_params, pg_server, key, "officer", "Wrong12345")
    with pytest.raises(LockedOutError):
        _login(pg_params, pg_server, key, "officer", "Lotus-Ridge-2026")
    admin = _login(pg_params, pg_server, key)
    users.unlock_user(admin, "officer")
    assert _login(pg_params, pg_server, key, "officer", "Lotus-Ridge-2026").user.roles == {"officer"}


def test_server_errors_are_clear_chinese(shared_admin, pg_params, pg_server, tmp_path) -> None:
    _session, key = shared_admin
    close_current()
    with pytest.raises(AuthError, match="用户名或密码错误"):
        shared.login_shared(pg_params, key, ADMIN, "not-the-password")
    closed_port = dataclasses.replace(pg_params, port=1)
    with pytest.raises(DatabaseOpenError, match="无法连接数据库服务器"):
        shared.login_shared(closed_port, key, ADMIN, ADMIN_PASSWORD)
    other_ca = tmp_path / "other-ca.crt"
    from tests.support.pg_server import _write_tls

    other_ca.write_bytes(_write_tls(tmp_path).read_bytes())
    with pytest.raises(DatabaseOpenError, match="TLS"):
        shared.login_shared(
            dataclasses.replace(pg_params, sslrootcert=str(other_ca)),
            key,
            ADMIN,
            ADMIN_PASSWORD,
        )
    with pytest.raises(DatabaseOpenError, match="数据密钥与该数据库不符"):
        shared.login_shared(pg_params, b"\1" * 32, ADMIN, ADMIN_PASSWORD)
    # Each database has its own sign-in roles: a wrong database name finds none of them.
    with pytest.raises(DatabaseOpenError, match="还没有初始化"):
        shared.login_shared(
            dataclasses.replace(pg_params, dbname="nope"), key, ADMIN, ADMIN_PASSWORD
        )
    install_cipher(None)


def test_existing_database_is_not_overwritten(shared_admin, pg_params, pg_server) -> None:
    close_current()
    with pytest.raises(DatabaseOpenError, match="已经初始化"):
        shared.create_shared_database(pg_params, pg_server.password, "x", "某人", ADMIN_PASSWORD, "某医院")


def test_enrollment_roundtrip(shared_admin, pg_params, pg_server) -> None:
    _session, key = shared_admin
    blob = shared.export_enrollment(pg_params, key, "correct horse battery")
    assert key not in blob and pg_server.password.encode() not in blob
    params, imported = shared.import_enrollment(blob, "correct horse battery")
    assert params == pg_params and imported == key
    with pytest.raises(AuthError, match="注册口令错误"):
        shared.import_enrollment(blob, "wrong passphrase!")
    with pytest.raises(ValidationError, match="不是有效的工作站注册文件"):
        shared.import_enrollment(b"{}", "whatever passphrase")
    assert _login(pg_params, pg_server, imported).user.username == ADMIN


def test_idle_unlock_counts_failures_in_database(shared_admin) -> None:
    session, _key = shared_admin
    auth.lock(session)
    for _ in range(4):
        with pytest.raises(AuthError, match="密码错误"):
            auth.unlock(session, "Wrong12345")
    with pytest.raises(LockedOutError):
        auth.unlock(session, "Wrong12345")


def _dba_rows(pg_server, pg_params, sql: str) -> list[tuple]:
    """What the server's administrator sees with plain SQL (the superuser, no data key)."""
    with pg_server.connect(pg_params.dbname) as conn:
        return conn.execute(sql).fetchall()


def test_issued_pdfs_and_attachments_are_sealed_on_the_server(shared_admin, pg_params, pg_server) -> None:
    from app.cases import documents, overlays

    session = session_as(shared_admin[0], "officer", "officer")
    form = intake.IntakeForm(
        channel="visit", content="候诊时间过长。", complainant_name="王秀英", complainant_phone="13912345678"
    )
    reg = intake.register(session, form)
    info, pdf = documents.issue(session, reg.case_id, "receipt")
    overlays.add_attachment(session, reg.case_id, "投诉信.pdf", b"%PDF-1.4 scanned letter")
    stored = [bytes(row[0]) for row in _dba_rows(pg_server, pg_params, 'SELECT data FROM "issued_document"')]
    stored += [bytes(row[0]) for row in _dba_rows(pg_server, pg_params, 'SELECT data FROM "attachment"')]
    assert len(stored) == 2
    for blob in stored:
        assert b"%PDF" not in blob and blob.startswith(b"CDv1")
    # …and read back through the application, the very bytes that were issued.
    assert pdf.startswith(b"%PDF") and documents.stored_pdf(session, info.id) == pdf


@pytest.mark.parametrize("many", [20_000, 1])
def test_server_search_by_words_names_and_terms_together(shared_admin, monkeypatch, many) -> None:
    """A term's matches are handed on as ids, or (more than SERVER_MANY of them) searched as one
    condition: the same cases either way, newest first, several terms all required."""
    monkeypatch.setattr(search, "SERVER_MANY", many)
    session = session_as(shared_admin[0], "officer", "officer")
    base = dict(channel="visit", complainant_phone="13912345678")
    parking = intake.register(
        session, intake.IntakeForm(content="停车场收费不合理。", complainant_name="欧阳明", **base)
    ).case_id
    both = intake.register(
        session, intake.IntakeForm(content="停车场排队时间过长。", complainant_name="李雪", **base)
    ).case_id
    queue = intake.register(
        session, intake.IntakeForm(content="挂号排队时间过长。", complainant_name="王芳", **base)
    ).case_id
    assert search.search(session, "停车场") == [both, parking]
    assert search.search(session, "排队时间") == [queue, both]
    assert search.search(session, "停车场 排队时间") == [both]
    assert search.search(session, "欧阳明") == [parking]
    assert search.search(session, "误诊漏诊") == []
