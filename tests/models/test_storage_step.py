"""Schema step 12 (compact storage): a database built at the previous schema upgrades to case texts
in `case_text`, a contentless trigram index and no redundant indexes, and searches as before."""

from __future__ import annotations

import secrets
from pathlib import Path

import peewee

from app.cases import search
from app.cases.states import State
from app.cases.views import open_case
from app.session import Session
from models import migrations
from models.cases import Case, CaseText
from models.database import open_local
from models.search_index import FTS_TABLE
from models.storage_step import REDUNDANT_INDEXES
from tests.support.cases import FakeClock
from tests.support.desk import Desk, open_desk
from tests.support.schema_v11 import as_v11

ROLES = ("clerk", "officer", "manager")
# what step 12 finds in the case rows of a v11 database
NARRATIVES = {
    "parking": ("门诊停车场排队近一小时，保安指挥混乱，态度生硬。", "要求道歉"),
    "fee": ("住院费用清单中重复收取护理费（二级护理×2），多收120元。", "退还多收费用"),
    "wait": ("患者在门诊候诊三小时无人叫号，询问护士站被告知系统故障。", ""),
}
QUERIES = ("态度生硬", "护理费", "候诊", "停", "×2", "120元", "系统故障 叫号", "心血管内科", "不存在的内容")


def _desk_with_cases(admin: Session, clock: FakeClock) -> tuple[Desk, dict[str, int]]:
    desk = open_desk(admin, clock, new={role: (role, f"{role}同事", [role]) for role in ROLES})
    ids = {}
    for key, (content, demands) in NARRATIVES.items():
        ids[key] = desk.new_case(State.REGISTERED, content=content, demands=demands)
    desk.walk(ids["fee"], State.IN_PROGRESS)
    return desk, ids


def _indexes(db: peewee.Database) -> set[tuple[str, str]]:
    return {(table, index.name) for table in db.get_tables() for index in db.get_indexes(table)}


def test_v12_moves_case_texts_and_drops_the_index_copy(
    admin_session: Session, fake_clock: FakeClock, tmp_path: Path
) -> None:
    desk, ids = _desk_with_cases(admin_session, fake_clock)
    officer = desk["officer"]
    expected = {text: search.search(officer, text) for text in QUERIES}
    assert expected["态度生硬"] == [ids["parking"]] and expected["×2"] == [ids["fee"]]
    assert expected["心血管内科"] and not expected["不存在的内容"]
    db = Case._meta.database
    as_v11(db)
    assert {"content", "demands"} <= {c.name for c in db.get_columns("case")}
    assert f"{FTS_TABLE}_content" in db.get_tables() and "case_text" not in db.get_tables()

    heard: list[tuple[int, int, str]] = []
    assert migrations.ensure_schema(db, progress=lambda *call: heard.append(call)) == 11

    assert migrations.current_version(db) == migrations.SCHEMA_VERSION
    assert not {"content", "demands"} & {c.name for c in db.get_columns("case")}
    assert f"{FTS_TABLE}_content" not in db.get_tables() and f"{FTS_TABLE}_old" not in db.get_tables()
    texts = {t.case_id: (t.content, t.demands) for t in CaseText.select()}
    assert texts == {ids[key]: NARRATIVES[key] for key in NARRATIVES}
    assert {text: search.search(officer, text) for text in QUERIES} == expected
    assert open_case(officer, ids["fee"]).content == NARRATIVES["fee"][0]
    assert {"正在迁移投诉内容", "正在重建全文索引"} <= {text for _done, _total, text in heard}
    assert all(done <= total for done, total, _text in heard)

    # the upgraded database is written to as any: a correction re-indexes the moved text
    from app.cases import corrections

    version = Case.get_by_id(ids["parking"]).version
    corrections.correct(officer, ids["parking"], {"content": "夜间急诊分诊等候过久。"}, "更正", version)
    assert search.search(officer, "分诊等候") == [ids["parking"]]
    assert search.search(officer, "态度生硬") == []

    upgraded = _indexes(db)
    fresh = open_local(tmp_path / "fresh.db", secrets.token_bytes(32))
    migrations.ensure_schema(fresh)
    fresh_indexes = _indexes(fresh)
    fresh.close()
    assert upgraded == fresh_indexes
    assert not {name for _table, name in fresh_indexes} & set(REDUNDANT_INDEXES)


def test_v12_upgrades_a_shared_database(shared_admin, pg_params, pg_server, fake_clock: FakeClock) -> None:
    """The same step on PostgreSQL: the texts move, the pg_trgm indexes follow them to case_text. The
    database's owner upgrades it (application roles may not change the schema) and the server's row
    level security is reinstalled on the new table."""
    from app import shared
    from models.database import connect_postgres
    from models.schema import ALL_MODELS

    session, key = shared_admin
    desk, ids = _desk_with_cases(session, fake_clock)
    owner = connect_postgres(pg_params, pg_server.password)
    with owner.bind_ctx(ALL_MODELS, bind_refs=False, bind_backrefs=False):
        as_v11(owner)
    owner.close()
    assert shared.upgrade_shared_database(pg_params, pg_server.password, key) == 11
    db = connect_postgres(pg_params, pg_server.password)
    assert not {"content", "demands"} & {c.name for c in db.get_columns("case")}
    assert {i.name for i in db.get_indexes("case_text")} >= {
        "case_text_content_trgm",
        "case_text_demands_trgm",
    }
    db.close()
    assert search.search(desk["officer"], "护理费") == [ids["fee"]]
    assert CaseText.get_by_id(ids["wait"]).content == NARRATIVES["wait"][0]


def test_v18_brings_a_database_made_at_16_without_step_12_to_compact_storage(
    admin_session: Session, fake_clock: FakeClock
) -> None:
    """Step 12 was given out before 15 and 16 but came after them: a database a build made at 16
    still has the texts in the case row; step 18 does what 12 would have."""
    from models.schema import SchemaVersion

    desk, ids = _desk_with_cases(admin_session, fake_clock)
    db = Case._meta.database
    as_v11(db)
    SchemaVersion.create(version=16, applied_at="2026-12-01 09:00:00")
    assert migrations.ensure_schema(db) == 16
    assert not {"content", "demands"} & {c.name for c in db.get_columns("case")}
    assert f"{FTS_TABLE}_content" not in db.get_tables()
    assert search.search(desk["officer"], "护理费") == [ids["fee"]]
    assert CaseText.get_by_id(ids["parking"]).demands == NARRATIVES["parking"][1]
