from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from jifen.accounts.forms import ReauthForm
from jifen.audit.services import history_of
from jifen.core import clock, xlsx
from jifen.core.errors import ConflictError
from jifen.core.forms import add_service_errors
from jifen.org import permissions as perm
from jifen.org import services
from jifen.org.enums import ExemptionState, OrgKind, Role
from jifen.org.forms import (
    DecisionForm,
    ExemptionForm,
    MemberCreateForm,
    MemberFilterForm,
    MemberForm,
    OrganizationForm,
    RenameForm,
    RoleForm,
    TransferForm,
)
from jifen.org.models import Member, Organization


def get_org_for_user(user, pk: int) -> Organization:
    return get_object_or_404(perm.visible_organizations(user), pk=pk)


def get_member_for_user(user, pk: int) -> Member:
    return get_object_or_404(perm.visible_members(user).select_related("branch", "user"), pk=pk)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _branches_managed_by(user):
    return perm.visible_organizations(user).filter(
        perm.path_q(perm.scope_paths(user, perm.MANAGE_MEMBER_ROLES))
        if not user.is_superuser else Q(), kind=OrgKind.BRANCH,
    )


# --- organization tree ---------------------------------------------------------------------

@login_required
def org_tree(request):
    _require(perm.has_any_role(request.user, perm.ORG_MANAGER_ROLES))
    orgs = perm.managed_organizations(request.user, perm.ORG_MANAGER_ROLES).annotate(
        member_count=Count("members"))
    return render(request, "org/tree.html", {"orgs": orgs})


@login_required
@require_http_methods(["GET", "POST"])
def org_create(request):
    user = request.user
    _require(perm.has_any_role(user, perm.ORG_MANAGER_ROLES))
    parents = perm.managed_organizations(user, perm.ORG_MANAGER_ROLES).exclude(
        kind=OrgKind.BRANCH)
    initial = {"parent": request.GET.get("parent")}
    form = OrganizationForm(request.POST or None, initial=initial, parents=parents,
                            allow_root=perm.can_create_root(user))
    if request.method == "POST" and form.is_valid():
        try:
            org = services.create_organization(actor=user, **form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, f"已创建{org.get_kind_display()}“{org.name}”。")
            return redirect("org:tree")
    return render(request, "org/org_form.html", {"form": form, "title": "新建党组织"})


@login_required
@require_http_methods(["GET", "POST"])
def org_edit(request, pk: int):
    user = request.user
    org = get_object_or_404(perm.visible_organizations(user)
                            | perm.managed_organizations(user, perm.ORG_MANAGER_ROLES), pk=pk)
    _require(perm.can_manage_org(request.user, org))
    form = RenameForm(request.POST or None, initial={"name": org.name})
    if request.method == "POST" and form.is_valid():
        try:
            services.rename_organization(actor=request.user, org=org, **form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, "组织名称已修改。")
            return redirect("org:tree")
    return render(request, "org/org_form.html", {"form": form, "title": f"修改 {org.name}"})


# --- members -------------------------------------------------------------------------------

def _filtered_members(request):
    """The roster as filtered by the query string (the list and its exports share it)."""
    user = request.user
    branches = perm.visible_organizations(user).filter(kind=OrgKind.BRANCH)
    filters = MemberFilterForm(request.GET or None, branches=branches)
    members = perm.visible_members(user).select_related("branch")
    if filters.is_valid():
        data = filters.cleaned_data
        if data["q"]:
            members = members.filter(Q(name__contains=data["q"]) | Q(staff_no__contains=data["q"]))
        if data["branch"]:
            members = members.filter(branch=data["branch"])
        if data["category"]:
            members = members.filter(category=data["category"])
        if data["status"]:
            members = members.filter(status=data["status"])
    return filters, members


@login_required
def member_list(request):
    user = request.user
    _require(perm.can_view_roster(user))
    filters, members = _filtered_members(request)
    page = Paginator(members, 50).get_page(request.GET.get("page"))
    template = "org/_member_rows.html" if request.htmx else "org/member_list.html"
    return render(request, template, {
        "page": page, "filters": filters,
        "can_create": _branches_managed_by(user).exists(),
        "can_export_full": perm.revealable_members(user).exists(),
    })


def _roster_scope(request) -> str:
    return request.GET.urlencode() or "全部可见党员"


@login_required
def member_export(request):
    """The filtered roster as xlsx, personal data masked (audited)."""
    _require(perm.can_view_roster(request.user))
    _, members = _filtered_members(request)
    content = services.export_roster(actor=request.user, members=members,
                                     scope=_roster_scope(request), masked=True)
    return xlsx.attachment(content, f"党员名册_{clock.today():%Y%m%d}.xlsx",
                           xlsx.XLSX_TYPE)


@sensitive_post_parameters("password", "otp")
@login_required
@require_http_methods(["GET", "POST"])
def member_export_full(request):
    """The same roster unmasked: reason plus password (and 2FA code), audited."""
    user = request.user
    _require(perm.revealable_members(user).exists())
    filters, members = _filtered_members(request)
    form = ReauthForm(request.POST or None, user=user, purpose="export")
    if request.method == "POST" and form.is_valid():
        try:
            content = services.export_roster(actor=user, members=members,
                                             scope=_roster_scope(request), masked=False,
                                             reason=form.cleaned_data["reason"])
        except PermissionDenied as e:
            form.add_error(None, str(e))
        else:
            return xlsx.attachment(content, f"党员名册_完整信息_{clock.today():%Y%m%d}.xlsx",
                                   xlsx.XLSX_TYPE)
    return render(request, "org/member_export_full.html", {
        "form": form, "count": members.count(), "query": request.GET.urlencode(),
    })


@login_required
def member_detail(request, pk: int):
    member = get_member_for_user(request.user, pk)
    return render(request, "org/member_detail.html", _detail_context(request.user, member))


def _detail_context(user, member, revealed: dict | None = None) -> dict:
    return {
        "member": member,
        "show_personal": perm.can_see_personal_data(user, member),
        "revealed": revealed,
        "can_reveal": perm.can_reveal_personal_data(user, member),
        # Not collected: no empty row, but a number stored earlier is still shown until purged.
        "show_id_number": settings.JIFEN_COLLECT_ID_NUMBER or bool(member.id_number_cipher),
        "can_manage": perm.can_manage_members(user, member.branch),
        "can_propose_exemption": perm.can_propose_exemption(user, member),
        "placements": member.placements.select_related("branch"),
        "exemptions": member.exemptions.all(),
        "history": history_of(member).select_related("actor"),
    }


@sensitive_post_parameters("password", "otp")
@login_required
@require_http_methods(["GET", "POST"])
def member_reveal(request, pk: int):
    """Show the full phone and ID number once, after a reason and the password (audited).

    Nothing is kept in the session: the next page view is masked again.
    """
    user = request.user
    member = get_member_for_user(user, pk)
    _require(perm.can_reveal_personal_data(user, member))
    form = ReauthForm(request.POST or None, user=user, purpose="reveal")
    if request.method == "POST" and form.is_valid():
        revealed = services.reveal_personal_data(actor=user, member=member,
                                                 reason=form.cleaned_data["reason"])
        return render(request, "org/member_detail.html",
                      _detail_context(user, member, revealed))
    return render(request, "org/member_reveal.html", {"form": form, "member": member})


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request):
    user = request.user
    branches = _branches_managed_by(user)
    _require(branches.exists())
    form = MemberCreateForm(request.POST or None, branches=branches,
                            initial={"branch": request.GET.get("branch")})
    if request.method == "POST" and form.is_valid():
        try:
            member = services.create_member(actor=user, **form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, f"已登记党员 {member.name}。")
            return redirect("org:member-detail", pk=member.pk)
    return render(request, "org/member_form.html", {"form": form, "title": "登记党员"})


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk: int):
    member = get_member_for_user(request.user, pk)
    _require(perm.can_manage_members(request.user, member.branch))
    initial = {f: getattr(member, f) for f in services.MEMBER_FIELDS}
    form = MemberForm(request.POST or None, initial=initial, member=member)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        # Personal data is never sent back to the browser; a blank field keeps the stored value.
        data["phone"] = data["phone"] or None
        data["id_number"] = data.get("id_number") or None  # absent when not collected
        try:
            services.update_member(actor=request.user, member=member, **data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, "党员信息已保存。")
            return redirect("org:member-detail", pk=member.pk)
    return render(request, "org/member_form.html",
                  {"form": form, "title": f"修改 {member.name} 的信息", "member": member})


@login_required
@require_http_methods(["GET", "POST"])
def member_transfer(request, pk: int):
    member = get_member_for_user(request.user, pk)
    _require(perm.can_manage_members(request.user, member.branch))
    # Any branch of the same root may receive the member; only names are shown for choosing.
    targets = Organization.objects.filter(root_id=member.root_id, kind=OrgKind.BRANCH).exclude(
        pk=member.branch_id
    )
    form = TransferForm(request.POST or None, branches=targets)
    if request.method == "POST" and form.is_valid():
        try:
            services.transfer_member(actor=request.user, member=member, **form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, f"{member.name} 已转入 {form.cleaned_data['to_branch']}。")
            if perm.visible_members(request.user).filter(pk=member.pk).exists():
                return redirect("org:member-detail", pk=member.pk)
            return redirect("org:member-list")
    return render(request, "org/member_transfer.html", {"form": form, "member": member})


# --- exemptions ----------------------------------------------------------------------------

@login_required
def exemption_list(request):
    user = request.user
    _require(perm.has_any_role(user, [Role.ORG_ADMIN, Role.SECRETARY, Role.COMMITTEE]))
    exemptions = perm.visible_exemptions(user).select_related(
        "member__branch", "proposed_by", "decided_by"
    )
    pending = [e for e in exemptions if e.state == ExemptionState.PROPOSED]
    return render(request, "org/exemption_list.html", {
        "pending": pending,
        "decided": [e for e in exemptions if e.state != ExemptionState.PROPOSED],
        "decidable": {e.pk for e in pending if perm.can_decide_exemption(user, e)},
    })


@login_required
@require_http_methods(["GET", "POST"])
def exemption_propose(request, member_pk: int):
    member = get_member_for_user(request.user, member_pk)
    _require(perm.can_propose_exemption(request.user, member))
    form = ExemptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.propose_exemption(actor=request.user, member=member, **form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        except ConflictError as e:
            form.add_error("year", e.message)
        else:
            messages.success(request, "申请已提交，等待组织部审批。")
            return redirect("org:member-detail", pk=member.pk)
    return render(request, "org/exemption_form.html", {"form": form, "member": member})


@login_required
@require_http_methods(["GET", "POST"])
def exemption_decide(request, pk: int):
    exemption = get_object_or_404(
        perm.visible_exemptions(request.user).select_related("member__branch", "proposed_by"),
        pk=pk,
    )
    _require(perm.has_role_over(request.user, exemption.member.branch, {Role.ORG_ADMIN}))
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_exemption(
                actor=request.user, exemption=exemption,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
        except ValidationError as e:
            add_service_errors(form, e)
        except ConflictError as e:
            messages.error(request, e.message)
            return redirect("org:exemption-list")
        else:
            messages.success(request, "审批结果已保存。")
            return redirect("org:exemption-list")
    return render(request, "org/exemption_decide.html", {"form": form, "exemption": exemption})


# --- roles ---------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def role_list(request):
    user = request.user
    _require(bool(perm.grantable_roles(user)))
    orgs = perm.managed_organizations(user, perm.ROLE_MANAGER_ROLES)
    form = RoleForm(request.POST or None, orgs=orgs, roles=perm.grantable_roles(user))
    if request.method == "POST" and form.is_valid():
        try:
            services.assign_role(actor=user, user=form.user, role=form.cleaned_data["role"],
                                 org=form.cleaned_data["org"])
        except (ValidationError, ConflictError) as e:
            add_service_errors(form, e)
        except PermissionDenied as e:  # e.g. granting oneself a role: keep the form, say why
            form.add_error(None, str(e))
        else:
            messages.success(request, "角色已分配。")
            return redirect("org:role-list")
    assignments = perm.visible_role_assignments(user).select_related("user", "org")
    return render(request, "org/role_list.html", {"form": form, "assignments": assignments})


@login_required
@require_POST
def role_delete(request, pk: int):
    assignment = get_object_or_404(
        perm.visible_role_assignments(request.user).select_related("org", "user"), pk=pk
    )
    _require(perm.can_assign_role(request.user, assignment.org, assignment.role))
    services.revoke_role(actor=request.user, assignment=assignment)
    messages.success(request, f"已撤销 {assignment}。")
    return redirect("org:role-list")


