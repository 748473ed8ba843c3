"""Who may do what with ledger entries: plain functions over roles and the org subtree."""

from django.db.models import Q, QuerySet

from jifen.org import permissions as perm
from jifen.org.enums import Role
from jifen.scoring.models import Entry

RECORD_ROLES = frozenset({Role.RECORDER, Role.COMMITTEE, Role.SECRETARY})
REVIEW_ROLES = frozenset({Role.COMMITTEE, Role.SECRETARY})
APPROVE_ROLES = frozenset({Role.REVIEWER, Role.ORG_ADMIN})
BRANCH_LEAD_ROLES = frozenset({Role.SECRETARY, Role.COMMITTEE})


def visible_entries(user) -> QuerySet[Entry]:
    """Entries recorded in the user's subtrees; for a member, every entry about themself and
    the entries of their branch that have been put up for publicity (公示 is open to the
    branch: that is how members can object)."""
    qs = Entry.objects.all()
    if user.is_superuser:
        return qs
    q = perm.path_q(perm.scope_paths(user), "branch__path")
    member = perm.member_of(user)
    if member is not None:
        q |= Q(member=member) | Q(branch=member.branch_id, window__isnull=False)
    return qs.filter(q)


def can_record(user, branch) -> bool:
    return perm.has_role_over(user, branch, RECORD_ROLES)


def can_review(user, entry: Entry) -> bool:
    return perm.has_role_over(user, entry.branch, REVIEW_ROLES)


def can_approve(user, entry: Entry) -> bool:
    return perm.has_role_over(user, entry.branch, APPROVE_ROLES)


def can_lead_branch(user, branch) -> bool:
    """Open and close publicity, answer objections, reverse entries, see the full ranking."""
    return perm.has_role_over(user, branch, BRANCH_LEAD_ROLES | {Role.ORG_ADMIN})


def can_rule(user, branch) -> bool:
    """专项查核 of an escalated objection: the org department."""
    return perm.has_role_over(user, branch, {Role.ORG_ADMIN})


def is_about_or_by(user, entry: Entry) -> bool:
    """The four-eyes rule: nobody decides on an entry about themself or one they created."""
    if entry.created_by_id == user.pk:
        return True
    member = perm.member_of(user)
    return member is not None and member.pk == entry.member_id


# The province dashboard: the org department and the general branches' reviewers.
OVERVIEW_ROLES = frozenset({Role.ORG_ADMIN, Role.REVIEWER})


def overview_orgs(user) -> QuerySet:
    """Organizations whose dashboard the user may open (branches have their ranking instead)."""
    return perm.managed_organizations(user, OVERVIEW_ROLES).exclude(kind="branch")


def can_view_overview(user) -> bool:
    return user.is_superuser or perm.has_any_role(user, OVERVIEW_ROLES)
