"""The bridge between the ledger and the engine: every score shown comes from engine.compute.

Official scores count confirmed entries only and are stored in `Score` rows, refreshed for a whole
branch (ranks move together) inside the transaction that confirms entries. Provisional scores
treat entries still in progress as if confirmed, computed on the fly for one member.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.dispatch import receiver

from jifen import engine
from jifen.org.enums import ExemptionState
from jifen.org.models import Exemption, Member, Organization
from jifen.org.signals import exemption_approved, member_transferred
from jifen.schemes.models import Scheme
from jifen.schemes.queries import effective_scheme
from jifen.scoring.enums import EntryState
from jifen.scoring.models import Entry, Score
from jifen.scoring.rollup import Figures, save_branch_stat

COUNTED = (EntryState.CONFIRMED,)
PROVISIONAL = (EntryState.CONFIRMED, *EntryState.in_progress)


def months_in_scope(member: Member, year: int) -> tuple[int, ...]:
    """A member who joined the Party during the year is scored from the month they joined."""
    if member.joined_on.year > year:
        return ()
    start = member.joined_on.month if member.joined_on.year == year else 1
    return tuple(range(start, 13))


def exempt_ids(members: Iterable[Member], year: int) -> set[int]:
    return set(Exemption.objects.filter(
        member__in=list(members), year=year, state=ExemptionState.APPROVED
    ).values_list("member_id", flat=True))


def engine_members(members: list[Member], year: int, group: str) -> list[engine.Member]:
    exempt = exempt_ids(members, year)
    return [engine.Member(id=str(m.pk), category=m.category, group=group,
                          months=months_in_scope(m, year), exempt=m.pk in exempt)
            for m in members if months_in_scope(m, year)]


def engine_entries(entries: list[Entry], *, provisional: bool) -> list[engine.Entry]:
    """Entries in the engine's form; reversals point at their target's index in the list."""
    index = {e.pk: i for i, e in enumerate(entries)}
    counted = PROVISIONAL if provisional else COUNTED
    return [engine.Entry(
        member=str(e.member_id), item=e.item_code, points=e.points, date=e.occurred_on,
        status="confirmed" if e.state in counted else e.state,
        reverses=index.get(e.reverses_id) if e.reverses_id else None,
    ) for e in entries]


def entries_for(members: list[Member], year: int, states, *, months=None) -> list[Entry]:
    """The entries to compute with. An exempt member (不列入管理范围) is not scored that year,
    so entries recorded before the exemption was approved stay in the ledger but are left out
    here. A reversal has its target's member and year, and targets only confirmed entries, so
    the target is always in the same list."""
    exempt = exempt_ids(members, year)
    entries = Entry.objects.filter(member__in=[m for m in members if m.pk not in exempt],
                                   year=year, state__in=states)
    if months is not None:  # a part of the year (reports by quarter)
        entries = entries.filter(occurred_on__month__in=list(months))
    return list(entries.order_by("id"))


@dataclass
class BranchResult:
    scheme: Scheme
    members: dict[int, Member]
    result: engine.Result


def compute_branch(branch: Organization, year: int, *,
                   provisional: bool = False) -> BranchResult | None:
    """Scores of the members now in a branch (None when no scheme applies): official, or
    provisional with every entry still in progress counted as if confirmed."""
    scheme = effective_scheme(branch, year)
    if scheme is None:
        return None
    members = list(Member.objects.filter(branch=branch))
    scored = engine_members(members, year, group=branch.name)
    in_scope = [m for m in members if months_in_scope(m, year)]
    entries = entries_for(in_scope, year, PROVISIONAL if provisional else COUNTED)
    result = engine.compute(scheme.engine_scheme, year, scored,
                            engine_entries(entries, provisional=provisional))
    return BranchResult(scheme, {m.pk: m for m in in_scope}, result)


def refresh_branch_scores(branch: Organization, year: int) -> int:
    """Rewrite the stored official scores of a branch for a year; return how many rows."""
    outcome = compute_branch(branch, year)
    if outcome is None:
        return 0
    rows = [_score_row(outcome, r, branch, year) for r in outcome.result.members]
    member_ids = [r.member_id for r in rows]
    figures = Figures()
    for row in rows:
        figures.add_member(row.total, row.grade, row.flags)
    with transaction.atomic():
        Score.objects.filter(year=year, member_id__in=member_ids).delete()
        Score.objects.filter(year=year, branch=branch).exclude(member_id__in=member_ids).delete()
        Score.objects.bulk_create(rows)
        save_branch_stat(branch, year, figures)
    return len(rows)


def _score_row(outcome: BranchResult, r: engine.MemberResult, branch, year) -> Score:
    return Score(
        member_id=int(r.id), year=year, branch=branch, root_id=branch.root_id,
        scheme=outcome.scheme, total=r.total,
        components={k: f"{v:.2f}" for k, v in r.components.items()} if r.components else None,
        months={str(k): f"{v:.2f}" for k, v in r.months.items()} if r.months else None,
        veto=r.veto, rank=r.rank, ranked=r.ranked, grade=r.grade, flags=list(r.flags),
        explain=list(r.explain),
    )


def provisional_result(member: Member, year: int) -> engine.MemberResult | None:
    """The member's score if every entry still in progress were confirmed (not ranked)."""
    scheme = effective_scheme(member.branch, year)
    scored = engine_members([member], year, group=member.branch.name)
    if scheme is None or not scored:
        return None
    entries = entries_for([member], year, PROVISIONAL)
    result = engine.compute(scheme.engine_scheme, year, scored,
                            engine_entries(entries, provisional=True))
    return result.members[0]


@receiver(member_transferred)
def _rescore_after_transfer(sender, member, from_branch, to_branch, on: dt.date, **kwargs):
    for branch in (from_branch, to_branch):
        refresh_branch_scores(branch, on.year)


@receiver(exemption_approved)
def _rescore_after_exemption(sender, exemption, **kwargs):
    # the member leaves the ranking: everyone else's rank may move
    refresh_branch_scores(exemption.member.branch, exemption.year)
