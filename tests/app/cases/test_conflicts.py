"""Optimistic locking: two people read the same version, the first save wins, the second gets a
ConflictError saying in Chinese who changed the case and when, and nothing of it is kept."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from app.cases import acceptance, follow_up, overlays, reply, routing, sign_off, views
from app.cases.states import State
from app.errors import ConflictError, TransitionError
from app.session import Session
from models.cases import Case
from models.database import close_current
from tests.support.accounts import USER_PASSWORD
from tests.support.cases import draft
from tests.support.desk import Desk

from . import _workers
from .conftest import PEOPLE, audit_count, audit_ok, case_data, summaries


def _version(desk: Desk, role: str, case_id: int) -> int:
    """What a user's open case window holds: the version they read."""
    return views.open_case(desk[role], case_id).version


def test_first_save_wins_and_the_second_is_told_who_and_when(desk: Desk) -> None:
    case_id = desk.register("clerk").case_id
    lin, wang = desk["officer"], desk["officer2"]
    seen_by_lin = _version(desk, "officer", case_id)
    seen_by_wang = _version(desk, "officer2", case_id)
    assert seen_by_lin == seen_by_wang == 1

    desk.clock.set(datetime(2026, 3, 10, 9, 5))
    acceptance.accept(lin, case_id, "已电话联系投诉人", expected_version=seen_by_lin)

    desk.clock.set(datetime(2026, 3, 10, 9, 7))
    before, audits = case_data(), audit_count()
    with pytest.raises(ConflictError) as info:
        acceptance.reject(wang, case_id, "out_of_scope", "重复投诉", expected_version=seen_by_wang)
    error = info.value
    assert error.message == "该案件已被 林晓雯 于 2026-03-10 09:05 修改，请重新载入后再保存"
    assert (error.who, error.when) == ("林晓雯", datetime(2026, 3, 10, 9, 5))
    assert case_data() == before
    assert audit_count() == audits
    case = Case.get_by_id(case_id)
    assert (case.state, case.version, case.reject_reason) == (State.ACCEPTED, 2, "")
    assert summaries(case_id) == ["登记投诉（来访）", "受理投诉，答复期限 2026-03-17"]

    # Reloaded, the second officer works on the current version.
    overlays.escalate(wang, case_id, "家属称将联系媒体", expected_version=_version(desk, "officer2", case_id))
    assert Case.get_by_id(case_id).version == 3
    audit_ok()


def test_a_stale_version_is_a_conflict_even_when_the_state_also_moved_on(desk: Desk) -> None:
    """The user is told to reload (and will then see the new state), not a confusing state error."""
    case_id = desk.register("clerk").case_id
    acceptance.accept(desk["officer"], case_id, expected_version=1)
    with pytest.raises(ConflictError, match="^该案件已被 林晓雯 于 2026-03-10 09:00 修改"):
        acceptance.accept(desk["officer2"], case_id, expected_version=1)
    with pytest.raises(TransitionError, match="^案件当前状态为“已受理/待转办”"):
        acceptance.accept(desk["officer2"], case_id, expected_version=2)


# name -> (state to prepare, the write with expected_version, extra preparation)
STALE_WRITES: dict[
    str, tuple[str, Callable[[Session, int, int], Any], Callable[[Desk, int], None] | None]
] = {
    "accept": (State.REGISTERED, lambda s, c, v: acceptance.accept(s, c, expected_version=v), None),
    "reject": (
        State.ACCEPTED,
        lambda s, c, v: acceptance.reject(s, c, "criminal", expected_version=v),
        None,
    ),
    "resolve_on_spot": (
        State.REGISTERED,
        lambda s, c, v: acceptance.resolve_on_spot(s, c, "当场解释", expected_version=v),
        None,
    ),
    "assign": (State.ACCEPTED, lambda s, c, v: routing.assign(s, c, ["urology"], expected_version=v), None),
    "draft": (
        State.DRAFTING,
        lambda s, c, v: reply.save_draft(
            s,
            c,
            facts="事实",
            finding="upheld",
            resolution="意见",
            base_revision=reply.current_revision(c),
            expected_version=v,
        ),
        None,
    ),
    "submit": (
        State.DRAFTING,
        lambda s, c, v: reply.submit_for_approval(s, c, expected_version=v),
        lambda d, c: draft(d["officer"], c),
    ),
    "approve": (State.PENDING_APPROVAL, lambda s, c, v: reply.approve(s, c, expected_version=v), None),
    "return_draft": (
        State.PENDING_APPROVAL,
        lambda s, c, v: reply.return_draft(s, c, "请修改", expected_version=v),
        None,
    ),
    "reply": (
        State.APPROVED,
        lambda s, c, v: reply.record_reply(s, c, "wechat", expected_version=v),
        None,
    ),
    "follow_up": (
        State.REPLIED,
        lambda s, c, v: follow_up.follow_up(
            s, c, method="sms", satisfaction="satisfied", expected_version=v
        ),
        None,
    ),
    "sign_off": (
        State.AWAITING_SIGN_OFF,
        lambda s, c, v: sign_off.sign_off(s, c, expected_version=v),
        None,
    ),
    "archive": (State.CLOSED, lambda s, c, v: sign_off.archive(s, c, expected_version=v), None),
    "hold": (State.ACCEPTED, lambda s, c, v: overlays.hold(s, c, "等材料", expected_version=v), None),
    "resume": (
        State.ACCEPTED,
        lambda s, c, v: overlays.resume(s, c, expected_version=v),
        lambda d, c: overlays.hold(d["officer"], c, "等材料"),
    ),
    "request_extension": (
        State.IN_PROGRESS,
        lambda s, c, v: overlays.request_extension(s, c, 2, "理由", expected_version=v),
        None,
    ),
    "escalate": (State.ACCEPTED, lambda s, c, v: overlays.escalate(s, c, "上报", expected_version=v), None),
    "restrict": (State.ACCEPTED, lambda s, c, v: overlays.restrict(s, c, True, expected_version=v), None),
    "merge": (State.ACCEPTED, lambda s, c, v: overlays.merge(s, c, c + 1, expected_version=v), None),
}

# Who performs each write (the second, stale, writer) and who got there first.
MANAGER_WRITES = {"approve", "return_draft", "sign_off", "archive", "restrict"}


@pytest.mark.parametrize("name", list(STALE_WRITES))
def test_every_versioned_write_refuses_a_stale_version(desk: Desk, name: str) -> None:
    state, write, prepare = STALE_WRITES[name]
    case_id = desk.new_case(state)
    if prepare:
        prepare(desk, case_id)
    if name == "merge":
        assert desk.register().case_id == case_id + 1  # the merge target
    stale = Case.get_by_id(case_id).version

    # Someone else saves first (a note by the manager at 10:30).
    desk.clock.set(datetime(2026, 3, 10, 10, 30))
    overlays.add_note(desk["manager"], case_id, "主任批示：请尽快办理")

    before, audits = case_data(), audit_count()
    writer = desk["manager"] if name in MANAGER_WRITES else desk["officer"]
    with pytest.raises(ConflictError) as info:
        write(writer, case_id, stale)
    assert info.value.message == "该案件已被 陈立新 于 2026-03-10 10:30 修改，请重新载入后再保存"
    assert case_data() == before, f"{name}: the refused write left something behind"
    assert audit_count() == audits

    # With the current version the same write goes through.
    write(writer, case_id, stale + 1)
    assert Case.get_by_id(case_id).version == stale + 2
    audit_ok()


def test_merge_target_closed_meanwhile_is_refused_inside_the_transaction(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The target is checked before the transaction and again inside it: a sign-off by someone else
    in between must not leave a case merged into a closed one."""
    duplicate = desk.register("clerk").case_id
    target = desk.new_case(State.IN_PROGRESS)
    real_other_case = overlays._other_case

    def sign_off_meanwhile(session: Any, other_id: int) -> Any:
        found = real_other_case(session, other_id)  # checked open here, before the transaction...
        sign_off.sign_off(desk["manager"], target, "unresolvable", "投诉人撤诉")  # ...closed just after
        return found

    monkeypatch.setattr(overlays, "_other_case", sign_off_meanwhile)
    before_duplicate = case_data()["case"]
    with pytest.raises(TransitionError, match="已结束，不能合并到它"):
        overlays.merge(desk["officer"], duplicate, target, "重复")
    case = Case.get_by_id(duplicate)
    assert (case.state, case.merged_into_id, case.version) == (State.REGISTERED, None, 1)
    assert Case.get_by_id(target).state == State.CLOSED
    assert not any("合并" in s for s in summaries(target))
    assert [row for row in case_data()["case"] if row[0] == duplicate] == [
        row for row in before_duplicate if row[0] == duplicate
    ]
    audit_ok()


def test_two_workstations_accepting_the_same_cases_at_once(desk: Desk) -> None:
    """Two processes on the same file both hold version 1 of each case: exactly one acceptance wins,
    the other is told who won."""
    case_ids = [desk.register("clerk").case_id for _ in range(15)]
    close_current()
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [
        ctx.Process(
            target=_workers.accept_all,
            args=(str(desk.db_path), PEOPLE[key][0], USER_PASSWORD, case_ids, barrier, results),
        )
        for key in ("officer", "officer2")
    ]
    for proc in procs:
        proc.start()
    try:
        outcomes = dict(results.get(timeout=120) for _ in procs)
    finally:
        for proc in procs:
            proc.join(timeout=30)
    assert [p.exitcode for p in procs] == [0, 0]

    names = {"linxw": "林晓雯", "wangzq": "王志强"}
    for case_id in case_ids:
        got = {user: outcomes[user][case_id] for user in names}
        winners = [user for user, result in got.items() if result == "ok"]
        assert len(winners) == 1, got
        loser = next(user for user in names if user != winners[0])
        assert got[loser] == f"conflict:{names[winners[0]]}", got
        case = Case.get_by_id(case_id)
        assert (case.state, case.version, case.officer_id) == (
            State.ACCEPTED,
            2,
            desk.user_id("officer" if winners[0] == "linxw" else "officer2"),
        )
        assert len(summaries(case_id)) == 2
    audit_ok()
