from django.conf import settings
from django.contrib.auth.decorators import user_passes_test
from ninja import NinjaAPI
from ninja.throttling import UserRateThrottle

from jifen.api import (
    audit,
    auth,
    commitments,
    imports,
    org,
    reports,
    results,
    schemes,
    scoring,
    supervision,
)
from jifen.api.common import install_error_handlers


class PerUserRateThrottle(UserRateThrottle):
    """JIFEN_API_RATE per user (authentication runs first, so a token's user is known); by
    address only for the token endpoint, with a generous rate (campuses share one NAT
    address; the per-username lockout stops password guessing)."""

    def allow_request(self, request) -> bool:
        authenticated = getattr(request, "auth", None) is not None
        rate = settings.JIFEN_API_RATE if authenticated else settings.JIFEN_API_ANON_RATE
        self.rate = rate
        self.num_requests, self.duration = self.parse_rate(rate)
        return super().allow_request(request)


api = NinjaAPI(
    title="党员积分管理系统 API",
    version="1",
    description="jifen REST API v1. 认证：POST /api/v1/auth/token 取得令牌，"
                "之后在请求头中携带 Authorization: Bearer <token>。",
    urls_namespace="api",
    auth=auth.BearerToken(),
    throttle=[PerUserRateThrottle("1000/m")],  # the real rate is read per request
    # interactive docs for staff only; anonymous visitors are sent to the login page
    docs_decorator=user_passes_test(lambda u: u.is_staff, login_url="accounts:login"),
)
install_error_handlers(api)

api.add_router("", auth.router)
api.add_router("", org.router)
api.add_router("", schemes.router)
api.add_router("", scoring.router)
api.add_router("", commitments.router)
api.add_router("", results.router)
api.add_router("", reports.router)
api.add_router("", imports.router)
api.add_router("", supervision.router)
api.add_router("", audit.router)
