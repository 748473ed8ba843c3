"""API.md §Scores and results: submit → file (审核备案, locks the year) → reopen; appraisals and
admonishment talks; plus the year's state and what is missing, and disposals."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema, Status

from jifen.api.common import ERRORS, get_visible_or_404
from jifen.org import permissions as org_perm
from jifen.results import permissions as perm
from jifen.results import services

router = Router(tags=["年度结果运用"])


class YearOut(Schema):
    org_id: int
    year: int
    state: str
    missing: list[str]


def _branch(request, org_id: int):
    branch = get_visible_or_404(org_perm.visible_organizations(request.user), org_id)
    if not perm.can_view_results(request.user, branch):
        raise PermissionDenied("您无权查看该支部的年度结果。")
    return branch


def year_out(result) -> dict:
    missing = (services.missing_before_submit(result.branch, result.year)
               if result.state == "open" else [])
    return {"org_id": result.branch_id, "year": result.year, "state": result.state,
            "missing": missing}


@router.get("/results/{org_id}/{year}", response={200: YearOut, **ERRORS})
def get_year(request, org_id: int, year: int):
    return year_out(services.year_result(_branch(request, org_id), year))


@router.post("/results/{org_id}/{year}/submit", response={200: YearOut, **ERRORS})
def submit(request, org_id: int, year: int):
    branch = get_visible_or_404(org_perm.visible_organizations(request.user), org_id)
    return year_out(services.submit_year(actor=request.user, branch=branch, year=year))


@router.post("/results/{org_id}/{year}/file", response={200: YearOut, **ERRORS})
def file(request, org_id: int, year: int):
    branch = get_visible_or_404(org_perm.visible_organizations(request.user), org_id)
    return year_out(services.file_year(actor=request.user, branch=branch, year=year))


class ReasonIn(Schema):
    reason: str


@router.post("/results/{org_id}/{year}/return", response={200: YearOut, **ERRORS})
def return_(request, org_id: int, year: int, payload: ReasonIn):
    branch = get_visible_or_404(org_perm.visible_organizations(request.user), org_id)
    return year_out(services.return_year(actor=request.user, branch=branch, year=year,
                                         reason=payload.reason))


@router.post("/results/{org_id}/{year}/reopen", response={200: YearOut, **ERRORS})
def reopen(request, org_id: int, year: int, payload: ReasonIn):
    branch = get_visible_or_404(org_perm.visible_organizations(request.user), org_id)
    return year_out(services.reopen_year(actor=request.user, branch=branch, year=year,
                                         reason=payload.reason))


class AppraisalIn(Schema):
    member_id: int
    year: int
    grade: str
    reason: str = ""


class AppraisalOut(Schema):
    id: int
    member_id: int
    year: int
    proposed_grade: str
    grade: str
    reason: str


@router.post("/appraisals", response={201: AppraisalOut, **ERRORS})
def appraise(request, payload: AppraisalIn):
    member = get_visible_or_404(org_perm.visible_members(request.user).select_related("branch"),
                                payload.member_id)
    a = services.record_appraisal(actor=request.user, member=member, year=payload.year,
                                  grade=payload.grade, reason=payload.reason)
    return Status(201, {"id": a.pk, "member_id": a.member_id, "year": a.year,
                        "proposed_grade": a.proposed_grade, "grade": a.grade,
                        "reason": a.reason})


class TalkIn(Schema):
    member_id: int
    year: int
    held_on: dt.date
    by: str
    notes: str


class TalkOut(Schema):
    id: int
    member_id: int
    year: int
    held_on: dt.date
    by: str
    notes: str


@router.post("/talks", response={201: TalkOut, **ERRORS})
def talk(request, payload: TalkIn):
    member = get_visible_or_404(org_perm.visible_members(request.user).select_related("branch"),
                                payload.member_id)
    t = services.record_talk(actor=request.user, member=member, year=payload.year,
                             held_on=payload.held_on, by=payload.by, notes=payload.notes)
    return Status(201, {"id": t.pk, "member_id": t.member_id, "year": t.year,
                        "held_on": t.held_on, "by": t.by, "notes": t.notes})


class DisposalIn(Schema):
    member_id: int
    year: int
    decision: str
    decided_on: dt.date


class DisposalOut(Schema):
    id: int
    member_id: int
    year: int
    decision: str
    decided_on: dt.date


@router.post("/disposals", response={201: DisposalOut, **ERRORS})
def disposal(request, payload: DisposalIn):
    member = get_visible_or_404(org_perm.visible_members(request.user).select_related("branch"),
                                payload.member_id)
    d = services.record_disposal(actor=request.user, member=member, year=payload.year,
                                 decision=payload.decision, decided_on=payload.decided_on)
    return Status(201, {"id": d.pk, "member_id": d.member_id, "year": d.year,
                        "decision": d.decision, "decided_on": d.decided_on})
