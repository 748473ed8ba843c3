"""Audit rows for logins, failures, lockouts and logouts, from Django's and axes' signals.

Only the attempted username is recorded, never a password (Django hands receivers the
credentials with the password already masked).
"""

import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver

from jifen.accounts.middleware import LOGIN_AT, TOUCHED
from jifen.audit.models import Result
from jifen.audit.services import log_action


def _username(value) -> str:
    return str(value or "")[:150]


@receiver(user_logged_in, dispatch_uid="jifen.accounts.logged_in")
def record_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT] = time.time()  # the absolute session lifetime starts here
        request.session[TOUCHED] = int(time.time())  # saved with a fresh expiry right now
    with transaction.atomic():
        log_action("accounts.login.succeeded", actor=user, obj=user,
                   data={"username": user.get_username()})


@receiver(user_login_failed, dispatch_uid="jifen.accounts.login_failed")
def record_login_failure(sender, credentials, request=None, **kwargs):
    with transaction.atomic():
        log_action("accounts.login.failed", actor=None, result=Result.FAILURE,
                   data={"username": _username(credentials.get("username"))})


@receiver(user_locked_out, dispatch_uid="jifen.accounts.locked_out")
def record_lockout(sender, request, username, **kwargs):
    # axes sends this when the limit is reached and again for each attempt while locked
    with transaction.atomic():
        log_action("accounts.login.locked_out", actor=None, result=Result.FAILURE,
                   data={"username": _username(username)})


@receiver(user_logged_out, dispatch_uid="jifen.accounts.logged_out")
def record_logout(sender, request, user, **kwargs):
    if user is None:  # logging out an anonymous session
        return
    with transaction.atomic():
        log_action("accounts.logout", actor=user, obj=user,
                   data={"username": user.get_username()},
                   reason=getattr(request, "jifen_logout_reason", ""))
