from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from jifen.core import clock
from jifen.core.dbrouter import replica_reads
from jifen.core.errors import ConflictError
from jifen.core.forms import add_service_errors
from jifen.org import permissions as org_perm
from jifen.org.enums import OrgKind
from jifen.org.models import Member
from jifen.publicity import services
from jifen.publicity.forms import AnswerForm, EscalateForm, ObjectionForm, OpenWindowForm
from jifen.publicity.models import Objection, ObjectionState, Window
from jifen.publicity.totals import window_totals
from jifen.scoring import permissions as perm
from jifen.scoring.views import get_entry_for_user


def visible_windows(user):
    """Windows of the user's branches: those they lead or review, and their own branch's."""
    qs = Window.objects.select_related("branch")
    if user.is_superuser:
        return qs
    q = org_perm.path_q(org_perm.scope_paths(user), "branch__path")
    member = org_perm.member_of(user)
    if member is not None:
        q |= Q(branch=member.branch_id)
    return qs.filter(q)


def visible_objections(user):
    qs = Objection.objects.select_related("entry__branch", "entry__member", "raised_by",
                                          "window__branch", "subject")
    if user.is_superuser:
        return qs
    paths = org_perm.scope_paths(user)
    q = org_perm.path_q(paths, "entry__branch__path") | org_perm.path_q(
        paths, "window__branch__path")
    member = org_perm.member_of(user)
    if member is not None:
        q |= Q(raised_by=member) | Q(entry__member=member) | Q(subject=member)
    return qs.filter(q)


def _lead_branches(user):
    qs = org_perm.visible_organizations(user).filter(kind=OrgKind.BRANCH)
    if user.is_superuser:
        return qs
    return qs.filter(org_perm.path_q(org_perm.scope_paths(
        user, perm.BRANCH_LEAD_ROLES | {"org_admin"})))


@login_required
def window_list(request):
    windows = visible_windows(request.user).annotate(entry_count=Count("entries"))
    return render(request, "publicity/list.html", {
        "windows": windows[:100], "can_open": _lead_branches(request.user).exists(),
        "today": clock.today()})


@login_required
@require_http_methods(["GET", "POST"])
def window_open(request):
    branches = _lead_branches(request.user)
    if not branches.exists():
        raise PermissionDenied
    form = OpenWindowForm(request.POST or None, branches=branches)
    if request.method == "POST" and form.is_valid():
        try:
            window = services.open_window(actor=request.user, **form.cleaned_data)
        except (ValidationError, ConflictError) as e:
            add_service_errors(form, e)
        else:
            messages.success(request, f"已发起公示，截止 {window.ends_on:%Y-%m-%d}。")
            return redirect("publicity:detail", pk=window.pk)
    return render(request, "publicity/open.html", {"form": form})


@login_required
def window_detail(request, pk: int):
    window = get_object_or_404(visible_windows(request.user), pk=pk)
    entries = (window.entries.select_related("member").prefetch_related("objections")
               .order_by("member__name", "occurred_on"))
    member = org_perm.member_of(request.user)
    today = clock.today()
    return render(request, "publicity/detail.html", {
        "window": window, "entries": entries, "totals": window_totals(window),
        "can_close": perm.can_lead_branch(request.user, window.branch) and not window.is_closed,
        "has_ended": services.has_ended(window),
        "can_object": member is not None and member.branch_id == window.branch_id
        and window.starts_on <= today <= window.ends_on,
    })


@login_required
@require_POST
def window_close(request, pk: int):
    window = get_object_or_404(visible_windows(request.user), pk=pk)
    try:
        count = services.close_window(actor=request.user, window=window)
    except ConflictError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, f"公示已结束，{count} 条记录已认定。")
    return redirect("publicity:detail", pk=window.pk)


@replica_reads
def board(request, token: str):
    """The public notice board: names and scores only, no login, no personal data."""
    window = get_object_or_404(Window.objects.select_related("branch"), board_token=token)
    return render(request, "publicity/board.html", {
        "window": window, "totals": window_totals(window),
        "entries": window.entries.select_related("member").order_by("member__name")})


@login_required
@require_http_methods(["GET", "POST"])
def objection_create(request, entry_pk: int):
    entry = get_entry_for_user(request.user, entry_pk)
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            objection = services.raise_objection(actor=request.user, entry=entry,
                                                 reason=form.cleaned_data["reason"])
        except (ValidationError, ConflictError) as e:
            add_service_errors(form, e)
        else:
            messages.success(request, "异议已提交，支部将查核后答复。")
            return redirect("publicity:objection-detail", pk=objection.pk)
    return render(request, "publicity/objection_form.html", {"form": form, "entry": entry})


@login_required
def objection_list(request):
    objections = visible_objections(request.user)
    member = org_perm.member_of(request.user)
    return render(request, "publicity/objection_list.html", {
        "mine": [o for o in objections if member and o.raised_by_id == member.pk],
        "pending": [o for o in objections if o.is_pending
                    and not (member and o.raised_by_id == member.pk)],
        "done": [o for o in objections if not o.is_pending
                 and not (member and o.raised_by_id == member.pk)][:50],
    })


@login_required
def objection_detail(request, pk: int):
    objection = get_object_or_404(visible_objections(request.user), pk=pk)
    user = request.user
    branch = objection.branch
    return render(request, "publicity/objection_detail.html", {
        "objection": objection,
        "can_answer": objection.state == ObjectionState.OPEN
        and perm.can_lead_branch(user, branch) and objection.raised_by.user_id != user.pk,
        "can_escalate": objection.state == ObjectionState.DISMISSED
        and objection.raised_by.user_id == user.pk,
        "can_rule": objection.state == ObjectionState.ESCALATED and perm.can_rule(user, branch),
        "answer_form": AnswerForm(), "escalate_form": EscalateForm(),
    })


def _may_answer(user, objection) -> bool:
    return perm.can_lead_branch(user, objection.branch)


def _may_escalate(user, objection) -> bool:
    return objection.raised_by.user_id == user.pk


def _may_rule(user, objection) -> bool:
    return perm.can_rule(user, objection.branch)


def _objection_action(request, pk: int, form_class, allowed, action):
    objection = get_object_or_404(visible_objections(request.user), pk=pk)
    if not allowed(request.user, objection):
        raise PermissionDenied
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写完整：" + "；".join(
            f"{form.fields[f].label}{e[0]}" for f, e in form.errors.items()))
    else:
        try:
            action(objection, form.cleaned_data)
        except (ConflictError, ValidationError) as e:
            messages.error(request, getattr(e, "message", None) or "；".join(e.messages))
        else:
            messages.success(request, "已保存。")
    return redirect("publicity:objection-detail", pk=objection.pk)


@login_required
@require_POST
def objection_answer(request, pk: int):
    return _objection_action(request, pk, AnswerForm, _may_answer,
                             lambda o, d: services.answer_objection(
        actor=request.user, objection=o, upheld=d["decision"] == "upheld", reply=d["reply"]))


@login_required
@require_POST
def objection_escalate(request, pk: int):
    return _objection_action(request, pk, EscalateForm, _may_escalate,
                             lambda o, d: services.escalate_objection(
        actor=request.user, objection=o, reason=d["reason"]))


@login_required
@require_POST
def objection_rule(request, pk: int):
    return _objection_action(request, pk, AnswerForm, _may_rule,
                             lambda o, d: services.rule_objection(
        actor=request.user, objection=o, upheld=d["decision"] == "upheld", reply=d["reply"]))


@login_required
@require_http_methods(["GET", "POST"])
def total_objection_create(request, pk: int, member_pk: int):
    """异议 to one member's total in an annual window."""
    window = get_object_or_404(visible_windows(request.user), pk=pk, kind="annual")
    subject = get_object_or_404(Member, pk=member_pk, branch=window.branch_id)
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            objection = services.raise_total_objection(actor=request.user, window=window,
                                                       subject=subject,
                                                       reason=form.cleaned_data["reason"])
        except (ValidationError, ConflictError) as e:
            add_service_errors(form, e)
        else:
            messages.success(request, "异议已提交，支部将查核后答复。")
            return redirect("publicity:objection-detail", pk=objection.pk)
    return render(request, "publicity/objection_form.html",
                  {"form": form, "subject": subject, "window": window})
