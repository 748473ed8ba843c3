"""Who may reset passwords and unlock logins: superusers, and the org department (组织部) over
the logins of members in its subtree.

Logins that hold org-department rights themselves, staff and superusers are left to superusers,
so that no administrator can take over an account with as much power as their own.
"""

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet, Sum
from django.utils import timezone

from jifen.org import permissions as org_perm
from jifen.org.enums import Role


def can_manage_logins(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or org_perm.has_any_role(user, [Role.ORG_ADMIN]))


def manageable_users(user) -> QuerySet:
    """The logins `user` may reset and unlock (never their own: that is the change page)."""
    users = get_user_model().objects.exclude(pk=user.pk)
    if user.is_superuser:
        return users
    if not can_manage_logins(user):
        return users.none()
    paths = org_perm.scope_paths(user, {Role.ORG_ADMIN})
    return (users.filter(org_perm.path_q(paths, "member__branch__path"))
            .exclude(is_superuser=True).exclude(is_staff=True)
            .exclude(role_assignments__role=Role.ORG_ADMIN))


def locked_usernames(usernames: list[str]) -> set[str]:
    """Which of these usernames django-axes currently locks out."""
    since = timezone.now() - get_cool_off()
    rows = (AccessAttempt.objects.filter(username__in=usernames, attempt_time__gte=since)
            .values("username").annotate(failures=Sum("failures_since_start")))
    return {r["username"] for r in rows if r["failures"] >= settings.AXES_FAILURE_LIMIT}
