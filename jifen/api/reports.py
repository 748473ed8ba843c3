"""API.md §Imports and exports — the exports: the same reports, as files."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from ninja import Router

from jifen.api.common import ERRORS, get_visible_or_404
from jifen.org import permissions as org_perm
from jifen.org.enums import OrgKind
from jifen.publicity.views import visible_windows
from jifen.reports import data
from jifen.reports.render import respond
from jifen.reports.views import audited
from jifen.results import permissions as results_perm

router = Router(tags=["导出"])


def _check_format(fmt: str) -> str:
    if fmt not in ("xlsx", "pdf"):
        raise ValidationError({"format": "应为 xlsx 或 pdf。"})
    return fmt


@router.get("/exports/ledger", response=ERRORS)
def ledger(request, member_id: int, year: int, format: str = "xlsx"):  # noqa: A002 - API.md
    fmt = _check_format(format)
    member = get_visible_or_404(org_perm.visible_members(request.user).select_related("branch"),
                                member_id)
    return audited(request.user, "ledger", member, fmt,
                   lambda: respond(data.ledger_report(member, year), fmt))


@router.get("/exports/register", response=ERRORS)
def register(request, org_id: int, year: int, quarter: int, format: str = "xlsx"):  # noqa: A002
    fmt = _check_format(format)
    if not 1 <= quarter <= 4:
        raise ValidationError({"quarter": "季度应为 1–4。"})
    branch = get_visible_or_404(org_perm.visible_organizations(request.user), org_id)
    if branch.kind != OrgKind.BRANCH:
        raise ValidationError({"org_id": "登记表以党支部为单位。"})
    if not results_perm.can_view_results(request.user, branch):
        raise PermissionDenied("您无权导出该支部的登记表。")
    return audited(request.user, "register", branch, fmt,
                   lambda: respond(data.register_report(branch, year, quarter), fmt))


@router.get("/exports/publicity/{window_id}", response=ERRORS)
def publicity(request, window_id: int, format: str = "xlsx"):  # noqa: A002
    fmt = _check_format(format)
    window = get_object_or_404(visible_windows(request.user), pk=window_id)
    return audited(request.user, "publicity", window, fmt,
                   lambda: respond(data.publicity_report(window), fmt))


@router.get("/exports/results", response=ERRORS)
def results(request, org_id: int, year: int, format: str = "xlsx"):  # noqa: A002
    fmt = _check_format(format)
    org = get_visible_or_404(org_perm.visible_organizations(request.user), org_id)
    if not results_perm.can_view_results(request.user, org):
        raise PermissionDenied("您无权导出该组织的年度结果。")
    return audited(request.user, "results", org, fmt,
                   lambda: respond(data.results_report(org, year), fmt))
