"""Shared mode: what the lists and the search read beside row-level security (models/server_reads.py).

`cd_named_case_ids()` answers each role with its own rows of case_access and nothing else; the lists
still show a restricted case to the officer named on it and to no other officer. A search of one or
more characters (`cd_text_newest`; for one or two the index of characters and pairs) finds what a
plain reading of the texts finds, newest first, whichever way the server answers (the newest cases
tried first, or an index), and nothing of a case the role may not see. A server at the step before gets the
index and the functions on upgrade (schema step 31), and the search of several terms at once
(`cd_texts_newest`) on schema step 39."""

from __future__ import annotations

from datetime import datetime

import psycopg
import pytest

from app.cases import board, overlays, search
from app.cases.board import BoardFilter
from app.cases.states import State
from app.reminders import compute
from app.reminders.kinds import ReminderKind
from models import migrations, server_reads
from models.server_policy import _case_visible
from tests.support.accounts import ADMIN, ADMIN_PASSWORD
from tests.support.cases import FakeClock
from tests.support.desk import open_desk
from tests.support.pg_server import plain_sql

PEOPLE = {
    "clerk": ("clerk", "前台文员", ["clerk"]),
    "officer": ("linxw", "林晓雯", ["officer"]),  # named on the restricted case
    "officer2": ("wangzq", "王志强", ["officer"]),  # not named
    "manager": ("zhaomin", "赵敏", ["manager"]),
    "night": ("night", "总值班", ["night_duty"]),
}
NAMED = "SELECT unnest(cd_named_case_ids()) ORDER BY 1"


def test_each_role_gets_only_its_own_namings(shared_admin, fake_clock: FakeClock, pg_params) -> None:
    desk = open_desk(shared_admin[0], fake_clock, new=PEOPLE)
    secret = desk.new_case(State.IN_PROGRESS, departments=1)
    other = desk.new_case(State.ACCEPTED)
    overlays.restrict(desk["manager"], secret, True, ["linxw"])
    overlays.restrict(desk["manager"], other, True, ["wangzq"])
    found = {}
    for username in ("linxw", "wangzq", "clerk", "zhaomin", "night"):
        with plain_sql(pg_params, username) as conn:
            found[username] = [row[0] for row in conn.execute(NAMED).fetchall()]
    with plain_sql(pg_params, ADMIN, ADMIN_PASSWORD) as conn:
        found[ADMIN] = [row[0] for row in conn.execute(NAMED).fetchall()]
    assert found == {"linxw": [secret], "wangzq": [other], "clerk": [], "zhaomin": [], "night": [], ADMIN: []}


def test_lists_and_reminders_show_a_restricted_case_to_the_named_officer_only(
    shared_admin, fake_clock: FakeClock
) -> None:
    """林晓雯 handles and is named on a restricted case whose 转办 is late: her list and her reminder
    list carry it in full; 王志强 (not named) sees a placeholder in the list; the front desk nothing."""
    desk = open_desk(shared_admin[0], fake_clock, new=PEOPLE)
    secret = desk.new_case(State.IN_PROGRESS, departments=1)
    overlays.restrict(desk["manager"], secret, True, ["linxw"])
    everything = BoardFilter(include_final=True)
    shown = {
        role: [(c.id, c.redacted) for c in board.case_list(desk[role], everything)]
        for role in ("officer", "officer2", "clerk")
    }
    assert shown == {"officer": [(secret, False)], "officer2": [(secret, True)], "clerk": []}
    desk.clock.set(datetime(2026, 4, 9, 10, 0))  # a working morning, the 转办 long late
    late = {
        role: [
            line.case_id
            for line in compute.reminder_list(desk[role]).items
            if line.kind == ReminderKind.DEPT_LATE
        ]
        for role in ("officer", "officer2")
    }
    assert late == {"officer": [secret], "officer2": []}


def test_a_server_at_the_step_before_gets_the_function_on_upgrade(
    shared_admin, pg_params, pg_server, fake_clock: FakeClock
) -> None:
    from app import shared
    from app.errors import DatabaseOpenError

    session, key = shared_admin
    session.db.close()
    before = max(v for v in migrations.STEPS if v < 31)
    with pg_server.connect(pg_params.dbname, autocommit=True) as owner:  # as a step-30 build left it
        owner.execute("DROP FUNCTION cd_named_case_ids()")
        owner.execute("DROP FUNCTION cd_text_newest(text, integer)")
        owner.execute("DROP INDEX case_text_grams")
        owner.execute("DROP FUNCTION cd_grams(text)")
        owner.execute("UPDATE schema_version SET version = %s", (before,))
    with pytest.raises(DatabaseOpenError, match="需要升级"):
        shared.login_shared(pg_params, key, ADMIN, ADMIN_PASSWORD)
    assert shared.upgrade_shared_database(pg_params, pg_server.password, key) == before
    admin = shared.login_shared(pg_params, key, ADMIN, ADMIN_PASSWORD)
    desk = open_desk(admin, fake_clock, new=PEOPLE)
    secret = desk.new_case(State.ACCEPTED)
    overlays.restrict(desk["manager"], secret, True, ["linxw"])
    assert [c.redacted for c in board.case_list(desk["officer"]) if c.id == secret] == [False]
    with plain_sql(pg_params, "linxw") as conn:
        assert conn.execute(NAMED).fetchall() == [(secret,)]
    with pg_server.connect(pg_params.dbname) as owner:
        assert owner.execute(
            "SELECT count(*) FROM pg_indexes WHERE indexname = 'case_text_grams'"
        ).fetchone() == (1,)
    assert search.search(desk["officer"], "候诊") == [secret]


def test_a_server_at_step_38_gets_the_search_of_several_terms_on_upgrade(
    shared_admin, pg_params, pg_server, fake_clock: FakeClock
) -> None:
    from app import shared
    from app.errors import DatabaseOpenError

    session, key = shared_admin
    session.db.close()
    with pg_server.connect(pg_params.dbname, autocommit=True) as owner:  # as a step-38 build left it
        owner.execute("DROP FUNCTION cd_texts_newest(text[], integer)")
        owner.execute("UPDATE schema_version SET version = 38")
    with pytest.raises(DatabaseOpenError, match="需要升级"):
        shared.login_shared(pg_params, key, ADMIN, ADMIN_PASSWORD)
    assert shared.upgrade_shared_database(pg_params, pg_server.password, key) == 38
    desk = open_desk(shared.login_shared(pg_params, key, ADMIN, ADMIN_PASSWORD), fake_clock, new=PEOPLE)
    found = desk.register("clerk", content="候诊三小时，护士态度生硬。", complainant_name="周某", patient_name="")
    assert search.search(desk["officer"], "候诊 态度") == [found.case_id]


# Narratives and demands of six complaints, registered in this order (the newest last).
TEXTS = (
    ("候诊三小时无人解释，护士态度生硬。", "要求道歉"),
    ("收费窗口多收检查费用，要求退费。", ""),
    ("CT 报告延误两周，医生态度冷淡。", "要求尽快出具报告"),
    ("停车场收费不合理，保安态度差。", "退还停车费"),
    ("夜间病房噪音大，无法休息。", "要求调换病房"),
    ("ct室排队混乱", "要求退费并道歉"),
)
# One, two and more characters, alone and together; ASCII in either case; found nowhere; LIKE's own
# characters taken as they are.
TERMS = (
    "态",
    "态度",
    "退费",
    "要求",
    "费",
    "ct",
    "CT",
    "度 退",
    "求 歉",
    "报告",
    "噪",
    "鑫",
    "态度冷",
    "ct室",
    "要求退费 歉",
    "态度 要求",
    "态 要 求",
    "要 求",
    "鑫 态度",
    "CT 延误",
    "报告 医生态度",
)
TERMS += ("%", "_费", "收费不", "态度' 要求", "要求\\ 态度", "态 度');--")


def _plain_reading(texts: dict[int, tuple[str, str]], text: str, limit: int) -> list[int]:
    """Newest first, the cases whose narrative or demands hold every term (ignoring case)."""
    terms = [t.lower() for t in text.split()]
    found = [
        case_id
        for case_id, (content, demands) in texts.items()
        if all(t in content.lower() or t in demands.lower() for t in terms)
    ]
    return sorted(found, reverse=True)[:limit]


@pytest.mark.parametrize("few, walk", [(server_reads.FEW, server_reads.WALK), (2, 3)])
def test_a_text_search_finds_what_a_plain_reading_finds(
    shared_admin, fake_clock: FakeClock, pg_params, pg_server, monkeypatch, few: int, walk: int
) -> None:
    """With the office's thresholds every term here has few matches; with (2, 3) a term in two
    cases or more counts as common: the newest three cases are tried, and when they do not hold
    enough, every match is read."""
    if (few, walk) != (server_reads.FEW, server_reads.WALK):
        monkeypatch.setattr(server_reads, "FEW", few)
        monkeypatch.setattr(server_reads, "WALK", walk)
        with pg_server.connect(pg_params.dbname, autocommit=True) as owner:
            owner.execute(server_reads.functions(_case_visible))
    desk = open_desk(shared_admin[0], fake_clock, new=PEOPLE)
    texts = {}
    for content, demands in TEXTS:  # other names and no number-like text: only the texts can match
        registered = desk.register(
            "clerk", content=content, demands=demands, complainant_name="周某", patient_name=""
        )
        texts[registered.case_id] = (content, demands)
        desk.clock.advance(minutes=10)
    for text in TERMS:
        for limit in (200, 2):
            assert search.search(desk["officer"], text, limit=limit) == _plain_reading(texts, text, limit), (
                text,
                limit,
            )


def test_a_text_search_finds_nothing_of_a_case_the_role_may_not_see(
    shared_admin, fake_clock: FakeClock, pg_params
) -> None:
    desk = open_desk(shared_admin[0], fake_clock, new=PEOPLE)
    secret = desk.register(
        "clerk", content="院领导亲属投诉，涉密。", complainant_name="周某", patient_name=""
    ).case_id
    overlays.restrict(desk["manager"], secret, True, ["linxw"])
    found = {
        role: search.search(desk[role], "涉密")
        for role in ("officer", "officer2", "clerk", "manager", "night")
    }
    assert found == {"officer": [secret], "officer2": [], "clerk": [], "manager": [secret], "night": []}
    probe = "SELECT cd_text_newest('涉密', 200)"
    for username, expected in (
        ("linxw", [(secret,)]),
        ("wangzq", []),
        ("clerk", []),
        ("night", []),
        ("zhaomin", [(secret,)]),
    ):
        with plain_sql(pg_params, username) as conn:
            assert conn.execute(probe).fetchall() == expected, username
    with plain_sql(pg_params, ADMIN, ADMIN_PASSWORD) as conn:
        assert conn.execute(probe).fetchall() == []
        with pytest.raises(psycopg.errors.RaiseException, match="one term"):
            conn.execute("SELECT cd_text_newest('两 个', 200)")


def test_several_terms_find_nothing_of_a_case_the_role_may_not_see(
    shared_admin, fake_clock: FakeClock, pg_params
) -> None:
    """`cd_texts_newest`, called with plain SQL, applies the case policy to its caller on each of
    its ways (a rare term, the newest cases, every match); a term holding white space is refused."""
    desk = open_desk(shared_admin[0], fake_clock, new=PEOPLE)
    secret = desk.register(
        "clerk", content="院领导亲属投诉，涉密。", complainant_name="周某", patient_name=""
    ).case_id
    overlays.restrict(desk["manager"], secret, True, ["linxw"])
    assert search.search(desk["officer2"], "涉密 亲属") == []
    assert search.search(desk["officer"], "涉密 亲属") == [secret]
    probe = "SELECT cd_texts_newest(ARRAY['涉密', '亲属'], 200)"
    with plain_sql(pg_params, ADMIN, ADMIN_PASSWORD) as conn:
        assert conn.execute(probe).fetchall() == []
        for bad in ("ARRAY['两 个']", "ARRAY[]::text[]", "ARRAY[NULL]::text[]"):
            with pytest.raises(psycopg.errors.RaiseException, match="terms without white space"):
                conn.execute(f"SELECT cd_texts_newest({bad}, 200)")
    holding = f"SELECT cd_texts_holding(ARRAY[{secret}], ARRAY['%涉密%'])"
    for username, expected in (("linxw", [(secret,)]), ("wangzq", []), ("clerk", []), ("night", [])):
        with plain_sql(pg_params, username) as conn:
            assert conn.execute(probe).fetchall() == expected, username
            assert conn.execute(holding).fetchall() == expected, username


def test_a_name_among_several_terms_still_finds_its_cases(shared_admin, fake_clock: FakeClock) -> None:
    """A term that is a complainant's name is matched by name (blind index), not in the texts: the
    search then reads each term on its own, as before the function for several terms."""
    desk = open_desk(shared_admin[0], fake_clock, new=PEOPLE)

    def register(content: str, name: str, patient: str = "") -> int:
        desk.clock.advance(minutes=10)
        return desk.register("clerk", content=content, complainant_name=name, patient_name=patient).case_id

    by_name = register("护士态度生硬。", "欧阳明")
    register("医生态度冷淡。", "周某")
    in_text = register("欧阳明之外的投诉，态度差。", "周某")
    fee = register("收费不合理。", "欧阳明")  # the name, but not the other term
    by_patient = register("候诊时间长，态度差。", "周某", patient="欧阳明")
    secret = register("涉密投诉，态度恶劣。", "欧阳明")
    overlays.restrict(desk["manager"], secret, True, ["linxw"])
    assert search.search(desk["officer2"], "欧阳明 态度") == [by_patient, in_text, by_name]
    assert search.search(desk["officer"], "欧阳明 态度") == [secret, by_patient, in_text, by_name]
    assert search.search(desk["officer"], "欧阳明 态度", limit=2) == [secret, by_patient]
    assert search.search(desk["officer2"], "欧阳明 收费") == [fee]
