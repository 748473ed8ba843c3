"""我的承诺: the member makes, corrects and reports on their commitments; one commitment's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from jifen.audit.services import history_of
from jifen.commitments import permissions as perm
from jifen.commitments import queries, services
from jifen.commitments.enums import CommitmentKind, CommitmentState, Outcome, ReportState
from jifen.commitments.forms import CommitmentForm, ReportForm
from jifen.commitments.models import YearReport
from jifen.commitments.views.common import (
    get_commitment_for_user,
    recent_years,
    save_form,
    year_param,
)
from jifen.core import clock
from jifen.org import permissions as org_perm


def _has_deed(commitments) -> bool:
    return any(c.kind == CommitmentKind.DEED and c.state in CommitmentState.standing
               for c in commitments)


@login_required
def mine(request):
    member = org_perm.member_of(request.user)
    if member is None:
        raise Http404
    year = year_param(request)
    commitments = queries.my_commitments(member, year)
    today = clock.today()
    return render(request, "commitments/mine.html", {
        "member": member, "year": year, "years": recent_years(), "commitments": commitments,
        "has_deed": _has_deed(commitments), "can_create": year in (today.year, today.year + 1),
        "year_report": YearReport.objects.filter(member=member, year=year).first(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    member = org_perm.member_of(request.user)
    if member is None:
        raise PermissionDenied
    year = year_param(request)
    form = CommitmentForm(request.POST or None,
                          initial={"year": year, "kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        commitment = save_form(form, lambda d: services.create_commitment(
            actor=request.user, year=d["year"], kind=d["kind"], content=d["content"]))
        if commitment is not None:
            messages.success(request, "承诺已提交，待支部审核。")
            return redirect("commitments:detail", pk=commitment.pk)
    return render(request, "commitments/commitment_form.html", {
        "form": form, "title": "作出承诺",
        "has_deed": _has_deed(queries.my_commitments(member, year)), "year": year})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    commitment = get_commitment_for_user(request.user, pk)
    if not perm.is_own(request.user, commitment):
        raise PermissionDenied
    form = CommitmentForm(request.POST or None, editing=True,
                          initial={"kind": commitment.kind, "content": commitment.content})
    if request.method == "POST" and form.is_valid():
        saved = save_form(form, lambda d: services.edit_commitment(
            actor=request.user, commitment=commitment, kind=d["kind"], content=d["content"]))
        if saved is not None:
            messages.success(request, "已修改并重新提交，待支部审核。")
            return redirect("commitments:detail", pk=commitment.pk)
    return render(request, "commitments/commitment_form.html", {
        "form": form, "commitment": commitment, "title": "修改承诺",
        "editable": commitment.state in (CommitmentState.SUBMITTED, CommitmentState.RETURNED)})


@login_required
@require_http_methods(["GET", "POST"])
def report(request, pk: int):
    commitment = get_commitment_for_user(request.user, pk)
    if not perm.is_own(request.user, commitment):
        raise PermissionDenied
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = save_form(form, lambda d: services.report_fulfilment(
            actor=request.user, commitment=commitment, content=d["content"],
            reported_on=d["reported_on"]))
        if saved is not None:
            messages.success(request, "践诺情况已报告，待支部核实。")
            return redirect("commitments:detail", pk=commitment.pk)
    return render(request, "commitments/report_form.html", {
        "form": form, "commitment": commitment,
        "open": commitment.is_approved and not commitment.outcome})


# The history as people say it; the audit log keeps the codes.
ACTION_LABELS = {
    "commitments.commitment.submitted": "提交承诺",
    "commitments.commitment.edited": "修改承诺",
    "commitments.commitment.resubmitted": "修改后重新提交",
    "commitments.commitment.reviewed": "审核通过",
    "commitments.commitment.returned": "退回修改",
    "commitments.commitment.publicized": "在支部公示栏公示",
    "commitments.commitment.outcome_set": "年终评定",
    "commitments.commitment.deduction_created": "转为扣分记录",
}


def _history(commitment) -> list:
    rows = list(history_of(commitment))
    for row in rows:
        row.label = ACTION_LABELS.get(row.action, row.action)
    return rows


@login_required
def detail(request, pk: int):
    commitment = get_commitment_for_user(request.user, pk)
    user = request.user
    own = perm.is_own(user, commitment)
    lead = perm.can_lead(user, commitment.branch)
    involved = perm.is_about_or_by(user, commitment.member, commitment.created_by_id)
    in_charge = own or org_perm.has_role_over(user, commitment.branch)
    approved, open_ = commitment.is_approved, not commitment.outcome
    return render(request, "commitments/detail.html", {
        "commitment": commitment,
        "reports": perm.visible_reports(user).filter(commitment=commitment)
        .select_related("verified_by"),
        "history": _history(commitment) if in_charge else [],
        "can_edit": own and commitment.state in (CommitmentState.SUBMITTED,
                                                 CommitmentState.RETURNED),
        "can_report": own and approved and open_,
        "can_review": lead and not involved and commitment.state == CommitmentState.SUBMITTED,
        "can_verify": lead and not involved,
        "can_judge": lead and not involved and approved and not commitment.deduction_entry_id,
        "can_convert": lead and not involved and commitment.outcome == Outcome.NOT
        and not commitment.deduction_entry_id,
        "pending": ReportState.SUBMITTED,
    })
