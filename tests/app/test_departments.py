"""Departments with aliases: seeded defaults, the admin's edits, and `resolve_department`, the one
lookup from what staff write (full name, alias, short name, pinyin initials) to a department."""

from __future__ import annotations

import pytest

from app import departments
from app.cases import intake, views
from app.departments import DepartmentInfo, resolve_department
from app.errors import PermissionDenied, ValidationError
from app.session import Session
from models.audit import AuditEntry
from tests.support.cases import FakeClock, form
from tests.support.sessions import session_as


def _by_code(code: str) -> DepartmentInfo:
    return next(d for d in departments.list_departments() if d.code == code)


def test_a_new_database_has_the_bundled_aliases(admin_session: Session) -> None:
    assert _by_code("cardiology").aliases == ("心内科", "心内", "心血管科")
    assert "急诊" in _by_code("emergency").aliases
    assert "收费处" in _by_code("finance").aliases
    assert _by_code("cardiology").aliases_text == "心内科、心内、心血管科"


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("心血管内科", "cardiology"),  # the full name
        ("cardiology", "cardiology"),  # the code
        ("心内科", "cardiology"),  # an alias
        ("心内", "cardiology"),
        ("急诊", "emergency"),
        ("收费处", "finance"),
        ("骨", "orthopedics"),  # short name: 骨科 without 科
        ("健康管理", "health_check"),  # 健康管理中心 without 中心
        ("xxgnk", "cardiology"),  # pinyin initials of the name
        ("XNK", "cardiology"),  # … of an alias, any case
        ("  急诊科 ", "emergency"),
        ("ＩＣＵ", "icu"),  # full-width letters of the code
    ],
)
def test_resolve_department_reads_what_staff_write(admin_session: Session, written: str, code: str) -> None:
    found = resolve_department(written)
    assert found is not None and found.code == code


def test_resolve_department_names_none_or_refuses_an_ambiguous_text(admin_session: Session) -> None:
    assert resolve_department("") is None
    assert resolve_department("内科") is None
    assert resolve_department("不存在的科") is None
    with pytest.raises(ValidationError) as refused:
        resolve_department("yk")  # 眼科 and 牙科 (an alias of 口腔科)
    assert refused.value.field == "department"
    assert "眼科" in str(refused.value) and "口腔科" in str(refused.value)


def test_resolve_department_chooses_from_the_list_given() -> None:
    pool = [
        DepartmentInfo("a", "心血管内科", "clinical", "", "", True, ("心内",)),
        DepartmentInfo("b", "老年病科", "clinical", "", "", False, ("干部病房",)),
    ]
    assert resolve_department("心内", pool) == pool[0]
    assert resolve_department("干部病房", pool) == pool[1]
    assert resolve_department("干部病房", pool[:1]) is None


def test_admin_sets_aliases_and_the_lookup_follows(admin_session: Session) -> None:
    saved = departments.save_department(
        admin_session, "sleep", "睡眠医学科", "clinical", new=True, aliases="睡眠科，睡眠门诊、 睡眠科"
    )
    assert saved.aliases == ("睡眠科", "睡眠门诊")
    assert _by_code("sleep").aliases == ("睡眠科", "睡眠门诊")
    assert resolve_department("睡眠门诊").code == "sleep"
    entry = AuditEntry.select().order_by(AuditEntry.seq.desc()).first()
    assert entry.action == "department.added" and "睡眠门诊" in entry.detail

    departments.save_department(admin_session, "sleep", "睡眠医学科", "clinical", new=False, aliases=["睡眠中心"])
    assert resolve_department("睡眠门诊") is None
    assert resolve_department("睡眠中心").code == "sleep"


@pytest.mark.parametrize(
    ("name", "aliases", "field", "message"),
    [
        ("睡眠医学科", "心内", "aliases", "“心内”已指向科室“心血管内科”"),  # another's alias
        ("睡眠医学科", "急诊科", "aliases", "“急诊科”已指向科室“急诊科”"),  # another's name
        ("睡眠医学科", "CARDIOLOGY", "aliases", "“CARDIOLOGY”已指向科室“心血管内科”"),  # another's code
        ("心内科", "", "name", "“心内科”已是科室“心血管内科”的别名"),
        ("睡眠医学科", "睡\x01眠", "aliases", "不能包含控制字符"),
    ],
)
def test_an_alias_may_not_name_another_department(
    admin_session: Session, name: str, aliases: str, field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        departments.save_department(admin_session, "sleep", name, "clinical", new=True, aliases=aliases)
    assert refused.value.field == field and message in str(refused.value)
    assert all(d.code != "sleep" for d in departments.list_departments())


def test_only_the_admin_edits_aliases(admin_session: Session) -> None:
    clerk = session_as(admin_session, "zhaomin", "clerk", display_name="赵敏")
    with pytest.raises(PermissionDenied):
        departments.save_department(clerk, "cardiology", "心血管内科", "clinical", new=False, aliases="xx")
    assert _by_code("cardiology").aliases == ("心内科", "心内", "心血管科")


def test_intake_takes_the_department_as_staff_write_it(admin_session: Session, fake_clock: FakeClock) -> None:
    officer = session_as(admin_session, "linxw", "officer", display_name="林晓雯")
    case = intake.register(officer, form(complainant_id_number="", visit_department="心内"))
    assert views.open_case(officer, case.case_id).visit_department == "心血管内科"
    with pytest.raises(ValidationError) as refused:
        intake.register(officer, form(complainant_id_number="", visit_department="yk"))
    assert refused.value.field == "visit_department" and "请写全称" in str(refused.value)


def test_an_edit_that_does_not_mention_aliases_keeps_them(admin_session: Session) -> None:
    departments.save_department(admin_session, "cardiology", "心血管内科", "clinical", "内线 3201", new=False)
    assert _by_code("cardiology").aliases == ("心内科", "心内", "心血管科")
    assert _by_code("cardiology").phone == "内线 3201"
