"""Who may reset passwords and unlock logins: superusers, and the org department (组织部) or
the system administrator (系统管理员) over the logins of members in their subtree.

Logins that hold org-department or security rights themselves, staff and superusers are left to
superusers, so that no administrator can take over an account with as much power as their own
(a system administrator resetting the audit administrator's password could read the audit log).
"""

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet, Sum
from django.utils import timezone

from jifen.org import permissions as org_perm
from jifen.org.enums import SECURITY_ROLES, Role

LOGIN_MANAGER_ROLES = frozenset({Role.ORG_ADMIN, Role.SYSTEM_ADMIN})


def can_manage_logins(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or org_perm.has_any_role(user, LOGIN_MANAGER_ROLES))


def manageable_users(user) -> QuerySet:
    """The logins `user` may reset and unlock (never their own: that is the change page)."""
    users = get_user_model().objects.exclude(pk=user.pk)
    if user.is_superuser:
        return users
    if not can_manage_logins(user):
        return users.none()
    paths = org_perm.scope_paths(user, LOGIN_MANAGER_ROLES)
    return (users.filter(org_perm.path_q(paths, "member__branch__path"))
            .exclude(is_superuser=True).exclude(is_staff=True)
            .exclude(role_assignments__role__in=[Role.ORG_ADMIN, *SECURITY_ROLES]))


def locked_usernames(usernames: list[str]) -> set[str]:
    """Which of these usernames django-axes currently locks out."""
    since = timezone.now() - get_cool_off()
    rows = (AccessAttempt.objects.filter(username__in=usernames, attempt_time__gte=since)
            .values("username").annotate(failures=Sum("failures_since_start")))
    return {r["username"] for r in rows if r["failures"] >= settings.AXES_FAILURE_LIMIT}
