"""Reads for the ledger pages: each a fixed number of queries, whatever the branch size."""

from django.db.models import Count

from jifen.commitments.enums import CommitmentState, ReportState
from jifen.commitments.models import Commitment, CommitmentReport
from jifen.core import clock
from jifen.org import permissions as org_perm
from jifen.org.models import Organization
from jifen.publicity.models import Objection, ObjectionState, Window
from jifen.scoring import permissions as perm
from jifen.scoring.enums import EntryState
from jifen.scoring.models import Entry, Score


def review_queue(user):
    """Entries waiting for 支委初评 in the user's branches, minus the ones the four-eyes rule
    keeps from them."""
    paths = org_perm.scope_paths(user, perm.REVIEW_ROLES)
    qs = Entry.objects.filter(state=EntryState.SUBMITTED)
    if not user.is_superuser:
        qs = qs.filter(org_perm.path_q(paths, "branch__path"))
    return _without_own(user, qs).select_related("member", "branch", "created_by").annotate(
        evidence_count=Count("evidence")).order_by("created_at")


def approval_queue(user):
    paths = org_perm.scope_paths(user, perm.APPROVE_ROLES)
    qs = Entry.objects.filter(state=EntryState.REVIEWED, needs_approval=True)
    if not user.is_superuser:
        qs = qs.filter(org_perm.path_q(paths, "branch__path"))
    return _without_own(user, qs).select_related("member", "branch", "created_by").annotate(
        evidence_count=Count("evidence")).order_by("reviewed_at")


def _without_own(user, qs):
    member = org_perm.member_of(user)
    qs = qs.exclude(created_by=user)
    return qs.exclude(member=member) if member is not None else qs


def branch_ranking(branch: Organization, year: int):
    # the explanation and the breakdowns are read one member at a time, never in a ranking
    return Score.objects.filter(branch=branch, year=year).select_related("member").defer(
        "explain", "components", "months").order_by("rank", "member__name")


def _in_scope(user, qs, roles, field: str):
    """qs limited to the subtrees where the user holds one of `roles` (none: empty)."""
    if user.is_superuser:
        return qs
    paths = org_perm.scope_paths(user, roles)
    return qs.filter(org_perm.path_q(paths, field)) if paths else qs.none()


def _objections_in_scope(user, state: str, roles) -> int:
    """Objections to entries or to annual totals in the user's subtrees."""
    qs = Objection.objects.filter(state=state)
    if user.is_superuser:
        return qs.count()
    paths = org_perm.scope_paths(user, roles)
    if not paths:
        return 0
    return qs.filter(org_perm.path_q(paths, "entry__branch__path")
                     | org_perm.path_q(paths, "window__branch__path")).count()


def todo(user) -> dict:
    """The to-do counts on every home page."""
    lead = perm.BRANCH_LEAD_ROLES | {"org_admin"}
    member = org_perm.member_of(user)
    # in January last year's returned declarations still matter (clock.results_year)
    since = clock.results_year()
    return {
        "review": review_queue(user).count() if org_perm.has_any_role(
            user, perm.REVIEW_ROLES) else 0,
        "approve": approval_queue(user).count() if org_perm.has_any_role(
            user, perm.APPROVE_ROLES) else 0,
        "objections": _objections_in_scope(user, ObjectionState.OPEN, lead),
        "rulings": _objections_in_scope(user, ObjectionState.ESCALATED, {"org_admin"}),
        "windows": _in_scope(user, Window.objects.filter(
            closed_at__isnull=True, ends_on__lt=clock.today()), lead,
            "branch__path").count(),
        "rejected": Entry.objects.filter(member=member, created_by=user, year__gte=since,
                                         state=EntryState.REJECTED).count() if member else 0,
        "drafts": Entry.objects.filter(created_by=user, state=EntryState.DRAFT).count(),
        **_commitment_todo(user, member),
    }


def _commitment_todo(user, member) -> dict:
    """Commitments waiting for the branch, and the member's own returned ones."""
    lead = perm.BRANCH_LEAD_ROLES
    return {
        "commitments": _in_scope(user, Commitment.objects.filter(
            state=CommitmentState.SUBMITTED), lead, "branch__path").count(),
        "commitment_reports": _in_scope(user, CommitmentReport.objects.filter(
            state=ReportState.SUBMITTED), lead, "commitment__branch__path").count(),
        "returned_commitments": Commitment.objects.filter(
            member=member, state=CommitmentState.RETURNED).count() if member else 0,
    }
