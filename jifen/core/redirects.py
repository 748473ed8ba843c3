"""Going back where a form came from, without becoming an open redirect."""

from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def is_safe_target(request: HttpRequest, target: str) -> bool:
    """A `next` address that stays on this site (a link to elsewhere would let a crafted form
    send a logged-in secretary to a look-alike login page)."""
    return bool(target) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure())


def redirect_back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    """Redirect to the form's `next` when it stays on this site, else to `default`."""
    target = request.POST.get("next", "")
    return redirect(target if is_safe_target(request, target) else default)
