from django.db.models import Q, QuerySet

from jifen.org import permissions as perm
from jifen.org.enums import OrgKind, Role
from jifen.org.models import Organization
from jifen.schemes.models import Scheme


def visible_schemes(user) -> QuerySet[Scheme]:
    """Schemes of the user's subtrees, and of every ancestor of them: a branch must be able to
    read the reference standard it refines, and a member the rules they are scored by."""
    qs = Scheme.objects.select_related("org")
    if user.is_superuser:
        return qs
    paths = perm.scope_paths(user)
    member = perm.member_of(user)
    if member is not None:
        paths = [*paths, member.branch.path]
    ancestor_ids = {int(part) for path in paths for part in path.strip("/").split("/")}
    return qs.filter(perm.path_q(paths, "org__path") | Q(org_id__in=ancestor_ids))


def can_manage_scheme(user, org: Organization) -> bool:
    """The org department anywhere in its subtree; a branch's secretary for the branch; a
    general branch's reviewer for the general branch."""
    if perm.has_role_over(user, org, {Role.ORG_ADMIN}):
        return True
    own_role = {OrgKind.BRANCH: Role.SECRETARY, OrgKind.GENERAL_BRANCH: Role.REVIEWER}.get(org.kind)
    return own_role is not None and any(
        role == own_role and path == org.path for role, path in perm.assignments(user)
    )
