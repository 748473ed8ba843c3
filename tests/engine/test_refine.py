"""A branch may refine the school's scheme (narrow, add sub-items) but never exceed its bounds."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

from jifen.engine import Entry, Item, Member, check_refinement, compute, load_preset

JINING = load_preset("jining-2017")
CHUXIONG = load_preset("chuxiong-2019")


def _with_item(scheme, code, **changes):
    items = tuple(dataclasses.replace(i, **changes) if i.code == code else i for i in scheme.items)
    return dataclasses.replace(scheme, items=items)


def _with_category(scheme, key, **changes):
    categories = tuple(
        dataclasses.replace(c, **changes) if c.key == key else c for c in scheme.categories
    )
    return dataclasses.replace(scheme, categories=categories)


def _sub_item(code, **changes):
    fields = {
        "code": code,
        "title": "参加社区志愿服务",
        "category": "bonus",
        "min": Decimal(1),
        "max": Decimal(3),
    }
    fields.update(changes)
    return Item(**fields)


def test_a_scheme_refines_itself():
    assert check_refinement(JINING, JINING) == []


def test_narrowing_a_range_and_a_cap_is_a_refinement():
    child = _with_item(JINING, "A-J04", min=Decimal(2), max=Decimal(4), cap_per_period=Decimal(4))

    assert check_refinement(JINING, child) == []


def test_compute_uses_the_narrowed_bounds_of_the_child():
    child = _with_item(JINING, "A-J04", max=Decimal(4), cap_per_period=Decimal(4))
    member = Member("t1", "teacher", "一支部")
    entries = [
        Entry("t1", "A-J04", Decimal(4), datetime.date(2025, 3, 1), "confirmed"),
        Entry("t1", "A-J04", Decimal(3), datetime.date(2025, 4, 1), "confirmed"),
    ]

    assert compute(child, 2025, [member], entries).members[0].components["bonus"] == 4
    assert compute(JINING, 2025, [member], entries).members[0].components["bonus"] == 5


def test_widening_an_item_range_is_refused():
    child = _with_item(JINING, "A-J04", max=Decimal(6), cap_per_period=Decimal(5))

    assert check_refinement(JINING, child) == [
        "项目 A-J04（主动参与奉献社会（志愿服务等））：分值范围 1–6 超出上级方案 1–5"
    ]


def test_widening_or_removing_an_item_cap_is_refused():
    wider = _with_item(JINING, "A-J04", cap_per_period=Decimal(8))
    removed = _with_item(JINING, "A-J04", cap_per_period=None)

    assert "单项上限不得放宽或取消（上级方案 5，本方案 8）" in check_refinement(JINING, wider)[0]
    assert "单项上限不得放宽或取消（上级方案 5，本方案 无）" in check_refinement(JINING, removed)[0]


def test_widening_or_removing_a_category_cap_is_refused():
    wider = _with_category(CHUXIONG, "performance", cap_per_period=Decimal(40))

    assert check_refinement(CHUXIONG, wider) == [
        "类别 performance（履职分）：上限不得放宽或取消（上级方案 35，本方案 40）"
    ]


def test_changing_a_category_nature_is_refused():
    child = _with_category(CHUXIONG, "commendation", mode="sum")

    assert check_refinement(CHUXIONG, child) == [
        "类别 commendation（表彰加分）：不得改变加减性质、计分方式或所属上限"
    ]


def test_changing_period_base_or_floor_is_refused():
    child = dataclasses.replace(JINING, base=Decimal(85))

    assert check_refinement(JINING, child) == ["基础分不得改变（上级方案 80，本方案 85）"]
    assert "计分周期不得改变" in check_refinement(JINING, CHUXIONG)[0]


def test_removing_an_item_is_refused():
    child = dataclasses.replace(JINING, items=JINING.items[1:])

    assert check_refinement(JINING, child) == [
        "项目 A-B01（按时参加党的组织生活（三会一课、主题党日））：上级方案的项目不得删除"
    ]


def test_loosening_evidence_or_who_an_item_applies_to_is_refused():
    no_evidence = _with_item(JINING, "A-J04", evidence_required=False)
    everyone = _with_item(JINING, "A-J05", applies_to=("teacher", "student"))
    teachers_only = _with_item(JINING, "A-J04", applies_to=("teacher",))

    assert "不得取消" in check_refinement(JINING, no_evidence)[0]
    assert "适用对象不得超出上级方案" in check_refinement(JINING, everyone)[0]
    assert check_refinement(JINING, teachers_only) == []


def test_a_sub_item_within_its_parent_item_is_a_refinement():
    child = dataclasses.replace(
        JINING, items=(*JINING.items, _sub_item("A-J04-1", cap_per_period=Decimal(3)))
    )

    assert check_refinement(JINING, child) == []


def test_a_sub_item_beyond_its_parent_item_is_refused():
    child = dataclasses.replace(
        JINING, items=(*JINING.items, _sub_item("A-J04-1", max=Decimal(5), cap_per_period=None))
    )

    assert check_refinement(JINING, child) == [
        "新增项目 A-J04-1（参加社区志愿服务）：单项上限不得放宽或取消（上级方案 5，本方案 无）"
    ]


def test_a_new_item_must_stay_inside_its_category():
    too_big = _sub_item("A-J99", max=Decimal(8), cap_per_period=Decimal(8))
    no_cap = _sub_item("A-J98")

    problems = check_refinement(
        JINING, dataclasses.replace(JINING, items=(*JINING.items, too_big, no_cap))
    )

    assert problems == [
        "新增项目 A-J99（参加社区志愿服务）：分值范围 1–8 超出上级方案 1–5",
        "新增项目 A-J99（参加社区志愿服务）：单项上限不得放宽或取消（上级方案 5，本方案 8）",
        "新增项目 A-J98（参加社区志愿服务）：单项上限不得放宽或取消（上级方案 5，本方案 无）",
    ]


def test_a_new_category_is_refused():
    from jifen.engine import Category

    child = dataclasses.replace(
        JINING, categories=(*JINING.categories, Category("extra", "额外加分", "+"))
    )

    assert check_refinement(JINING, child) == ["新增类别 extra（额外加分）：细化方案不得新增类别"]
