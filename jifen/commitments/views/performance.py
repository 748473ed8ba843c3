"""晒出业绩: the monthly summary; anyone with a role over the branch sees it live, the branch's
secretary and committee publish it, and members see what was published."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jifen.commitments import permissions as perm
from jifen.commitments.models import PerformancePublication
from jifen.commitments.performance import Month, monthly_summary, publish_summary
from jifen.commitments.views.common import get_branch_for_user, pick_branch, run
from jifen.org import permissions as org_perm


def _month(request, source) -> Month:
    try:
        return Month.parse(source.get("month"))
    except ValidationError:
        messages.error(request, "月份格式应为 YYYY-MM，已显示本月。")
        return Month.parse(None)


def _url(branch_id: int, month: Month) -> str:
    return f"{reverse('commitments:performance')}?branch={branch_id}&month={month}"


@login_required
def performance(request):
    user = request.user
    branches = perm.visible_branches(user)
    branch = pick_branch(request, branches)
    month = _month(request, request.GET)
    live = org_perm.has_role_over(user, branch)
    publication = PerformancePublication.objects.filter(
        branch=branch, year=month.year, month=month.month).select_related("published_by").first()
    rows = monthly_summary(branch, month) if live else (publication.rows if publication else [])
    return render(request, "commitments/performance.html", {
        "branch": branch, "branches": branches, "month": month, "rows": rows, "live": live,
        "publication": publication, "can_publish": perm.can_lead(user, branch),
        "published": PerformancePublication.objects.filter(branch=branch).order_by(
            "-year", "-month")[:12],
    })


@login_required
@require_POST
def performance_publish(request, branch_pk: int):
    branch = get_branch_for_user(request.user, branch_pk)
    month = _month(request, request.POST)
    run(request, lambda: publish_summary(actor=request.user, branch=branch, month=month),
        f"{month.year}年{month.month}月业绩已在本支部公示。")
    return redirect(_url(branch.pk, month))
