"""Re-authentication before a sensitive step: revealing or exporting full personal data.

The person types their password again (and a 2FA code when they have a device), so that a
session left open on a shared office computer cannot be used to read ID numbers. Failures are
audited and counted: after REAUTH_FAILURE_LIMIT wrong answers within the lockout period, further
attempts are refused until it has passed, like the login lockout.
"""

from django.core.cache import cache
from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from jifen.accounts import twofactor
from jifen.audit.models import Result
from jifen.audit.services import log_action

REAUTH_FAILURE_LIMIT = 5
REAUTH_LOCK_SECONDS = 30 * 60


def _failures_key(user) -> str:
    return f"jifen:reauth-failures:{user.pk}"


@sensitive_variables("password", "otp")
def reauthenticate(user, *, password: str, otp: str, purpose: str) -> dict[str, str]:
    """Check the password and, if enrolled, a 2FA code. Returns errors by form field (empty:
    passed). Runs its own transactions, so call it outside one: a failure's row must stay."""
    failures = cache.get(_failures_key(user), 0)
    if failures >= REAUTH_FAILURE_LIMIT:
        _audit_failure(user, purpose, "locked")
        return {"password": "验证失败次数过多，请 30 分钟后再试。"}
    if not password or not user.check_password(password):
        cache.set(_failures_key(user), failures + 1, REAUTH_LOCK_SECONDS)
        _audit_failure(user, purpose, "wrong_password")
        return {"password": "密码不正确。"}
    if twofactor.has_device(user) and not twofactor.verify_code(user, otp, purpose=purpose):
        cache.set(_failures_key(user), failures + 1, REAUTH_LOCK_SECONDS)
        return {"otp": "动态验证码不正确或已使用过。"}
    cache.delete(_failures_key(user))
    return {}


def _audit_failure(user, purpose: str, reason: str) -> None:
    with transaction.atomic():
        log_action("accounts.reauth.failed", actor=user, obj=user, result=Result.FAILURE,
                   data={"purpose": purpose, "reason": reason})
