"""Reads for the commitment pages: each a fixed number of queries, whatever the branch size."""

import datetime as dt
from itertools import groupby

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from jifen.commitments.enums import CommitmentKind, CommitmentState, PostKind, ReportState
from jifen.commitments.models import Commitment, CommitmentReport, IdentityPost, YearReport
from jifen.org.enums import ExemptionState
from jifen.org.models import Exemption, Member, Organization


def missing_deed(branch: Organization, year: int) -> list[Member]:
    """Members now in the branch who owe a 实事承诺 for the year ("至少 1 件"): in the Party by
    then, not exempt, and without one that stands (a returned one must be fixed first).
    `has_returned` tells the branch that one is waiting for the member's correction."""
    deeds = Commitment.objects.filter(member=OuterRef("pk"), year=year,
                                      kind=CommitmentKind.DEED)
    exempt = Exemption.objects.filter(member=OuterRef("pk"), year=year,
                                      state=ExemptionState.APPROVED)
    return list(Member.objects.filter(branch=branch, joined_on__lte=dt.date(year, 12, 31))
                .annotate(has_deed=Exists(deeds.filter(state__in=CommitmentState.standing)),
                          has_returned=Exists(deeds.filter(state=CommitmentState.RETURNED)),
                          is_exempt=Exists(exempt))
                .filter(has_deed=False, is_exempt=False).order_by("name", "id"))


def _of(branch: Organization, year: int):
    return Commitment.objects.filter(branch=branch, year=year).select_related(
        "member", "created_by")


def overview(branch: Organization, year: int) -> dict:
    """Everything the branch's page shows for a year."""
    approved = _of(branch, year).filter(state__in=CommitmentState.approved).select_related(
        "deduction_entry").annotate(
        verified=Count("reports", filter=Q(reports__state=ReportState.VERIFIED)),
        pending=Count("reports", filter=Q(reports__state=ReportState.SUBMITTED)))
    counts = dict(_of(branch, year).order_by().values_list("state").annotate(n=Count("id")))
    return {
        "missing": missing_deed(branch, year),
        "review": list(_of(branch, year).filter(state=CommitmentState.SUBMITTED)
                       .order_by("created_at")),
        "returned": list(_of(branch, year).filter(state=CommitmentState.RETURNED)),
        "verify": list(CommitmentReport.objects.filter(
            commitment__branch=branch, commitment__year=year, state=ReportState.SUBMITTED)
            .select_related("commitment__member").order_by("created_at")),
        "approved": list(approved.order_by("member__name", "kind", "id")),
        "counts": {state: counts.get(state, 0) for state in CommitmentState.values},
    }


def board(branch: Organization, year: int) -> dict:
    """The commitment board: publicized commitments grouped by member, and the identity posts
    grouped by kind. Names only: nothing else about a member is shown."""
    commitments = list(Commitment.objects.filter(
        branch=branch, year=year, state=CommitmentState.PUBLICIZED).select_related("member")
        .order_by("member__name", "member_id", "kind", "id"))
    return {
        "by_member": [(member, list(items)) for member, items in
                      groupby(commitments, key=lambda c: c.member)],
        "posts": posts_by_kind(branch),
    }


def posts_by_kind(branch: Organization) -> list[tuple[str, list[IdentityPost]]]:
    posts = list(IdentityPost.objects.filter(branch=branch).prefetch_related(
        Prefetch("members", queryset=Member.objects.order_by("name", "id"))))
    return [(kind.label, [p for p in posts if p.kind == kind]) for kind in PostKind]


KIND_ORDER = {kind: index for index, kind in enumerate(CommitmentKind.values)}


def my_commitments(member: Member, year: int) -> list[Commitment]:
    """A member's commitments for the year, 共性 → 岗位 → 实事 as Doc A lists them."""
    rows = Commitment.objects.filter(member=member, year=year).select_related(
        "reviewed_by", "deduction_entry").prefetch_related("reports")
    return sorted(rows, key=lambda c: (KIND_ORDER[c.kind], c.pk))


def year_reports(branch: Organization, year: int) -> list[tuple[Member, YearReport | None]]:
    """Every member now in the branch with their 述职 for the year, or None."""
    reports = {r.member_id: r for r in YearReport.objects.filter(
        member__branch=branch, year=year).select_related("written_by", "remark_by")}
    return [(m, reports.get(m.pk)) for m in Member.objects.filter(branch=branch)
            .order_by("name", "id")]
