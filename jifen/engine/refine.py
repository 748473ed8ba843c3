"""Whether a branch's scheme is a valid refinement of its parent's (SPEC §3: 细化, never exceed).

A refinement may narrow ranges and caps, add caps, add sub-items and restrict who an item applies
to; it may not change the period, base, floor or ceiling, widen or drop a bound, drop an item or a
category, or loosen evidence or approval requirements. A new item belongs to a parent category; a
sub-item named after a parent item ("A-J04-1") stays inside that item's bounds, any other new item
inside the widest bounds of its category's parent items.
"""

from __future__ import annotations

from decimal import Decimal

from .amounts import plain
from .scheme import Category, Item, Scheme

_PERIOD_TITLES = {"year": "按年", "month": "按月"}


def _text(value: Decimal | None) -> str:
    return "无" if value is None else plain(value)


def _cap_widened(parent: Decimal | None, child: Decimal | None) -> bool:
    return parent is not None and (child is None or child > parent)


def _top_problems(parent: Scheme, child: Scheme) -> list[str]:
    problems = []
    if child.period != parent.period:
        problems.append(
            f"计分周期不得改变（上级方案{_PERIOD_TITLES.get(parent.period, parent.period)}，"
            f"本方案{_PERIOD_TITLES.get(child.period, child.period)}）"
        )
    for name, title in (("base", "基础分"), ("floor", "最低分"), ("ceiling", "最高分")):
        before, after = getattr(parent, name), getattr(child, name)
        if before != after:
            problems.append(f"{title}不得改变（上级方案 {_text(before)}，本方案 {_text(after)}）")
    return problems


def _category_problems(before: Category, after: Category | None) -> list[str]:
    where = f"类别 {before.key}（{before.title}）"
    if after is None:
        return [f"{where}：上级方案的类别不得删除"]
    problems = []
    if (after.sign, after.mode, after.inside) != (before.sign, before.mode, before.inside):
        problems.append(f"{where}：不得改变加减性质、计分方式或所属上限")
    if _cap_widened(before.cap_per_period, after.cap_per_period):
        problems.append(
            f"{where}：上限不得放宽或取消（上级方案 {_text(before.cap_per_period)}，"
            f"本方案 {_text(after.cap_per_period)}）"
        )
    return problems


def _bound_problems(where: str, bound: Item, item: Item) -> list[str]:
    """Problems of `item` staying inside the range and cap of `bound`."""
    problems = []
    if item.min < bound.min or item.max > bound.max:
        problems.append(
            f"{where}：分值范围 {plain(item.min)}–{plain(item.max)} 超出上级方案 "
            f"{plain(bound.min)}–{plain(bound.max)}"
        )
    if _cap_widened(bound.cap_per_period, item.cap_per_period):
        problems.append(
            f"{where}：单项上限不得放宽或取消（上级方案 {_text(bound.cap_per_period)}，"
            f"本方案 {_text(item.cap_per_period)}）"
        )
    return problems


def _item_problems(before: Item, after: Item | None) -> list[str]:
    where = f"项目 {before.code}（{before.title}）"
    if after is None:
        return [f"{where}：上级方案的项目不得删除"]
    problems = _bound_problems(where, before, after)
    if after.category != before.category:
        problems.append(f"{where}：不得改变所属类别（上级方案 {before.category}）")
    if not set(after.applies_to) <= set(before.applies_to):
        problems.append(f"{where}：适用对象不得超出上级方案")
    if before.evidence_required and not after.evidence_required:
        problems.append(f"{where}：上级方案要求提供证明材料，不得取消")
    if before.needs_general_branch_approval and not after.needs_general_branch_approval:
        problems.append(f"{where}：上级方案要求党总支审核，不得取消")
    if before.marks_no_identity != after.marks_no_identity:
        problems.append(f"{where}：不得改变“未亮明身份”标记")
    return problems


def _widest(items: list[Item]) -> Item:
    """An item spanning the widest bounds of `items` (no cap if any of them has none)."""
    caps = [i.cap_per_period for i in items]
    return Item(
        code="",
        title="",
        category=items[0].category,
        min=min(i.min for i in items),
        max=max(i.max for i in items),
        cap_per_period=None if None in caps else max(c for c in caps if c is not None),
    )


def _new_item_problems(item: Item, parent: Scheme) -> list[str]:
    where = f"新增项目 {item.code}（{item.title}）"
    if parent.category(item.category) is None:
        return [f"{where}：类别 {item.category} 不在上级方案中"]
    owners = [p for p in parent.items if item.code.startswith(p.code + "-")]
    owner = max(owners, key=lambda p: len(p.code), default=None)
    if owner is not None:
        if owner.category != item.category:
            return [f"{where}：细化项目须与 {owner.code} 同属类别 {owner.category}"]
        return _bound_problems(where, owner, item)
    siblings = [p for p in parent.items if p.category == item.category]
    if not siblings:
        return [f"{where}：上级方案的类别 {item.category} 没有项目可供细化"]
    return _bound_problems(where, _widest(siblings), item)


def check_refinement(parent: Scheme, child: Scheme) -> list[str]:
    """Return why `child` is not a valid refinement of `parent` (empty list: it is one)."""
    problems = _top_problems(parent, child)
    for category in parent.categories:
        problems += _category_problems(category, child.category(category.key))
    parent_keys = {c.key for c in parent.categories}
    for category in child.categories:
        if category.key not in parent_keys:
            problems.append(f"新增类别 {category.key}（{category.title}）：细化方案不得新增类别")
    for item in parent.items:
        problems += _item_problems(item, child.item(item.code))
    parent_codes = {i.code for i in parent.items}
    for item in child.items:
        if item.code not in parent_codes:
            problems += _new_item_problems(item, parent)
    return problems
