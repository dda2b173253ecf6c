"""The category dictionary editor: add, rename, move, retire (never delete one in use), reinstate,
default departments and the pinyin search preview."""

from __future__ import annotations

import pytest

from app import categories
from app.cases import intake
from app.cases.category_tree import category_leaves
from app.errors import PermissionDenied, ValidationError
from app.session import Session
from models.audit import AuditEntry
from models.cases import Case, Category
from tests.support.cases import FakeClock
from tests.support.desk import open_desk


def _node(session: Session, code: str) -> categories.CategoryInfo:
    return next(c for c in categories.tree(session) if c.code == code)


def test_add_rename_move_keep_paths_levels_and_order(admin_session: Session) -> None:
    top = categories.add_category(admin_session, None, "互联网医院", None)
    assert (top.level, top.path, top.parent_code) == (1, "互联网医院", None)
    group = categories.add_category(admin_session, top.code, "在线问诊")
    leaf = categories.add_category(admin_session, group.code, "回复不及时", "medical_affairs")
    assert leaf.code.startswith(group.code) and leaf.level == 3
    assert leaf.path == "互联网医院 / 在线问诊 / 回复不及时"
    assert leaf.department_name

    categories.rename_category(admin_session, group.code, "线上复诊")
    assert _node(admin_session, leaf.code).path == "互联网医院 / 线上复诊 / 回复不及时"

    # move the group (with its leaf) under 01 医疗质量: the leaf's path follows, codes stay
    categories.move_category(admin_session, group.code, "01")
    moved = _node(admin_session, leaf.code)
    assert moved.path.startswith("医疗质量 / 线上复诊 / ") and moved.level == 3
    tree = categories.tree(admin_session)
    codes = [c.code for c in tree]
    assert codes.index("01") < codes.index(group.code) < codes.index(leaf.code) < codes.index("02")
    # the picker now offers the leaf in dictionary order
    assert any(leaf.code == c.code for c in category_leaves())
    actions = [e.action for e in AuditEntry.select().where(AuditEntry.action.startswith("category."))]
    assert actions == ["category.added"] * 3 + ["category.renamed", "category.moved"]


def test_tree_depth_and_sibling_names_are_checked(admin_session: Session) -> None:
    with pytest.raises(ValidationError, match="最多 3 级"):
        categories.add_category(admin_session, "010101", "更细的一级")
    with pytest.raises(ValidationError, match="同一级下已有“诊断问题”"):
        categories.add_category(admin_session, "01", "诊断问题")
    with pytest.raises(ValidationError, match="超过 3 级"):
        categories.move_category(admin_session, "0101", "0201")  # a 2-level subtree under a level-2 node
    with pytest.raises(ValidationError, match="自己或它的下级"):
        categories.move_category(admin_session, "01", "0101")
    with pytest.raises(ValidationError, match="不能为空"):
        categories.rename_category(admin_session, "0101", "  ")
    with pytest.raises(ValidationError, match="只有最末一级"):
        categories.set_default_department(admin_session, "0101", "medical_affairs")


def test_retire_rule_in_use_categories_are_retired_never_deleted(
    admin_session: Session, fake_clock: FakeClock
) -> None:
    desk = open_desk(admin_session, fake_clock, new={"clerk": ("clerk", "前台文员", ["clerk"])})
    case_id = desk.register("clerk", category="010101").case_id

    before = _node(admin_session, "010101")
    assert before.in_use and before.case_count == 1 and not before.deletable
    assert _node(admin_session, "0101").case_count == 1  # counted under its parents too
    with pytest.raises(ValidationError, match="已有案件使用该类别，不能删除"):
        categories.delete_category(admin_session, "010101")
    assert Category.get_or_none(Category.code == "010101") is not None

    categories.retire_category(admin_session, "0101")  # the group and every leaf below it
    retired = {c.code: c.active for c in categories.tree(admin_session) if c.code.startswith("0101")}
    assert retired and not any(retired.values())
    # the old case keeps its category (and its count), new cases cannot pick it
    assert Case.get_by_id(case_id).category.code == "010101"
    assert _node(admin_session, "010101").case_count == 1
    assert all(not leaf.code.startswith("0101") for leaf in category_leaves())
    with pytest.raises(ValidationError, match="最末一级"):
        intake.register(desk["clerk"], desk.form(category="010102"))
    # a leaf below a retired group comes back only with its group
    with pytest.raises(ValidationError, match="请先恢复上级类别"):
        categories.reinstate_category(admin_session, "010102")
    categories.reinstate_category(admin_session, "0101")
    assert any(leaf.code == "010102" for leaf in category_leaves())


def test_an_unused_leaf_can_be_deleted(admin_session: Session) -> None:
    leaf = categories.add_category(admin_session, "0101", "临时类别", "medical_affairs")
    assert leaf.deletable
    categories.delete_category(admin_session, leaf.code)
    assert Category.get_or_none(Category.code == leaf.code) is None
    with pytest.raises(ValidationError, match="下面还有类别"):
        categories.delete_category(admin_session, "0101")


def test_search_preview_uses_the_pickers_pinyin_matching(admin_session: Session) -> None:
    keys = categories.search_keys("误诊漏诊")
    assert (keys.initials, keys.spelled) == ("wzlz", "wuzhenlouzhen")
    found = categories.search_preview(admin_session, "wzlz")
    assert found and found[0].code == "010101"
    categories.retire_category(admin_session, "010101")
    assert all(c.code != "010101" for c in categories.search_preview(admin_session, "wzlz"))


def test_only_the_admin_edits_the_dictionary(admin_session: Session, fake_clock: FakeClock) -> None:
    desk = open_desk(admin_session, fake_clock, new={"officer": ("officer", "专员", ["officer"])})
    with pytest.raises(PermissionDenied):
        categories.retire_category(desk["officer"], "010101")
    with pytest.raises(PermissionDenied):
        categories.tree(desk["officer"])
    assert _node(admin_session, "010101").active


def test_lists_still_filter_by_a_retired_category(admin_session: Session, fake_clock: FakeClock) -> None:
    from app.cases import queues

    desk = open_desk(admin_session, fake_clock, new={"officer": ("officer", "专员", ["officer"])})
    categories.retire_category(admin_session, "0101")
    names = {c.code: c.name for c in queues.filter_choices(desk["officer"]).categories}
    assert names["0101"] == "诊断问题（已停用）" and names["010101"] == "误诊漏诊（已停用）"
    assert names["0102"] == "治疗问题"
