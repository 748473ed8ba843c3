"""The branch's side: the overview (missing 实事承诺, queues, outcomes) and its decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from jifen.commitments import permissions as perm
from jifen.commitments import queries, services
from jifen.commitments.enums import CommitmentState
from jifen.commitments.forms import OutcomeForm
from jifen.commitments.views.common import (
    get_branch_for_user,
    get_commitment_for_user,
    get_report_for_user,
    overview_url,
    pick_branch,
    recent_years,
    run,
    save_form,
    year_param,
)
from jifen.core.redirects import redirect_back


@login_required
def overview(request):
    branches = perm.branches_with(request.user, perm.OVERVIEW_ROLES)
    branch = pick_branch(request, branches)
    year = year_param(request)
    data = queries.overview(branch, year)
    return render(request, "commitments/overview.html", {
        "branch": branch, "branches": branches, "year": year, "years": recent_years(),
        "can_lead": perm.can_lead(request.user, branch), **data,
        "state_counts": [(label, data["counts"][value])
                         for value, label in CommitmentState.choices],
    })


@login_required
@require_POST
def review(request, pk: int):
    commitment = get_commitment_for_user(request.user, pk)
    approve = request.POST.get("decision") == "pass"
    run(request, lambda: services.review_commitment(
        actor=request.user, commitment=commitment, approve=approve,
        reason=request.POST.get("reason", "")),
        "审核通过。" if approve else "已退回，党员修改后可重新提交。")
    return redirect_back(request, overview_url(commitment.branch_id, commitment.year))


@login_required
@require_POST
def verify(request, pk: int):
    report = get_report_for_user(request.user, pk)
    approve = request.POST.get("decision") == "pass"
    run(request, lambda: services.verify_report(
        actor=request.user, report=report, approve=approve,
        reason=request.POST.get("reason", "")),
        "践诺情况已核实。" if approve else "已退回该践诺报告。")
    commitment = report.commitment
    return redirect_back(request, overview_url(commitment.branch_id, commitment.year))


@login_required
@require_http_methods(["GET", "POST"])
def outcome(request, pk: int):
    commitment = get_commitment_for_user(request.user, pk)
    if not perm.can_lead(request.user, commitment.branch):
        raise PermissionDenied
    form = OutcomeForm(request.POST or None, initial={
        "outcome": commitment.outcome, "note": commitment.outcome_note,
        **({"decided_on": commitment.outcome_on} if commitment.outcome_on else {})})
    if request.method == "POST" and form.is_valid():
        saved = save_form(form, lambda d: services.set_outcome(
            actor=request.user, commitment=commitment, outcome=d["outcome"], note=d["note"],
            decided_on=d["decided_on"]))
        if saved is not None:
            messages.success(request, "年终评定已保存。")
            return redirect(overview_url(commitment.branch_id, commitment.year))
    return render(request, "commitments/outcome_form.html", {
        "form": form, "commitment": commitment})


@login_required
@require_POST
def deduction(request, pk: int):
    """One click: a commitment judged 未兑现 becomes the scheme's deduction entry."""
    commitment = get_commitment_for_user(request.user, pk)
    entry = run(request, lambda: services.convert_to_deduction(
        actor=request.user, commitment=commitment),
        "已生成扣分记录，按台账流程待支委初评（录入人不能初评）。")
    if entry is not None:
        return redirect("scoring:entry-detail", pk=entry.pk)
    return redirect_back(request, overview_url(commitment.branch_id, commitment.year))


@login_required
@require_POST
def publicize(request, branch_pk: int):
    branch = get_branch_for_user(request.user, branch_pk)
    year = year_param(request)
    run(request, lambda: services.publicize_commitments(
        actor=request.user, branch=branch, year=year), "审核通过的承诺已在本支部公示栏公示。")
    return redirect(overview_url(branch.pk, year))
