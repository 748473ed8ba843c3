"""Schemes: the packaged presets, the JSON round trip, and every contradiction refused by name."""

from __future__ import annotations

import copy
import dataclasses
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from jifen.engine import (
    PRESET_KEYS,
    EngineError,
    load_preset,
    preset_dicts,
    scheme_from_dict,
    scheme_to_dict,
)

SHARED_PRESETS = Path(__file__).parent.parents[1] / "jifen" / "engine" / "presets.json"


def _preset(key: str) -> dict[str, Any]:
    return copy.deepcopy(scheme_to_dict(load_preset(key)))


def _problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(EngineError) as refused:
        scheme_from_dict(data)
    return refused.value.problems


def _item(data: dict[str, Any], code: str) -> dict[str, Any]:
    return next(i for i in data["items"] if i["code"] == code)


def _category(data: dict[str, Any], key: str) -> dict[str, Any]:
    return next(c for c in data["categories"] if c["key"] == key)


def test_preset_keys_name_both_presets():
    assert PRESET_KEYS == ("jining-2017", "chuxiong-2019")


@pytest.mark.parametrize("key", PRESET_KEYS)
def test_preset_round_trips_through_its_json_form(key):
    data = _preset(key)

    assert scheme_to_dict(scheme_from_dict(data)) == data
    assert scheme_from_dict(data) == load_preset(key)


def test_packaged_presets_file_reads_back_unchanged():
    packaged = json.loads(SHARED_PRESETS.read_text(encoding="utf-8"), parse_float=Decimal)

    assert preset_dicts() == packaged["presets"]


def test_packaged_presets_keep_the_prose_flags_and_add_flag_rules():
    jining, chuxiong = preset_dicts()

    assert jining["flag_rules"] == [
        {"flag": "admonish", "below": "75"},
        {"flag": "admonish", "marks_no_identity": True},
        {"flag": "unqualified", "below": "60"},
    ]
    assert chuxiong["flag_rules"] == [
        {"flag": "admonish", "rank": {"bottom": "0.10"}},
        {"flag": "no_award", "rank": {"bottom": "0.10"}},
        {"flag": "unqualified", "below": "60"},
    ]
    assert set(jining["flags"]) == {"admonish", "unqualified", "veto"}


def test_unknown_preset_is_refused():
    with pytest.raises(EngineError, match='未知的预设方案 "jining"'):
        load_preset("jining")


def test_preset_numbers_are_decimals():
    scheme = load_preset("chuxiong-2019")

    assert scheme.base == Decimal("60")
    assert scheme.category("performance").cap_per_period == Decimal("35")
    assert scheme.grades[0].rank.share == Decimal("0.30")


# Each contradiction, with (a fragment of) the message that must name it.
def _min_above_max(d):
    _item(d, "A-J04")["min"] = "6"


def _negative_max(d):
    _item(d, "A-J04")["max"] = "-1"


def _not_half_step(d):
    _item(d, "A-J04")["max"] = "4.3"


def _cap_below_min(d):
    _item(d, "A-J04").update(min="3", cap_per_period="2")


def _unknown_category(d):
    _item(d, "A-J04")["category"] = "extra"


def _duplicate_code(d):
    _item(d, "A-J03")["code"] = "A-J04"


def _duplicate_category(d):
    _category(d, "deduction")["key"] = "bonus"


def _nested_in_uncapped(d):
    _category(d, "bonus")["inside"] = "deduction"


def _nested_in_nested(d):
    _category(d, "performance")["inside"] = "deduction"


def _nested_other_sign(d):
    _category(d, "deduction").update(inside="performance", cap_per_period="10")


def _inner_cap_above_outer(d):
    _category(d, "commendation")["cap_per_period"] = "40"


def _veto_item_with_points(d):
    _item(d, "A-V01").update(min="1", max="2")


def _veto_max_mode(d):
    _category(d, "veto")["mode"] = "max"


def _unknown_member_category(d):
    _item(d, "A-J04")["applies_to"] = ["teacher", "staff"]


def _empty_applies_to(d):
    _item(d, "A-J04")["applies_to"] = []


def _floor_above_base(d):
    d["floor"] = "90"


def _ceiling_below_floor(d):
    d.update(floor="10", ceiling="5")


def _publicity_days_zero(d):
    d["publicity_days"] = 0


def _unreachable_grade(d):
    d["grades"].insert(2, {"key": "good_enough", "title": "尚可", "min_total": "80"})


def _grade_after_otherwise(d):
    d["grades"].append({"key": "late", "title": "迟到", "min_total": "90"})


def _duplicate_grade(d):
    d["grades"][1]["key"] = "excellent_candidate"


def _bad_share(d):
    d["grades"][0]["rank"] = {"top": "1.5"}


def _zero_share(d):
    d["flag_rules"][0]["rank"] = {"bottom": "0"}


def _bad_period(d):
    d["period"] = "week"


def _bad_flag(d):
    d["flag_rules"].append({"flag": "praise", "below": "90"})


def _flag_without_condition(d):
    d["flag_rules"].append({"flag": "admonish"})


def _reserved_grade(d):
    d["grades"][0]["key"] = "exempt"


def _reserved_category(d):
    _category(d, "bonus")["key"] = "base"
    for item in d["items"]:
        if item["category"] == "bonus":
            item["category"] = "base"


def _unknown_key(d):
    _item(d, "A-J04")["cap"] = "5"


def _number_typo(d):
    d["base"] = "eighty"


CONTRADICTIONS = [
    ("jining-2017", _min_above_max, "items[A-J04]: 最低分值 6 大于最高分值 5"),
    ("jining-2017", _negative_max, "items[A-J04]: 最高分值 -1 不能为负数"),
    ("jining-2017", _not_half_step, "items[A-J04]: 最高分值 4.3 不是 0.5 的整数倍"),
    ("jining-2017", _cap_below_min, "items[A-J04]: 单项上限 2 小于最低分值 3"),
    ("jining-2017", _unknown_category, 'items[A-J04]: 未知类别 "extra"'),
    ("jining-2017", _duplicate_code, "items[A-J04]: 项目编号重复"),
    ("jining-2017", _duplicate_category, "categories[bonus]: 类别标识重复"),
    (
        "jining-2017",
        _nested_in_uncapped,
        'categories[bonus]: 计入类别 "deduction" 的上限（inside），但该类别没有上限',
    ),
    (
        "chuxiong-2019",
        _nested_in_nested,
        'categories[commendation]: 计入类别 "performance" 的上限（inside），'
        '但该类别本身又计入类别 "deduction"',
    ),
    (
        "chuxiong-2019",
        _nested_other_sign,
        'categories[deduction]: 加减性质 - 与所计入的类别 "performance"（+）不同',
    ),
    (
        "chuxiong-2019",
        _inner_cap_above_outer,
        'categories[commendation]: 类别上限 40 大于其所计入的类别 "performance" 的上限 35',
    ),
    (
        "jining-2017",
        _veto_item_with_points,
        "items[A-V01]: 一票否决项目的分值只能为 0（范围 0–0），不能为 1–2",
    ),
    ("jining-2017", _veto_max_mode, "categories[veto]: 一票否决类别不能使用计分方式 max"),
    ("jining-2017", _unknown_member_category, 'items[A-J04]: applies_to 中的 "staff" 无效'),
    ("jining-2017", _empty_applies_to, "items[A-J04]: applies_to 为空"),
    ("jining-2017", _floor_above_base, "最低分 90 大于基础分 80"),
    ("jining-2017", _ceiling_below_floor, "最高分 5 小于最低分 10"),
    ("jining-2017", _publicity_days_zero, "publicity_days: 公示天数 0 小于 1"),
    ("jining-2017", _unreachable_grade, "grades[good_enough]: 该规则永远不会生效"),
    ("chuxiong-2019", _grade_after_otherwise, "grades[late]: 该规则永远不会生效"),
    ("jining-2017", _duplicate_grade, "grades[excellent_candidate]: 等级标识重复"),
    ("chuxiong-2019", _bad_share, "grades[good]: 排名比例 1.5 不在 (0, 1] 范围内"),
    ("chuxiong-2019", _zero_share, "flag_rules[0]: 排名比例 0 不在 (0, 1] 范围内"),
    ("jining-2017", _bad_period, 'period: 计分周期 "week" 无效'),
    ("jining-2017", _bad_flag, 'flag_rules[3]: 标记 flag "praise" 无效'),
    (
        "jining-2017",
        _flag_without_condition,
        "flag_rules[3]: below、marks_no_identity、rank 须恰好给出其中一项",
    ),
    ("jining-2017", _reserved_grade, 'grades[exempt]: "exempt" 保留给不列入管理范围的党员'),
    ("jining-2017", _reserved_category, 'categories[base]: "base" 保留给基础分'),
    ("jining-2017", _unknown_key, 'items[13]: 未知字段 "cap"'),
    ("jining-2017", _number_typo, "scheme: 字段 base 的值 'eighty' 不是数字"),
]


@pytest.mark.parametrize(
    ("key", "spoil", "message"), CONTRADICTIONS, ids=[c[1].__name__[1:] for c in CONTRADICTIONS]
)
def test_contradiction_is_refused_by_name(key, spoil, message):
    data = _preset(key)
    spoil(data)

    problems = _problems(data)

    assert any(message in problem for problem in problems), problems


def test_every_problem_is_listed_at_once():
    data = _preset("jining-2017")
    _unknown_category(data)
    _floor_above_base(data)
    _unreachable_grade(data)

    problems = _problems(data)

    assert len(problems) == 3
    assert problems[0] == "最低分 90 大于基础分 80"


def test_grade_rules_with_rank_conditions_do_not_hide_later_rules():
    data = _preset("chuxiong-2019")
    data["grades"].insert(
        0, {"key": "star", "title": "之星", "min_total": "95", "rank": {"top": "0.1"}}
    )

    assert scheme_from_dict(data).grades[0].key == "star"


def test_a_band_between_two_rules_is_reachable():
    data = _preset("jining-2017")
    data["grades"] = [
        {"key": "low", "title": "低", "max_total_below": "60"},
        {"key": "high", "title": "高", "min_total": "60"},
    ]

    assert [g.key for g in scheme_from_dict(data).grades] == ["low", "high"]


def test_everything_after_a_full_cover_is_unreachable():
    data = _preset("jining-2017")
    data["grades"] = [
        {"key": "low", "title": "低", "max_total_below": "60"},
        {"key": "high", "title": "高", "min_total": "60"},
        {"key": "never", "title": "无", "otherwise": True},
    ]

    assert _problems(data) == [
        "grades[never]: 该规则永远不会生效：它能匹配的每个总分，都已由前面不带排名条件的规则决定"
    ]


def test_scheme_built_from_dataclasses_is_checked_too():
    scheme = load_preset("jining-2017")
    broken = scheme.items[0].__class__(
        code="X-1", title="坏", category="bonus", min=Decimal(5), max=Decimal(1)
    )

    with pytest.raises(EngineError, match=r"items\[X-1\]: 最低分值 5 大于最高分值 1"):
        type(scheme)(**{**_fields(scheme), "items": (*scheme.items, broken)})


def _fields(scheme):
    return {name: getattr(scheme, name) for name in scheme.__dataclass_fields__}


def test_missing_parts_are_named():
    problems = _problems({"key": "x"})

    assert "scheme: 缺少字段 title" in problems
    assert "scheme: 缺少字段 categories" in problems
    assert "scheme: 缺少字段 flag_rules" in problems


def test_a_scheme_takes_tuples_only():
    scheme = load_preset("jining-2017")
    listed = dataclasses.replace(scheme.items[0], applies_to=["teacher"])

    with pytest.raises(EngineError, match=r"items: 必须是元组（tuple）"):
        dataclasses.replace(scheme, items=list(scheme.items))
    with pytest.raises(EngineError, match=r"items\[A-B01\]: applies_to 必须是元组（tuple）"):
        dataclasses.replace(scheme, items=(listed, *scheme.items[1:]))
