"""Score one member: caps, max modes, nesting, floor, ceiling, veto, monthly means.

The order of the rules, per period (the year, or each month):
  1. each item's entries are summed and cut to the item's cap;
  2. a `max` category keeps only its single largest entry ("以最上一级表彰计分，不累加");
  3. each category is cut to its own cap;
  4. a category counted inside another's cap takes its share first, the outer category keeps
     what is left of its cap (Doc B: commendations inside the 35-point performance cap);
  5. period total = base + signed categories, then the floor and the ceiling.
A monthly scheme's annual total is the mean of the in-scope months, rounded half up to cents.
Any confirmed veto entry makes the total 0. Every cut is written in the member's explanation.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

from .amounts import CENT, ZERO, plain
from .explain import Part
from .intake import Ledger
from .plan import CategoryPlan, ItemPlan, Plan
from .records import Entry, Member
from .vocab import BASE_COMPONENT

MONTH_LABELS = tuple(f"{month}月 " for month in range(13))  # explanation prefixes; 0 unused
CUT = " 分"  # the unit of a figure line such as "单项上限：… 不计 2 分"


@dataclass(slots=True)
class Score:
    """A member's score before ranking; `explain` keeps growing as later rules apply."""

    total: Decimal
    components: dict[str, Decimal]
    months: dict[int, Decimal] | None
    explain: list[Part]
    veto: bool = False
    no_identity: tuple[str, ...] = ()  # codes of counted "did not display identity" items


class Scorer:
    """Scores members under one scheme."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        base = plain(plan.scheme.base)
        self.opening = f"基础分 每月 {base}" if plan.monthly else f"基础分 {base}"
        self.floor, self.ceiling = plan.scheme.floor, plan.scheme.ceiling

    def member(self, member: Member, ledger: Ledger) -> Score:
        """Score one (not exempt) member from their ledger."""
        plan = self.plan
        lines: list[Part] = [self.opening, *ledger.notes]
        if plan.monthly:
            score = self._months(member, ledger.counted, lines)
        else:
            score = self._year(ledger.counted, lines)
        codes = {entry.item for entry in ledger.counted}
        score.no_identity = tuple(sorted(codes & plan.no_identity_codes))
        vetoes = codes & plan.veto_codes
        if vetoes:
            lines.append(f"一票否决（{'、'.join(sorted(vetoes))}）：总分计为 0")
            score.total, score.veto = ZERO, True
        return score

    def _year(self, counted: list[Entry], lines: list[Part]) -> Score:
        raw = self._period(counted, "", lines)
        total = self._bound(self._signed_total(raw), "", lines)
        return Score(total, self._components(self.plan.scheme.base, raw), None, lines)

    def _months(self, member: Member, counted: list[Entry], lines: list[Part]) -> Score:
        by_month: dict[int, list[Entry]] = {}
        for entry in counted:
            by_month.setdefault(entry.date.month, []).append(entry)
        sums: dict[str, Decimal] = {}
        months: dict[int, Decimal] = {}
        for month in sorted(member.months):
            label = MONTH_LABELS[month]
            raw = self._period(by_month.get(month, []), label, lines)
            months[month] = total = self._bound(self._signed_total(raw), label, lines)
            lines.append((label + "积分 ", total, ""))
            for key, value in raw.items():
                sums[key] = sums.get(key, ZERO) + value
        whole = sum(months.values(), ZERO)
        total = (whole / len(months)).quantize(CENT, rounding=ROUND_HALF_UP)
        lines.append(
            f"年度积分 = 各月积分之和 {plain(whole)} ÷ {len(months)} 个月 = {total}"
            "（四舍五入保留两位小数）"
        )
        components = self._components(self.plan.scheme.base * len(months), sums)
        return Score(total, components, months, lines)

    def _period(self, counted: list[Entry], label: str, lines: list[Part]) -> dict[str, Decimal]:
        """Return each category's contribution (a magnitude) in one period, explaining each step."""
        if not counted:
            return {}
        lines.append(counted)  # one explanation line per entry, written when read
        sums: dict[str, Decimal] = {}
        picks: dict[str, list[tuple[Decimal, ItemPlan]]] = {}
        items, sum_of = self.plan.items, sums.get  # local names: the hot loop of the engine
        for entry in counted:
            item, points = items[entry.item], entry.points
            if item.pick_max:
                picks.setdefault(item.category, []).append((points, item))
            else:
                sums[entry.item] = sum_of(entry.item, ZERO) + points
        raw = self._cut_items(sums, label, lines)
        for key, candidates in picks.items():
            raw[key] = self._pick_largest(key, candidates, label, lines)
        self._cut_categories(raw, label, lines)
        return raw

    def _cut_items(
        self, sums: dict[str, Decimal], label: str, lines: list[Part]
    ) -> dict[str, Decimal]:
        """Cut each item's sum to its cap; return the sums per category."""
        raw: dict[str, Decimal] = {}
        items = self.plan.items
        for code, total in sums.items():
            item = items[code]
            cap = item.cap
            if cap is not None and total > cap:
                lines.append((label + item.cap_line, total - cap, CUT))
                total = cap
            raw[item.category] = raw.get(item.category, ZERO) + total
        return raw

    def _pick_largest(
        self, key: str, picks: list[tuple[Decimal, ItemPlan]], label: str, lines: list[Part]
    ) -> Decimal:
        """Keep the single largest entry of a `max` category, each entry cut to its item cap."""
        values = []
        for points, item in picks:
            if item.cap is not None and points > item.cap:
                lines.append((label + item.cap_line, points - item.cap, CUT))
                points = item.cap
            values.append(points)
        if len(values) == 1:  # the usual case: nothing to compare
            return values[0]
        best = max(values)
        title = self.plan.by_key[key].title
        lines.append(partial(_max_mode_line, label, title, best, values))
        return best

    def _cut_categories(self, raw: dict[str, Decimal], label: str, lines: list[Part]) -> None:
        """Cut each category to its own cap, then share nested caps (inner categories first)."""
        for category in self.plan.capped:
            value, cap = raw.get(category.key), category.cap
            if value is not None and cap is not None and value > cap:
                lines.append((label + category.cap_line, value - cap, CUT))
                raw[category.key] = cap
        for outer in self.plan.nests:
            self._share_cap(outer, raw, label, lines)

    def _share_cap(
        self, outer: CategoryPlan, raw: dict[str, Decimal], label: str, lines: list[Part]
    ) -> None:
        """Let the categories inside `outer` take their share of its cap; it keeps the rest."""
        by_key, key, cap = self.plan.by_key, outer.key, outer.cap
        assert cap is not None  # a scheme refuses nesting inside a category without a cap
        left = cap
        for inner_key in outer.inner:
            value = raw.get(inner_key, ZERO)
            share = min(value, left)
            if share < value:
                inner = by_key[inner_key].title
                lines.append(
                    partial(_inner_share_line, label, inner, outer.title, cap, value, share)
                )
                raw[inner_key] = share
            left -= share
        value = raw.get(key, ZERO)
        if value > left:
            lines.append(partial(_outer_rest_line, label, outer.title, cap, value, left))
            raw[key] = left

    def _bound(self, total: Decimal, label: str, lines: list[Part]) -> Decimal:
        """Apply the floor ("扣完为止") and the ceiling to a period total."""
        floor, ceiling = self.floor, self.ceiling
        if total < floor:
            lines.append(partial(_floor_line, label, total, floor))
            return floor
        if ceiling is not None and total > ceiling:
            lines.append(partial(_ceiling_line, label, total, ceiling))
            return ceiling
        return total

    def _signed_total(self, raw: dict[str, Decimal]) -> Decimal:
        total, factors = self.plan.scheme.base, self.plan.factors
        for key, value in raw.items():
            factor = factors[key]
            if factor > 0:
                total += value
            elif factor < 0:
                total -= value
        return total

    def _components(self, base: Decimal, raw: dict[str, Decimal]) -> dict[str, Decimal]:
        """Signed components with every category present (zero where nothing counted)."""
        components = {BASE_COMPONENT: base}
        for category in self.plan.categories:
            # "+ ZERO" turns the -0 of an empty deduction into 0
            components[category.key] = category.factor * raw.get(category.key, ZERO) + ZERO
        return components


# The wording of the rarer cuts, written only when an explanation is read.


def _max_mode_line(label: str, title: str, best: Decimal, values: list[Decimal]) -> list[str]:
    rest = sum(values, ZERO) - best
    return [
        f"{label}{title}以最高一项计、不累加：计 {plain(best)} 分，"
        f"另 {len(values) - 1} 项共 {plain(rest)} 分不计"
    ]


def _inner_share_line(
    label: str, inner: str, outer: str, cap: Decimal, value: Decimal, share: Decimal
) -> list[str]:
    return [
        f"{label}{inner} {plain(value)} 分计入{outer}上限 {plain(cap)} 分，只计 {plain(share)} 分"
    ]


def _outer_rest_line(
    label: str, outer: str, cap: Decimal, value: Decimal, left: Decimal
) -> list[str]:
    return [
        f"{label}{outer} {plain(value)} 分与计入其上限的分数合计超过 {plain(cap)} 分，"
        f"只计 {plain(left)} 分，不计 {plain(value - left)} 分"
    ]


def _floor_line(label: str, total: Decimal, floor: Decimal) -> list[str]:
    return [
        f"{label}合计 {plain(total)} 分低于最低分，按 {plain(floor)} 分计"
        f"（扣完为止，不再扣 {plain(floor - total)} 分）"
    ]


def _ceiling_line(label: str, total: Decimal, ceiling: Decimal) -> list[str]:
    return [f"{label}合计 {plain(total)} 分高于最高分，按 {plain(ceiling)} 分计"]
