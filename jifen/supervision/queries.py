"""The per-branch figures of the supervision pages and API, for a whole subtree at once.

Every figure is one aggregate query grouped by branch over the whole subtree, so a page costs
the same number of queries for two branches or two hundred. Scores are the stored official
`Score` rows (jifen.scoring.scores); nothing here recomputes them. The lines a share is measured
against come from each branch's scheme: the excellent line is the first grade rule's minimum
total, the admonishment line the `below` of the scheme's "admonish" flag rule (none when the
scheme admonishes by rank, as Doc B does).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property, reduce
from operator import or_

from django.db.models import Avg, Count, Exists, Max, Min, OuterRef, Q, StdDev, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from jifen.core import clock
from jifen.org.enums import OrgKind
from jifen.org.models import Member, Organization
from jifen.publicity.models import Objection, ObjectionState, Window
from jifen.schemes.models import Scheme
from jifen.scoring.enums import EntryState
from jifen.scoring.models import Entry, Evidence, Score
from jifen.supervision import charts
from jifen.supervision.flags import REVIEW_MAX_DAYS, Flag, flags_for

CENT = Decimal("0.01")
TENTH = Decimal("0.1")


def percent(part, whole) -> Decimal | None:
    """part / whole as a percentage with one decimal, rounded half up; None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _cents(value) -> Decimal | None:
    # SQLite hands averages and deviations back as floats, and sums and extremes without their
    # trailing zeros: give every figure two decimals, as totals are shown (SPEC §3.5)
    return None if value is None else Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)


def _tenths(value) -> Decimal:
    """Entry points have one decimal (steps of 0.5)."""
    return Decimal(value or 0).quantize(TENTH)


# --- what a scheme says ----------------------------------------------------------------------

def excellent_line(scheme: Scheme | None) -> Decimal | None:
    grades = scheme.engine_scheme.grades if scheme else ()
    return grades[0].min_total if grades else None


def admonish_line(scheme: Scheme | None) -> Decimal | None:
    rules = scheme.engine_scheme.flag_rules if scheme else ()
    return next((r.below for r in rules if r.flag == "admonish" and r.below is not None), None)


def bonus_categories(scheme: Scheme) -> list[str]:
    return [c.key for c in scheme.engine_scheme.categories if c.sign == "+"]


# --- the figures -----------------------------------------------------------------------------

@dataclass
class Recorder:
    user_id: int
    name: str
    entries: int
    percent: Decimal | None = None


@dataclass
class BranchMetrics:
    branch: Organization
    scheme: Scheme | None
    members: int = 0
    entries_year: int = 0
    entries_this_month: int = 0
    pending_reviews: int = 0
    overdue_reviews: int = 0
    open_objections: int = 0
    escalated_objections: int = 0
    last_publicity: dt.date | None = None
    scored: int = 0
    mean: Decimal | None = None
    sd: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    excellent: int = 0
    below_admonish: int = 0
    # what the record added to or took from the base, per member: the least and the most
    record_low: Decimal | None = None
    record_high: Decimal | None = None
    bonus_entries: int = 0
    bonus_points: Decimal = Decimal(0)
    bonus_points_bare: Decimal = Decimal(0)
    top_recorder: Recorder | None = None
    flags: list[Flag] = field(default_factory=list)

    @property
    def excellent_line(self) -> Decimal | None:
        return excellent_line(self.scheme)

    @property
    def admonish_line(self) -> Decimal | None:
        return admonish_line(self.scheme)

    @property
    def excellent_percent(self) -> Decimal | None:
        return percent(self.excellent, self.scored) if self.excellent_line is not None else None

    @property
    def below_admonish_percent(self) -> Decimal | None:
        if self.admonish_line is None:
            return None
        return percent(self.below_admonish, self.scored)

    @property
    def spread(self) -> Decimal | None:
        return None if self.low is None else self.high - self.low

    @property
    def record_spread(self) -> Decimal | None:
        return None if self.record_low is None else self.record_high - self.record_low

    @property
    def bonus_bare_percent(self) -> Decimal | None:
        return percent(self.bonus_points_bare, self.bonus_points)

    def days_since_publicity(self, today: dt.date) -> int:
        since = self.last_publicity or timezone.localdate(self.branch.created_at)
        return (today - since).days


@dataclass
class Overview:
    org: Organization
    year: int
    as_of: dt.date
    branches: list[BranchMetrics]
    totals: list[Decimal]

    def _sum(self, name: str) -> int:
        return sum(getattr(b, name) for b in self.branches)

    @property
    def members(self) -> int:
        return self._sum("members")

    @property
    def entries_year(self) -> int:
        return self._sum("entries_year")

    @property
    def pending_reviews(self) -> int:
        return self._sum("pending_reviews")

    @property
    def overdue_reviews(self) -> int:
        return self._sum("overdue_reviews")

    @property
    def open_objections(self) -> int:
        return self._sum("open_objections")

    @property
    def escalated_objections(self) -> int:
        return self._sum("escalated_objections")

    @cached_property
    def flagged(self) -> list[BranchMetrics]:
        return [b for b in self.branches if b.flags]

    @property
    def excellent_line(self) -> Decimal | None:
        """The subtree's excellent line, when all its scored branches share one."""
        lines = {b.excellent_line for b in self.branches if b.scored}
        return lines.pop() if len(lines) == 1 else None

    @cached_property
    def distribution(self) -> list[dict]:
        return charts.histogram(self.totals, line=self.excellent_line)

    @cached_property
    def comparison(self) -> list[dict]:
        return charts.comparison(self.branches)


def overview(org: Organization, year: int, *, now: dt.datetime | None = None) -> Overview:
    """Every branch of `org`'s subtree with its figures and flags for `year` (entries, scores,
    bonus entries) and as of `now` (this month's entries, waiting reviews, objections,
    publicity)."""
    now = now or clock.now()
    today = timezone.localdate(now)
    branches = list(Organization.objects.filter(path__startswith=org.path, kind=OrgKind.BRANCH)
                    .order_by("path"))
    schemes = _schemes(branches, year)
    effective = _effective(branches, schemes)
    rows = {b.pk: BranchMetrics(branch=b, scheme=effective.get(b.pk)) for b in branches}
    ids = list(rows)
    _members(rows, ids)
    _entries(rows, ids, year, now)
    _publicity(rows, ids, today)
    _objections(rows, ids)
    _scores(rows, ids, year)
    totals = _totals_and_records(rows, ids, year)
    _bonus(rows, ids, year, schemes)
    for row in rows.values():
        row.flags = flags_for(row, today)
    return Overview(org=org, year=year, as_of=today, branches=list(rows.values()),
                    totals=totals)


def _schemes(branches: list[Organization], year: int) -> list[Scheme]:
    """Every scheme of the year on the branches' paths, in one query: the schemes their
    entries were recorded under (a branch may have derived its own scheme mid-year)."""
    ancestors = {pk for b in branches for pk in b.ancestor_ids()}
    return list(Scheme.objects.filter(year=year, org_id__in=ancestors).select_related("org"))


def _effective(branches: list[Organization], schemes: list[Scheme]) -> dict[int, Scheme]:
    """Each branch's scheme now: its own, else its nearest ancestor's (effective_scheme)."""
    found = {}
    for branch in branches:
        mine = [s for s in schemes if s.org_id in branch.ancestor_ids()]
        if mine:
            found[branch.pk] = max(mine, key=lambda s: s.org.depth)
    return found


def _members(rows, ids) -> None:
    for r in Member.objects.filter(branch_id__in=ids).values("branch_id").annotate(
            n=Count("id")).order_by():
        rows[r["branch_id"]].members = r["n"]


def _entries(rows, ids, year: int, now: dt.datetime) -> None:
    """Entries of the year and of this month (by the date they happened; drafts are not in
    the ledger yet), waiting for 支委初评, and waiting too long.

    An entry waits from when it was submitted: when it was created, or, for an item that needs
    evidence (a draft until its first file), when its first file arrived.
    """
    month_start = timezone.localdate(now).replace(day=1)
    cutoff = now - dt.timedelta(days=REVIEW_MAX_DAYS)
    submitted = Q(state=EntryState.SUBMITTED)
    evidence_before = Exists(Evidence.objects.filter(entry=OuterRef("pk"), uploaded_at__lt=cutoff))
    waited = Q(evidence_required=False, created_at__lt=cutoff) | Q(evidence_required=True) & Q(
        evidence_before)
    in_ledger = ~Q(state=EntryState.DRAFT)
    qs = Entry.objects.filter(branch_id__in=ids).filter(
        Q(year=year) | Q(occurred_on__gte=month_start) | submitted)
    for r in qs.values("branch_id").annotate(
            year_n=Count("id", filter=Q(year=year) & in_ledger),
            month_n=Count("id", filter=Q(occurred_on__gte=month_start) & in_ledger),
            pending=Count("id", filter=submitted),
            overdue=Count("id", filter=submitted & waited)).order_by():
        row = rows[r["branch_id"]]
        row.entries_year, row.entries_this_month = r["year_n"], r["month_n"]
        row.pending_reviews, row.overdue_reviews = r["pending"], r["overdue"]


def _publicity(rows, ids, today: dt.date) -> None:
    for r in Window.objects.filter(branch_id__in=ids, starts_on__lte=today).values(
            "branch_id").annotate(last=Max("starts_on")).order_by():
        rows[r["branch_id"]].last_publicity = r["last"]


def _objections(rows, ids) -> None:
    """Objections waiting for the branch (open) or for the org department (escalated), to an
    entry or to an annual total."""
    qs = Objection.objects.filter(state__in=[ObjectionState.OPEN, ObjectionState.ESCALATED]).filter(
        Q(entry__branch_id__in=ids) | Q(window__branch_id__in=ids))
    for r in qs.annotate(b=Coalesce("entry__branch_id", "window__branch_id")).values(
            "b").annotate(open=Count("id", filter=Q(state=ObjectionState.OPEN)),
                          escalated=Count("id", filter=Q(state=ObjectionState.ESCALATED))
                          ).order_by():
        rows[r["b"]].open_objections, rows[r["b"]].escalated_objections = (
            r["open"], r["escalated"])


def _scored(ids, year: int) -> Q:
    """Official scores that rank: exempt members have none."""
    return Q(branch_id__in=ids, year=year, total__isnull=False) & ~Q(grade="exempt")


def _line_q(rows, line_of, lookup: str) -> Q | None:
    """Q matching scores on the right side of each branch's line, grouped by line."""
    by_line = defaultdict(list)
    for pk, row in rows.items():
        line = line_of(row.scheme)
        if line is not None:
            by_line[line].append(pk)
    if not by_line:
        return None
    return reduce(or_, (Q(branch_id__in=pks, **{f"total__{lookup}": line})
                        for line, pks in by_line.items()))


def _scores(rows, ids, year: int) -> None:
    figures = {"n": Count("id"), "mean": Avg("total"), "low": Min("total"), "high": Max("total"),
               "sd": StdDev("total")}
    excellent_q = _line_q(rows, excellent_line, "gte")
    admonish_q = _line_q(rows, admonish_line, "lt")
    if excellent_q is not None:
        figures["excellent"] = Count("id", filter=excellent_q)
    if admonish_q is not None:
        figures["below"] = Count("id", filter=admonish_q)
    for r in Score.objects.filter(_scored(ids, year)).values("branch_id").annotate(
            **figures).order_by():
        row = rows[r["branch_id"]]
        row.scored, row.mean, row.sd = r["n"], _cents(r["mean"]), _cents(r["sd"])
        row.low, row.high = _cents(r["low"]), _cents(r["high"])
        row.excellent, row.below_admonish = r.get("excellent", 0), r.get("below", 0)


def _totals_and_records(rows, ids, year: int) -> list[Decimal]:
    """Every official total of the subtree (for the distribution), and per branch the range of
    the members' records: the sum of their stored score's components other than the base
    (signed, after caps). For a yearly scheme that is the total less the base; for a monthly
    one it is the year's points undiluted, where the total is a mean over twelve months that
    counts the months still to come at the base."""
    totals, records = [], defaultdict(list)
    for branch_id, total, components in Score.objects.filter(_scored(ids, year)).values_list(
            "branch_id", "total", "components"):
        totals.append(total)
        if components:
            records[branch_id].append(sum(Decimal(v) for k, v in components.items()
                                          if k != "base"))
    for pk, nets in records.items():
        rows[pk].record_low, rows[pk].record_high = min(nets), max(nets)
    return totals


def _bonus(rows, ids, year: int, schemes: list[Scheme]) -> None:
    """Bonus entries: how many, how many points, how many of those without any evidence file,
    and who created the most of them (on a tie, the earliest account)."""
    plus = [Q(scheme_id=s.pk, item_category__in=bonus_categories(s)) for s in schemes
            if bonus_categories(s)]
    if not plus:
        return
    bonus = Entry.objects.filter(branch_id__in=ids, year=year, reverses__isnull=True).exclude(
        state__in=[EntryState.DRAFT, EntryState.REJECTED]).filter(reduce(or_, plus))
    bare = ~Exists(Evidence.objects.filter(entry=OuterRef("pk")))
    for r in bonus.values("branch_id").annotate(
            n=Count("id"), given=Sum("points"), bare=Sum("points", filter=Q(bare))).order_by():
        row = rows[r["branch_id"]]
        row.bonus_entries = r["n"]
        row.bonus_points, row.bonus_points_bare = _tenths(r["given"]), _tenths(r["bare"])
    for r in bonus.values("branch_id", "created_by_id", "created_by__name").annotate(
            n=Count("id")).order_by("branch_id", "-n", "created_by_id"):
        row = rows[r["branch_id"]]
        if row.top_recorder is None:
            row.top_recorder = Recorder(r["created_by_id"], r["created_by__name"], r["n"],
                                        percent(r["n"], row.bonus_entries))
