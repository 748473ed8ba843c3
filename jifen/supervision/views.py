from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from jifen.core import clock
from jifen.core.errors import ConflictError
from jifen.core.forms import add_service_errors
from jifen.org import permissions as org_perm
from jifen.org.enums import OrgKind
from jifen.supervision import flags, queries, services
from jifen.supervision import permissions as perm
from jifen.supervision.enums import CheckResult
from jifen.supervision.forms import DrawForm, ResultForm, year_choices
from jifen.supervision.models import SpotCheck


def _year(request) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() else clock.results_year()


def _scope(request):
    """The organization named by ?org= (404 if invisible, 403 if not supervised), else the
    widest one the user supervises."""
    org_id = request.GET.get("org", "")
    if org_id.isdigit():
        org = get_object_or_404(org_perm.visible_organizations(request.user), pk=int(org_id))
    else:
        org = perm.default_org(request.user)
    if org is None or not perm.can_supervise(request.user, org):
        raise PermissionDenied
    return org


@login_required
def dashboard(request):
    """督导检查: the subtree's counts, its distribution, its branches side by side, and every
    branch's figures and flags."""
    org, year = _scope(request), _year(request)
    overview = queries.overview(org, year)
    return render(request, "supervision/dashboard.html", {
        "org": org, "year": year, "overview": overview,
        "orgs": perm.supervised_orgs(request.user), "years": year_choices(),
        "thresholds": flags.thresholds(),
        # horizontal bars: room for each branch's name and three bars
        "comparison_height": 100 + 48 * len(overview.comparison),
    })


@login_required
def branch(request, pk: int):
    branch = get_object_or_404(org_perm.visible_organizations(request.user), pk=pk,
                               kind=OrgKind.BRANCH)
    if not perm.can_supervise(request.user, branch):
        raise PermissionDenied
    year = _year(request)
    overview = queries.overview(branch, year)
    metrics = overview.branches[0]
    return render(request, "supervision/branch.html", {
        "branch": branch, "year": year, "overview": overview, "m": metrics,
        "days_since_publicity": metrics.days_since_publicity(overview.as_of),
        "years": year_choices(), "thresholds": flags.thresholds(),
    })


# --- random spot checks (随机抽查) ------------------------------------------------------------

def get_spot_check_for_user(user, pk: int) -> SpotCheck:
    check = get_object_or_404(perm.visible_spot_checks(user).select_related("org", "drawn_by"),
                              pk=pk)
    if not perm.can_supervise(user, check.org):
        raise PermissionDenied
    return check


@login_required
def spot_check_list(request):
    if not perm.supervises_anything(request.user):
        raise PermissionDenied
    checks = perm.visible_spot_checks(request.user).filter(
        org__in=perm.supervised_orgs(request.user, branches=True)).select_related(
        "org", "drawn_by").annotate(
        drawn=Count("items"), checked=Count("items", filter=~Q(items__result=CheckResult.PENDING)),
        problems=Count("items", filter=Q(items__result=CheckResult.PROBLEM)))
    return render(request, "supervision/spot_check_list.html", {"checks": checks[:200]})


@login_required
@require_http_methods(["GET", "POST"])
def spot_check_draw(request):
    if not perm.supervises_anything(request.user):
        raise PermissionDenied
    form = DrawForm(request.POST or None,
                    orgs=perm.supervised_orgs(request.user, branches=True))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            check = services.draw_spot_check(
                actor=request.user, org=data["org"], year=data["year"], size=data["size"],
                seed=data["seed"], note=data["note"])
        except (ValidationError, ConflictError) as e:
            add_service_errors(form, e)
        else:
            messages.success(request, f"已抽取 {check.items.count()} 条记录，"
                                      f"随机种子 {check.seed}。")
            return redirect("supervision:spot-check-detail", pk=check.pk)
    return render(request, "supervision/spot_check_form.html", {"form": form})


@login_required
def spot_check_detail(request, pk: int):
    check = get_spot_check_for_user(request.user, pk)
    items = list(check.items.select_related(
        "entry__member", "entry__branch", "entry__created_by", "checked_by").prefetch_related(
        "entry__evidence"))
    for item in items:
        item.form = None if item.is_checked or services.is_party_to(
            request.user, item.entry) else ResultForm(prefix=f"i{item.pk}")
    return render(request, "supervision/spot_check_detail.html", {
        "check": check, "items": items,
        "redraw_same": services.population_digest(check.org, check.year)
        == check.population_digest,
    })


@login_required
@require_POST
def spot_check_record(request, pk: int, item_pk: int):
    check = get_spot_check_for_user(request.user, pk)
    item = get_object_or_404(check.items, pk=item_pk)
    form = ResultForm(request.POST, prefix=f"i{item.pk}")
    if not form.is_valid():
        messages.error(request, "请选择核查结果。")
    else:
        try:
            services.record_check_result(actor=request.user, item=item,
                                         result=form.cleaned_data["result"],
                                         note=form.cleaned_data["note"])
        except ConflictError as e:
            messages.error(request, e.message)
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
        else:
            messages.success(request, f"第 {item.position} 条的核查结果已记录。")
    return redirect(f"{reverse('supervision:spot-check-detail', args=[check.pk])}"
                    f"#item-{item.position}")
