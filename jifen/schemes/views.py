import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from jifen.core import clock
from jifen.core.errors import ConflictError
from jifen.core.forms import add_service_errors
from jifen.core.xlsx import attachment
from jifen.org import permissions as perm
from jifen.org.enums import OrgKind, Role
from jifen.schemes import editing, services
from jifen.schemes.exports import scheme_workbook
from jifen.schemes.forms import (
    CategoryForm,
    CreateSchemeForm,
    GradesForm,
    ItemForm,
    SettingsForm,
    parse_scheme_file,
)
from jifen.schemes.models import Scheme
from jifen.schemes.permissions import can_manage_scheme, visible_schemes
from jifen.schemes.queries import effective_scheme


def get_scheme_for_user(user, pk: int) -> Scheme:
    return get_object_or_404(visible_schemes(user).select_related("org", "parent__org"), pk=pk)


def _managed(request, pk: int) -> Scheme:
    scheme = get_scheme_for_user(request.user, pk)
    if not can_manage_scheme(request.user, scheme.org):
        raise PermissionDenied
    return scheme


def _manageable_orgs(user):
    """Organizations whose schemes the user may create: the org department's whole subtree,
    a secretary's branch, a reviewer's general branch."""
    if user.is_superuser:
        return perm.visible_organizations(user)
    q = perm.path_q(perm.scope_paths(user, [Role.ORG_ADMIN]))
    for role, kind in ((Role.SECRETARY, OrgKind.BRANCH), (Role.REVIEWER, OrgKind.GENERAL_BRANCH)):
        q |= Q(path__in=perm.scope_paths(user, [role]), kind=kind)
    return perm.visible_organizations(user).filter(q)


@login_required
def scheme_list(request):
    schemes = visible_schemes(request.user).select_related("parent__org")
    return render(request, "schemes/list.html", {
        "schemes": schemes, "can_create": _manageable_orgs(request.user).exists(),
    })


@login_required
def my_scheme(request):
    """The scheme a member is scored by this year (their branch's, or the nearest ancestor's)."""
    member = perm.member_of(request.user)
    if member is None:
        raise Http404
    scheme = effective_scheme(member.branch, clock.today().year)
    if scheme is None:
        messages.info(request, "本支部今年的计分方案尚未建立。")
        return redirect("core:home")
    return redirect("schemes:detail", pk=scheme.pk)


@login_required
def scheme_detail(request, pk: int):
    scheme = get_scheme_for_user(request.user, pk)
    return render(request, "schemes/detail.html", {
        "scheme": scheme, "definition": scheme.definition,
        "table": editing.items_by_category(scheme.definition),
        "can_manage": can_manage_scheme(request.user, scheme.org),
        "children": scheme.children.select_related("org"),
        # a refined scheme may drop only its own sub-items, never the parent's items
        "deletable": _own_item_codes(scheme),
        "signs": editing.CATEGORY_SIGNS,
        "member_categories": editing.MEMBER_CATEGORY_TITLES,
    })


def _own_item_codes(scheme: Scheme) -> set[str]:
    codes = {i["code"] for i in scheme.definition["items"]}
    if scheme.parent is not None:
        codes -= {i["code"] for i in scheme.parent.definition["items"]}
    return codes


@login_required
@require_http_methods(["GET", "POST"])
def scheme_create(request):
    orgs = _manageable_orgs(request.user)
    if not orgs.exists():
        raise PermissionDenied
    form = CreateSchemeForm(request.POST or None, request.FILES or None, orgs=orgs,
                            initial={"year": clock.today().year, "source": "preset"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            scheme = _create(request.user, data)
        except (ValidationError, ConflictError) as e:
            add_service_errors(form, e)
        else:
            messages.success(request, f"已建立{scheme.org.name} {scheme.year} 年计分方案。")
            return redirect("schemes:detail", pk=scheme.pk)
    return render(request, "schemes/create.html", {"form": form})


def _create(user, data) -> Scheme:
    org, year = data["org"], data["year"]
    if data["source"] == "preset":
        return services.create_from_preset(actor=user, org=org, year=year, preset=data["preset"])
    if data["source"] == "derive":
        return services.derive_scheme(actor=user, org=org, year=year)
    try:
        definition = parse_scheme_file(data["file"])
    except ValidationError as e:
        raise ValidationError({"file": e.messages}) from e
    return services.import_scheme(actor=user, org=org, year=year, definition=definition)


def _save(request, scheme, form, definition, what: str):
    """Run an edit through the service; on refusal keep the form with the reasons shown."""
    try:
        services.update_definition(actor=request.user, scheme=scheme, definition=definition,
                                   what=what)
    except ValidationError as e:
        for message in e.messages:
            form.add_error(None, message)
    except ConflictError as e:
        form.add_error(None, e.message)
    else:
        messages.success(request, "方案已保存。")
        return redirect("schemes:detail", pk=scheme.pk)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def edit_settings(request, pk: int):
    scheme = _managed(request, pk)
    d = scheme.definition
    form = SettingsForm(request.POST or None, initial={
        "title": d["title"], "base": d["base"], "floor": d["floor"], "ceiling": d.get("ceiling"),
        "publicity_days": d["publicity_days"]})
    if request.method == "POST" and form.is_valid():
        done = _save(request, scheme, form, editing.with_settings(d, **form.cleaned_data),
                     "基本设置")
        if done:
            return done
    return render(request, "schemes/edit.html", {"scheme": scheme, "form": form,
                                                 "title": "修改基本设置"})


@login_required
@require_http_methods(["GET", "POST"])
def edit_item(request, pk: int, code: str | None = None):
    scheme = _managed(request, pk)
    d = scheme.definition
    item = next((i for i in d["items"] if i["code"] == code), None)
    if code is not None and item is None:
        raise Http404
    form = ItemForm(request.POST or None, definition=d, editing=item is not None,
                    initial=item or {"applies_to": ["teacher", "student"],
                                     "code": _next_code(scheme)})
    if request.method == "POST" and form.is_valid():
        item_code = code or form.cleaned_data["code"]
        done = _save(request, scheme, form, editing.with_item(d, item_code, form.cleaned_data),
                     f"记分项目 {item_code}")
        if done:
            return done
    title = f"修改记分项目 {code}" if item else "新增记分项目"
    return render(request, "schemes/edit.html", {"scheme": scheme, "form": form, "title": title})


def _next_code(scheme: Scheme) -> str:
    prefix = "X" if scheme.parent_id is None else f"{scheme.org_id}"
    codes = {i["code"] for i in scheme.definition["items"]}
    n = 1
    while f"{prefix}-{n:02d}" in codes:
        n += 1
    return f"{prefix}-{n:02d}"


@login_required
@require_POST
def delete_item(request, pk: int, code: str):
    scheme = _managed(request, pk)
    try:
        services.update_definition(actor=request.user, scheme=scheme,
                                   definition=editing.without_item(scheme.definition, code),
                                   what=f"删除记分项目 {code}")
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    except ConflictError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, f"已删除记分项目 {code}。")
    return redirect("schemes:detail", pk=scheme.pk)


@login_required
@require_http_methods(["GET", "POST"])
def edit_category(request, pk: int, key: str):
    scheme = _managed(request, pk)
    category = next((c for c in scheme.definition["categories"] if c["key"] == key), None)
    if category is None:
        raise Http404
    form = CategoryForm(request.POST or None, initial=category)
    if request.method == "POST" and form.is_valid():
        new = editing.with_category(scheme.definition, key, title=form.cleaned_data["title"],
                                    cap=form.cleaned_data["cap_per_period"])
        done = _save(request, scheme, form, new, f"类别 {key}")
        if done:
            return done
    return render(request, "schemes/edit.html", {"scheme": scheme, "form": form,
                                                 "title": f"修改类别：{category['title']}"})


@login_required
@require_http_methods(["GET", "POST"])
def edit_grades(request, pk: int):
    scheme = _managed(request, pk)
    form = GradesForm(request.POST or None, definition=scheme.definition)
    if request.method == "POST" and form.is_valid():
        done = _save(request, scheme, form,
                     editing.with_grades(scheme.definition, form.changes()), "评定规则")
        if done:
            return done
    return render(request, "schemes/edit_grades.html", {"scheme": scheme, "form": form})


@login_required
@require_POST
def copy_next_year(request, pk: int):
    scheme = _managed(request, pk)
    try:
        new = services.copy_to_next_year(actor=request.user, scheme=scheme)
    except (ValidationError, ConflictError) as e:
        messages.error(request, getattr(e, "message", None) or "；".join(e.messages))
        return redirect("schemes:detail", pk=scheme.pk)
    messages.success(request, f"已复制为 {new.year} 年方案，可在此基础上调整。")
    return redirect("schemes:detail", pk=new.pk)


@login_required
def export_json(request, pk: int):
    scheme = get_scheme_for_user(request.user, pk)
    content = json.dumps(scheme.definition, ensure_ascii=False, indent=1).encode()
    return attachment(content, f"{scheme.org.name}_{scheme.year}年_计分方案.json",
                      "application/json")


@login_required
def export_xlsx(request, pk: int):
    scheme = get_scheme_for_user(request.user, pk)
    return scheme_workbook(scheme)
