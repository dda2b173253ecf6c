"""Schema step 34: the text tables rebuilt without positions (`detail = none`), the character
index with pairs of neighbouring characters; searches find what they found before the step."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from app import auth
from app.cases import overlays, search
from app.cases.states import State
from models import migrations
from models.cases import Case
from models.schema import SchemaVersion
from models.search_index import CHAR_COLUMNS, FTS_COLUMNS, PAIRS, TEXT_TABLES, in_open_pair
from tests.support.cases import FakeClock, register, walk
from tests.support.fts_pages import index_terms
from tests.support.sealed import login, sealed_office

PEOPLE = (("manager1", "李主任", "manager"), ("officer1", "王专员", "officer"), ("clerk1", "赵文员", "clerk"))
PREVIOUS = max(v for v in migrations.STEPS if v < 34)
SECRET = "庚辛壬癸子丑寅卯"
QUERIES = (
    "甲乙丙丁戊",
    "甲乙丙",
    "乙丙",
    "丙",
    "辰巳午未",
    "巳午",
    "停车场收费",
    "停车",
    "车场收",
    "停， 车场",
    "CT室",
    "ct",
    "门诊 甲乙丙丁",
    "张桂兰",
    "李建国 辰巳",
    SECRET,
    SECRET[2:4],
    "YH-2026-000003",
    "-2026-00000",
    "不存在的词语",
)


def _old_tables(db) -> None:  # noqa: ANN001
    """The four tables as steps 2 to 30 made them (positions kept), and their rows as the writers
    of that schema wrote them: one token per character, the restricted case by its number."""
    for table in TEXT_TABLES:
        db.execute_sql(f"DROP TABLE {table}")
    for trigram, chars in PAIRS:
        db.execute_sql(
            f"CREATE VIRTUAL TABLE {trigram} USING fts5({', '.join(FTS_COLUMNS)}, content = '',"
            " contentless_delete = 1, tokenize = 'trigram')"
        )
        db.execute_sql(
            f"CREATE VIRTUAL TABLE {chars} USING fts5({', '.join(CHAR_COLUMNS)}, content = '',"
            " contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0')"
        )
    for case in Case.select():
        trigram, chars = PAIRS[1] if case.state not in ("closed", "rejected", "merged") else PAIRS[0]
        row = (
            (case.id, *search._fts_text(case))
            if not case.restricted
            else (case.id, case.case_no, "", "", "", "")
        )
        db.execute_sql(
            f"INSERT INTO {trigram} (rowid, {', '.join(FTS_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)", row
        )
        spaced = tuple(" ".join("".join(value.split())) for value in row[2:])
        db.execute_sql(
            f"INSERT INTO {chars} (rowid, {', '.join(CHAR_COLUMNS)}) VALUES (?, ?, ?, ?, ?)",
            (case.id, *spaced),
        )


def _definitions(db) -> dict[str, str]:  # noqa: ANN001
    marks = ", ".join("?" * len(TEXT_TABLES))
    return dict(db.execute_sql(f"SELECT name, sql FROM sqlite_master WHERE name IN ({marks})", TEXT_TABLES))


def _terms(db) -> dict[str, set[str]]:  # noqa: ANN001
    return {table: index_terms(db, table) for table in TEXT_TABLES}


def test_v34_rebuilds_the_text_index_and_searches_find_the_same(db_path: Path, fake_clock: FakeClock) -> None:
    office = sealed_office(db_path, PEOPLE)
    manager = login(office, "manager1")
    officer = replace(manager, user=auth.current_user("officer1"), slots=None, db_key=None)
    clerk = replace(manager, user=auth.current_user("clerk1"), slots=None, db_key=None)
    open_case = register(clerk, content="候诊时甲乙丙丁戊己无人理会，门诊 CT室排队。")
    closed_case = register(clerk, content="药房辰巳午未申发错药，停，车场收费。")
    secret = register(clerk, content=f"手术{SECRET}并发症", complainant_name="欧阳娜娜")
    parking = register(clerk, content="停车场收费不合理。")
    walk(officer, manager, closed_case, State.CLOSED)
    overlays.restrict(manager, secret, True, ["officer1"])
    db = Case._meta.database
    before = {
        (who, text): search.search(session, text)
        for who, session in (("manager", manager), ("clerk", clerk))
        for text in QUERIES
    }
    assert before["manager", "甲乙丙"] == [open_case] and before["manager", "停车"] == [parking]
    assert before["manager", "停， 车场"] == [closed_case]
    assert before["manager", "YH-2026-000003"] == [secret] and before["manager", SECRET] == []

    _old_tables(db)
    SchemaVersion.update(version=PREVIOUS).execute()
    assert all("detail" not in sql for sql in _definitions(db).values())
    reports: list[tuple[int, int, str]] = []

    assert migrations.ensure_schema(db, progress=lambda *r: reports.append(r)) == PREVIOUS
    assert all("detail = none" in sql for sql in _definitions(db).values())
    assert (4, 4, "正在重建全文索引") in reports
    for (who, text), found in before.items():
        session = manager if who == "manager" else clerk
        assert search.search(session, text) == found, (who, text)
    assert in_open_pair(db, open_case) and in_open_pair(db, parking) and not in_open_pair(db, closed_case)
    terms = _terms(db)
    every = set().union(*terms.values())
    assert "甲乙丙" in terms["case_fts_open"] and "甲乙" in terms["case_chars_open"]  # pairs now
    assert "辰巳午" in terms["case_fts"] and "辰巳" in terms["case_chars"]
    assert "停车" not in terms["case_chars"]  # "停，车" is no pair
    assert not {SECRET[i : i + 2] for i in range(len(SECRET) - 1)} & every  # the restricted case: its number
    assert not set(SECRET) & every and "欧阳娜" not in every
    assert Case.get_by_id(secret).case_no[-3:] in terms["case_fts"]

    migrations.STEPS[34](db, None)  # again: the same tables
    assert _terms(db) == terms
    for (who, text), found in before.items():
        assert search.search(manager if who == "manager" else clerk, text) == found, (who, text)
    auth.logout(manager)
