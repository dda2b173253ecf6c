"""Bundled dictionaries: departments, categories, rejection reasons, external routes; pinyin search."""

from __future__ import annotations

from collections import Counter

import pytest

from app.dictionaries import (
    DEPARTMENT_KINDS,
    categories,
    category_by_code,
    category_leaves,
    category_path,
    department_by_code,
    departments,
    external_routes,
    match_category,
    parse_categories,
    parse_departments,
    pinyin_initials,
    rejection_reasons,
)
from app.errors import NotFoundError
from app.validation import clean_text


def test_departments_cover_a_general_hospital() -> None:
    deps = departments()
    assert len(deps) >= 35
    kinds = Counter(d.kind for d in deps)
    assert set(kinds) == set(DEPARTMENT_KINDS)
    assert kinds["clinical"] >= 20 and kinds["technical"] >= 5 and kinds["administrative"] >= 10
    names = {d.name for d in deps}
    for expected in (
        "心血管内科",
        "呼吸与危重症医学科",
        "普外科",
        "骨科",
        "妇产科",
        "儿科",
        "急诊科",
        "眼科",
        "检验科",
        "放射科",
        "超声医学科",
        "药剂科",
        "病理科",
        "医务部",
        "护理部",
        "门诊部",
        "财务科",
        "医保办",
        "总务科",
        "保卫科",
        "信息中心",
        "人事科",
        "纪检监察室",
    ):
        assert expected in names


def test_department_codes_and_names_are_unique_and_fit_the_schema() -> None:
    deps = departments()
    assert len({d.code for d in deps}) == len(deps)
    assert len({d.name for d in deps}) == len(deps)
    for d in deps:
        assert d.code.isascii() and 1 <= len(d.code) <= 16
        assert 1 <= len(d.name) <= 32


def test_department_by_code() -> None:
    assert department_by_code("med_insurance").name == "医保办"
    with pytest.raises(NotFoundError, match="科室代码“nope”不存在"):
        department_by_code("nope")


def test_category_tree_shape() -> None:
    leaves = category_leaves()
    assert len(leaves) >= 40
    nodes = categories()
    assert len({c.code for c in nodes}) == len(nodes)
    assert all(leaf.level == 3 for leaf in leaves)
    for c in nodes:
        if c.parent_code is not None:
            parent = category_by_code(c.parent_code)
            assert c.code.startswith(parent.code)
            assert c.path[:-1] == parent.path
            assert not parent.is_leaf
        assert c.name == clean_text(c.name, field="name", label="类别名称", max_len=32)
    top = {c.name for c in nodes if c.level == 1}
    for expected in (
        "医疗质量",
        "护理质量",
        "服务态度",
        "医疗费用",
        "医德医风",
        "就医环境",
        "后勤保障",
        "医保政策",
        "药品耗材",
        "安全保卫",
        "预约挂号与信息系统",
        "隐私保护",
        "医院感染",
    ):
        assert expected in top


def test_every_leaf_maps_to_an_existing_department() -> None:
    for leaf in category_leaves():
        assert department_by_code(leaf.department_code or "").code == leaf.department_code


@pytest.mark.parametrize(
    ("leaf_name", "department"),
    [
        ("误诊漏诊", "医务部"),
        ("重复收费或多收费", "价格管理办公室"),
        ("退费困难或退费慢", "财务科"),
        ("医保报销结算问题", "医保办"),
        ("门诊医生态度生硬", "门诊部"),
        ("护士态度生硬", "护理部"),
        ("收受红包或回扣", "纪检监察室"),
        ("疑似院内感染", "医院感染管理科"),
        ("个人信息泄露", "信息中心"),
        ("财物被盗", "保卫科"),
        ("发药差错", "药剂科"),
    ],
)
def test_default_responsible_departments(leaf_name: str, department: str) -> None:
    (leaf,) = [c for c in category_leaves() if c.name == leaf_name]
    assert department_by_code(leaf.department_code or "").name == department


def test_category_path() -> None:
    (leaf,) = [c for c in category_leaves() if c.name == "误诊漏诊"]
    assert category_path(leaf.code) == ("医疗质量", "诊断问题", "误诊漏诊")
    assert leaf.full_name == "医疗质量 / 诊断问题 / 误诊漏诊"
    assert category_path(leaf.parent_code or "") == ("医疗质量", "诊断问题")
    with pytest.raises(NotFoundError):
        category_path("999999")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"categories": [{"code": "01", "name": "甲"}]}, "no responsible department"),
        ({"categories": [{"code": "01", "name": "甲", "department": "nowhere"}]}, "unknown department"),
        (
            {
                "categories": [
                    {"code": "01", "name": "甲", "department": "finance"},
                    {"code": "01", "name": "乙", "department": "finance"},
                ]
            },
            "duplicate category code",
        ),
        (
            {
                "categories": [
                    {
                        "code": "1",
                        "name": "一",
                        "children": [
                            {
                                "code": "2",
                                "name": "二",
                                "children": [
                                    {
                                        "code": "3",
                                        "name": "三",
                                        "children": [{"code": "4", "name": "四", "department": "finance"}],
                                    }
                                ],
                            }
                        ],
                    }
                ]
            },
            "deeper than 3 levels",
        ),
    ],
)
def test_parse_categories_rejects_bad_data(data: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_categories(data, ["finance"])


def test_parse_departments_rejects_bad_data() -> None:
    with pytest.raises(ValueError, match="duplicate department code"):
        parse_departments({"departments": [{"code": "a", "name": "甲", "kind": "clinical"}] * 2})
    with pytest.raises(ValueError, match="unknown kind"):
        parse_departments({"departments": [{"code": "a", "name": "甲", "kind": "medical"}]})


def test_rejection_reasons_are_the_five_defaults() -> None:
    assert {r.code: r.text for r in rejection_reasons()} == {
        "court_or_mediation": "已向法院起诉或申请第三方调解",
        "authority_handled": "已由卫生健康主管部门或信访部门处理",
        "no_subject_facts": "无明确投诉对象和具体事实",
        "criminal": "涉及治安或刑事案件",
        "out_of_scope": "不属于投诉管理部门职权范围",
    }


def test_external_routes() -> None:
    routes = {r.id: r for r in external_routes()}
    assert {r.name for r in routes.values()} == {"人民调解", "行政调解", "诉讼", "医学会鉴定", "信访"}
    assert {r.name for r in routes.values() if r.article_22} == {"人民调解", "行政调解", "诉讼"}
    assert all(r.description for r in routes.values())


@pytest.mark.parametrize(
    ("text", "initials"),
    [
        ("误诊漏诊", "wzlz"),
        ("医疗质量", "ylzl"),
        ("重大", "zd"),
        ("CT检查", "ctjc"),
        ("12345热线", "12345rx"),
        ("医保·政策（试行）", "ybzcsx"),
        ("", ""),
    ],
)
def test_pinyin_initials(text: str, initials: str) -> None:
    assert pinyin_initials(text) == initials


def _names(query: str) -> list[str]:
    return [c.name for c in match_category(query, category_leaves())]


@pytest.mark.parametrize("query", ["wz", "WZ", "wzlz", "误诊", "误诊漏诊", "wuzhen", "010101", " wz "])
def test_match_category_finds_misdiagnosis_first(query: str) -> None:
    assert _names(query)[0] == "误诊漏诊"


@pytest.mark.parametrize("query", ["ylzl", "医疗质量", "医疗", "yiliao"])
def test_match_category_by_first_level(query: str) -> None:
    names = _names(query)
    under_quality = [c.name for c in category_leaves() if c.path[0] == "医疗质量"]
    assert set(under_quality) <= set(names)
    assert "误诊漏诊" in names


def test_match_category_ranking_and_terms() -> None:
    assert _names("医保")[0] == "医保报销结算问题"
    assert _names("hl cz") == ["护理操作差错", "穿刺注射技术不佳"]
    assert _names("") == [c.name for c in category_leaves()]
    assert _names("zzzzqqq") == []
    # a leaf whose own name matches ranks before one that matches only through a parent level
    fees = _names("收费")
    assert fees.index("重复收费或多收费") < fees.index("费用清单不清")
