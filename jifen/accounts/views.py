from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from jifen.accounts import permissions as perm
from jifen.accounts import services
from jifen.accounts.forms import LOGIN_FAILED, ChangePasswordForm, LoginForm, UserFilterForm
from jifen.accounts.passwords import change_required_reason


class LoginView(auth_views.LoginView):
    # Django's LoginView already wraps dispatch in sensitive_post_parameters() (tested).
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        if form.is_bound and form.non_field_errors():
            context["login_error"] = LOGIN_FAILED
        return context


def lockout_response(request, original_response=None, credentials=None):
    """django-axes calls this while an account is locked: answer exactly like a wrong password."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": LOGIN_FAILED, "errors": []}, status=401)
    username = request.POST.get("username", "")
    form = LoginForm(request, initial={"username": username})
    return render(request, "accounts/login.html", {"form": form, "login_error": LOGIN_FAILED})


class LogoutView(auth_views.LogoutView):
    """Logging out ends every session of the user, on every device, not just this one."""

    def post(self, request, *args, **kwargs):
        with transaction.atomic():
            if request.user.is_authenticated:
                services.end_all_sessions(user=request.user)
            return super().post(request, *args, **kwargs)


@sensitive_post_parameters()
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    reason = change_required_reason(request.user)
    form = ChangePasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.change_password(user=request.user,
                                 new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)  # this session goes on, others end
        messages.success(request, "密码已修改。您在其他设备上的登录已全部退出。")
        return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form, "reason": reason})


# --- administrators: reset passwords, lift lockouts -----------------------------------------

def _require_manager(user) -> None:
    if not perm.can_manage_logins(user):
        raise PermissionDenied


def get_managed_user(user, pk: int):
    _require_manager(user)
    return get_object_or_404(perm.manageable_users(user).select_related("member__branch"),
                             pk=pk)


@login_required
def user_list(request):
    _require_manager(request.user)
    filters = UserFilterForm(request.GET or None)
    users = (perm.manageable_users(request.user).select_related("member__branch")
             .annotate(has_2fa=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"),
                                                                 confirmed=True)))
             .order_by("username"))
    if filters.is_valid() and filters.cleaned_data["q"]:
        q = filters.cleaned_data["q"]
        users = users.filter(Q(username__icontains=q) | Q(name__contains=q)
                             | Q(member__staff_no__contains=q))
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    locked = perm.locked_usernames([u.username for u in page])
    for user in page:
        user.is_locked = user.username in locked
    return render(request, "accounts/user_list.html", {"page": page, "filters": filters})


@sensitive_variables("password")
@login_required
@require_http_methods(["GET", "POST"])
def user_reset_password(request, pk: int):
    """GET asks to confirm; POST resets and shows the temporary password once (never stored in
    clear, never redirected through the session)."""
    target = get_managed_user(request.user, pk)
    if request.method == "GET":
        return render(request, "accounts/user_reset_confirm.html", {"target": target})
    password = services.reset_password(actor=request.user, user=target)
    return render(request, "accounts/user_reset_done.html",
                  {"target": target, "password": password})


@login_required
@require_POST
def user_unlock(request, pk: int):
    target = get_managed_user(request.user, pk)
    if services.unlock_user(actor=request.user, user=target):
        messages.success(request, f"已解除账号 {target.username} 的登录锁定。")
    else:
        messages.info(request, f"账号 {target.username} 当前未被锁定。")
    return redirect("accounts:user-list")
