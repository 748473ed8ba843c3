"""Scoring rules one by one: caps, max mode, nesting, floor, ceiling, veto, reversals, months,
exempt members, ranking and grades, and what the explanation says."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

from jifen.engine import (
    Entry,
    Member,
    compute,
    load_preset,
    result_to_dict,
    scheme_from_dict,
    scheme_to_dict,
)

JINING = load_preset("jining-2017")
CHUXIONG = load_preset("chuxiong-2019")
D = Decimal


def _entry(member, item, points, day, status="confirmed", reverses=None):
    return Entry(member, item, D(points), datetime.date.fromisoformat(day), status, reverses)


def _one(scheme, *entries, member=None):
    member = member or Member("t1", "teacher", "一支部")
    return compute(scheme, 2025, [member], list(entries)).members[0]


def test_base_only():
    result = _one(JINING)

    assert result.total == D("80.00")
    assert result.components == {
        "base": 80,
        "base_deduction": 0,
        "bonus": 0,
        "deduction": 0,
        "veto": 0,
    }
    assert result.months is None
    assert (result.rank, result.ranked, result.grade, result.flags) == (1, 1, "qualified", ())


def test_item_cap_counts_per_year_and_is_explained():
    result = _one(
        JINING,
        _entry("t1", "A-J04", 3, "2025-03-01"),
        _entry("t1", "A-J04", 4, "2025-05-01"),
    )

    assert result.components["bonus"] == 5
    assert "单项上限：A-J04 主动参与奉献社会（志愿服务等） 上限 5 分，不计 2 分" in result.explain


def test_explain_lists_base_entries_total_rank_and_grade():
    result = _one(JINING, _entry("t1", "A-J04", 3, "2025-03-14"))

    assert list(result.explain) == [
        "基础分 80",
        "加分 A-J04 主动参与奉献社会（志愿服务等） +3 (2025-03-14)",
        "总分 83.00",
        "排名（一支部）：第 1 名，共 1 人",
        "等级：合格（总分 83.00 ≥ 75）",
    ]


def test_floor_stops_deductions_at_zero():
    entries = [_entry("t1", f"B-D0{n}", 10, "2025-02-0" + str(n)) for n in (3, 4, 5)]
    entries += [_entry("t1", "B-D06", 20, "2025-02-06"), _entry("t1", "B-D06", 20, "2025-02-07")]

    result = _one(CHUXIONG, *entries)

    assert result.months[2] == 0
    assert result.components["deduction"] == -70
    assert "2月 合计 -10 分低于最低分，按 0 分计（扣完为止，不再扣 10 分）" in result.explain


def test_max_mode_keeps_the_highest_commendation_of_the_month():
    result = _one(
        CHUXIONG,
        _entry("t1", "B-C02", 12, "2025-03-03"),
        _entry("t1", "B-C04", 6, "2025-03-04"),
        _entry("t1", "B-C05", 3, "2025-04-04"),
    )

    assert result.months[3] == 72
    assert result.months[4] == 63
    assert result.components["commendation"] == 15
    assert "3月 表彰加分以最高一项计、不累加：计 12 分，另 1 项共 6 分不计" in result.explain


def test_nested_category_takes_its_share_first():
    result = _one(
        CHUXIONG,
        _entry("t1", "B-C01", 15, "2025-05-05"),
        _entry("t1", "B-P01", 10, "2025-05-06"),
        _entry("t1", "B-P05", 10, "2025-05-07"),
        _entry("t1", "B-P04", 5, "2025-05-08"),
    )

    assert result.months[5] == 95
    assert (result.components["commendation"], result.components["performance"]) == (15, 20)
    assert any("只计 20 分，不计 5 分" in line for line in result.explain)


def test_inner_share_is_cut_to_the_outer_cap():
    tight = dataclasses.replace(
        CHUXIONG,
        categories=tuple(
            dataclasses.replace(c, cap_per_period=D(10)) if c.key == "commendation" else c
            for c in CHUXIONG.categories
        ),
    )

    result = _one(tight, _entry("t1", "B-C01", 15, "2025-05-05"))

    assert result.components["commendation"] == 10
    assert "5月 类别上限：表彰加分 上限 10 分，不计 5 分" in result.explain


def test_ceiling_caps_a_period_total():
    data = scheme_to_dict(JINING)
    data["ceiling"] = "84"
    capped = scheme_from_dict(data)

    result = _one(
        capped, _entry("t1", "A-J01", 5, "2025-03-01"), _entry("t1", "A-J02", 5, "2025-04-01")
    )

    assert result.total == 84
    assert result.components["bonus"] == 10
    assert "合计 90 分高于最高分，按 84 分计" in result.explain


def test_veto_sets_total_zero_but_keeps_components():
    result = _one(
        JINING, _entry("t1", "A-J01", 5, "2025-03-01"), _entry("t1", "A-V02", 0, "2025-09-01")
    )

    assert (result.total, result.veto, result.grade) == (0, True, "unqualified")
    assert result.components["bonus"] == 5
    assert result.flags == ("admonish", "unqualified", "veto")
    assert "一票否决（A-V02）：总分计为 0" in result.explain


def test_veto_in_a_monthly_scheme_keeps_the_months():
    result = _one(
        CHUXIONG, _entry("t1", "B-P01", 10, "2025-01-05"), _entry("t1", "B-V01", 0, "2025-06-01")
    )

    assert result.total == 0
    assert result.months[1] == 70
    assert "veto" in result.flags


def test_unconfirmed_veto_does_not_count():
    result = _one(JINING, _entry("t1", "A-V01", 0, "2025-09-01", status="publicized"))

    assert (result.total, result.veto) == (80, False)
    assert (
        "未认定（公示中），不计分：一票否决 A-V01 违反党的纪律受到党纪处分 (2025-09-01)"
        in result.explain
    )


def test_confirmed_reversal_cancels_the_entry_and_adds_nothing():
    result = _one(
        JINING,
        _entry("t1", "A-K01", 3, "2025-03-01"),
        _entry("t1", "A-K01", 3, "2025-03-20", reverses=0),
    )

    assert result.total == 80
    assert "冲正 entries[1]：撤销 entries[0]，两条均不计分" in result.explain


def test_reversal_not_yet_confirmed_leaves_the_entry_counting():
    result = _one(
        JINING,
        _entry("t1", "A-K01", 3, "2025-03-01"),
        _entry("t1", "A-K01", 3, "2025-03-20", status="submitted", reverses=0),
    )

    assert result.total == 77


def test_monthly_mean_rounds_half_up_over_in_scope_months():
    member = Member("w3", "teacher", "一支部", (10, 11, 12))

    result = _one(CHUXIONG, _entry("w3", "B-P02", 1, "2025-10-01"), member=member)

    assert result.months == {10: 61, 11: 60, 12: 60}
    assert result.total == D("60.33")  # 181 / 3 = 60.333...
    assert result.components["base"] == 180


def test_monthly_mean_rounds_half_up_at_the_half_cent():
    member = Member("w", "teacher", "一支部", tuple(range(1, 9)))  # 8 months

    result = _one(CHUXIONG, _entry("w", "B-P02", 1, "2025-01-01"), member=member)

    assert result.total == D("60.13")  # 481 / 8 = 60.125 → 60.13


def test_exempt_member_is_not_scored_nor_ranked():
    people = [
        Member("a", "teacher", "一支部"),
        Member("x", "teacher", "一支部", exempt=True),
        Member("b", "teacher", "一支部"),
    ]

    result = compute(JINING, 2025, people, [_entry("a", "A-J01", 2, "2025-03-01")])

    exempt = result.member("x")
    assert (exempt.total, exempt.components, exempt.rank, exempt.ranked) == (None, None, None, 2)
    assert (exempt.grade, exempt.flags, list(exempt.explain)) == ("exempt", (), ["不列入管理范围"])
    assert [m.rank for m in result.members] == [1, None, 2]


def test_competition_ranking_per_group():
    people = [Member(f"m{n}", "teacher", "一支部" if n < 4 else "二支部") for n in range(6)]
    entries = [
        _entry("m0", "A-J01", 3, "2025-03-01"),
        _entry("m1", "A-J01", 3, "2025-03-01"),
        _entry("m2", "A-J01", 1, "2025-03-01"),
        _entry("m4", "A-K01", 1, "2025-03-01"),
    ]

    result = compute(JINING, 2025, people, entries)

    assert [(m.rank, m.ranked) for m in result.members] == [
        (1, 4),
        (1, 4),
        (3, 4),
        (4, 4),
        (2, 2),
        (1, 2),
    ]


def test_top_share_needs_rank_within_ceil_of_share():
    people = [Member(f"g{n}", "teacher", "一支部") for n in range(4)]
    entries = [
        _entry(f"g{n}", "B-P01", 10, f"2025-{m:02d}-01") for n in range(3) for m in range(1, 13)
    ] + [_entry(f"g{n}", "B-P05", 10, f"2025-{m:02d}-02") for n in range(3) for m in range(1, 13)]
    entries += [
        _entry(f"g{n}", "B-P02", 5, f"2025-{m:02d}-03") for n in range(3) for m in range(1, 13)
    ]

    result = compute(CHUXIONG, 2025, people, entries)

    # three members tie at 85 on rank 1; ceil(0.3 × 4) = 2, and rank 1 ≤ 2: but 85 < 90
    assert [m.grade for m in result.members] == ["fairly_good"] * 3 + ["poor"]
    assert result.members[3].flags == ("admonish", "no_award")


def test_bottom_share_counts_members_strictly_lower():
    people = [Member(f"m{n}", "teacher", "一支部") for n in range(10)]

    result = compute(CHUXIONG, 2025, people, [])

    # all tie at 60: nobody is strictly lower, so every member is in the bottom 10 %
    assert {m.grade for m in result.members} == {"poor"}
    assert {m.flags for m in result.members} == {("admonish", "no_award")}


def test_no_identity_flag_whatever_the_total():
    result = _one(
        JINING, _entry("t1", "A-B06", 1, "2025-03-01"), _entry("t1", "A-J01", 5, "2025-04-01")
    )

    assert (result.total, result.grade, result.flags) == (84, "qualified", ("admonish",))
    assert "标记 诫勉谈话：有未亮明身份的记分记录（A-B06）" in result.explain


def test_pending_when_no_grade_rule_decides():
    data = scheme_to_dict(JINING)
    data["grades"] = data["grades"][:2]  # nothing below 75

    result = _one(
        scheme_from_dict(data),
        _entry("t1", "A-K01", 5, "2025-03-01"),
        _entry("t1", "A-K02", 5, "2025-04-01"),
    )

    assert (result.total, result.grade) == (70, "pending")
    assert "等级：待支部研究确定（没有适用的等级规则，由支部研究确定）" in result.explain


def test_results_keep_the_order_of_the_members():
    people = [Member(n, "student", "一支部") for n in ("c", "a", "b")]

    result = compute(JINING, 2025, people, [])

    assert [m["id"] for m in result_to_dict(result)["members"]] == ["c", "a", "b"]


def test_result_dict_writes_two_decimals_and_null_months_for_a_yearly_scheme():
    data = result_to_dict(compute(JINING, 2025, [Member("t", "teacher", "g")], []))

    member = data["members"][0]
    assert member["total"] == "80.00"
    assert member["components"]["deduction"] == "0.00"
    assert member["months"] is None
    assert data["scheme"] == "jining-2017" and data["year"] == 2025
