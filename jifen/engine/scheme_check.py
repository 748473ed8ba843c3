"""The contradictions a scheme may not contain, each reported with the part it is in.

Runs when a Scheme is built. Every check appends to one list, so a user editing a scheme sees
every problem at once, in Simplified Chinese after the part's name (e.g.
`items[A-J04]: 最低分值 6 大于最高分值 5`).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from .amounts import ZERO, is_step, plain
from .vocab import (
    ANNUAL_MEAN,
    BASE_COMPONENT,
    EXEMPT_GRADE,
    MEMBER_CATEGORIES,
    MODES,
    PERIODS,
    RANK_SIDES,
    RULE_FLAGS,
    SIGNS,
)

if TYPE_CHECKING:
    from .scheme import Category, FlagRule, GradeRule, Item, RankShare, Scheme

# Scheme numbers beyond this are typing mistakes, and they would overflow two-decimal output.
LIMIT = Decimal(1_000_000)
INFINITY = Decimal("Infinity")


def _number_problems(where: str, name: str, value: Decimal | None, *, step: bool) -> list[str]:
    """Check one number: finite, not negative, not absurd; in half-point steps where `step`.

    `name` is what the reader calls the number (基础分, 最低分值, min_total...).
    """
    if value is None:
        return []
    if not isinstance(value, Decimal) or not value.is_finite():
        return [f"{where}: {name} {value} 不是有效数字"]
    if value < 0:
        return [f"{where}: {name} {plain(value)} 不能为负数"]
    if value >= LIMIT:
        return [f"{where}: {name} {plain(value)} 过大（须小于 {plain(LIMIT)}）"]
    if step and not is_step(value):
        return [f"{where}: {name} {plain(value)} 不是 0.5 的整数倍"]
    if not step and value != value.quantize(Decimal("0.01")):
        return [f"{where}: {name} {plain(value)} 超过两位小数"]
    return []


def _duplicates(where: str, keys: Iterable[str], what: str) -> list[str]:
    seen: set[str] = set()
    problems = []
    for key in keys:
        if not key:
            problems.append(f"{where}: 有一个{what}为空")
        elif key in seen:
            problems.append(f"{where}[{key}]: {what}重复")
        seen.add(key)
    return problems


def _top_problems(scheme: Scheme) -> list[str]:
    problems = []
    if not scheme.key:
        problems.append("key: 方案标识为空")
    if scheme.period not in PERIODS:
        problems.append(
            f'period: 计分周期 "{scheme.period}" 无效，应为 year（按年）或 month（按月）'
        )
    if scheme.annual is not None and (scheme.annual != ANNUAL_MEAN or scheme.period != "month"):
        problems.append(
            f'annual: "{scheme.annual}" 无效（只能为 "{ANNUAL_MEAN}"，且只用于按月记分的方案）'
        )
    numbers = []
    for name, title in (("base", "基础分"), ("floor", "最低分"), ("ceiling", "最高分")):
        numbers += _number_problems(name, title, getattr(scheme, name), step=False)
    problems += numbers
    if not numbers and scheme.floor > scheme.base:
        problems.append(f"最低分 {plain(scheme.floor)} 大于基础分 {plain(scheme.base)}")
    if not numbers and scheme.ceiling is not None and scheme.ceiling < scheme.floor:
        problems.append(f"最高分 {plain(scheme.ceiling)} 小于最低分 {plain(scheme.floor)}")
    if isinstance(scheme.publicity_days, bool) or not isinstance(scheme.publicity_days, int):
        problems.append("publicity_days: 公示天数应为整数")
    elif scheme.publicity_days < 1:
        problems.append(f"publicity_days: 公示天数 {scheme.publicity_days} 小于 1")
    return problems


def _nesting_problems(category: Category, by_key: dict[str, Category]) -> list[str]:
    """Check `inside`: the outer category exists, has a cap, is not nested, has the same sign."""
    where = f"categories[{category.key}]"
    outer = by_key.get(category.inside or "")
    if outer is None or outer is category:
        return [f'{where}: inside "{category.inside}" 不是本方案中的另一个类别']
    problems = []
    if outer.cap_per_period is None:
        problems.append(f'{where}: 计入类别 "{outer.key}" 的上限（inside），但该类别没有上限')
    elif category.cap_per_period is not None and category.cap_per_period > outer.cap_per_period:
        problems.append(
            f"{where}: 类别上限 {plain(category.cap_per_period)} 大于其所计入的类别 "
            f'"{outer.key}" 的上限 {plain(outer.cap_per_period)}'
        )
    if outer.inside is not None:
        problems.append(
            f'{where}: 计入类别 "{outer.key}" 的上限（inside），'
            f'但该类别本身又计入类别 "{outer.inside}"'
        )
    if outer.sign != category.sign:
        problems.append(
            f'{where}: 加减性质 {category.sign} 与所计入的类别 "{outer.key}"（{outer.sign}）不同'
        )
    return problems


def _category_problems(category: Category, by_key: dict[str, Category]) -> list[str]:
    where = f"categories[{category.key}]"
    problems = []
    if category.key == BASE_COMPONENT:
        problems.append(f'{where}: "{BASE_COMPONENT}" 保留给基础分，不能用作类别标识')
    if category.sign not in SIGNS:
        problems.append(f'{where}: 加减性质 sign "{category.sign}" 无效，应为 +、- 或 veto')
    if category.mode not in MODES:
        problems.append(
            f'{where}: 计分方式 mode "{category.mode}" 无效，应为 sum（累加）或 max（取最高一项）'
        )
    numbers = _number_problems(where, "类别上限", category.cap_per_period, step=True)
    problems += numbers
    if category.sign == "veto":
        if category.mode == "max":
            problems.append(f"{where}: 一票否决类别不能使用计分方式 max")
        if category.cap_per_period is not None:
            problems.append(f"{where}: 一票否决类别不能设上限")
    if category.inside is not None and not numbers:
        problems += _nesting_problems(category, by_key)
    return problems


def _range_problems(item: Item, category: Category | None) -> list[str]:
    where = f"items[{item.code}]"
    problems = _number_problems(where, "最低分值", item.min, step=True)
    problems += _number_problems(where, "最高分值", item.max, step=True)
    problems += _number_problems(where, "单项上限", item.cap_per_period, step=True)
    if problems:
        return problems
    if item.min > item.max:
        problems.append(f"{where}: 最低分值 {plain(item.min)} 大于最高分值 {plain(item.max)}")
    if item.cap_per_period is not None and item.cap_per_period < item.min:
        problems.append(
            f"{where}: 单项上限 {plain(item.cap_per_period)} 小于最低分值 {plain(item.min)}"
        )
    if category is not None and category.sign == "veto":
        if item.min != 0 or item.max != 0:
            problems.append(
                f"{where}: 一票否决项目的分值只能为 0（范围 0–0），不能为 "
                f"{plain(item.min)}–{plain(item.max)}"
            )
        if item.cap_per_period is not None:
            problems.append(f"{where}: 一票否决项目不能设单项上限")
    elif item.min == 0:
        problems.append(f"{where}: 最低分值须大于 0（只有一票否决项目取 0 分）")
    return problems


def _item_problems(item: Item, by_key: dict[str, Category]) -> list[str]:
    where = f"items[{item.code}]"
    category = by_key.get(item.category)
    problems = [] if category else [f'{where}: 未知类别 "{item.category}"']
    problems += _range_problems(item, category)
    if not isinstance(item.applies_to, tuple):
        problems.append(f"{where}: applies_to 必须是元组（tuple），方案不可修改")
    elif not item.applies_to:
        problems.append(f"{where}: applies_to 为空，项目须至少适用于一类党员")
    for member_category in item.applies_to:
        if member_category not in MEMBER_CATEGORIES:
            problems.append(
                f'{where}: applies_to 中的 "{member_category}" 无效，'
                "应为 teacher（教工）或 student（学生）"
            )
    if len(set(item.applies_to)) != len(item.applies_to):
        problems.append(f"{where}: applies_to 重复列出了同一类党员")
    return problems


def _rank_problems(where: str, rank: RankShare | None) -> list[str]:
    if rank is None:
        return []
    problems = []
    if rank.side not in RANK_SIDES:
        problems.append(f'{where}: 排名条件 rank "{rank.side}" 无效，应为 top（前）或 bottom（后）')
    if not isinstance(rank.share, Decimal) or not rank.share.is_finite():
        problems.append(f"{where}: 排名比例 {rank.share} 不是有效数字")
    elif not ZERO < rank.share <= 1:
        problems.append(f"{where}: 排名比例 {rank.share} 不在 (0, 1] 范围内")
    return problems


def _bounds(rule: GradeRule) -> tuple[Decimal, Decimal]:
    """The totals a rule can match, as a half-open interval [low, high)."""
    if rule.otherwise:
        return -INFINITY, INFINITY
    low = -INFINITY if rule.min_total is None else rule.min_total
    high = INFINITY if rule.max_total_below is None else rule.max_total_below
    return low, high


def _covered(low: Decimal, high: Decimal, intervals: list[tuple[Decimal, Decimal]]) -> bool:
    """Tell whether [low, high) lies inside the union of half-open `intervals`."""
    point = low
    while point < high:
        reach = max((end for start, end in intervals if start <= point < end), default=None)
        if reach is None:
            return False
        point = reach
    return True


def _grade_problems(grades: tuple[GradeRule, ...]) -> list[str]:
    """Check each grade rule, and that no rule is unreachable behind earlier unconditional ones."""
    problems = _duplicates("grades", (g.key for g in grades), "等级标识")
    decided: list[tuple[Decimal, Decimal]] = []  # totals earlier rules without rank always take
    for rule in grades:
        where = f"grades[{rule.key}]"
        if rule.key == EXEMPT_GRADE:
            problems.append(
                f'{where}: "{EXEMPT_GRADE}" 保留给不列入管理范围的党员，不能用作等级标识'
            )
        if rule.otherwise and (rule.min_total, rule.max_total_below, rule.rank) != (None,) * 3:
            problems.append(f"{where}: otherwise 规则不能再带其他条件")
        numbers = _number_problems(where, "min_total", rule.min_total, step=False)
        numbers += _number_problems(where, "max_total_below", rule.max_total_below, step=False)
        problems += numbers + _rank_problems(where, rule.rank)
        if numbers:
            continue
        low, high = _bounds(rule)
        if low >= high:
            problems.append(
                f"{where}: min_total {plain(low)} 不小于 max_total_below {plain(high)}，"
                "没有总分能满足该规则"
            )
        elif _covered(low, high, decided):
            problems.append(
                f"{where}: 该规则永远不会生效：它能匹配的每个总分，都已由前面不带排名条件的规则决定"
            )
        if rule.rank is None:
            decided.append((low, high))
    return problems


def _flag_rule_problems(index: int, rule: FlagRule) -> list[str]:
    where = f"flag_rules[{index}]"
    problems = []
    if rule.flag not in RULE_FLAGS:
        problems.append(f'{where}: 标记 flag "{rule.flag}" 无效，应为 {"、".join(RULE_FLAGS)} 之一')
    conditions = (rule.below is not None) + rule.marks_no_identity + (rule.rank is not None)
    if conditions != 1:
        problems.append(f"{where}: below、marks_no_identity、rank 须恰好给出其中一项")
    problems += _number_problems(where, "below", rule.below, step=False)
    problems += _rank_problems(where, rule.rank)
    return problems


def scheme_problems(scheme: Scheme) -> list[str]:
    """Return every contradiction in `scheme`, or an empty list when it can be evaluated."""
    parts = ("categories", "items", "grades", "flag_rules")
    mutable = [name for name in parts if not isinstance(getattr(scheme, name), tuple)]
    if mutable:  # a list would make the scheme unhashable, and its checks could go stale
        return [f"{name}: 必须是元组（tuple），方案不可修改" for name in mutable]
    by_key = {c.key: c for c in scheme.categories}
    problems = _top_problems(scheme)
    problems += _duplicates("categories", (c.key for c in scheme.categories), "类别标识")
    for category in scheme.categories:
        problems += _category_problems(category, by_key)
    problems += _duplicates("items", (i.code for i in scheme.items), "项目编号")
    for item in scheme.items:
        problems += _item_problems(item, by_key)
    problems += _grade_problems(scheme.grades)
    for index, rule in enumerate(scheme.flag_rules):
        problems += _flag_rule_problems(index, rule)
    return problems
