"""Who may see and do what, as plain functions over role assignments and the org subtree.

A role held on an organization covers that organization's whole subtree. Lists are scoped with
the `visible_*` querysets; single objects are fetched through them (404 when invisible) and then
checked with a `can_*` function (403 when visible but not allowed).
"""

from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from jifen.org.enums import SECURITY_ROLES, ExemptionState, Role
from jifen.org.models import Exemption, Member, Organization, RoleAssignment

MANAGE_MEMBER_ROLES = frozenset({Role.ORG_ADMIN, Role.SECRETARY})
# Roles that see business data (members, ledger, results). The security roles never do:
# they count only where a check names them explicitly (三权分立).
BUSINESS_ROLES = frozenset(Role) - SECURITY_ROLES
# Who manages the organization tree and logins: the org department and the system administrator.
ORG_MANAGER_ROLES = frozenset({Role.ORG_ADMIN, Role.SYSTEM_ADMIN})
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
    """Subtree roots where the user holds one of `roles` (default: any business role)."""
    wanted = set(roles) if roles is not None else BUSINESS_ROLES
    return [path for role, path in assignments(user) if role in wanted]


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


def managed_organizations(user, roles: Iterable[str]) -> QuerySet[Organization]:
    """The subtrees where `user` holds one of `roles`: the tree as the org department, system or
    security administrator works on it (names and structure, not members)."""
    qs = Organization.objects.all()
    if user.is_superuser:
        return qs
    return qs.filter(path_q(scope_paths(user, roles)))


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
    managed = path_q(scope_paths(user, ROLE_MANAGER_ROLES), "org__path")
    return qs.filter(managed | Q(user=user))


# --- can_* predicates ------------------------------------------------------------------------

def can_create_root(user) -> bool:
    return user.is_superuser


def can_manage_org(user, org: Organization) -> bool:
    """Create child organizations, rename: the org department or system administrator."""
    return has_role_over(user, org, ORG_MANAGER_ROLES)


def can_manage_members(user, branch: Organization) -> bool:
    """Create, edit and transfer members of a branch: its secretary or the org department."""
    return has_role_over(user, branch, MANAGE_MEMBER_ROLES)


def can_see_personal_data(user, member: Member) -> bool:
    """Full phone and ID number shown without a further step: the member themself only."""
    return user.is_authenticated and member.user_id == user.pk


def can_reveal_personal_data(user, member: Member) -> bool:
    """Full values after a reason and re-entering the password (audited): the org department."""
    return has_role_over(user, member.branch, {Role.ORG_ADMIN})


def revealable_members(user) -> QuerySet[Member]:
    """Members whose full personal data `user` may reveal or export unmasked."""
    if user.is_superuser:
        return Member.objects.all()
    return Member.objects.filter(path_q(scope_paths(user, {Role.ORG_ADMIN}), "branch__path"))


def can_propose_exemption(user, member: Member) -> bool:
    return has_role_over(user, member.branch, BRANCH_COMMITTEE_ROLES | {Role.ORG_ADMIN})


def can_decide_exemption(user, exemption: Exemption) -> bool:
    return (
        exemption.state == ExemptionState.PROPOSED
        and exemption.proposed_by_id != user.pk  # four eyes: nobody approves their own proposal
        and has_role_over(user, exemption.member.branch, {Role.ORG_ADMIN})
    )


# Who grants roles: the org department grants the branch-level business roles in its subtree;
# the security administrator grants every role, and is the only one to grant the org
# department's and the security roles (the system administrator grants none: 三权分立).
ROLE_MANAGER_ROLES = frozenset({Role.ORG_ADMIN, Role.SECURITY_ADMIN})
ORG_ADMIN_GRANTS = frozenset({Role.REVIEWER, Role.SECRETARY, Role.COMMITTEE, Role.RECORDER})


def can_assign_role(user, org: Organization, role: str | None = None) -> bool:
    """May `user` grant or revoke `role` on `org` (role None: any role they may grant there)."""
    if has_role_over(user, org, {Role.SECURITY_ADMIN}):
        return True
    if role is not None and role not in ORG_ADMIN_GRANTS:
        return False
    return has_role_over(user, org, {Role.ORG_ADMIN})


def grantable_roles(user) -> list[str]:
    if user.is_superuser or has_any_role(user, [Role.SECURITY_ADMIN]):
        return list(Role)
    if has_any_role(user, [Role.ORG_ADMIN]):
        return [r for r in Role if r in ORG_ADMIN_GRANTS]
    return []


def can_view_roster(user) -> bool:
    return user.is_superuser or bool(scope_paths(user))


def has_any_role(user, roles: Iterable[str]) -> bool:
    return user.is_superuser or bool(scope_paths(user, roles))
