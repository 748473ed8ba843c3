"""Who may import what. The services behind an import check each row again (create_member,
create_entry); these decide who sees the pages and which branches a file may name."""

from django.db.models import QuerySet

from jifen.imports.enums import ImportKind
from jifen.org import permissions as org_perm
from jifen.org.enums import OrgKind
from jifen.org.models import Organization
from jifen.scoring import permissions as scoring_perm

ROLES = {
    # roster: whoever may manage members (the org department, a branch secretary)
    ImportKind.MEMBERS: org_perm.MANAGE_MEMBER_ROLES,
    # ledger: whoever may record in a branch (recorder, committee, secretary)
    ImportKind.ENTRIES: scoring_perm.RECORD_ROLES,
}


def can_import(user, kind: str) -> bool:
    return org_perm.has_any_role(user, ROLES[kind])


def can_import_any(user) -> bool:
    return any(can_import(user, kind) for kind in ImportKind.values)


def _branches(user, roles) -> QuerySet[Organization]:
    branches = Organization.objects.filter(kind=OrgKind.BRANCH)
    if user.is_superuser:
        return branches
    return branches.filter(org_perm.path_q(org_perm.scope_paths(user, roles)))


def member_branches(user) -> QuerySet[Organization]:
    """The branches a roster row may name: those whose members the user manages."""
    return _branches(user, ROLES[ImportKind.MEMBERS])


def entry_branches(user) -> QuerySet[Organization]:
    """The branches the user may import ledger entries into."""
    return _branches(user, ROLES[ImportKind.ENTRIES])
