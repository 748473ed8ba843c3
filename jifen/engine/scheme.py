"""A scoring scheme (计分方案) as immutable data, and its JSON form.

A Scheme is checked when it is built (see scheme_check): an object of this class is always a scheme
the engine can evaluate, whether it came from JSON, from the database or from dataclasses.replace().
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .errors import EngineError
from .scheme_check import scheme_problems
from .vocab import MEMBER_CATEGORIES


@dataclass(frozen=True, slots=True)
class RankShare:
    """A rank condition: in the `top` or `bottom` `share` (0 < share ≤ 1) of the ranking group."""

    side: str
    share: Decimal


@dataclass(frozen=True, slots=True)
class Category:
    """A group of items sharing a sign, a mode and optionally a cap per period.

    `inside` names the category whose cap this one counts inside (Doc B: commendations inside the
    35-point performance cap).
    """

    key: str
    title: str
    sign: str
    mode: str = "sum"
    cap_per_period: Decimal | None = None
    inside: str | None = None


@dataclass(frozen=True, slots=True)
class Item:
    """A scoring item (记分项目): the points one entry may carry and who it applies to."""

    code: str
    title: str
    category: str
    min: Decimal
    max: Decimal
    applies_to: tuple[str, ...] = MEMBER_CATEGORIES
    cap_per_period: Decimal | None = None
    evidence_required: bool = False
    declarable: bool = False
    needs_general_branch_approval: bool = False
    marks_no_identity: bool = False
    description: str | None = None


@dataclass(frozen=True, slots=True)
class GradeRule:
    """One grade rule; the first rule whose every condition holds gives the grade.

    The total must be ≥ `min_total` (None: no minimum) and < `max_total_below` (None: no maximum),
    and the member must meet `rank` if given. `otherwise` matches everyone and takes no condition.
    """

    key: str
    title: str
    min_total: Decimal | None = None
    max_total_below: Decimal | None = None
    otherwise: bool = False
    rank: RankShare | None = None


@dataclass(frozen=True, slots=True)
class FlagRule:
    """Raise `flag` when the total is < `below`, or on a confirmed "did not display identity"
    entry, or in a rank share: exactly one of the three conditions."""

    flag: str
    below: Decimal | None = None
    marks_no_identity: bool = False
    rank: RankShare | None = None


@dataclass(frozen=True, slots=True)
class Scheme:
    """A whole scoring scheme. Building one checks it and raises EngineError listing every problem.

    `flag_notes` keeps the prose "flags" object of the JSON form (documentation only); the
    engine acts on `flag_rules`.
    """

    key: str
    title: str
    period: str
    base: Decimal
    floor: Decimal
    categories: tuple[Category, ...]
    items: tuple[Item, ...]
    grades: tuple[GradeRule, ...] = ()
    flag_rules: tuple[FlagRule, ...] = ()
    ceiling: Decimal | None = None
    publicity_days: int = 5
    source: str | None = None
    annual: str | None = None
    flag_notes: tuple[tuple[str, str], ...] | None = None

    def __post_init__(self) -> None:
        problems = scheme_problems(self)
        if problems:
            raise EngineError(problems)

    def category(self, key: str) -> Category | None:
        """Return the category with this key, if any."""
        return next((c for c in self.categories if c.key == key), None)

    def item(self, code: str) -> Item | None:
        """Return the item with this code, if any."""
        return next((i for i in self.items if i.code == code), None)


def _number(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _rank_to_dict(rank: RankShare) -> dict[str, str]:
    return {rank.side: str(rank.share)}


def _category_to_dict(category: Category) -> dict[str, Any]:
    return {
        "key": category.key,
        "title": category.title,
        "sign": category.sign,
        "mode": category.mode,
        "cap_per_period": _number(category.cap_per_period),
        "inside": category.inside,
    }


def _item_to_dict(item: Item) -> dict[str, Any]:
    data: dict[str, Any] = {"code": item.code, "title": item.title}
    if item.description is not None:
        data["description"] = item.description
    data.update(category=item.category, min=str(item.min), max=str(item.max))
    if item.cap_per_period is not None:
        data["cap_per_period"] = str(item.cap_per_period)
    data.update(
        applies_to=list(item.applies_to),
        evidence_required=item.evidence_required,
        declarable=item.declarable,
        needs_general_branch_approval=item.needs_general_branch_approval,
        marks_no_identity=item.marks_no_identity,
    )
    return data


def _grade_to_dict(rule: GradeRule) -> dict[str, Any]:
    data: dict[str, Any] = {"key": rule.key, "title": rule.title}
    if rule.otherwise:
        data["otherwise"] = True
        return data
    # A rule with neither bound is written `"min_total": null` ("no minimum"), as in the presets.
    if rule.min_total is not None or rule.max_total_below is None:
        data["min_total"] = _number(rule.min_total)
    if rule.max_total_below is not None:
        data["max_total_below"] = str(rule.max_total_below)
    if rule.rank is not None:
        data["rank"] = _rank_to_dict(rule.rank)
    return data


def _flag_rule_to_dict(rule: FlagRule) -> dict[str, Any]:
    data: dict[str, Any] = {"flag": rule.flag}
    if rule.below is not None:
        data["below"] = str(rule.below)
    if rule.marks_no_identity:
        data["marks_no_identity"] = True
    if rule.rank is not None:
        data["rank"] = _rank_to_dict(rule.rank)
    return data


def scheme_to_dict(scheme: Scheme) -> dict[str, Any]:
    """Return the scheme in its JSON form (the preset form of presets.json, numbers as strings).

    scheme_from_dict(scheme_to_dict(s)) == s, and the packaged presets come back unchanged.
    """
    data: dict[str, Any] = {"key": scheme.key, "title": scheme.title}
    if scheme.source is not None:
        data["source"] = scheme.source
    data["period"] = scheme.period
    if scheme.annual is not None:
        data["annual"] = scheme.annual
    data.update(
        base=str(scheme.base),
        floor=str(scheme.floor),
        ceiling=_number(scheme.ceiling),
        publicity_days=scheme.publicity_days,
        categories=[_category_to_dict(c) for c in scheme.categories],
        items=[_item_to_dict(i) for i in scheme.items],
        grades=[_grade_to_dict(g) for g in scheme.grades],
    )
    if scheme.flag_notes is not None:
        data["flags"] = dict(scheme.flag_notes)
    data["flag_rules"] = [_flag_rule_to_dict(r) for r in scheme.flag_rules]
    return data
