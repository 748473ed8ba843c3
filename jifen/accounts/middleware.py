"""Session lifetime, forced password changes and two-factor login, enforced on every request."""

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from jifen.accounts import twofactor
from jifen.accounts.passwords import change_required_reason

LOGIN_AT = "jifen_login_at"  # session key: when this session logged in (epoch seconds)

# Pages a user who must change the password can still reach (static files never get here:
# whitenoise answers them first). The second login step comes before the change: a password
# alone must not be enough to set a new one.
PASSWORD_CHANGE_EXEMPT = {"accounts:password-change", "accounts:logout", "accounts:2fa-verify",
                          "accounts:2fa-enrol"}
# Pages a user who still owes the second factor can reach.
TWO_FACTOR_EXEMPT = {"accounts:2fa-verify", "accounts:2fa-enrol", "accounts:logout"}
# The only API views that read the session (staff documentation); every other one authenticates
# by bearer token, and a token is only issued against a code (jifen.api.auth).
SESSION_API_VIEWS = {"api:openapi-json", "api:openapi-view"}


def _redirect(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    # htmx would swap the target page into a fragment: make it load the whole page instead
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(response["Location"])
    return response


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


TOUCHED = "jifen_touched"  # when the session's idle expiry was last moved on (epoch seconds)


class SessionTouchMiddleware:
    """Move a session's idle expiry on at most once a minute, not on every request.

    Saving the session on every request (SESSION_SAVE_EVERY_REQUEST) turns each page read into a
    write and a commit of the session row; under a province's traffic that write was a large share
    of a page's cost. Renewing when the last renewal is older than JIFEN_SESSION_TOUCH_SECONDS
    keeps the idle limit within that many seconds of SESSION_COOKIE_AGE. It sits directly inside
    SessionMiddleware, so it marks the session before the session is saved.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = request.session
        if session.session_key is None or session.is_empty():
            return response  # anonymous, or logged out during this request
        now = int(time.time())
        touched = session.get(TOUCHED)
        if not isinstance(touched, int) or now - touched >= settings.JIFEN_SESSION_TOUCH_SECONDS:
            session[TOUCHED] = now  # modified: SessionMiddleware saves it with a new expiry
        return response


class SessionLifetimeMiddleware:
    """End a session JIFEN_SESSION_ABSOLUTE_HOURS after its login, however active it was.

    The idle limit is Django's own (SESSION_COOKIE_AGE, renewed by SessionTouchMiddleware). A
    session without a login time (one that predates this rule) counts as expired.
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


class TwoFactorRequiredMiddleware:
    """Send a logged-in user who owes a second factor in this session to the code page, or to
    enrolment when they must use two-factor login and have no device yet.

    Runs after OTPMiddleware (request.user.is_verified) and the password-change middleware.
    Requests to the token-authenticated API pass: their session plays no part.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.view_name in TWO_FACTOR_EXEMPT:
            return None
        if match.namespace == "api" and match.view_name not in SESSION_API_VIEWS:
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if twofactor.has_device(user):
            target = "accounts:2fa-verify"
        elif twofactor.requires_2fa(user):
            target = "accounts:2fa-enrol"
        else:
            return None
        url = reverse(target)
        if request.method == "GET" and not getattr(request, "htmx", False):
            url += "?" + urlencode({"next": request.get_full_path()})
        return _redirect(request, redirect(url))
