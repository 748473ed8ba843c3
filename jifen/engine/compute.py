"""compute(): a scheme, a year, members and ledger entries in; scores, ranks and grades out."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, localcontext
from functools import partial

from .amounts import CENT, CONTEXT
from .errors import EngineError
from .explain import Explanation
from .intake import Ledger, check_members, check_year, sort_entries
from .plan import Plan, plan_for
from .records import Entry, Member, MemberResult, Result
from .scheme import Scheme
from .score import Score, Scorer
from .standing import Standing, choose_grade, closing_lines, raise_flags, rank_groups
from .vocab import EXEMPT_GRADE, PENDING_GRADE


def _intake(
    plan: Plan, year: int, members: Sequence[Member | None], entries: Sequence[Entry | None]
) -> tuple[dict[str, Ledger], list[str]]:
    """Check everything about the input; return each member's ledger and every problem found."""
    problems = check_year(year)
    year_known = not problems
    by_id = check_members(members, problems)
    ledgers = sort_entries(plan, year, by_id, entries, problems) if year_known else {}
    return ledgers, problems


def input_problems(
    scheme: Scheme,
    year: int,
    members: Sequence[Member | None],
    entries: Sequence[Entry | None],
) -> list[str]:
    """Return every problem of a case's members and entries (None: a part already reported)."""
    with localcontext(CONTEXT):
        return _intake(plan_for(scheme), year, members, entries)[1]


def _member_result(
    plan: Plan, member: Member, score: Score, total: Decimal, standing: Standing
) -> MemberResult:
    scheme = plan.scheme
    grade = choose_grade(scheme, total, standing)
    no_identity = score.no_identity
    flags, fired = raise_flags(
        scheme, total, standing, veto=score.veto, no_identity=bool(no_identity)
    )
    lines = score.explain
    lines.append(partial(closing_lines, member.group, total, standing, grade, fired, no_identity))
    return MemberResult(
        id=member.id,
        total=total,
        components=score.components,
        months=score.months,
        veto=score.veto,
        rank=standing.rank,
        ranked=standing.ranked,
        grade=PENDING_GRADE if grade is None else grade.key,
        flags=flags,
        explain=Explanation(plan.items, lines),
    )


def _exempt_result(member: Member, standing: Standing) -> MemberResult:
    return MemberResult(
        id=member.id,
        total=None,
        components=None,
        months=None,
        veto=False,
        rank=None,
        ranked=standing.ranked,
        grade=EXEMPT_GRADE,
        flags=(),
        explain=("不列入管理范围",),
    )


def compute(
    scheme: Scheme, year: int, members: Sequence[Member], entries: Sequence[Entry]
) -> Result:
    """Score, rank and grade every member for `year` under `scheme`.

    Raises EngineError listing every problem when a member or an entry breaks a rule (ENGINE.md);
    nothing is clamped or dropped. Members come back in the order given.
    """
    with localcontext(CONTEXT):
        plan = plan_for(scheme)
        ledgers, problems = _intake(plan, year, members, entries)
        if problems:
            raise EngineError(problems)
        scorer = Scorer(plan)
        scores = [None if m.exempt else scorer.member(m, ledgers[m.id]) for m in members]
        totals = [None if s is None else s.total.quantize(CENT) for s in scores]
        standings = rank_groups([m.group for m in members], totals)
        results = tuple(
            _exempt_result(m, st) if s is None or t is None else _member_result(plan, m, s, t, st)
            for m, s, t, st in zip(members, scores, totals, standings, strict=True)
        )
    return Result(scheme=scheme.key, year=year, members=results)
