"""述职: the branch's list, writing (the member, or the branch on their behalf), the remark."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from jifen.commitments import permissions as perm
from jifen.commitments import queries
from jifen.commitments.forms import RemarkForm, YearReportForm
from jifen.commitments.models import YearReport
from jifen.commitments.views.common import (
    get_year_report_for_user,
    pick_branch,
    recent_years,
    save_form,
    year_param,
)
from jifen.commitments.year_reports import remark_year_report, write_year_report
from jifen.org import permissions as org_perm


@login_required
def year_report_list(request):
    branches = perm.branches_with(request.user, perm.OVERVIEW_ROLES)
    branch = pick_branch(request, branches)
    year = year_param(request)
    return render(request, "commitments/year_report_list.html", {
        "branch": branch, "branches": branches, "year": year, "years": recent_years(),
        "rows": queries.year_reports(branch, year),
        "can_lead": perm.can_lead(request.user, branch)})


@login_required
@require_http_methods(["GET", "POST"])
def year_report_write(request, member_pk: int):
    member = get_object_or_404(org_perm.visible_members(request.user).select_related("branch"),
                               pk=member_pk)
    if not perm.can_write_year_report(request.user, member):
        raise PermissionDenied
    year = year_param(request)
    report = YearReport.objects.filter(member=member, year=year).first()
    form = YearReportForm(request.POST or None,
                          initial={"content": report.content if report else ""})
    if request.method == "POST" and form.is_valid() and save_form(
            form, lambda d: write_year_report(actor=request.user, member=member, year=year,
                                              content=d["content"])):
        messages.success(request, "述职已保存。")
        if member.user_id == request.user.pk:
            return redirect(f"{reverse('commitments:mine')}?year={year}")
        return redirect(f"{reverse('commitments:year-reports')}?branch={member.branch_id}"
                        f"&year={year}")
    return render(request, "commitments/year_report_form.html", {
        "form": form, "member": member, "year": year, "report": report,
        "on_behalf": member.user_id != request.user.pk})


@login_required
@require_http_methods(["GET", "POST"])
def year_report_remark(request, pk: int):
    report = get_year_report_for_user(request.user, pk)
    if not perm.can_lead(request.user, report.branch):
        raise PermissionDenied
    form = RemarkForm(request.POST or None, initial={"remark": report.remark})
    if request.method == "POST" and form.is_valid() and save_form(
            form, lambda d: remark_year_report(actor=request.user, report=report,
                                               remark=d["remark"])):
        messages.success(request, "评语已保存。")
        return redirect(f"{reverse('commitments:year-reports')}?branch={report.branch_id}"
                        f"&year={report.year}")
    return render(request, "commitments/remark_form.html", {"form": form, "report": report})
