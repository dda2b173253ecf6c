"""What each role sees of a case (DESIGN §7): identifiers only for who registered it that day, the
intake part only for the intake roles, no content for the admin, restricted cases refused as such,
and every denial kept in the audit log with who and why."""

from datetime import datetime

import pytest

from app.cases import (
    acceptance,
    overlays,
    search,
    views,
    visibility,
)
from app.cases.states import State
from app.errors import PermissionDenied
from models.cases import Case
from tests.support.cases import ID_NUMBER, PHONE
from tests.support.desk import Desk

from .conftest import (
    PEOPLE,
    assert_denied,
    audit_ok,
    last_audit,
    timeline,
)

OFFICE = "医患沟通办公室专员、主任/分管院领导"
NOT_VISIBLE = "无权查看该案件"


# --------------------------------------------------------------------------- masking


def test_clerk_sees_identifiers_only_on_cases_they_registered_today(desk: Desk) -> None:
    case_id = desk.register("clerk", complainant_id_number=ID_NUMBER).case_id
    own = views.open_case(desk["clerk"], case_id)
    assert (own.complainant_phone, own.complainant_id_number) == (PHONE, ID_NUMBER)
    assert not own.identifiers_masked

    other_clerk = views.open_case(desk["clerk2"], case_id)
    assert (other_clerk.complainant_phone, other_clerk.complainant_id_number) == (
        "139****5678",
        "1101**********002X",
    )
    assert other_clerk.identifiers_masked
    for role in ("officer", "manager", "officer_admin"):
        view = views.open_case(desk[role], case_id)
        assert (view.complainant_phone, view.complainant_id_number) == (PHONE, ID_NUMBER), role

    desk.clock.advance(days=1)
    next_day = views.open_case(desk["clerk"], case_id)
    assert (next_day.complainant_phone, next_day.complainant_id_number) == (
        "139****5678",
        "1101**********002X",
    )
    assert next_day.identifiers_masked
    assert next_day.complainant_name == "张桂兰"  # the name is intake information, not an identifier


def test_night_duty_sees_identifiers_on_the_night_they_logged_the_case(desk: Desk) -> None:
    desk.clock.set(datetime(2026, 3, 10, 21, 0))
    case_id = desk.register("night_duty", channel="phone", complainant_id_number=ID_NUMBER).case_id
    assert views.open_case(desk["night_duty"], case_id).complainant_id_number == ID_NUMBER
    desk.clock.set(datetime(2026, 3, 11, 0, 5))  # still not taken over, but another day
    view = views.open_case(desk["night_duty"], case_id)
    assert view.complainant_phone == "139****5678" and view.identifiers_masked


def test_intake_roles_see_the_intake_part_only(desk: Desk) -> None:
    case_id = desk.register("clerk").case_id
    desk.walk(case_id, State.PENDING_APPROVAL)
    overlays.add_note(desk["officer"], case_id, "院内讨论记录：涉及某医生")
    clerk = views.open_case(desk["clerk"], case_id)
    assert not clerk.handling_visible
    assert clerk.content.startswith("患者在门诊候诊")
    assert (clerk.facts, clerk.finding, clerk.finding_label, clerk.resolution) == ("", "", "", "")
    assert clerk.assignments == () and clerk.followups == () and clerk.named_officers == ()
    assert [t.summary for t in clerk.timeline] == ["登记投诉（来访）"]
    assert all("某医生" not in t.note for t in clerk.timeline)
    officer = views.open_case(desk["officer"], case_id)
    assert officer.handling_visible and officer.finding_label == "部分成立"
    assert len(officer.timeline) == len(timeline(case_id))


def test_admin_reads_no_case_content(desk: Desk) -> None:
    """Separation of duties: the administrator neither opens, lists nor finds cases."""
    case_id = desk.register("clerk", content="投诉某医生态度恶劣").case_id
    admin = desk["admin"]
    with pytest.raises(PermissionDenied, match=f"^{NOT_VISIBLE}$"):
        views.open_case(admin, case_id)
    assert list(visibility.visible(admin.user, Case.select())) == []
    assert search.search(admin, "态度恶劣") == []
    assert search.search(admin, "态度") == []
    assert search.search(admin, PHONE) == []
    # An administrator who is also an officer works as an officer.
    assert views.open_case(desk["officer_admin"], case_id).complainant_phone == PHONE


def test_restricted_case_is_refused_as_restricted(desk: Desk) -> None:
    case_id = desk.register("clerk").case_id
    overlays.restrict(desk["manager"], case_id, True, ["wangzq"])
    case_no = Case.get_by_id(case_id).case_no
    for role in ("officer", "clerk", "night_duty", "admin", "multi", "officer_admin"):
        assert_denied(
            desk, role, lambda r=role: views.open_case(desk[r], case_id), "受限案件：无权查看", case_no
        )
        # Acting on it is refused the same way, whatever the role's rights elsewhere.
        assert_denied(
            desk,
            role,
            lambda r=role: overlays.add_note(desk[r], case_id, "备注"),
            "受限案件：无权查看",
            case_no,
        )
    assert views.open_case(desk["officer2"], case_id).named_officers == ("王志强",)
    assert views.open_case(desk["manager"], case_id).restricted


def test_the_case_officer_keeps_access_when_the_case_is_restricted(desk: Desk) -> None:
    case_id = desk.new_case(State.ACCEPTED)  # accepted by 林晓雯, who becomes its officer
    overlays.restrict(desk["manager"], case_id, True, [])
    assert views.open_case(desk["officer"], case_id).restricted
    with pytest.raises(PermissionDenied, match="^受限案件：无权查看$"):
        views.open_case(desk["officer2"], case_id)
    assert {c.id for c in visibility.visible(desk["officer"].user, Case.select())} >= {case_id}
    assert case_id not in {c.id for c in visibility.visible(desk["officer2"].user, Case.select())}


def test_every_user_in_the_fixture_is_who_the_tests_think(desk: Desk) -> None:
    for key, (username, display, roles) in PEOPLE.items():
        user = desk[key].user
        assert (user.username, user.display_name, set(user.roles)) == (username, display, set(roles))
    assert desk["admin"].user.roles == frozenset({"admin"})


def test_denials_are_kept_in_the_audit_log_with_who_and_why(desk: Desk) -> None:
    case_id = desk.register("clerk").case_id
    desk.clock.advance(minutes=3)
    with pytest.raises(PermissionDenied):
        acceptance.accept(desk["clerk"], case_id)
    entry = last_audit()
    assert entry.at == (desk.clock.at).isoformat(timespec="seconds")
    assert '"action":"accept"' in entry.detail
    assert f"只有{OFFICE}可以受理投诉" in entry.detail
    audit_ok()
