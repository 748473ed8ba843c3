"""Who supervises (督导检查, 随机抽查): the org department and the general branches, each over
its own subtree. Branch roles and members see none of it (SPEC §1, §9)."""

from django.db.models import QuerySet

from jifen.org import permissions as org_perm
from jifen.org.enums import OrgKind, Role
from jifen.org.models import Organization
from jifen.supervision.models import SpotCheck

SUPERVISE_ROLES = frozenset({Role.ORG_ADMIN, Role.REVIEWER})


def can_supervise(user, org: Organization) -> bool:
    """See the supervision pages of `org`'s subtree, draw spot checks and record their results."""
    return org_perm.has_role_over(user, org, SUPERVISE_ROLES)


def supervises_anything(user) -> bool:
    return org_perm.has_any_role(user, SUPERVISE_ROLES)


def supervised_orgs(user, *, branches: bool = False) -> QuerySet[Organization]:
    """The organizations the user supervises, for a scope picker: those above branch level,
    and the branches too when `branches`."""
    qs = Organization.objects.order_by("path")
    if not branches:
        qs = qs.exclude(kind=OrgKind.BRANCH)
    if user.is_superuser:
        return qs
    return qs.filter(org_perm.path_q(org_perm.scope_paths(user, SUPERVISE_ROLES)))


def default_org(user) -> Organization | None:
    """The widest organization the user supervises (the shortest path)."""
    return supervised_orgs(user).order_by("depth", "path").first()


def visible_spot_checks(user) -> QuerySet[SpotCheck]:
    """Spot checks over an organization the user can see; `can_supervise` decides the rest."""
    return SpotCheck.objects.filter(org__in=org_perm.visible_organizations(user))
