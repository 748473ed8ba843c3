"""State changes of logins: API tokens, password changes and resets, unlocking, sessions,
the administrator's two-factor reset (the user's own 2FA changes are in twofactor.py).

Each writes its audit row in its own transaction; no password ever goes into one.
"""

import hashlib
import secrets
from datetime import timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from jifen.accounts import permissions as perm
from jifen.accounts import twofactor
from jifen.accounts.models import ApiToken
from jifen.accounts.passwords import change_required_reason, temporary_password
from jifen.audit.services import log_action

# --- API tokens ------------------------------------------------------------------------------


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def issue_token(*, user) -> tuple[str, ApiToken]:
    """Return the raw token (shown once) and its stored record.

    Refused (403) while the user must change the password: that is done on the web page.
    """
    reason = change_required_reason(user)
    if reason:
        raise PermissionDenied(f"{reason}请登录网页修改密码后再使用 API。")
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, key_hash=hash_token(raw),
        expires_at=timezone.now() + timedelta(hours=settings.JIFEN_API_TOKEN_HOURS),
    )
    log_action("accounts.token.issued", actor=user, obj=token)
    return raw, token


def user_for_token(raw: str):
    """The active user a valid token belongs to, or None (unknown, expired, revoked).

    Raises PermissionDenied (the API's 403) while that user must change the password.
    """
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    reason = change_required_reason(token.user)
    if reason:
        raise PermissionDenied(f"{reason}请登录网页修改密码后再使用 API。")
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # cheap, coarse
    token.user.api_token = token
    return token.user


@transaction.atomic
def revoke_token(*, actor, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    log_action("accounts.token.revoked", actor=actor, obj=token)


# --- passwords and sessions ------------------------------------------------------------------

@sensitive_variables("new_password")
@transaction.atomic
def change_password(*, user, new_password: str) -> None:
    """The user's own change (the form has checked the old password and the policy).

    Every other session of the user ends: their auth hash covers the password hash. The caller
    keeps the current one with update_session_auth_hash.
    """
    user.set_password(new_password)
    user.must_change_password = False
    user.save()  # stamps password_changed_at and adds the hash to the history
    log_action("accounts.password.changed", actor=user, obj=user, org=_org_of(user),
               data={"username": user.get_username()})


@sensitive_variables("password")
@transaction.atomic
def reset_password(*, actor, user) -> str:
    """Give `user` a random temporary password (returned to be shown once, never stored in
    clear), to be changed at the next login; end their sessions and revoke their API tokens."""
    user = _get_manageable(actor, user.pk)
    password = temporary_password()
    user.set_password(password)
    user.must_change_password = True
    user.session_version += 1
    user.save()
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now())
    log_action("accounts.password.reset", actor=actor, obj=user, org=_org_of(user),
               data={"username": user.get_username(), "tokens_revoked": revoked})
    return password


@transaction.atomic
def unlock_user(*, actor, user) -> int:
    """Lift django-axes' lockout of the user's username; return how many attempt records went.
    Nothing to lift writes no audit row."""
    user = _get_manageable(actor, user.pk)
    removed = axes_reset(username=user.get_username())
    if removed:
        log_action("accounts.lockout.reset", actor=actor, obj=user, org=_org_of(user),
                   data={"username": user.get_username(), "attempts_removed": removed})
    return removed


@transaction.atomic
def reset_two_factor(*, actor, user) -> bool:
    """For a lost phone: remove the user's TOTP device and backup codes and end their sessions.
    They enrol again at their next login. Nothing to reset writes no audit row (False)."""
    return _reset_two_factor(_get_manageable(actor, user.pk), actor=actor)


@transaction.atomic
def reset_two_factor_from_console(*, user) -> bool:
    """The same for `jifen reset_2fa`, run on the server, for a login no administrator above can
    reset (a superuser): audited without an actor."""
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    return _reset_two_factor(user, actor=None, reason="jifen reset_2fa")


def _reset_two_factor(user, *, actor, reason: str = "") -> bool:
    devices, codes = twofactor.remove_all(user)
    if not devices and not codes:
        return False
    user.session_version += 1
    user.save(update_fields=["session_version"])
    log_action("accounts.2fa.reset", actor=actor, obj=user, org=_org_of(user), reason=reason,
               data={"username": user.get_username(), "devices_removed": devices,
                     "backup_codes_removed": codes})
    return True


def end_all_sessions(*, user) -> None:
    """Every session of the user ends at its next request (logout from everywhere)."""
    get_user_model().objects.filter(pk=user.pk).update(session_version=F("session_version") + 1)


def _get_manageable(actor, pk: int):
    if not perm.can_manage_logins(actor):
        raise PermissionDenied("只有组织部管理员或超级管理员可以管理登录账号。")
    user = perm.manageable_users(actor).select_for_update(of=("self",)).filter(pk=pk).first()
    if user is None:
        raise PermissionDenied("该账号不在您的管理范围内。")
    return user


def _org_of(user):
    member = getattr(user, "member", None)
    return member.branch if member is not None else None
