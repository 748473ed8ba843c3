"""Check members and entries against a scheme, and sort each member's entries into what counts.

Input is never clamped or dropped: every entry that breaks a rule is reported (ENGINE.md's list of
errors), and compute() refuses the whole case. Entries that are fine but do not count (not yet
confirmed, reversed, reversals themselves) are kept as explanation lines for their member.

The common case, a valid entry, takes one combined test; only an entry that fails it is examined
field by field to say exactly what is wrong.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from .amounts import HALF, is_step, plain
from .plan import ItemPlan, Plan, entry_line
from .records import ALL_MONTHS, Entry, Member
from .vocab import CONFIRMED, MEMBER_CATEGORIES, MEMBER_CATEGORY_TITLES, STATUS_TITLES, STATUSES

_MEMBER_CATEGORIES = frozenset(MEMBER_CATEGORIES)


@dataclass(slots=True)
class Ledger:
    """One member's entries: those that count, and why the others do not.

    `items` (what the member may carry: nothing when exempt) and `dates` (the days of the year in
    the member's months) let a valid entry be accepted with two lookups.
    """

    items: Mapping[str, ItemPlan]
    dates: frozenset[datetime.date]
    counted: list[Entry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@functools.lru_cache(maxsize=128)  # the same few month sets recur across many small computes
def _dates(year: int, months: frozenset[int]) -> frozenset[datetime.date]:
    day, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    dates = []
    while day <= end:
        if day.month in months:
            dates.append(day)
        day += datetime.timedelta(days=1)
    return frozenset(dates)


def _ledgers(plan: Plan, year: int, members: dict[str, Member]) -> dict[str, Ledger]:
    """An empty ledger per member, sharing the lookups of members alike."""
    dates: dict[frozenset[int], frozenset[datetime.date]] = {}
    ledgers = {}
    for member_id, member in members.items():
        months = frozenset(member.months)
        if months not in dates:
            dates[months] = _dates(year, months)
        items = {} if member.exempt else plan.items_for.get(member.category, {})
        ledgers[member_id] = Ledger(items, dates[months])
    return ledgers


def check_year(year: object) -> list[str]:
    """A year is a whole number that dates can carry."""
    if isinstance(year, bool) or not isinstance(year, int):
        return ["year: 年度应为整数"]
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        return [f"year: 年度 {year} 超出范围 {datetime.MINYEAR}–{datetime.MAXYEAR}"]
    return []


def _month_problems(where: str, months: object) -> list[str]:
    if months == ALL_MONTHS:
        return []
    if not isinstance(months, tuple | list) or not months:
        return [f"{where}: months 须至少列出一个月份"]
    problems = []
    for month in months:
        if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
            problems.append(f"{where}: 月份 {month!r} 无效，应为 1–12")
    if len(set(months)) != len(months):
        problems.append(f"{where}: months 中有月份重复")
    return problems


def check_members(members: Sequence[Member | None], problems: list[str]) -> dict[str, Member]:
    """Check each member; return them by id. A None stands for a member already reported."""
    by_id: dict[str, Member] = {}
    first: dict[str, int] = {}
    for index, member in enumerate(members):
        if member is None:
            continue
        where = f"members[{index}]"
        if not isinstance(member.id, str) or not member.id:
            problems.append(f"{where}: id 应为非空文本")
            continue
        if member.id in by_id:
            earlier = first[member.id]
            problems.append(f'{where}: id "{member.id}" 重复（首次出现在 members[{earlier}]）')
            continue
        if member.category not in _MEMBER_CATEGORIES:
            problems.append(
                f'{where}: 未知的党员类别 "{member.category}"（应为 teacher 教工或 student 学生）'
            )
        if not isinstance(member.group, str):
            problems.append(f"{where}: group 应为文本")
        problems += _month_problems(where, member.months)
        by_id[member.id] = member
        first[member.id] = index
    return by_id


def _reversal_problem(index: int, entries: Sequence[Entry | None]) -> str | None:
    """Say what is wrong with entry `index`'s `reverses`, if anything."""
    entry = entries[index]
    assert entry is not None and entry.reverses is not None
    target = entry.reverses
    where = f"entries[{index}]"
    if isinstance(target, bool) or not isinstance(target, int):
        return f"{where}: reverses 应为另一条记录在 entries 中的序号（整数）"
    if target == index:
        return f"{where}: reverses 指向本条记录自己，不能冲正自己"
    if not 0 <= target < len(entries):
        return f"{where}: reverses 指向的 entries[{target}] 不存在"
    reversed_entry = entries[target]
    if reversed_entry is None:
        return None  # that entry is reported already
    if reversed_entry.member != entry.member or reversed_entry.item != entry.item:
        return f"{where}: reverses 指向的 entries[{target}] 属于其他党员或其他项目"
    if reversed_entry.reverses is not None:
        return f"{where}: reverses 指向的 entries[{target}] 本身就是冲正记录"
    return None


def confirmed_reversals(entries: Sequence[Entry | None], problems: list[str]) -> dict[int, int]:
    """Check every `reverses`; return {reversed entry index: index of its confirmed reversal}."""
    reversed_by: dict[int, int] = {}
    for index, entry in enumerate(entries):
        if entry is None or entry.reverses is None:
            continue
        problem = _reversal_problem(index, entries)
        if problem:
            problems.append(problem)
        elif entry.status == CONFIRMED:
            reversed_by[entry.reverses] = index
    return reversed_by


def _points_problem(where: str, entry: Entry, plan: ItemPlan) -> str | None:
    points, item = entry.points, plan.item
    if not isinstance(points, Decimal) or not points.is_finite():
        return f"{where}: 分值 points 必须是 Decimal 数值"
    if not item.min <= points <= item.max:
        return (
            f"{where}: 分值 {plain(points)} 超出项目 {item.code} 的范围 "
            f"{plain(item.min)}–{plain(item.max)}"
        )
    if not is_step(points):
        return f"{where}: 分值 {plain(points)} 不是 0.5 的整数倍"
    return None


def _date_problem(where: str, entry: Entry, member: Member | None, year: int) -> str | None:
    day = entry.date
    if type(day) is not datetime.date:
        return f"{where}: 日期 date 必须是 datetime.date"
    if day.year != year:
        return f"{where}: 日期 {day} 不在 {year} 年内"
    if member is not None and day.month not in member.months:
        months = "、".join(str(m) for m in member.months)
        return f'{where}: 日期 {day} 不在党员 "{member.id}" 的管理月份（{months} 月）内'
    return None


def entry_problems(
    index: int, entry: Entry, member: Member | None, item: ItemPlan | None, year: int
) -> list[str]:
    """Say everything that is wrong with one entry (empty when it is fine after all)."""
    where = f"entries[{index}]"
    problems = []
    if member is None:
        problems.append(f'{where}: 未知党员 "{entry.member}"')
    elif member.exempt:
        problems.append(f'{where}: 党员 "{member.id}" 不列入管理范围，不能记分')
    if item is None:
        problems.append(f'{where}: 未知项目 "{entry.item}"')
    else:
        if member is not None and member.category in _MEMBER_CATEGORIES - item.applies:
            title = MEMBER_CATEGORY_TITLES.get(member.category, member.category)
            problems.append(
                f'{where}: 项目 {item.code} 不适用于{title}（{member.category}）党员 "{member.id}"'
            )
        problems.append(_points_problem(where, entry, item) or "")
    if entry.status not in STATUSES:
        problems.append(f'{where}: 未知状态 "{entry.status}"')
    problems.append(_date_problem(where, entry, member, year) or "")
    return [p for p in problems if p]


def _note(index: int, entry: Entry, item: ItemPlan, reversed_by: dict[int, int]) -> str:
    """The explanation line of an entry that does not count: why it does not."""
    if entry.reverses is not None:
        if entry.status == CONFIRMED:
            return f"冲正 entries[{index}]：撤销 entries[{entry.reverses}]，两条均不计分"
        state = STATUS_TITLES[entry.status]
        return f"冲正 entries[{index}] 尚未认定（{state}），entries[{entry.reverses}] 仍按原状处理"
    if index in reversed_by:
        reversal = reversed_by[index]
        return f"已冲正，不计分：{entry_line(item, entry)}（冲正记录 entries[{reversal}]）"
    return f"未认定（{STATUS_TITLES[entry.status]}），不计分：{entry_line(item, entry)}"


def sort_entries(
    plan: Plan,
    year: int,
    members: dict[str, Member],
    entries: Sequence[Entry | None],
    problems: list[str],
) -> dict[str, Ledger]:
    """Check every entry and file it in its member's Ledger. A None is an entry already reported."""
    reversed_by = confirmed_reversals(entries, problems)
    ledgers = _ledgers(plan, year, members)
    nowhere = Ledger({}, frozenset())  # for unknown members: every entry takes the slow path
    ledger_of = ledgers.get
    for index, entry in enumerate(entries):
        if entry is None:
            continue
        ledger = ledger_of(entry.member, nowhere)
        item = ledger.items.get(entry.item)
        points = entry.points
        # Arithmetic, not a set of allowed points: hashing a fresh Decimal costs more than this.
        if (
            item is None
            or type(points) is not Decimal
            or not points.is_finite()
            or not item.min <= points <= item.max
            or points % HALF
            or entry.date not in ledger.dates
            or entry.status not in STATUSES
        ):
            member = members.get(entry.member)
            found = entry_problems(index, entry, member, plan.items.get(entry.item), year)
            problems += found
            if found or item is None:  # no item and no problem: the member's category is unknown
                continue
        if entry.status == CONFIRMED and entry.reverses is None and index not in reversed_by:
            ledger.counted.append(entry)  # no (entry, item) pair: 1e5 tuples wake the GC up
        else:
            ledger.notes.append(_note(index, entry, item, reversed_by))
    return ledgers
