"""Pages of two-factor login: the code step, enrolment, backup codes, the administrator's reset.

Backup codes are shown in the response that creates them, once: never stored in clear, never
carried through the session or a redirect.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.utils.safestring import mark_safe
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST

from jifen.accounts import services, twofactor
from jifen.accounts.forms import TwoFactorCodeForm
from jifen.accounts.views import get_managed_user
from jifen.core.redirects import is_safe_target

WRONG_CODE = ("验证码不正确或已使用过。请输入验证器当前显示的 6 位数字，或一个未用过的备用码；"
              "多次输错须稍候再试。")


def _next_url(request) -> str:
    """Where to go once through: a page of ours, outside /accounts/2fa/ (that could loop)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if is_safe_target(request, target) and not target.startswith(resolve_url("accounts:2fa")):
        return target
    return resolve_url("core:home")


@sensitive_post_parameters("code")
@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step of the login (两步验证)."""
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    if not twofactor.has_device(user):
        return redirect("accounts:2fa-enrol" if twofactor.requires_2fa(user) else "core:home")
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.verify_login(request, form.cleaned_data["code"]):
            return redirect(_next_url(request))
        form.add_error("code", WRONG_CODE)
    return render(request, "accounts/twofactor_verify.html",
                  {"form": form, "next": _next_url(request)})


@sensitive_post_parameters("code")
@sensitive_variables("codes")
@login_required
@require_http_methods(["GET", "POST"])
def enrol(request):
    """Scan the QR code (or type the key), confirm with a first code, receive backup codes."""
    user = request.user
    if twofactor.has_device(user):
        return redirect("accounts:2fa")
    device = twofactor.pending_device(user)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = twofactor.confirm_enrolment(user, form.cleaned_data["code"])
        except twofactor.TwoFactorError as error:  # enrolled or reset meanwhile, elsewhere
            messages.error(request, str(error))
            return redirect("accounts:2fa")
        if codes is not None:
            device.refresh_from_db()
            twofactor.mark_verified(request, device)
            return render(request, "accounts/twofactor_codes.html",
                          {"codes": codes, "next": _next_url(request), "enrolled": True})
        form.add_error("code", WRONG_CODE)
    return render(request, "accounts/twofactor_enrol.html", {
        "form": form, "next": _next_url(request), "required": twofactor.requires_2fa(user),
        "qr_svg": mark_safe(twofactor.qr_svg(device)),  # our own markup, from our own URL
        "manual_key": twofactor.manual_key(device),
    })


@login_required
def overview(request):
    """The user's own two-factor page: state, backup codes left, regenerating them."""
    return _overview(request, TwoFactorCodeForm())


def _overview(request, form):
    user = request.user
    return render(request, "accounts/twofactor.html", {
        "device": twofactor.device_for(user), "required": twofactor.requires_2fa(user),
        "codes_left": twofactor.backup_codes_left(user), "form": form,
    })


@sensitive_post_parameters("code")
@sensitive_variables("codes")
@login_required
@require_POST
def backup_codes(request):
    """Replace all backup codes; takes a current code (a backup code counts, and is used up)."""
    if not twofactor.has_device(request.user):
        return redirect("accounts:2fa-enrol")
    form = TwoFactorCodeForm(request.POST)
    if form.is_valid():
        codes = twofactor.regenerate_backup_codes(request.user, form.cleaned_data["code"])
        if codes is not None:
            return render(request, "accounts/twofactor_codes.html",
                          {"codes": codes, "next": resolve_url("accounts:2fa")})
        form.add_error("code", WRONG_CODE)
    return _overview(request, form)


@login_required
@require_http_methods(["GET", "POST"])
def user_reset(request, pk: int):
    """An administrator's reset for a lost phone: GET asks to confirm, POST resets."""
    target = get_managed_user(request.user, pk)
    if request.method == "GET":
        return render(request, "accounts/user_reset_2fa_confirm.html", {"target": target})
    if services.reset_two_factor(actor=request.user, user=target):
        messages.success(request, f"已重置 {target.username} 的两步验证，其所有登录已退出；"
                                  "本人下次登录时须重新绑定验证器。")
    else:
        messages.info(request, f"账号 {target.username} 未启用两步验证，无需重置。")
    return redirect("accounts:user-list")
