"""API routes of the supervision app: per-branch figures and flags, and random spot checks —
over the same queries and services as the pages, with the same permissions."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from ninja import Router, Schema, Status

from jifen.api.common import ERRORS, Page, get_visible_or_404, paginate
from jifen.org import permissions as org_perm
from jifen.supervision import flags, queries, services
from jifen.supervision import permissions as perm
from jifen.supervision.enums import CheckResult

router = Router(tags=["督导检查与统计"])


def _two(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def _pct(value) -> str | None:
    return None if value is None else str(value)


def branch_out(m: queries.BranchMetrics, today: dt.date) -> dict:
    top = m.top_recorder
    return {
        "org_id": m.branch.pk, "name": m.branch.name, "members": m.members,
        "entries_year": m.entries_year, "entries_this_month": m.entries_this_month,
        "last_publicity": m.last_publicity, "days_since_publicity": m.days_since_publicity(today),
        "pending_reviews": m.pending_reviews, "overdue_reviews": m.overdue_reviews,
        "open_objections": m.open_objections, "escalated_objections": m.escalated_objections,
        "scored": m.scored, "excellent_line": _two(m.excellent_line),
        "excellent": m.excellent, "excellent_percent": _pct(m.excellent_percent),
        "admonish_line": _two(m.admonish_line), "below_admonish": m.below_admonish,
        "below_admonish_percent": _pct(m.below_admonish_percent),
        "mean": _two(m.mean), "sd": _two(m.sd), "min": _two(m.low), "max": _two(m.high),
        "record_min": _two(m.record_low), "record_max": _two(m.record_high),
        "bonus_entries": m.bonus_entries, "bonus_points": _two(m.bonus_points),
        "bonus_points_without_evidence": _two(m.bonus_points_bare),
        "top_recorder": {"user_id": top.user_id, "name": top.name, "entries": top.entries}
        if top else None,
        "flags": [{"code": f.code, "title": f.title, "detail": f.detail} for f in m.flags],
    }


class SupervisionOut(Schema):
    org_id: int
    year: int
    as_of: dt.date
    thresholds: dict[str, Any]
    totals: dict[str, int]
    distribution: list[dict[str, Any]]
    branches: list[dict[str, Any]]


@router.get("/supervision", response={200: SupervisionOut, **ERRORS})
def supervision(request, org_id: int, year: int):
    """督导检查: every branch of the subtree with its figures and flags (SPEC §9)."""
    org = get_visible_or_404(org_perm.visible_organizations(request.user), org_id)
    if not perm.can_supervise(request.user, org):
        raise PermissionDenied("只有组织部或党总支可以督导检查。")
    view = queries.overview(org, year)
    return {
        "org_id": org.pk, "year": year, "as_of": view.as_of, "thresholds": flags.thresholds(),
        "totals": {"branches": len(view.branches), "members": view.members,
                   "entries_year": view.entries_year, "pending_reviews": view.pending_reviews,
                   "overdue_reviews": view.overdue_reviews,
                   "open_objections": view.open_objections,
                   "escalated_objections": view.escalated_objections,
                   "flagged_branches": len(view.flagged)},
        "distribution": [{"from": b["from"], "to": b["to"], "count": b["count"]}
                         for b in view.distribution],
        "branches": [branch_out(m, view.as_of) for m in view.branches],
    }


# --- random spot checks ----------------------------------------------------------------------

class SpotCheckIn(Schema):
    org_id: int
    year: int
    size: int
    seed: int | None = None
    note: str = ""


class SpotCheckOut(Schema):
    id: int
    org_id: int
    year: int
    seed: int
    size: int
    population: int
    population_digest: str
    note: str
    drawn_by: int
    drawn_at: dt.datetime
    items: list[dict[str, Any]] | None = None
    checked: int | None = None
    problems: int | None = None


def item_out(item) -> dict:
    return {"id": item.pk, "position": item.position, "entry_id": item.entry_id,
            "result": item.result, "note": item.note, "checked_by": item.checked_by_id,
            "checked_at": item.checked_at}


def check_out(check, *, items: bool = False) -> dict:
    data = {"id": check.pk, "org_id": check.org_id, "year": check.year, "seed": check.seed,
            "size": check.size, "population": check.population,
            "population_digest": check.population_digest, "note": check.note,
            "drawn_by": check.drawn_by_id, "drawn_at": check.drawn_at}
    if items:
        data["items"] = [item_out(i) for i in check.items.all()]
    if hasattr(check, "checked"):
        data["checked"], data["problems"] = check.checked, check.problems
    return data


def _check_for_user(user, check_id: int):
    check = get_visible_or_404(perm.visible_spot_checks(user).select_related("org"), check_id)
    if not perm.can_supervise(user, check.org):
        raise PermissionDenied("只有组织部或党总支可以查看随机抽查。")
    return check


@router.get("/spot-checks", response={200: Page, **ERRORS})
def list_spot_checks(request, org_id: int | None = None, page: int = 1, size: int = 50):
    if not perm.supervises_anything(request.user):
        raise PermissionDenied("只有组织部或党总支可以查看随机抽查。")
    checks = perm.visible_spot_checks(request.user).filter(
        org__in=perm.supervised_orgs(request.user, branches=True))
    if org_id is not None:
        org = get_visible_or_404(org_perm.visible_organizations(request.user), org_id)
        checks = checks.filter(org__path__startswith=org.path)
    checks = checks.annotate(
        checked=Count("items", filter=~Q(items__result=CheckResult.PENDING)),
        problems=Count("items", filter=Q(items__result=CheckResult.PROBLEM)))
    return paginate(checks.order_by("-drawn_at", "-id"), page, size, check_out)


@router.post("/spot-checks", response={201: SpotCheckOut, **ERRORS})
def draw_spot_check(request, payload: SpotCheckIn):
    org = get_visible_or_404(org_perm.visible_organizations(request.user), payload.org_id)
    check = services.draw_spot_check(actor=request.user, org=org, year=payload.year,
                                     size=payload.size, seed=payload.seed, note=payload.note)
    return Status(201, check_out(check, items=True))


@router.get("/spot-checks/{check_id}", response={200: SpotCheckOut, **ERRORS})
def get_spot_check(request, check_id: int):
    return check_out(_check_for_user(request.user, check_id), items=True)


class ResultIn(Schema):
    result: str
    note: str = ""


class ItemOut(Schema):
    id: int
    position: int
    entry_id: int
    result: str
    note: str
    checked_by: int | None
    checked_at: dt.datetime | None


@router.post("/spot-checks/{check_id}/items/{item_id}", response={200: ItemOut, **ERRORS})
def record_result(request, check_id: int, item_id: int, payload: ResultIn):
    check = _check_for_user(request.user, check_id)
    item = get_visible_or_404(check.items.all(), item_id)
    return item_out(services.record_check_result(actor=request.user, item=item,
                                                 result=payload.result, note=payload.note))
