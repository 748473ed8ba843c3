"""Where the current request came from, for audit rows written deep inside services."""

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class RequestContext:
    ip: str | None
    user_agent: str


current_request: ContextVar[RequestContext | None] = ContextVar("current_request", default=None)


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: behind nginx the proxy sets it via the uwsgi/gunicorn forwarded setup;
    # trusting X-Forwarded-For blindly would let anyone forge the audit trail's address.
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_request.set(
            RequestContext(client_ip(request), request.META.get("HTTP_USER_AGENT", "")[:300])
        )
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
