"""API.md §Ledger entries, §Publicity and objections, §Scores — over the same services."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from jifen.api.common import ERRORS, Error, Page, get_visible_or_404, paginate
from jifen.audit.services import history_of
from jifen.org import permissions as org_perm
from jifen.org.enums import OrgKind
from jifen.org.models import Organization
from jifen.publicity import services as publicity
from jifen.publicity.totals import window_totals
from jifen.publicity.views import visible_objections, visible_windows
from jifen.scoring import permissions as perm
from jifen.scoring import services
from jifen.scoring.models import Entry, Score
from jifen.scoring.scores import COUNTED, PROVISIONAL, compute_branch, provisional_result

router = Router(tags=["台账、公示与积分"])


# --- entries -------------------------------------------------------------------------------

class EntryIn(Schema):
    member_id: int
    item: str
    points: Decimal
    date: dt.date
    reason: str


class EntryOut(Schema):
    id: int
    member_id: int
    org_id: int
    item: str
    item_title: str
    category: str
    points: str
    date: dt.date
    reason: str
    source: str
    state: str
    reverses: int | None
    window_id: int | None
    created_by: int
    evidence: list[dict[str, Any]]
    history: list[dict[str, Any]] | None = None


def entry_out(entry: Entry, *, history: bool = False) -> dict:
    data = {
        "id": entry.pk, "member_id": entry.member_id, "org_id": entry.branch_id,
        "item": entry.item_code, "item_title": entry.item_title,
        "category": entry.item_category, "points": f"{entry.points:.1f}",
        "date": entry.occurred_on, "reason": entry.reason, "source": entry.source,
        "state": entry.state, "reverses": entry.reverses_id, "window_id": entry.window_id,
        "created_by": entry.created_by_id,
        "evidence": [{"id": e.pk, "name": e.original_name, "size": e.size}
                     for e in entry.evidence.all()],
    }
    if history:
        data["history"] = [{"at": h.created_at, "by": h.actor_name, "action": h.action,
                            "reason": h.reason, "data": h.data} for h in history_of(entry)]
    return data


@router.post("/entries", response={201: EntryOut, **ERRORS})
def create_entry(request, payload: EntryIn):
    member = get_visible_or_404(org_perm.visible_members(request.user).select_related("branch"),
                                payload.member_id)
    entry = services.create_entry(actor=request.user, member=member, item_code=payload.item,
                                  points=payload.points, occurred_on=payload.date,
                                  reason=payload.reason)
    return Status(201, entry_out(entry))


class EvidenceOut(Schema):
    id: int
    name: str
    size: int


@router.post("/entries/{entry_id}/evidence", response={201: EvidenceOut, 422: Error, **ERRORS})
def add_evidence(request, entry_id: int, file: UploadedFile = File(...)):  # noqa: B008
    entry = get_visible_or_404(perm.visible_entries(request.user), entry_id)
    try:
        evidence = services.add_evidence(actor=request.user, entry=entry, upload=file)
    except ValidationError as e:  # a file that fails validation is 422 (API.md)
        return Status(422, {"detail": "文件未通过检查。",
                            "errors": [{"field": "file", "message": m} for m in e.messages]})
    return Status(201, {"id": evidence.pk, "name": evidence.original_name,
                        "size": evidence.size})


@router.get("/entries", response={200: Page, **ERRORS})
def list_entries(request, org_id: int | None = None, member_id: int | None = None,
                 state: str | None = None, year: int | None = None, page: int = 1,
                 size: int = 50):
    entries = perm.visible_entries(request.user).prefetch_related("evidence")
    if org_id is not None:
        org = get_visible_or_404(org_perm.visible_organizations(request.user), org_id)
        entries = entries.filter(branch__path__startswith=org.path)
    if member_id is not None:
        entries = entries.filter(member_id=member_id)
    if state:
        entries = entries.filter(state=state)
    if year is not None:
        entries = entries.filter(year=year)
    return paginate(entries.order_by("-id"), page, size, entry_out)


@router.get("/entries/{entry_id}", response={200: EntryOut, **ERRORS})
def get_entry(request, entry_id: int):
    return entry_out(get_visible_or_404(perm.visible_entries(request.user), entry_id),
                     history=True)


class DecisionIn(Schema):
    decision: str
    reason: str = ""


def _decision(payload: DecisionIn) -> bool:
    if payload.decision not in ("pass", "reject"):
        raise ValidationError({"decision": "应为 pass 或 reject。"})
    return payload.decision == "pass"


@router.post("/entries/{entry_id}/review", response={200: EntryOut, **ERRORS})
def review_entry(request, entry_id: int, payload: DecisionIn):
    entry = get_visible_or_404(perm.visible_entries(request.user), entry_id)
    return entry_out(services.review_entry(actor=request.user, entry=entry,
                                           approve=_decision(payload), note=payload.reason))


@router.post("/entries/{entry_id}/approve", response={200: EntryOut, **ERRORS})
def approve_entry(request, entry_id: int, payload: DecisionIn):
    entry = get_visible_or_404(perm.visible_entries(request.user), entry_id)
    return entry_out(services.approve_entry(actor=request.user, entry=entry,
                                            approve=_decision(payload), note=payload.reason))


class ReasonIn(Schema):
    reason: str


@router.post("/entries/{entry_id}/reverse", response={201: EntryOut, **ERRORS})
def reverse_entry(request, entry_id: int, payload: ReasonIn):
    entry = get_visible_or_404(perm.visible_entries(request.user), entry_id)
    return Status(201, entry_out(services.reverse_entry(actor=request.user, entry=entry,
                                                        reason=payload.reason)))


# --- publicity and objections --------------------------------------------------------------

class WindowIn(Schema):
    org_id: int
    title: str = ""
    starts_on: dt.date | None = None
    days: int | None = None
    public_board: bool = False


class WindowOut(Schema):
    id: int
    org_id: int
    title: str
    starts_on: dt.date
    ends_on: dt.date
    closed: bool
    board_token: str
    entries: list[dict[str, Any]]
    totals: list[dict[str, Any]]


def window_out(window) -> dict:
    return {"id": window.pk, "org_id": window.branch_id, "title": window.title,
            "starts_on": window.starts_on, "ends_on": window.ends_on,
            "closed": window.is_closed, "board_token": window.board_token,
            "entries": [entry_out(e) for e in window.entries.prefetch_related("evidence")],
            "totals": [{"name": t["name"], "total": str(t["total"]) if t["total"] is not None
                        else None} for t in window_totals(window)]}


@router.post("/publicity", response={201: WindowOut, **ERRORS})
def open_window(request, payload: WindowIn):
    branch = get_visible_or_404(org_perm.visible_organizations(request.user), payload.org_id)
    window = publicity.open_window(actor=request.user, branch=branch, title=payload.title,
                                   starts_on=payload.starts_on, days=payload.days,
                                   public_board=payload.public_board)
    return Status(201, window_out(window))


@router.get("/publicity/{window_id}", response={200: WindowOut, **ERRORS})
def get_window(request, window_id: int):
    return window_out(get_visible_or_404(visible_windows(request.user), window_id))


class CloseOut(Schema):
    confirmed: int


@router.post("/publicity/{window_id}/close", response={200: CloseOut, **ERRORS})
def close_window(request, window_id: int):
    window = get_visible_or_404(visible_windows(request.user), window_id)
    return {"confirmed": publicity.close_window(actor=request.user, window=window)}


class ObjectionIn(Schema):
    entry_id: int
    reason: str


class ObjectionOut(Schema):
    id: int
    entry_id: int
    raised_by: int
    reason: str
    state: str
    reply: str
    escalation_reason: str
    ruling: str


def objection_out(o) -> dict:
    return {"id": o.pk, "entry_id": o.entry_id, "raised_by": o.raised_by_id, "reason": o.reason,
            "state": o.state, "reply": o.reply, "escalation_reason": o.escalation_reason,
            "ruling": o.ruling}


@router.post("/objections", response={201: ObjectionOut, **ERRORS})
def raise_objection(request, payload: ObjectionIn):
    entry = get_visible_or_404(perm.visible_entries(request.user), payload.entry_id)
    return Status(201, objection_out(publicity.raise_objection(
        actor=request.user, entry=entry, reason=payload.reason)))


class AnswerIn(Schema):
    decision: str
    reply: str


def _upheld(payload: AnswerIn) -> bool:
    if payload.decision not in ("upheld", "dismissed"):
        raise ValidationError({"decision": "应为 upheld 或 dismissed。"})
    return payload.decision == "upheld"


@router.post("/objections/{objection_id}/answer", response={200: ObjectionOut, **ERRORS})
def answer_objection(request, objection_id: int, payload: AnswerIn):
    objection = get_visible_or_404(visible_objections(request.user), objection_id)
    return objection_out(publicity.answer_objection(
        actor=request.user, objection=objection, upheld=_upheld(payload), reply=payload.reply))


@router.post("/objections/{objection_id}/escalate", response={200: ObjectionOut, **ERRORS})
def escalate_objection(request, objection_id: int, payload: ReasonIn):
    objection = get_visible_or_404(visible_objections(request.user), objection_id)
    return objection_out(publicity.escalate_objection(
        actor=request.user, objection=objection, reason=payload.reason))


@router.post("/objections/{objection_id}/rule", response={200: ObjectionOut, **ERRORS})
def rule_objection(request, objection_id: int, payload: AnswerIn):
    objection = get_visible_or_404(visible_objections(request.user), objection_id)
    return objection_out(publicity.rule_objection(
        actor=request.user, objection=objection, upheld=_upheld(payload), reply=payload.reply))


# --- scores --------------------------------------------------------------------------------

def result_out(r, member, branch_id: int) -> dict:
    """One member's result in ENGINE.md's form, with who it is."""
    def two(value):
        return f"{value:.2f}" if value is not None else None

    return {
        "id": str(member.pk), "member_id": member.pk, "name": member.name, "org_id": branch_id,
        "total": two(r.total),
        "components": {k: two(Decimal(v)) for k, v in r.components.items()}
        if r.components else None,
        "months": {str(k): two(Decimal(v)) for k, v in r.months.items()} if r.months else None,
        "veto": r.veto, "rank": r.rank, "ranked": r.ranked, "grade": r.grade,
        "flags": list(r.flags), "explain": list(r.explain),
    }


@router.get("/scores", response={200: Page, **ERRORS})
def scores(request, org_id: int, year: int, provisional: bool = False, page: int = 1,
           size: int = 100):
    """Every member of the subtree, ranked per branch: stored official scores, or the engine's
    provisional result (entries in progress counted)."""
    org = get_visible_or_404(org_perm.visible_organizations(request.user), org_id)
    branches = Organization.objects.filter(path__startswith=org.path, kind=OrgKind.BRANCH)
    if not perm.can_lead_branch(request.user, org) and not org_perm.has_role_over(
            request.user, org, {"reviewer"}):
        raise PermissionDenied("只有支部书记、支委、党总支和组织部可以查看全体积分。")
    if not provisional:
        rows = Score.objects.filter(year=year, branch__in=branches).select_related(
            "member").order_by("branch__path", "rank", "member__name")
        return paginate(rows, page, size, lambda s: result_out(s, s.member, s.branch_id))
    results = []
    for branch in branches.order_by("path"):
        outcome = compute_branch(branch, year, provisional=True)
        if outcome:
            results += [result_out(r, outcome.members[int(r.id)], branch.pk)
                        for r in outcome.result.members]
    return {"count": len(results), "items": results[(page - 1) * size: page * size]}


@router.get("/members/{member_id}/score", response={200: dict[str, Any], **ERRORS})
def member_score(request, member_id: int, year: int, provisional: bool = False):
    member = get_visible_or_404(org_perm.visible_members(request.user).select_related("branch"),
                                member_id)
    stored = Score.objects.filter(member=member, year=year).first()
    result = provisional_result(member, year) if provisional or stored is None else stored
    if result is None:
        raise Http404
    data = result_out(result, member, member.branch_id)
    data["provisional"] = provisional or stored is None
    states = PROVISIONAL if data["provisional"] else COUNTED
    counted = Entry.objects.filter(member=member, year=year, state__in=states)
    data["entries"] = [entry_out(e) for e in counted.prefetch_related("evidence")]
    return data
