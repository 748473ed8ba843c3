"""Helpers shared by the engine tests: golden cases, result comparison, Hypothesis strategies."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from jifen.engine import Entry, Member, Result, Scheme, load_preset, result_to_dict

CASES = Path(__file__).parent / "cases"
YEAR = 2025
GROUPS = ("一支部", "二支部")


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


def without_explain(result: dict[str, Any]) -> dict[str, Any]:
    """A result dict with every member's `explain` left out (the golden cases don't fix it)."""
    members = [{k: v for k, v in m.items() if k != "explain"} for m in result["members"]]
    return {**result, "members": members}


def plain_result(result: Result) -> dict[str, Any]:
    return without_explain(result_to_dict(result))


def points_between(low: Decimal, high: Decimal) -> st.SearchStrategy[Decimal]:
    """Points in half-point steps from `low` to `high`."""
    steps = int((high - low) * 2)
    return st.integers(0, steps).map(lambda k: low + Decimal("0.5") * k)


@st.composite
def members(draw: st.DrawFn, *, monthly: bool, max_size: int = 8) -> list[Member]:
    """Members with distinct ids, in one or two groups; some in scope for part of the year."""
    count = draw(st.integers(1, max_size))
    people = []
    for n in range(count):
        months: tuple[int, ...] = tuple(range(1, 13))
        if draw(st.booleans()):
            first = draw(st.integers(1, 12))
            last = draw(st.integers(first, 12))
            months = tuple(range(first, last + 1))
        category = draw(st.sampled_from(("teacher", "student")))
        people.append(Member(f"m{n}", category, draw(st.sampled_from(GROUPS)), months))
    return people


@st.composite
def entry_for(
    draw: st.DrawFn,
    scheme: Scheme,
    member: Member,
    *,
    signs: tuple[str, ...] = ("+", "-"),
    status: st.SearchStrategy[str] | None = None,
) -> Entry:
    """One valid entry for `member` on an item whose category has one of `signs`."""
    categories = {c.key for c in scheme.categories if c.sign in signs}
    items = [
        i for i in scheme.items if i.category in categories and member.category in i.applies_to
    ]
    item = draw(st.sampled_from(items))
    month = draw(st.sampled_from(member.months))
    day = datetime.date(YEAR, month, draw(st.integers(1, 28)))
    points = draw(points_between(item.min, item.max))
    chosen = draw(status) if status is not None else "confirmed"
    return Entry(member.id, item.code, points, day, chosen)


@st.composite
def ledgers(
    draw: st.DrawFn,
    key: str,
    *,
    signs: tuple[str, ...] = ("+", "-"),
    max_entries: int = 40,
    statuses: tuple[str, ...] = ("confirmed",),
) -> tuple[Scheme, list[Member], list[Entry]]:
    """A preset, some members and valid entries for them (no reversals)."""
    scheme = load_preset(key)
    people = draw(members(monthly=scheme.period == "month"))
    count = draw(st.integers(0, max_entries))
    status = st.sampled_from(statuses)
    entries = [
        draw(entry_for(scheme, draw(st.sampled_from(people)), signs=signs, status=status))
        for _ in range(count)
    ]
    return scheme, people, entries


PRESETS = st.sampled_from(("jining-2017", "chuxiong-2019"))
