from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from jifen.audit.services import history_of
from jifen.core import clock
from jifen.core.dbrouter import replica_reads
from jifen.core.errors import ConflictError
from jifen.core.forms import add_service_errors
from jifen.core.redirects import redirect_back
from jifen.org import permissions as org_perm
from jifen.org.enums import OrgKind
from jifen.org.models import Member
from jifen.schemes.queries import effective_scheme
from jifen.scoring import evidence as evidence_files
from jifen.scoring import permissions as perm
from jifen.scoring import queries, services
from jifen.scoring.enums import EntryState
from jifen.scoring.forms import BatchForm, BranchSettingsForm, EntryForm, EvidenceForm, ReasonForm
from jifen.scoring.models import Entry, Evidence
from jifen.scoring.rollup import overview_grades, subtree_figures
from jifen.scoring.standing import FLAG_TITLES, label_rows, member_standing


def get_entry_for_user(user, pk: int) -> Entry:
    return get_object_or_404(
        perm.visible_entries(user).select_related("member", "branch", "created_by",
                                                  "reviewed_by", "approved_by", "window",
                                                  "reverses"), pk=pk)


def _recordable_branches(user):
    qs = org_perm.visible_organizations(user).filter(kind=OrgKind.BRANCH)
    if user.is_superuser:
        return qs
    return qs.filter(org_perm.path_q(org_perm.scope_paths(user, perm.RECORD_ROLES)))


def _branch_param(request, branches):
    """The branch a page works on: ?branch=ID among the allowed ones, else the first."""
    branch_id = request.GET.get("branch") or request.POST.get("branch")
    branch = branches.filter(pk=branch_id).first() if branch_id else branches.first()
    if branch is None:
        raise PermissionDenied
    return branch


# --- recording -----------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def entry_create(request):
    branches = _recordable_branches(request.user)
    branch = _branch_param(request, branches)
    scheme = effective_scheme(branch, clock.today().year)
    form = EntryForm(request.POST or None, request.FILES or None,
                     members=Member.objects.filter(branch=branch),
                     definition=scheme.definition if scheme else {})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.create_entry(
                actor=request.user, member=data["member"], item_code=data["item"],
                points=data["points"], occurred_on=data["occurred_on"], reason=data["reason"],
                files=data["files"])
        except ValidationError as e:
            _field_errors(form, e)
        except ConflictError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, f"已记录：{entry.member.name} {entry.item_title} "
                                      f"{entry.points} 分，待支委初评。")
            return redirect(f"{request.path}?branch={branch.pk}")
    return render(request, "scoring/entry_form.html", {
        "form": form, "branch": branch, "branches": branches, "scheme": scheme,
        "title": "记分", "recent": Entry.objects.filter(branch=branch, created_by=request.user)
        .select_related("member")[:10]})


def _field_errors(form, error: ValidationError) -> None:
    """Service errors name entry fields (item, occurred_on…) that the forms also use."""
    mapping = {"member": "member", "reason": "reason", "points": "points", "item": "item",
               "occurred_on": "occurred_on"}
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = mapping.get(field)
            form.add_error(target if target in form.fields else None, errors)
    else:
        form.add_error("files" if "files" in form.fields else None, error)


@login_required
@require_http_methods(["GET", "POST"])
def entry_batch(request):
    branches = _recordable_branches(request.user)
    branch = _branch_param(request, branches)
    scheme = effective_scheme(branch, clock.today().year)
    form = BatchForm(request.POST or None, members=Member.objects.filter(branch=branch),
                     definition=scheme.definition if scheme else {})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():  # all or nothing: one bad member refuses the batch
                for member in data["members"]:
                    try:
                        services.create_entry(
                            actor=request.user, member=member, item_code=data["item"],
                            points=data["points"], occurred_on=data["occurred_on"],
                            reason=data["reason"])
                    except ValidationError as e:
                        raise ValidationError(f"{member.name}：{'；'.join(e.messages)}") from e
        except ValidationError as e:
            form.add_error(None, e)
        except ConflictError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, f"已为 {len(data['members'])} 名党员各记录一条，待支委初评。")
            return redirect(f"{request.path}?branch={branch.pk}")
    return render(request, "scoring/batch_form.html", {"form": form, "branch": branch,
                                                       "branches": branches})


@login_required
@require_http_methods(["GET", "POST"])
def declare(request):
    member = org_perm.member_of(request.user)
    if member is None:
        raise PermissionDenied
    scheme = effective_scheme(member.branch, clock.today().year)
    form = EntryForm(request.POST or None, request.FILES or None, declare=True,
                     definition=scheme.definition if scheme else {})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.create_entry(
                actor=request.user, member=member, item_code=data["item"],
                points=data["points"], occurred_on=data["occurred_on"], reason=data["reason"],
                files=data["files"])
        except ValidationError as e:
            _field_errors(form, e)
        except ConflictError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, "申报已提交，支部委员会初评后将公示。")
            return redirect("scoring:entry-detail", pk=entry.pk)
    return render(request, "scoring/entry_form.html", {"form": form, "scheme": scheme,
                                                       "title": "申报积分", "declare": True})


# --- one entry -----------------------------------------------------------------------------

@login_required
def entry_detail(request, pk: int):
    entry = get_entry_for_user(request.user, pk)
    user = request.user
    own = org_perm.member_of(user)
    window_open = (entry.window is not None and entry.state == EntryState.PUBLICIZED
                   and entry.window.starts_on <= clock.today() <= entry.window.ends_on)
    return render(request, "scoring/entry_detail.html", {
        "entry": entry,
        "evidence": entry.evidence.all(),
        "history": history_of(entry).select_related("actor"),
        "objections": entry.objections.select_related("raised_by"),
        "can_review": entry.state == EntryState.SUBMITTED and perm.can_review(user, entry)
        and not perm.is_about_or_by(user, entry),
        "can_approve": entry.state == EntryState.REVIEWED and entry.needs_approval
        and perm.can_approve(user, entry) and not perm.is_about_or_by(user, entry),
        "can_reverse": entry.state == EntryState.CONFIRMED and not entry.is_reversal
        and perm.can_lead_branch(user, entry.branch),
        "can_add_evidence": entry.state in (EntryState.DRAFT, EntryState.SUBMITTED)
        and (entry.created_by_id == user.pk or perm.can_record(user, entry.branch)),
        "can_object": window_open and own is not None and own.branch_id == entry.branch_id,
        "evidence_form": EvidenceForm(),
    })


def _run(request, action, success: str):
    """Call a service from a POST; refusals become a message, never a half-done change."""
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
def entry_review(request, pk: int):
    entry = get_entry_for_user(request.user, pk)
    approve = request.POST.get("decision") == "pass"
    _run(request, lambda: services.review_entry(
        actor=request.user, entry=entry, approve=approve, note=request.POST.get("reason", "")),
        "初评通过。" if approve else "已退回（不通过）。")
    return redirect_back(request, "scoring:review-queue")


@login_required
@require_POST
def entry_approve(request, pk: int):
    entry = get_entry_for_user(request.user, pk)
    approve = request.POST.get("decision") == "pass"
    _run(request, lambda: services.approve_entry(
        actor=request.user, entry=entry, approve=approve, note=request.POST.get("reason", "")),
        "审核通过。" if approve else "已退回（不通过）。")
    return redirect_back(request, "scoring:approval-queue")


@login_required
@require_http_methods(["GET", "POST"])
def entry_reverse(request, pk: int):
    entry = get_entry_for_user(request.user, pk)
    if not perm.can_lead_branch(request.user, entry.branch):
        raise PermissionDenied
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reversal = services.reverse_entry(actor=request.user, entry=entry,
                                              reason=form.cleaned_data["reason"])
        except (ValidationError, ConflictError) as e:
            add_service_errors(form, e)
        else:
            messages.success(request, "冲正记录已提交，将按流程初评、公示后生效。")
            return redirect("scoring:entry-detail", pk=reversal.pk)
    return render(request, "scoring/reverse.html", {"form": form, "entry": entry})


@login_required
@require_POST
def evidence_add(request, pk: int):
    entry = get_entry_for_user(request.user, pk)
    if entry.created_by_id != request.user.pk and not perm.can_record(request.user, entry.branch):
        raise PermissionDenied
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择文件。")
    else:
        _run(request, lambda: services.add_evidence(actor=request.user, entry=entry,
                                                    upload=upload), "证明材料已上传。")
    return redirect("scoring:entry-detail", pk=entry.pk)


@login_required
def evidence_download(request, pk: int):
    evidence = get_object_or_404(Evidence.objects.select_related("entry"), pk=pk)
    if not perm.visible_entries(request.user).filter(pk=evidence.entry_id).exists():
        raise Http404
    path = evidence_files.path_of(evidence.stored_name)
    if not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=evidence.original_name,
                        content_type=evidence.content_type)


# --- queues --------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def review_queue(request):
    if not org_perm.has_any_role(request.user, perm.REVIEW_ROLES):
        raise PermissionDenied
    if request.method == "POST":
        return _bulk(request, queries.review_queue(request.user), services.review_entry,
                     "scoring:review-queue")
    return render(request, "scoring/queue.html", {
        "entries": queries.review_queue(request.user), "title": "支委初评",
        "action": "scoring:entry-review", "bulk_url": "scoring:review-queue"})


@login_required
@require_http_methods(["GET", "POST"])
def approval_queue(request):
    if not org_perm.has_any_role(request.user, perm.APPROVE_ROLES):
        raise PermissionDenied
    if request.method == "POST":
        return _bulk(request, queries.approval_queue(request.user), services.approve_entry,
                     "scoring:approval-queue")
    return render(request, "scoring/queue.html", {
        "entries": queries.approval_queue(request.user), "title": "党总支审核",
        "action": "scoring:entry-approve", "bulk_url": "scoring:approval-queue"})


def _bulk(request, queue, service, back: str):
    """Pass or reject the ticked entries; all of them, or none if one is refused."""
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    entries = list(queue.filter(pk__in=ids))
    approve = request.POST.get("decision") == "pass"
    if not entries:
        messages.error(request, "请先勾选记录。")
        return redirect(back)
    try:
        with transaction.atomic():
            for entry in entries:
                service(actor=request.user, entry=entry, approve=approve,
                        note=request.POST.get("reason", ""))
    except (ConflictError, ValidationError) as e:
        messages.error(request, getattr(e, "message", None) or "；".join(e.messages))
    else:
        messages.success(request, f"已{'通过' if approve else '退回'} {len(entries)} 条记录。")
    return redirect(back)


# --- scores --------------------------------------------------------------------------------

def _year(request, default: int | None = None) -> int:
    """?year=, else `default`, else the year results pages open on (last year in January)."""
    fallback = default if default is not None else clock.results_year()
    try:
        return int(request.GET.get("year") or fallback)
    except ValueError:
        return fallback


@login_required
def my_score(request):
    member = org_perm.member_of(request.user)
    if member is None:
        raise Http404
    return _score_page(request, member)


@login_required
def member_score(request, pk: int):
    member = get_object_or_404(org_perm.visible_members(request.user).select_related("branch"),
                               pk=pk)
    return _score_page(request, member)


def _score_page(request, member: Member):
    year = _year(request)
    standing = member_standing(request.user, member, year)
    entries = (Entry.objects.filter(member=member, year=year).exclude(state=EntryState.DRAFT)
               .select_related("branch", "created_by").prefetch_related("objections")
               .order_by("-occurred_on", "-id"))
    return render(request, "scoring/score.html", {
        "member": member, "year": year, "standing": standing, "entries": entries,
        "is_self": member.user_id == request.user.pk,
        "years": range(clock.today().year, clock.today().year - 4, -1),
    })


@login_required
@replica_reads
def ranking(request):
    user = request.user
    branches = org_perm.visible_organizations(user).filter(kind=OrgKind.BRANCH)
    branch = _branch_param(request, branches)
    year = _year(request)
    lead = perm.can_lead_branch(user, branch) or org_perm.has_role_over(
        user, branch, {"reviewer"})
    own = org_perm.member_of(user)
    if not lead and (own is None or own.branch_id != branch.pk):
        raise PermissionDenied
    visibility = "full" if lead else branch.ranking_visibility
    rows = label_rows(list(queries.branch_ranking(branch, year)) if visibility != "hidden"
                      else [], effective_scheme(branch, year))
    if visibility == "own":
        rows = [r for r in rows if r.member_id == own.pk]
    return render(request, "scoring/ranking.html", {
        "branch": branch, "branches": _picker(branches) if lead else [branch], "year": year,
        "rows": rows, "visibility": visibility, "lead": lead,
        "can_configure": perm.can_lead_branch(user, branch),
    })


PICKER_LIMIT = 300  # more branches than a select can usefully list: 积分总览 leads to them


def _picker(branches):
    """The branches a lead may switch between in a select, or none when there are too many."""
    listed = list(branches.only("id", "name")[:PICKER_LIMIT + 1])
    return listed if len(listed) <= PICKER_LIMIT else []


@login_required
def overview(request):
    """The dashboard of a committee or general branch (a whole province for the org department):
    figures summed from each branch's stored figures, never from a million scores."""
    if not perm.can_view_overview(request.user):
        raise PermissionDenied
    orgs = perm.overview_orgs(request.user)
    org_id = request.GET.get("org", "")
    if org_id:
        org = get_object_or_404(orgs, pk=org_id) if org_id.isdigit() else None
        if org is None:
            raise Http404
    else:
        org = orgs.order_by("depth", "path").first()
        if org is None:
            raise PermissionDenied
    year = _year(request)
    whole, page, children = subtree_figures(org, year, request.GET.get("page"))
    grades = overview_grades(org, year, whole)
    return render(request, "scoring/overview.html", {
        "org": org, "year": year, "whole": whole, "grades": grades, "page": page,
        "whole_counts": [whole.grades.get(key, 0) for key, _ in grades],
        "children": [(child, figures, [figures.grades.get(key, 0) for key, _ in grades])
                     for child, figures in children],
        "ancestors": orgs.filter(pk__in=org.ancestor_ids()[:-1]).order_by("depth"),
        "flag_titles": [(key, title, whole.flags.get(key, 0)) for key, title in
                        FLAG_TITLES.items()],
    })


@login_required
@require_http_methods(["GET", "POST"])
def branch_settings(request, pk: int):
    branch = get_object_or_404(org_perm.visible_organizations(request.user), pk=pk,
                               kind=OrgKind.BRANCH)
    if not perm.can_lead_branch(request.user, branch):
        raise PermissionDenied
    form = BranchSettingsForm(request.POST or None,
                              initial={"ranking_visibility": branch.ranking_visibility})
    if request.method == "POST" and form.is_valid():
        services.set_ranking_visibility(actor=request.user, branch=branch,
                                        visibility=form.cleaned_data["ranking_visibility"])
        messages.success(request, "已保存。")
        return redirect(f"/ranking/?branch={branch.pk}")
    return render(request, "scoring/branch_settings.html", {"form": form, "branch": branch})


@login_required
def entry_list(request):
    """The ledger of the user's branches, filterable; members see their own entries."""
    entries = perm.visible_entries(request.user).select_related("member", "branch")
    state = request.GET.get("state")
    if state in EntryState.values:
        entries = entries.filter(state=state)
    branch = request.GET.get("branch")
    if branch and branch.isdigit():
        entries = entries.filter(branch_id=int(branch))
    year = _year(request, default=clock.today().year)  # the ledger being written now
    entries = entries.filter(year=year)
    return render(request, "scoring/entry_list.html", {
        "entries": entries[:300], "states": EntryState.choices, "state": state,
        "year": year})


