"""Per-scheme lookups prepared once, so that scoring a member does no searching.

Scoring runs over every member of a school many times a year; what can be worked out from the
scheme alone (an item's category and sign, the points it accepts, the opening words of its
explanation line, which categories count inside which) is worked out here once per scheme.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from .amounts import plain
from .records import Entry
from .scheme import Category, Item, Scheme
from .vocab import MEMBER_CATEGORIES

_SIGN_FACTORS = {"+": 1, "-": -1, "veto": 0}


@dataclass(frozen=True, slots=True)
class ItemPlan:
    """An item with what scoring needs about it at hand."""

    item: Item
    code: str
    category: str
    cap: Decimal | None
    applies: frozenset[str]
    min: Decimal
    max: Decimal
    veto: bool
    pick_max: bool
    line: str  # the explanation line up to the points: "加分 A-J04 主动参与奉献社会 +"
    cap_line: str  # the explanation of a cut up to the points cut


@dataclass(frozen=True, slots=True)
class CategoryPlan:
    """A category with its sign as a factor and the keys of the categories counted inside it."""

    category: Category
    key: str
    title: str
    factor: int
    cap: Decimal | None
    inner: tuple[str, ...]
    cap_line: str  # the explanation of a cut up to the points cut


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything compute() looks up while scoring, for one scheme."""

    scheme: Scheme
    items: dict[str, ItemPlan]
    items_for: dict[str, dict[str, ItemPlan]]  # member category -> the items that apply to it
    categories: tuple[CategoryPlan, ...]
    by_key: dict[str, CategoryPlan]
    capped: tuple[CategoryPlan, ...]  # categories with a cap of their own
    nests: tuple[CategoryPlan, ...]  # categories other categories count inside
    factors: dict[str, int]  # category key -> +1, -1, or 0 (veto)
    veto_codes: frozenset[str]  # items whose confirmed entry vetoes the year
    no_identity_codes: frozenset[str]  # items marking "did not display identity"
    monthly: bool


def _plain(value: Decimal | None) -> str:
    return "" if value is None else plain(value)


def _item_plan(item: Item, category: Category) -> ItemPlan:
    sign = {"+": " +", "-": " -"}.get(category.sign, "")  # a veto entry shows no points
    return ItemPlan(
        item=item,
        code=item.code,
        category=category.key,
        cap=item.cap_per_period,
        applies=frozenset(item.applies_to),
        min=item.min,
        max=item.max,
        veto=category.sign == "veto",
        pick_max=category.mode == "max",
        line=f"{category.title} {item.code} {item.title}{sign}",
        cap_line=f"单项上限：{item.code} {item.title} 上限 {_plain(item.cap_per_period)} 分，不计 ",
    )


def _category_plan(category: Category, scheme: Scheme) -> CategoryPlan:
    return CategoryPlan(
        category=category,
        key=category.key,
        title=category.title,
        factor=_SIGN_FACTORS[category.sign],
        cap=category.cap_per_period,
        inner=tuple(c.key for c in scheme.categories if c.inside == category.key),
        cap_line=f"类别上限：{category.title} 上限 {_plain(category.cap_per_period)} 分，不计 ",
    )


@lru_cache(maxsize=32)
def plan_for(scheme: Scheme) -> Plan:
    """Return the lookups for `scheme` (cached: schemes are immutable and hashable)."""
    by_key = {c.key: c for c in scheme.categories}
    categories = tuple(_category_plan(c, scheme) for c in scheme.categories)
    items = {i.code: _item_plan(i, by_key[i.category]) for i in scheme.items}
    return Plan(
        scheme=scheme,
        items=items,
        items_for={
            c: {code: i for code, i in items.items() if c in i.applies} for c in MEMBER_CATEGORIES
        },
        categories=categories,
        by_key={c.key: c for c in categories},
        capped=tuple(c for c in categories if c.cap is not None),
        nests=tuple(c for c in categories if c.inner),
        factors={c.key: c.factor for c in categories},
        veto_codes=frozenset(code for code, i in items.items() if i.veto),
        no_identity_codes=frozenset(i.code for i in scheme.items if i.marks_no_identity),
        monthly=scheme.period == "month",
    )


def entry_line(item: ItemPlan, entry: Entry) -> str:
    """The explanation line of one entry: "加分 A-J04 主动参与奉献社会 +3 (2025-03-14)"."""
    points = "" if item.veto else plain(entry.points)
    return f"{item.line}{points} ({entry.date})"
