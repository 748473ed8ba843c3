"""Ranking inside a group, rank shares, grades and flags (SPEC §3.4, §3.2, §3.3).

Totals arrive rounded to cents: members are ranked and graded on the total they are shown.

Competition ranking on the total, highest first: tied totals share the better rank (1, 2, 2, 4).
`top p` holds when rank ≤ ceil(p·n); `bottom p` when 1 + (members strictly lower) ≤ ceil(p·n);
n counts the ranked (not exempt) members of the group.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from decimal import ROUND_CEILING, Decimal
from functools import lru_cache
from typing import NamedTuple

from .amounts import plain
from .scheme import FlagRule, GradeRule, RankShare, Scheme
from .vocab import FLAG_TITLES, PENDING_TITLE, VETO_FLAG


class Standing(NamedTuple):
    """Where a member stands in their group: rank (None if exempt), group size, members below."""

    rank: int | None
    ranked: int
    lower: int


def rank_groups(groups: Sequence[str], totals: Sequence[Decimal | None]) -> list[Standing]:
    """Rank each total inside its group; a None total (exempt) is neither ranked nor counted."""
    by_group: dict[str, list[Decimal]] = {}
    for group, total in zip(groups, totals, strict=True):
        if total is not None:
            by_group.setdefault(group, []).append(total)
    for values in by_group.values():
        values.sort()
    standings = []
    for group, total in zip(groups, totals, strict=True):
        ascending = by_group.get(group, [])
        if total is None:
            standings.append(Standing(None, len(ascending), 0))
            continue
        higher = len(ascending) - bisect_right(ascending, total)
        standings.append(Standing(higher + 1, len(ascending), bisect_left(ascending, total)))
    return standings


@lru_cache(maxsize=512)
def _limit(share: Decimal, ranked: int) -> int:
    """ceil(share × ranked): the last position inside a rank share (cached: one per group)."""
    return int((share * ranked).to_integral_value(rounding=ROUND_CEILING))


def in_share(rank: RankShare, standing: Standing) -> bool:
    """Tell whether the member is in the rank share `rank` of their group."""
    position = standing.rank if rank.side == "top" else standing.lower + 1
    return position is not None and position <= _limit(rank.share, standing.ranked)


def _describe_share(rank: RankShare, standing: Standing) -> str:
    limit = _limit(rank.share, standing.ranked)
    percent = plain(rank.share * 100)
    if rank.side == "top":
        return f"位于前 {percent}%（第 {standing.rank} 名，前 {limit} 名之内）"
    return f"位于后 {percent}%（倒数第 {standing.lower + 1} 名，后 {limit} 名之内）"


def _grade_matches(rule: GradeRule, total: Decimal, standing: Standing) -> bool:
    if rule.otherwise:
        return True
    return (
        (rule.min_total is None or total >= rule.min_total)
        and (rule.max_total_below is None or total < rule.max_total_below)
        and (rule.rank is None or in_share(rule.rank, standing))
    )


def choose_grade(scheme: Scheme, total: Decimal, standing: Standing) -> GradeRule | None:
    """Return the first grade rule that matches; None means pending (待支部研究确定)."""
    for rule in scheme.grades:
        if _grade_matches(rule, total, standing):
            return rule
    return None


def _fires(rule: FlagRule, total: Decimal, standing: Standing, no_identity: bool) -> bool:
    if rule.below is not None:
        return total < rule.below
    if rule.marks_no_identity:
        return no_identity
    return rule.rank is not None and in_share(rule.rank, standing)


def raise_flags(
    scheme: Scheme, total: Decimal, standing: Standing, *, veto: bool, no_identity: bool
) -> tuple[tuple[str, ...], tuple[FlagRule, ...]]:
    """Return the member's flags (sorted, each once) and the flag rules that raised them."""
    fired = tuple([r for r in scheme.flag_rules if _fires(r, total, standing, no_identity)])
    if not fired and not veto:  # most members
        return (), ()
    flags = {r.flag for r in fired}
    if veto:
        flags.add(VETO_FLAG)
    return tuple(sorted(flags)), fired


def _grade_reason(rule: GradeRule, total: Decimal, standing: Standing) -> str:
    reasons = []
    if rule.min_total is not None:
        reasons.append(f"总分 {total} ≥ {plain(rule.min_total)}")
    if rule.max_total_below is not None:
        reasons.append(f"总分 {total} < {plain(rule.max_total_below)}")
    if rule.rank is not None:
        reasons.append(_describe_share(rule.rank, standing))
    return "，".join(reasons) or "以上等级均不适用"


def _flag_reason(rule: FlagRule, total: Decimal, standing: Standing, codes: tuple[str, ...]) -> str:
    if rule.below is not None:
        return f"总分 {total} < {plain(rule.below)}"
    if rule.marks_no_identity:
        return f"有未亮明身份的记分记录（{'、'.join(codes)}）"
    assert rule.rank is not None
    return _describe_share(rule.rank, standing)


def closing_lines(
    group: str,
    total: Decimal,
    standing: Standing,
    grade: GradeRule | None,
    fired: tuple[FlagRule, ...],
    no_identity: tuple[str, ...],
) -> list[str]:
    """The last lines of an explanation: total, rank, and why this grade and these flags."""
    if grade is None:
        reason = f"等级：{PENDING_TITLE}（没有适用的等级规则，由支部研究确定）"
    else:
        reason = f"等级：{grade.title}（{_grade_reason(grade, total, standing)}）"
    return [
        f"总分 {total}",
        f"排名（{group}）：第 {standing.rank} 名，共 {standing.ranked} 人",
        reason,
        *(
            f"标记 {FLAG_TITLES[r.flag]}：{_flag_reason(r, total, standing, no_identity)}"
            for r in fired
        ),
    ]
