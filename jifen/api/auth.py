"""Bearer tokens, issued by POST /auth/token under the same lockout as the web login, and
against a two-factor code (`otp`) for a user whose web login takes one."""

from datetime import datetime

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from ninja import Router, Schema, Status
from ninja.security import HttpBearer

from jifen.accounts import services, twofactor
from jifen.accounts.forms import LOGIN_FAILED
from jifen.api.common import ERRORS
from jifen.org.models import RoleAssignment


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = services.user_for_token(token)
        if user is not None:
            request.user = user
        return user


router = Router(tags=["认证"])


class TokenIn(Schema):
    username: str
    password: str
    otp: str | None = None  # 两步验证码或备用码：启用或须启用两步验证的账号必填


class TokenOut(Schema):
    token: str
    expires: datetime


@router.post("/auth/token", auth=None, response={200: TokenOut, **ERRORS})
def obtain_token(request, payload: TokenIn):
    # Same answer for unknown user, wrong password and a locked account (django-axes).
    try:
        user = authenticate(request, username=payload.username, password=payload.password)
    except PermissionDenied:
        user = None
    if user is None or getattr(request, "axes_locked_out", False):
        return Status(401, {"detail": LOGIN_FAILED, "errors": []})
    # A missing or wrong code gets the wrong password's answer; verify_code audits it.
    if twofactor.needs_code(user) and not twofactor.verify_code(user, payload.otp,
                                                                purpose="api"):
        return Status(401, {"detail": LOGIN_FAILED, "errors": []})
    raw, token = services.issue_token(user=user)
    return {"token": raw, "expires": token.expires_at}


@router.delete("/auth/token", response={204: None, **ERRORS})
def revoke_token(request):
    services.revoke_token(actor=request.user, token=request.user.api_token)
    return Status(204, None)


class RoleOut(Schema):
    role: str
    org_id: int


class UserOut(Schema):
    id: int
    username: str
    name: str


class MeOut(Schema):
    user: UserOut
    member_id: int | None
    roles: list[RoleOut]


@router.get("/me", response=MeOut)
def me(request):
    user = request.user
    member = getattr(user, "member", None)
    roles = RoleAssignment.objects.filter(user=user).values("role", "org_id")
    return {"user": {"id": user.pk, "username": user.username, "name": user.name},
            "member_id": member.pk if member else None, "roles": list(roles)}
