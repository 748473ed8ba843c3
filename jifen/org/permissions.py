"""Who may see and do what, as plain functions over role assignments and the org subtree.

A role held on an organization covers that organization's whole subtree. Lists are scoped with
the `visible_*` querysets; single objects are fetched through them (404 when invisible) and then
checked with a `can_*` function (403 when visible but not allowed).
"""

from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from jifen.org.enums import ExemptionState, Role
from jifen.org.models import Exemption, Member, Organization, RoleAssignment

MANAGE_MEMBER_ROLES = frozenset({Role.ORG_ADMIN, Role.SECRETARY})
BRANCH_COMMITTEE_ROLES = frozenset({Role.SECRETARY, Role.COMMITTEE})


def assignments(user) -> list[tuple[str, str]]:
    """(role, org path) pairs of the user, loaded once per user object (i.e. per request)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_jifen_assignments", None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.filter(user=user).values_list("role", "org__path")
        )
        user._jifen_assignments = cached
    return cached


def scope_paths(user, roles: Iterable[str] | None = None) -> list[str]:
    wanted = set(roles) if roles is not None else None
    return [path for role, path in assignments(user) if wanted is None or role in wanted]


def path_q(paths: list[str], field: str = "path") -> Q:
    """Q matching rows whose `field` lies in any of the subtrees; matches nothing if none."""
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{field}__startswith": p}) for p in paths))


def has_role_over(user, org: Organization, roles: Iterable[str] | None = None) -> bool:
    if user.is_authenticated and user.is_superuser:
        return True
    return any(org.path.startswith(p) for p in scope_paths(user, roles))


def member_of(user) -> Member | None:
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_jifen_member"):
        user._jifen_member = Member.objects.filter(user=user).select_related("branch").first()
    return user._jifen_member


# --- visible_* querysets -------------------------------------------------------------------

def visible_organizations(user) -> QuerySet[Organization]:
    qs = Organization.objects.all()
    if user.is_superuser:
        return qs
    q = path_q(scope_paths(user))
    member = member_of(user)
    if member is not None:
        q |= Q(pk=member.branch_id)
    return qs.filter(q)


def visible_members(user) -> QuerySet[Member]:
    qs = Member.objects.all()
    if user.is_superuser:
        return qs
    q = path_q(scope_paths(user), "branch__path")
    if user.is_authenticated:
        q |= Q(user=user)
    return qs.filter(q)


def visible_exemptions(user) -> QuerySet[Exemption]:
    return Exemption.objects.filter(member__in=visible_members(user))


def visible_role_assignments(user) -> QuerySet[RoleAssignment]:
    qs = RoleAssignment.objects.all()
    if user.is_superuser:
        return qs
    return qs.filter(path_q(scope_paths(user, {Role.ORG_ADMIN}), "org__path") | Q(user=user))


# --- can_* predicates ------------------------------------------------------------------------

def can_create_root(user) -> bool:
    return user.is_superuser


def can_manage_org(user, org: Organization) -> bool:
    """Create child organizations, rename: the org department of the subtree."""
    return has_role_over(user, org, {Role.ORG_ADMIN})


def can_manage_members(user, branch: Organization) -> bool:
    """Create, edit and transfer members of a branch: its secretary or the org department."""
    return has_role_over(user, branch, MANAGE_MEMBER_ROLES)


def can_see_personal_data(user, member: Member) -> bool:
    """Full phone and ID number: the member themself and the org department only."""
    if user.is_authenticated and member.user_id == user.pk:
        return True
    return has_role_over(user, member.branch, {Role.ORG_ADMIN})


def can_propose_exemption(user, member: Member) -> bool:
    return has_role_over(user, member.branch, BRANCH_COMMITTEE_ROLES | {Role.ORG_ADMIN})


def can_decide_exemption(user, exemption: Exemption) -> bool:
    return (
        exemption.state == ExemptionState.PROPOSED
        and exemption.proposed_by_id != user.pk  # four eyes: nobody approves their own proposal
        and has_role_over(user, exemption.member.branch, {Role.ORG_ADMIN})
    )


def can_assign_role(user, org: Organization) -> bool:
    return has_role_over(user, org, {Role.ORG_ADMIN})


def can_view_roster(user) -> bool:
    return user.is_superuser or bool(assignments(user))


def has_any_role(user, roles: Iterable[str]) -> bool:
    return user.is_superuser or bool(scope_paths(user, roles))
