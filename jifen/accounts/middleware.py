"""Session lifetime and forced password changes, enforced on every request."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django_htmx.http import HttpResponseClientRedirect

from jifen.accounts.passwords import change_required_reason

LOGIN_AT = "jifen_login_at"  # session key: when this session logged in (epoch seconds)

# Pages a user who must change the password can still reach (static files never get here:
# whitenoise answers them first).
PASSWORD_CHANGE_EXEMPT = {"accounts:password-change", "accounts:logout"}


def _redirect(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    # htmx would swap the target page into a fragment: make it load the whole page instead
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(response["Location"])
    return response


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


class SessionLifetimeMiddleware:
    """End a session JIFEN_SESSION_ABSOLUTE_HOURS after its login, however active it was.

    The idle limit is Django's own (SESSION_COOKIE_AGE, renewed on every request). A session
    without a login time (one that predates this rule) counts as expired.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and self._expired(request):
            hours = settings.JIFEN_SESSION_ABSOLUTE_HOURS
            request.jifen_logout_reason = f"登录已超过 {hours} 小时"
            logout(request)  # this session only; the user's other sessions keep their own clock
            if not _is_api(request):  # the API authenticates by token: it just goes on
                messages.warning(request, f"登录已超过 {hours} 小时，为了安全请重新登录。")
                return _redirect(request, redirect_to_login(request.get_full_path()))
        return self.get_response(request)

    @staticmethod
    def _expired(request: HttpRequest) -> bool:
        login_at = request.session.get(LOGIN_AT)
        limit = settings.JIFEN_SESSION_ABSOLUTE_HOURS * 3600
        return not isinstance(login_at, int | float) or time.time() - login_at > limit


class PasswordChangeRequiredMiddleware:
    """Send a user whose password expired, or was set by an administrator, to the change page.

    Only that page and logout stay open. The API answers 403 with the reason instead (token
    callers are refused the same way in accounts.services.user_for_token).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.view_name in PASSWORD_CHANGE_EXEMPT:
            return None
        reason = change_required_reason(request.user)
        if not reason:
            return None
        if match.namespace == "api" or _is_api(request):
            return JsonResponse({"detail": reason, "errors": []}, status=403)
        return _redirect(request, redirect("accounts:password-change"))
