"""What goes into compute() and what comes out: members, ledger entries, results."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

ALL_MONTHS: tuple[int, ...] = tuple(range(1, 13))


@dataclass(frozen=True, slots=True)
class Member:
    """A Party member as the engine sees them for one year.

    `category` is "teacher" (教工) or "student" (学生); `group` is the ranking group (the branch,
    or any subtree a caller ranks on); `months` are the months in scope (joined or left mid-year);
    `exempt` members (不列入管理范围) are neither scored nor ranked.
    """

    id: str
    category: str
    group: str
    months: tuple[int, ...] = ALL_MONTHS
    exempt: bool = False


@dataclass(frozen=True, slots=True)
class Entry:
    """One ledger line (台账): a positive magnitude on an item; the item's category gives the sign.

    `reverses` is the index (in the same entries sequence) of the entry this one corrects (冲正).
    """

    member: str
    item: str
    points: Decimal
    date: datetime.date
    status: str
    reverses: int | None = None


@dataclass(frozen=True, slots=True)
class MemberResult:
    """One member's score, standing and grade, with the reasons in `explain`.

    `total` is rounded to cents (it is what ranks and grades are decided on); `components` (base
    and every category key, signed, after caps and before floor and veto) and `months` (each
    in-scope month's total, monthly schemes only) are exact sums of half points, written with two
    decimals by result_to_dict. Exempt members have total, components and months None, rank None
    and grade "exempt". `explain` is a sequence of lines, written when first read.
    """

    id: str
    total: Decimal | None
    components: Mapping[str, Decimal] | None
    months: Mapping[int, Decimal] | None
    veto: bool
    rank: int | None
    ranked: int
    grade: str
    flags: tuple[str, ...]
    explain: Sequence[str]


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome of compute(): members in the order they were given."""

    scheme: str
    year: int
    members: tuple[MemberResult, ...]

    def member(self, member_id: str) -> MemberResult:
        """Return the result of the member with this id (KeyError if there is none)."""
        for result in self.members:
            if result.id == member_id:
                return result
        raise KeyError(member_id)
