"""API.md §Commitments, identity posts — over the same services and permissions as the pages.

Beyond API.md, the actions the pages have: list and read commitments, edit/resubmit, publicize,
year-end outcome, one-click deduction; edit and delete posts; the monthly performance summary
and its publication; 述职 and its remark.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from ninja import Router, Schema, Status

from jifen.api.common import ERRORS, Page, get_visible_or_404, paginate
from jifen.api.scoring import EntryOut, entry_out
from jifen.commitments import identity, services
from jifen.commitments import permissions as perm
from jifen.commitments.enums import CommitmentKind, Outcome, PostKind
from jifen.commitments.models import Commitment, PerformancePublication, YearReport
from jifen.commitments.performance import Month, monthly_summary, publish_summary
from jifen.commitments.year_reports import remark_year_report, write_year_report
from jifen.org import permissions as org_perm
from jifen.org.models import Member

router = Router(tags=["公开承诺与亮明身份"])


# --- commitments -----------------------------------------------------------------------------

class CommitmentIn(Schema):
    year: int
    kind: CommitmentKind
    content: str


class CommitmentEditIn(Schema):
    kind: CommitmentKind
    content: str


class ReportOut(Schema):
    id: int
    commitment_id: int
    content: str
    reported_on: dt.date
    state: str
    verify_note: str


class CommitmentOut(Schema):
    id: int
    member_id: int
    org_id: int
    year: int
    kind: str
    content: str
    state: str
    review_note: str
    outcome: str
    outcome_note: str
    outcome_on: dt.date | None
    deduction_entry_id: int | None
    reports: list[ReportOut]


def report_out(r) -> dict:
    return {"id": r.pk, "commitment_id": r.commitment_id, "content": r.content,
            "reported_on": r.reported_on, "state": r.state, "verify_note": r.verify_note}


def commitment_out(c: Commitment, reports=()) -> dict:
    return {"id": c.pk, "member_id": c.member_id, "org_id": c.branch_id, "year": c.year,
            "kind": c.kind, "content": c.content, "state": c.state,
            "review_note": c.review_note, "outcome": c.outcome, "outcome_note": c.outcome_note,
            "outcome_on": c.outcome_on, "deduction_entry_id": c.deduction_entry_id,
            "reports": [report_out(r) for r in reports]}


def _get(request, commitment_id: int) -> Commitment:
    return get_visible_or_404(perm.visible_commitments(request.user).select_related(
        "member__branch", "branch"), commitment_id)


def _full(request, commitment: Commitment) -> dict:
    """The commitment with the reports the user may see (the member's and the branch's)."""
    reports = perm.visible_reports(request.user).filter(commitment=commitment)
    return commitment_out(commitment, reports)


@router.post("/commitments", response={201: CommitmentOut, **ERRORS})
def create_commitment(request, payload: CommitmentIn):
    commitment = services.create_commitment(actor=request.user, year=payload.year,
                                            kind=payload.kind, content=payload.content)
    return Status(201, commitment_out(commitment))


@router.get("/commitments", response={200: Page, **ERRORS})
def list_commitments(request, org_id: int | None = None, year: int | None = None,
                     member_id: int | None = None, state: str | None = None, page: int = 1,
                     size: int = 50):
    commitments = perm.visible_commitments(request.user)
    if org_id is not None:
        org = get_visible_or_404(org_perm.visible_organizations(request.user), org_id)
        commitments = commitments.filter(branch__path__startswith=org.path)
    filters = {"year": year, "member_id": member_id, "state": state}
    commitments = commitments.filter(**{k: v for k, v in filters.items() if v is not None})
    return paginate(commitments.order_by("-year", "id"), page, size, commitment_out)


# Before "/commitments/{commitment_id}": Django tries the URL patterns in order.
class PublicizeIn(Schema):
    org_id: int
    year: int


class PublicizeOut(Schema):
    publicized: int


@router.post("/commitments/publicize", response={200: PublicizeOut, **ERRORS})
def publicize_commitments(request, payload: PublicizeIn):
    branch = get_visible_or_404(org_perm.visible_organizations(request.user), payload.org_id)
    return {"publicized": services.publicize_commitments(actor=request.user, branch=branch,
                                                         year=payload.year)}


@router.get("/commitments/{commitment_id}", response={200: CommitmentOut, **ERRORS})
def get_commitment(request, commitment_id: int):
    return _full(request, _get(request, commitment_id))


@router.put("/commitments/{commitment_id}", response={200: CommitmentOut, **ERRORS})
def edit_commitment(request, commitment_id: int, payload: CommitmentEditIn):
    """Change a commitment before review, or fix a returned one (which resubmits it)."""
    commitment = services.edit_commitment(actor=request.user,
                                          commitment=_get(request, commitment_id),
                                          kind=payload.kind, content=payload.content)
    return _full(request, commitment)


class DecisionIn(Schema):
    decision: str
    reason: str = ""


def _passes(payload: DecisionIn) -> bool:
    if payload.decision not in ("pass", "return"):
        raise ValidationError({"decision": "应为 pass 或 return。"})
    return payload.decision == "pass"


@router.post("/commitments/{commitment_id}/review", response={200: CommitmentOut, **ERRORS})
def review_commitment(request, commitment_id: int, payload: DecisionIn):
    commitment = _get(request, commitment_id)
    return _full(request, services.review_commitment(
        actor=request.user, commitment=commitment, approve=_passes(payload),
        reason=payload.reason))


class ReportIn(Schema):
    content: str
    reported_on: dt.date | None = None


@router.post("/commitments/{commitment_id}/reports", response={201: ReportOut, **ERRORS})
def report_fulfilment(request, commitment_id: int, payload: ReportIn):
    report = services.report_fulfilment(actor=request.user,
                                        commitment=_get(request, commitment_id),
                                        content=payload.content,
                                        reported_on=payload.reported_on)
    return Status(201, report_out(report))


@router.post("/commitments/{commitment_id}/reports/{report_id}/verify",
             response={200: ReportOut, **ERRORS})
def verify_report(request, commitment_id: int, report_id: int, payload: DecisionIn):
    report = get_visible_or_404(perm.visible_reports(request.user).filter(
        commitment_id=commitment_id), report_id)
    return report_out(services.verify_report(actor=request.user, report=report,
                                             approve=_passes(payload), reason=payload.reason))


class OutcomeIn(Schema):
    outcome: Outcome
    note: str = ""
    decided_on: dt.date | None = None


@router.post("/commitments/{commitment_id}/outcome", response={200: CommitmentOut, **ERRORS})
def set_outcome(request, commitment_id: int, payload: OutcomeIn):
    commitment = services.set_outcome(actor=request.user,
                                      commitment=_get(request, commitment_id),
                                      outcome=payload.outcome, note=payload.note,
                                      decided_on=payload.decided_on)
    return _full(request, commitment)


@router.post("/commitments/{commitment_id}/deduction", response={201: EntryOut, **ERRORS})
def convert_to_deduction(request, commitment_id: int):
    """未兑现 → the scheme's deduction entry, in state `submitted`."""
    entry = services.convert_to_deduction(actor=request.user,
                                          commitment=_get(request, commitment_id))
    return Status(201, entry_out(entry))


# --- identity posts --------------------------------------------------------------------------

class PostIn(Schema):
    org_id: int
    kind: PostKind
    name: str
    duties: str
    member_ids: list[int]
    place: str = ""


class PostEditIn(Schema):
    kind: PostKind
    name: str
    duties: str
    member_ids: list[int]
    place: str = ""


class PostOut(Schema):
    id: int
    org_id: int
    kind: str
    name: str
    place: str
    duties: str
    member_ids: list[int]
    members: list[dict]


def post_out(post) -> dict:
    members = sorted(post.members.all(), key=lambda m: m.pk)
    return {"id": post.pk, "org_id": post.branch_id, "kind": post.kind, "name": post.name,
            "place": post.place, "duties": post.duties, "member_ids": [m.pk for m in members],
            "members": [{"id": m.pk, "name": m.name} for m in members]}


def _members(request, ids: list[int]) -> list[Member]:
    """Members by id among those the user sees; an unknown id is bad input, named."""
    found = list(org_perm.visible_members(request.user).filter(pk__in=ids))
    missing = sorted(set(ids) - {m.pk for m in found})
    if missing:
        raise ValidationError({"member_ids": f"找不到党员 {missing}，或不在您的查看范围内。"})
    return found


@router.get("/posts", response={200: Page, **ERRORS})
def list_posts(request, org_id: int | None = None, page: int = 1, size: int = 50):
    posts = perm.visible_posts(request.user).prefetch_related("members")
    if org_id is not None:
        org = get_visible_or_404(org_perm.visible_organizations(request.user), org_id)
        posts = posts.filter(branch__path__startswith=org.path)
    return paginate(posts, page, size, post_out)


@router.post("/posts", response={201: PostOut, **ERRORS})
def create_post(request, payload: PostIn):
    branch = get_visible_or_404(org_perm.visible_organizations(request.user), payload.org_id)
    post = identity.create_post(actor=request.user, branch=branch, kind=payload.kind,
                                name=payload.name, duties=payload.duties, place=payload.place,
                                members=_members(request, payload.member_ids))
    return Status(201, post_out(post))


@router.put("/posts/{post_id}", response={200: PostOut, **ERRORS})
def update_post(request, post_id: int, payload: PostEditIn):
    post = get_visible_or_404(perm.visible_posts(request.user), post_id)
    post = identity.update_post(actor=request.user, post=post, kind=payload.kind,
                                name=payload.name, duties=payload.duties, place=payload.place,
                                members=_members(request, payload.member_ids))
    return post_out(post)


@router.delete("/posts/{post_id}", response={204: None, **ERRORS})
def delete_post(request, post_id: int):
    identity.delete_post(actor=request.user,
                         post=get_visible_or_404(perm.visible_posts(request.user), post_id))
    return Status(204, None)


# --- 晒出业绩 ----------------------------------------------------------------------------------

class PerformanceOut(Schema):
    org_id: int
    month: str
    live: bool
    published_at: dt.datetime | None
    rows: list[dict]


def _month(value: str | None) -> Month:
    return Month.parse(value)


@router.get("/performance", response={200: PerformanceOut, **ERRORS})
def performance(request, org_id: int, month: str | None = None):
    """Live figures for roles over the branch; members get what was published (or nothing)."""
    branch = get_visible_or_404(perm.visible_branches(request.user), org_id)
    when = _month(month)
    publication = PerformancePublication.objects.filter(
        branch=branch, year=when.year, month=when.month).first()
    live = org_perm.has_role_over(request.user, branch)
    rows = monthly_summary(branch, when) if live else (publication.rows if publication else [])
    return {"org_id": branch.pk, "month": str(when), "live": live, "rows": rows,
            "published_at": publication.published_at if publication else None}


class PublishIn(Schema):
    org_id: int
    month: str


@router.post("/performance/publish", response={200: PerformanceOut, **ERRORS})
def publish(request, payload: PublishIn):
    branch = get_visible_or_404(perm.visible_branches(request.user), payload.org_id)
    publication = publish_summary(actor=request.user, branch=branch, month=_month(payload.month))
    return {"org_id": branch.pk, "month": str(_month(payload.month)), "live": False,
            "rows": publication.rows, "published_at": publication.published_at}


# --- 述职 --------------------------------------------------------------------------------------

class YearReportIn(Schema):
    year: int
    content: str
    member_id: int | None = None  # the branch records it on the member's behalf


class YearReportOut(Schema):
    id: int
    member_id: int
    year: int
    content: str
    written_by: int
    remark: str
    remark_by: int | None


class RemarkIn(Schema):
    remark: str


def year_report_out(r) -> dict:
    return {"id": r.pk, "member_id": r.member_id, "year": r.year, "content": r.content,
            "written_by": r.written_by_id, "remark": r.remark, "remark_by": r.remark_by_id}


@router.get("/year-reports", response={200: Page, **ERRORS})
def list_year_reports(request, org_id: int | None = None, year: int | None = None,
                      page: int = 1, size: int = 50):
    reports = perm.visible_year_reports(request.user)
    if org_id is not None:
        org = get_visible_or_404(org_perm.visible_organizations(request.user), org_id)
        reports = reports.filter(branch__path__startswith=org.path)
    if year is not None:
        reports = reports.filter(year=year)
    return paginate(reports.order_by("-year", "id"), page, size, year_report_out)


@router.post("/year-reports", response={200: YearReportOut, 201: YearReportOut, **ERRORS})
def write_report(request, payload: YearReportIn):
    """201 when the report is new, 200 when it was rewritten."""
    if payload.member_id is None:
        member = org_perm.member_of(request.user)
        if member is None:
            raise ValidationError({"member_id": "您不是党员，请指明为哪名党员记录述职。"})
    else:
        member = get_visible_or_404(org_perm.visible_members(request.user), payload.member_id)
    existed = YearReport.objects.filter(member=member, year=payload.year).exists()
    report = write_year_report(actor=request.user, member=member, year=payload.year,
                               content=payload.content)
    return Status(200 if existed else 201, year_report_out(report))


@router.post("/year-reports/{report_id}/remark", response={200: YearReportOut, **ERRORS})
def remark(request, report_id: int, payload: RemarkIn):
    report = get_visible_or_404(perm.visible_year_reports(request.user), report_id)
    return year_report_out(remark_year_report(actor=request.user, report=report,
                                              remark=payload.remark))
