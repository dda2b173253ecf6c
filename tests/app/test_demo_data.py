"""Synthetic complaints: the generator, the service path, the bulk path and `complaintdesk demo`."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from app import audit, auth, clock, demo, dictionaries, sealed_data, sealing, settings
from app.cases import major, search
from app.cases.category_tree import CategoryLeaf
from app.cases.states import BOARD_STATES, State
from app.cases.views import open_case
from app.deadlines.case_clocks import case_status
from app.deadlines.rules import DeadlineRules
from app.deadlines.workdays import WorkCalendar
from app.demo import bulk as demo_bulk
from app.demo import fill, slots, texts, workdays
from app.demo import generator as demo_generator
from app.demo.templates import Template
from app.session import Session
from app.statistics import store
from app.validation import validate_email, validate_id_number, validate_phone
from models import cases as m
from models.audit import AuditEntry
from models.case_record import DraftRevision, ReplyPromise
from models.database import close_current, database_proxy
from models.fields import current_cipher
from models.sealed_content import COMPLAINANT_OF, CONTENT
from models.search_index import PAIRS
from tests.app.statistics.test_store import _cube_of, _cube_table, _normalise, _recounted, _stored
from tests.support.accounts import USER_PASSWORD
from tests.support.cases import FakeClock

# Monday 23 November 2026, 16:00: office hours; the history reaches back into 2024.
NOW = datetime(2026, 11, 23, 16, 0)

EVERY_STATE = {*BOARD_STATES, State.CLOSED, State.REJECTED, State.MERGED}


@pytest.fixture
def fixed_now(fake_clock: FakeClock) -> datetime:
    fake_clock.set(NOW)
    return NOW


def demo_database(path: Path, cases: int, seed: int, bulk: bool | None = None) -> Session:
    """A demo database whose cases are written sealed (the identifier key made first)."""
    session, _info = demo.create_demo_database(path, USER_PASSWORD, cases, seed=seed, bulk=bulk)
    return session


def as_role(session: Session, role: str) -> Session:
    return replace(session, user=auth.current_user(role))


def generator(seed: int, now: datetime = NOW) -> demo_generator.DemoGenerator:
    """A generator over the bundled dictionaries, without a database."""
    leaves = [
        CategoryLeaf(c.code, c.name, c.full_name, c.department_code) for c in dictionaries.category_leaves()
    ]
    first, last = workdays.table_span(now)
    table = workdays.WorkdayTable(WorkCalendar(), first, last, DeadlineRules.default().office_hours)
    return demo_generator.DemoGenerator(
        seed=seed, now=now, departments=dictionaries.departments(), leaves=leaves, table=table
    )


# -- the generator ---------------------------------------------------------------------------------


def test_generator_is_deterministic() -> None:
    def summary(seed: int) -> list[tuple]:
        return [
            (p.form, [(s.at, s.kind, s.actor, sorted(s.data.items(), key=str)) for s in p.steps])
            for p in generator(seed).plans(150)
        ]

    assert summary(5) == summary(5)
    assert summary(5) != summary(6)


def test_generated_intake_is_valid_and_varied() -> None:
    plans = list(generator(11).plans(2000))
    forms = [p.form for p in plans]
    for form in forms:
        assert form.complainant_phone == validate_phone(form.complainant_phone)
        assert form.complainant_id_number == validate_id_number(form.complainant_id_number, today=NOW.date())
        if form.complainant_email:
            assert form.complainant_email == validate_email(form.complainant_email)
        assert 80 <= len(form.content) <= 20000
        assert form.received_at <= plans[0].steps[0].at + timedelta(days=800)
        assert form.visit_date is None or form.visit_date <= form.received_at.date()
    assert len({f.content for f in forms}) == len(forms)
    assert sum(len(f.content) > 1000 for f in forms) >= 10  # a few very long letters
    channels = Counter(f.channel for f in forms)
    assert 0.28 < channels["visit"] / len(forms) < 0.42
    assert 0.07 < channels["transfer"] / len(forms) < 0.13
    assert all(f.transfer_source and f.transfer_reference for f in forms if f.channel == "transfer")
    severities = Counter(f.severity for f in forms)
    assert 0.8 < severities["minor"] / len(forms) < 0.9
    assert severities["major"] > 20
    night = sum(p.registrar == "night_duty" for p in plans)
    assert 0.03 < night / len(plans) < 0.08
    # received over two years, in registration order, numbered per year without gaps
    received = [f.received_at for f in forms]
    assert min(received) < NOW - timedelta(days=600)
    assert [p.registered_at for p in plans] == sorted(p.registered_at for p in plans)
    per_year = Counter(p.key[0] for p in plans)
    assert sorted(p.key for p in plans) == [
        (y, s) for y in sorted(per_year) for s in range(1, per_year[y] + 1)
    ]


def _templates(value: object) -> list[Template]:
    if isinstance(value, Template):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, tuple | list):
        return [t for item in value for t in _templates(item)]
    return []


def test_templates_use_known_slots_and_cover_every_category() -> None:
    templates = [t for name, value in vars(texts).items() if name.isupper() for t in _templates(value)]
    assert len({t.text for t in templates}) >= 100
    known = {n[1:] for n in vars(slots.Slots) if n.startswith("_") and not n.startswith("__")}
    known |= {"who", "response", "other"}  # set by the planner itself
    for template in templates:
        assert template.slots() <= known, template.text
    leaves = {c.name for c in dictionaries.category_leaves()}
    assert leaves <= set(texts.LEAF_TEMPLATES)


def test_workday_table_agrees_with_the_calendar() -> None:
    cal = WorkCalendar({date(2026, 10, 10): False, date(2027, 1, 2): True})
    table = workdays.WorkdayTable(
        cal, date(2024, 6, 1), date(2027, 6, 30), DeadlineRules.default().office_hours
    )
    rng = random.Random(3)
    for _ in range(500):
        start = date(2024, 6, 1) + timedelta(days=rng.randrange(1000))
        n = rng.randrange(0, 25)
        assert table.add_workdays(start, n) == cal.add_workdays(start, n)
        other = start + timedelta(days=rng.randrange(-40, 40))
        if table.first <= other <= table.last:
            assert table.workdays_between(start, other) == cal.workdays_between(start, other)
        moment = datetime.combine(start, datetime.min.time()) + timedelta(minutes=rng.randrange(1440))
        assert table.at(table.ordinal(moment)) >= moment or not table.is_after_hours(moment)


# -- the service path -------------------------------------------------------------------------------


def test_service_path_covers_the_lifecycle(db_path: Path, fixed_now: datetime) -> None:
    session = demo_database(db_path, 60, seed=7)
    manager = as_role(session, "manager")
    rows = list(m.Case.select().order_by(m.Case.id))
    states = Counter(c.state for c in rows)
    assert set(states) >= EVERY_STATE
    assert states[State.CLOSED] > 10
    assert audit.verify().ok
    assert clock.now() == NOW  # the clock the fill found is back

    for case in rows:
        view = open_case(manager, case.id)
        seqs = [item.seq for item in view.timeline]
        assert seqs == list(range(len(seqs), 0, -1))  # newest first, 1…n without gaps
        ats = [item.at for item in reversed(view.timeline)]
        assert ats == sorted(ats)

    open_rows = [c for c in rows if c.state in BOARD_STATES]
    colours = Counter(s.colour for c in open_rows if (s := case_status(c, NOW)) and not s.paused)
    assert colours["red"] and colours["amber"] and colours["green"]
    assert any(c.on_hold for c in open_rows)
    assert any(c.night_intake for c in rows)
    assert any(c.reopen_count for c in rows)
    assert any(c.reject_reason for c in rows if c.state == State.REJECTED)
    restricted = [c for c in rows if c.restricted]
    assert restricted and all(
        m.CaseAccess.select().where(m.CaseAccess.case == c.id).exists() for c in restricted
    )
    assert m.Extension.select().where(m.Extension.state == "approved").exists()
    assert m.ExternalRoute.select().exists()
    for case in (c for c in rows if c.state == State.MERGED):
        earlier = m.Case.get_by_id(case.merged_into_id)
        assert earlier.id < case.id
        a, b = m.Complainant.get_by_id(case.complainant_id), m.Complainant.get_by_id(earlier.complainant_id)
        assert a.name == b.name
        for field in ("phone", "id_number"):
            assert not (getattr(a, field) and getattr(b, field)) or getattr(a, field) == getattr(b, field)


_DIGEST = re.compile(r"[0-9a-f]{64}|[0-9a-f]{16}…|(?<=:)[A-Za-z0-9_-]{22}(?=\")")  # …, a timeline head


def _masked(value: object) -> object:
    """An issued PDF is not reproducible byte for byte (its creation time and file id), so neither
    are its SHA-256 and the chain hashes after it: they are checked by `audit.verify` instead."""
    return _DIGEST.sub("#", value) if isinstance(value, str) else value


def _look_ups(model: type, row: dict) -> None:
    """The look-up indexes of a complainant or case row, read by a holder of the identifier key, are
    what the sealer makes of the opened values (a restricted case's sealed names have none). Each
    database has its own index key, so the dump keeps only whether there is one."""
    sealer = current_cipher()
    assert isinstance(sealer, sealing.LocalSealer) and sealer.opens_identifiers
    table = model._meta.table_name
    names_sealed = _restricted(model, row)
    for index, kind, source in sealed_data.IDENTIFIERS[table][1]:
        value = "" if kind == "name" and names_sealed else row[source]
        assert row[index] == (sealer.blind(kind, value) if value else ""), (index, row)
        row[index] = bool(row[index])


def _restricted(model: type, row: dict) -> bool:
    if model is m.Case:
        return row["restricted"]
    return m.Case.select().where((m.Case.complainant == row["id"]) & m.Case.restricted).exists()


def _stored_sealed() -> None:
    """Every identifier is stored sealed, every text of a restricted case too (raw column values)."""
    db = database_proxy.obj
    for table, (columns, _indexes) in sealed_data.IDENTIFIERS.items():
        for column in columns:
            plain = db.execute_sql(
                f'SELECT count(*) FROM "{table}" WHERE "{column}" <> \'\' AND substr("{column}", 1, 3) <> \'s1:\''
            ).fetchone()[0]
            assert plain == 0, (table, column)
    for table, (case_column, columns) in CONTENT.items():
        source = COMPLAINANT_OF if table == "complainant" else f'"{table}" t'
        case_column = "k.id" if table == "complainant" else f"t.{case_column}"
        for column in columns:
            plain = db.execute_sql(
                f"SELECT count(*) FROM {source} WHERE {case_column} IN (SELECT id FROM \"case\" WHERE restricted) "
                f"AND t.{column} <> '' AND substr(t.{column}, 1, 3) NOT IN ('r1:', 's1:')"
            ).fetchone()[0]
            assert plain == 0, (table, column)


def _dump() -> dict[str, list]:
    """Every case table, the case record's tables, issued documents and the audit entries of case
    operations, without row ids (the two paths insert in different orders) and digests, read by a
    holder of the identifier key (sealed values opened)."""
    _stored_sealed()
    tables: dict[str, list] = {}
    for model in (
        m.Complainant,
        m.Case,
        m.CaseIssue,
        m.Assignment,
        m.CaseEvent,
        m.FollowUp,
        m.Extension,
        m.ExternalRoute,
        m.CaseAccess,
        m.CaseLink,
        m.Attachment,
        m.CaseCounter,
        m.IssuedDocument,
        ReplyPromise,
        DraftRevision,
    ):
        rows = []
        for row in model.select().dicts():
            row.pop("query_code", None)
            for unreproducible in ("hash", "data", "sha256") if model in (m.CaseEvent, m.IssuedDocument) else ():
                row.pop(unreproducible, None)
            if model in (m.Complainant, m.Case):
                _look_ups(model, row)
            else:
                row.pop("id")
            if "attachment" in row:
                row["attachment"] = row["attachment"] is not None
            rows.append({k: _masked(v) for k, v in row.items()})
        tables[model.__name__] = sorted(rows, key=lambda r: [str(v) for v in r.values()])
    tables["fts"] = [  # each case in the pair its state calls for (models/search_index.py)
        (table, *row)
        for table, _chars in PAIRS
        for row in database_proxy.execute_sql(f"SELECT rowid, * FROM {table} ORDER BY rowid").fetchall()
    ]
    entries = AuditEntry.select().where(AuditEntry.action.startswith("case.")).order_by(AuditEntry.seq)
    tables["audit"] = [(e.at, e.actor, e.action, e.target, _masked(e.detail)) for e in entries]
    return tables


def test_bulk_path_writes_what_the_services_write(tmp_path: Path, fixed_now: datetime) -> None:
    dumps = []
    for bulk in (False, True):
        path = tmp_path / f"{bulk}.db"
        auth.logout(demo_database(path, 40, seed=13, bulk=bulk))
        close_current()
        session = auth.login_local(path, "manager", USER_PASSWORD)  # holds the identifier key
        assert not sealed_data.pending() and not settings.get_internal(sealed_data.REBUILD_SETTING)
        dumps.append(_dump())
        assert audit.verify(session=session).ok  # the audit chain, its witness and every timeline
        assert _normalise(_stored()) == _recounted(store.recount())  # statistics rows: a recount
        assert _cube_table() == _cube_of(store.recount())
        auth.logout(session)
        close_current()
    services, bulk = dumps
    assert {name: len(rows) for name, rows in services.items()} == {
        name: len(rows) for name, rows in bulk.items()
    }
    for name in services:
        assert services[name] == bulk[name], name
    # what the comparison covers happens in these 40 cases
    assert {"reopen", "hold", "departments", "extension", "accepted"} <= {r["reason"] for r in bulk["ReplyPromise"]}
    assert any(e["summary"] == major.AUTO_RESTRICT_SUMMARY for e in bulk["CaseEvent"])
    assert any(c["restricted"] for c in bulk["Case"]) and any(c["phone"] for c in bulk["Complainant"])
    assert any("resealed" in e[4] for e in bulk["audit"])  # a timeline sealed when its case was restricted
    assert any(c["reply_period_start"] for c in bulk["Case"])
    assert bulk["IssuedDocument"] and any(d["number"] > 1 for d in bulk["DraftRevision"])
    assert any(e[2] == "case.merge" for e in bulk["audit"])


# -- the bulk path -----------------------------------------------------------------------------------


def test_bulk_path(db_path: Path, fixed_now: datetime, monkeypatch: pytest.MonkeyPatch) -> None:
    session = demo_database(db_path, 3000, seed=21)
    officer, manager = as_role(session, "officer"), as_role(session, "manager")
    rows = list(
        m.Case.select(m.Case.id, m.Case.case_no, m.Case.state, m.Case.received_at, m.CaseText.content).join(
            m.CaseText, on=(m.CaseText.case == m.Case.id)
        ).objects()
    )
    assert len(rows) == 3000
    states = Counter(c.state for c in rows)
    assert set(states) >= EVERY_STATE
    assert states[State.CLOSED] > 2000
    assert states[State.IN_PROGRESS] > 20
    assert audit.verify().ok
    recounted = store.recount()  # two chunks: the statistics rows and the cube equal a recount
    assert _normalise(_stored()) == _recounted(recounted)
    assert _cube_table() == _cube_of(recounted)

    numbers: dict[int, list[int]] = {}
    for c in rows:
        prefix, year, seq = c.case_no.split("-")
        assert int(year) == c.received_at.year
        numbers.setdefault(int(year), []).append(int(seq))
    counters = {c.year: c.last_seq for c in m.CaseCounter.select()}
    for year, seqs in numbers.items():
        assert sorted(seqs) == list(range(1, len(seqs) + 1))
        assert counters[year] == len(seqs)

    indexed = sum(database_proxy.execute_sql(f"SELECT count(*) FROM {t}").fetchone()[0] for t, _c in PAIRS)
    assert indexed == 3000
    rng = random.Random(1)
    for c in rng.sample(rows, 20):
        view = open_case(manager, c.id)
        assert view.case_no == c.case_no
        assert [i.seq for i in view.timeline] == list(range(len(view.timeline), 0, -1))
        words = view.content[12:18]
        if len(words.strip()) == 6 and not view.restricted:
            assert c.id in search.search(officer, words, limit=3000)
    # Few matches are fetched by id, many are tested newest first: the same results either way.
    some = rows[1234].case_no
    words = "".join(rows[1234].content.split())
    texts = ["态度生硬", "王", "红包 态度", f"{words[:2]} {words[6:9]}", some, some[3:], some[:-2]]
    expected = {text: search.search(officer, text) for text in texts}
    assert all(expected.values())
    assert rows[1234].id in expected[some]
    monkeypatch.setattr(search, "MANY", 3)
    assert {text: search.search(officer, text) for text in texts} == expected

    # Cases are found by phone, ID number and name (the stored values are sealed).
    manager = auth.login_local(db_path, "manager", USER_PASSWORD)  # holds the key: exact look-ups
    case_id, person = next(
        (c.id, c.complainant)
        for c in m.Case.select().where(~m.Case.restricted).order_by(m.Case.id)
        if c.complainant.id_number
    )
    assert person.phone.isdigit() and len(person.id_number) == 18
    for text in (person.phone, person.id_number, person.name):
        assert case_id in search.search(manager, text, limit=3000), text
    auth.logout(manager)


def test_bulk_path_in_a_second_process(tmp_path: Path, fixed_now: datetime) -> None:
    local, _ = demo.create_demo_database(tmp_path / "a.db", USER_PASSWORD)
    in_process = [r.cases for r in demo_bulk.bulk_rows(demo_bulk.bulk_spec(300, seed=5))]
    spec = demo_bulk.bulk_spec(300, seed=5)
    from_worker = [r.cases for r in demo_bulk._rows_from_worker(spec)]
    assert from_worker == in_process
    pragmas = ("journal_mode", "synchronous", "cache_size")
    before = [database_proxy.execute_sql(f"PRAGMA {name}").fetchone()[0] for name in pragmas]
    assert demo_bulk.fill_bulk(local, 300, seed=5, parallel=True) == 300
    assert m.Case.select().count() == 300
    # loaded without the write-ahead log and fsyncs, then the connection's own settings again
    assert [database_proxy.execute_sql(f"PRAGMA {name}").fetchone()[0] for name in pragmas] == before
    assert before[0] == "wal"
    assert audit.verify(session=local).ok


def test_demo_database_is_removed_when_filling_fails(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(fill, "fill_demo_cases", broken)
    with pytest.raises(KeyboardInterrupt):
        demo.create_demo_database(db_path, USER_PASSWORD, cases=10)
    assert not any(p.exists() for p in demo.database_files(db_path))


# -- complaintdesk demo --------------------------------------------------------------------------------


def run_demo(*args: str, password: str | None = USER_PASSWORD) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPLAINTDESK_")}
    if password:
        env["COMPLAINTDESK_PASSWORD"] = password
    return subprocess.run(
        [sys.executable, "-m", "app", "demo", *args], capture_output=True, text=True, env=env, timeout=300
    )


def test_cli_demo(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    result = run_demo("--db", str(db), "--cases", "8", "--seed", "3", password=None)
    assert result.returncode == 0, result.stderr
    for name in ("officer", "clerk", "night_duty", "manager", "admin"):
        assert f"用户名 {name}" in result.stdout
    generated = result.stdout.strip().rsplit("：", 1)[-1]  # shown once, as the last line
    session = auth.login_local(db, "officer", generated)
    assert m.Case.select().count() == 8
    assert audit.verify().ok
    auth.logout(session)
    close_current()

    again = run_demo("--db", str(db), "--cases", "3")
    assert again.returncode != 0
    assert "已存在" in again.stderr

    negative = run_demo("--db", str(tmp_path / "other.db"), "--cases", "-1")
    assert negative.returncode != 0
    assert "不能为负数" in negative.stderr
    assert not any(p.exists() for p in demo.database_files(tmp_path / "other.db"))
