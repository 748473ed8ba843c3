"""Who may see and do what with commitments, identity posts, performance summaries and 述职.

Anyone holding a role over a branch sees its commitments (supervision); the branch's secretary
and committee members (支委) decide on them. A member sees their own, and the commitments their
branch has publicized (the commitment board).
"""

from django.db.models import Q, QuerySet

from jifen.commitments.enums import CommitmentState
from jifen.commitments.models import (
    Commitment,
    CommitmentReport,
    IdentityPost,
    PerformancePublication,
    YearReport,
)
from jifen.org import permissions as perm
from jifen.org.enums import OrgKind, Role
from jifen.org.models import Organization

LEAD_ROLES = perm.BRANCH_COMMITTEE_ROLES
# Read-only branch overviews for supervision (督导): the general branch and the org department.
OVERVIEW_ROLES = LEAD_ROLES | {Role.REVIEWER, Role.ORG_ADMIN}


def _scoped(user, qs: QuerySet, *, own: Q | None = None, branch_field: str = "branch") -> QuerySet:
    """Rows in the user's subtrees (any role), plus what `own` adds for a member."""
    if user.is_superuser:
        return qs
    q = perm.path_q(perm.scope_paths(user), f"{branch_field}__path")
    member = perm.member_of(user)
    if member is not None and own is not None:
        q |= own
    return qs.filter(q)


def visible_commitments(user) -> QuerySet[Commitment]:
    member = perm.member_of(user)
    own = (Q(member=member) | Q(branch=member.branch_id, state=CommitmentState.PUBLICIZED)
           if member else None)
    return _scoped(user, Commitment.objects.all(), own=own)


def visible_reports(user) -> QuerySet[CommitmentReport]:
    """Reports are the member's own business and the branch's: not on the board."""
    member = perm.member_of(user)
    return _scoped(user, CommitmentReport.objects.all(),
                   own=Q(commitment__member=member) if member else None,
                   branch_field="commitment__branch")


def visible_posts(user) -> QuerySet[IdentityPost]:
    member = perm.member_of(user)
    return _scoped(user, IdentityPost.objects.all(),
                   own=Q(branch=member.branch_id) if member else None)


def visible_publications(user) -> QuerySet[PerformancePublication]:
    member = perm.member_of(user)
    return _scoped(user, PerformancePublication.objects.all(),
                   own=Q(branch=member.branch_id) if member else None)


def visible_year_reports(user) -> QuerySet[YearReport]:
    member = perm.member_of(user)
    return _scoped(user, YearReport.objects.all(),
                   own=Q(member=member) if member else None)


def visible_branches(user) -> QuerySet[Organization]:
    return perm.visible_organizations(user).filter(kind=OrgKind.BRANCH)


def branches_with(user, roles) -> QuerySet[Organization]:
    """The branches where the user holds one of `roles` (through the subtree)."""
    qs = visible_branches(user)
    if user.is_superuser:
        return qs
    return qs.filter(perm.path_q(perm.scope_paths(user, roles)))


# --- can_* predicates ------------------------------------------------------------------------

def can_lead(user, branch: Organization) -> bool:
    """Review, verify, judge, publicize; identity posts; publish summaries; remark on 述职."""
    return perm.has_role_over(user, branch, LEAD_ROLES)


def can_oversee(user, branch: Organization) -> bool:
    """See a branch's overview and its live monthly summary."""
    return perm.has_role_over(user, branch, OVERVIEW_ROLES)


def is_own(user, commitment: Commitment) -> bool:
    return user.is_authenticated and commitment.member.user_id == user.pk


def is_about_or_by(user, obj_member, created_by_id: int) -> bool:
    """The four-eyes rule: nobody decides on something about themself or entered by them."""
    return obj_member.user_id == user.pk or created_by_id == user.pk


def can_write_year_report(user, member) -> bool:
    """The member themself, or the branch on their behalf (recorded at the meeting)."""
    return (user.is_authenticated and member.user_id == user.pk) or can_lead(user, member.branch)
