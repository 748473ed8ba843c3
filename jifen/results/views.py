from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jifen.core import clock
from jifen.core.errors import ConflictError
from jifen.org import permissions as org_perm
from jifen.org.enums import OrgKind
from jifen.org.models import Member
from jifen.publicity import services as publicity
from jifen.publicity.models import Window, WindowKind
from jifen.results import permissions as perm
from jifen.results import queries, services
from jifen.results.forms import AppraisalForm, DisposalForm, ReasonForm, TalkForm
from jifen.results.models import YearState

LIST_TITLES = {"excellent": "可评为优秀（优秀候选）", "admonish": "应进行诫勉谈话",
               "no_award": "取消评先评优资格", "unqualified": "不合格"}


def _year(request) -> int:
    value = request.GET.get("year") or request.POST.get("year") or ""
    return int(value) if value.isdigit() else clock.results_year()


def _branch(request):
    """The branch named by ?branch= among the visible ones the user may see results of."""
    branches = org_perm.visible_organizations(request.user).filter(kind=OrgKind.BRANCH)
    branch_id = request.GET.get("branch") or request.POST.get("branch")
    branch = branches.filter(pk=branch_id).first() if branch_id else None
    if branch is None:
        branch = next((b for b in branches if perm.can_view_results(request.user, b)), None)
        if branch is None:
            raise PermissionDenied
    if not perm.can_view_results(request.user, branch):
        raise PermissionDenied
    return branch


@login_required
def branch_results(request):
    branch, year = _branch(request), _year(request)
    rows, exempt, titles = queries.branch_rows(branch, year)
    result = services.year_result(branch, year)
    user = request.user
    grades = list(titles.items())
    editable = result.state == YearState.OPEN
    return render(request, "results/branch.html", {
        "branch": branch, "year": year, "rows": rows, "exempt": exempt, "result": result,
        "grades": [(k, v) for k, v in grades if k not in ("exempt",)],
        "missing": services.missing_before_submit(branch, year) if editable else [],
        "editable": editable and perm.can_appraise(user, branch),
        "can_submit": editable and perm.can_submit(user, branch),
        "can_file": result.state == YearState.SUBMITTED and perm.can_file(user, branch),
        "can_reopen": result.state == YearState.FILED and perm.can_reopen(user, branch),
        "annual": Window.objects.filter(branch=branch, year=year,
                                        kind=WindowKind.ANNUAL).first(),
        "talk_form": TalkForm(members=_flagged(rows, "admonish")),
        "disposal_form": DisposalForm(members=_flagged(rows, "unqualified")),
        "reason_form": ReasonForm(),
        "branches": [b for b in org_perm.visible_organizations(user).filter(kind=OrgKind.BRANCH)
                     if perm.can_view_results(user, b)],
    })


def _flagged(rows, flag: str):
    ids = [r.score.member_id for r in rows if flag in r.score.flags
           or (flag == "unqualified" and r.final_grade == "unqualified")]
    return Member.objects.filter(pk__in=ids)


def _back(branch, year):
    return redirect(f"/results/?branch={branch.pk}&year={year}")


def _run(request, action, success: str) -> None:
    try:
        action()
    except ConflictError as e:
        messages.error(request, e.message)
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    else:
        messages.success(request, success)


@login_required
@require_POST
def appraise(request):
    branch, year = _branch(request), _year(request)
    if not perm.can_appraise(request.user, branch):
        raise PermissionDenied
    form = AppraisalForm(request.POST, members=Member.objects.filter(branch=branch))
    if form.is_valid():
        data = form.cleaned_data
        _run(request, lambda: services.record_appraisal(
            actor=request.user, member=data["member"], year=year, grade=data["grade"],
            reason=data["reason"]), f"已录入 {data['member'].name} 的评议等次。")
    else:
        messages.error(request, "请选择党员和等次。")
    return _back(branch, year)


def _record(request, form_class, flag, service, success):
    branch, year = _branch(request), _year(request)
    if not perm.can_appraise(request.user, branch):
        raise PermissionDenied
    rows, _exempt, _titles = queries.branch_rows(branch, year)
    form = form_class(request.POST, members=_flagged(rows, flag))
    if form.is_valid():
        _run(request, lambda: service(actor=request.user, year=year, **form.cleaned_data),
             success)
    else:
        messages.error(request, "；".join(f"{form.fields[f].label}：{e[0]}"
                                          for f, e in form.errors.items()))
    return _back(branch, year)


@login_required
@require_POST
def talk(request):
    return _record(request, TalkForm, "admonish", services.record_talk, "诫勉谈话记录已保存。")


@login_required
@require_POST
def disposal(request):
    return _record(request, DisposalForm, "unqualified", services.record_disposal,
                   "处置情况已保存。")


@login_required
@require_POST
def annual_publicity(request):
    branch, year = _branch(request), _year(request)
    _run(request, lambda: publicity.open_annual_window(actor=request.user, branch=branch,
                                                       year=year, public_board=True),
         "年度积分已发起公示。")
    return _back(branch, year)


def _step(request, service, success, *, with_reason=False):
    branch, year = _branch(request), _year(request)
    kwargs = {}
    if with_reason:
        kwargs["reason"] = request.POST.get("reason", "")
    _run(request, lambda: service(actor=request.user, branch=branch, year=year, **kwargs),
         success)
    return _back(branch, year)


@login_required
@require_POST
def submit(request):
    return _step(request, services.submit_year, "已报送，等待审核备案。")


@login_required
@require_POST
def file(request):
    return _step(request, services.file_year, "已审核备案，该年度已锁定。")


@login_required
@require_POST
def return_(request):
    return _step(request, services.return_year, "已退回支部修改。", with_reason=True)


@login_required
@require_POST
def reopen(request):
    return _step(request, services.reopen_year, "已重新开放该年度。", with_reason=True)


@login_required
def lists(request):
    """优秀候选、诫勉谈话、取消评先评优、不合格 — for the subtree of one of the user's orgs."""
    year = _year(request)
    orgs = [o for o in org_perm.visible_organizations(request.user)
            if perm.can_view_results(request.user, o)]
    if not orgs:
        raise PermissionDenied
    org_id = request.GET.get("org")
    org = next((o for o in orgs if str(o.pk) == org_id), orgs[0])
    found = queries.lists_for(org, year)
    return render(request, "results/lists.html", {
        "org": org, "orgs": orgs, "year": year,
        "lists": [(LIST_TITLES[k], v) for k, v in found.items()]})
