"""Who reads the audit log: the audit administrator (审计管理员), and nobody else.

Separation of duties (三权分立): the people whose actions the log records must not be the ones
who read it. So no other role sees it — not the org department, not the system or security
administrators — and, on purpose, not even a superuser: `is_superuser` grants nothing here.
The audit administrator only reads and exports; nothing in this app changes the log.
"""

from django.db.models import Q, QuerySet

from jifen.audit.models import AuditEntry
from jifen.org import permissions as org_perm
from jifen.org.enums import Role
from jifen.org.models import Organization

AUDIT_ROLES = frozenset({Role.AUDIT_ADMIN})


def can_view_audit(user) -> bool:
    """Read and export the audit log (within `visible_audit_entries`)."""
    return user.is_authenticated and bool(org_perm.scope_paths(user, AUDIT_ROLES))


def visible_audit_entries(user) -> QuerySet[AuditEntry]:
    """Entries about the subtrees where the user is audit administrator, plus the entries
    with no organization at all (logins, logouts, API tokens, failed logins of unknown users,
    retention purges): those belong to no subtree, and an audit that skipped them would miss
    exactly the security events it exists for."""
    if not can_view_audit(user):
        return AuditEntry.objects.none()
    paths = org_perm.scope_paths(user, AUDIT_ROLES)
    return AuditEntry.objects.filter(org_perm.path_q(paths, "org__path") | Q(org__isnull=True))


def audit_scope(user) -> list[Organization]:
    """The organizations where the user holds the role, widest first (for the audit rows of
    their own reading, and for the page header)."""
    return list(Organization.objects.filter(
        roles__user=user, roles__role=Role.AUDIT_ADMIN,
    ).order_by("depth", "path"))
