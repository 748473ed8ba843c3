"""Downloads of the printed forms. Every export is audited: what, scope, format, masked."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404

from jifen.audit.services import log_action
from jifen.core import clock
from jifen.org import permissions as org_perm
from jifen.org.enums import OrgKind
from jifen.publicity.views import visible_windows
from jifen.reports import data
from jifen.reports.render import respond
from jifen.results import permissions as results_perm


def _fmt(request) -> str:
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("xlsx", "pdf"):
        raise Http404
    return fmt


def _int(request, name: str, default: int | None = None) -> int:
    value = request.GET.get(name, "")
    if value.isdigit():
        return int(value)
    if default is None:
        raise Http404
    return default


def audited(user, report_kind: str, scope, fmt: str, make):
    """Build the export inside a transaction with its audit row (exports are personal data)."""
    with transaction.atomic():
        response = make()
        log_action("reports.export.downloaded", actor=user, obj=scope,
                   org=scope if hasattr(scope, "path") else getattr(scope, "branch", None),
                   data={"report": report_kind, "format": fmt, "masked": True,
                         "scope": str(scope)})
    return response


@login_required
def ledger(request):
    member = get_object_or_404(org_perm.visible_members(request.user).select_related("branch"),
                               pk=_int(request, "member"))
    year, fmt = _int(request, "year", clock.results_year()), _fmt(request)
    return audited(request.user, "ledger", member, fmt,
                   lambda: respond(data.ledger_report(member, year), fmt))


@login_required
def register(request):
    branch = get_object_or_404(org_perm.visible_organizations(request.user),
                               pk=_int(request, "branch"), kind=OrgKind.BRANCH)
    if not results_perm.can_view_results(request.user, branch):
        raise PermissionDenied
    year, fmt = _int(request, "year", clock.results_year()), _fmt(request)
    # the quarter under way, or the last one of an earlier year (January opens on last year)
    today = clock.today()
    quarter = _int(request, "quarter", (today.month - 1) // 3 + 1 if year == today.year else 4)
    if not 1 <= quarter <= 4:
        raise Http404
    meeting = _date(request.GET.get("meeting", ""))
    return audited(request.user, "register", branch, fmt,
                   lambda: respond(data.register_report(branch, year, quarter, meeting), fmt))


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


@login_required
def publicity(request, pk: int):
    window = get_object_or_404(visible_windows(request.user), pk=pk)
    fmt = _fmt(request)
    return audited(request.user, "publicity", window, fmt,
                   lambda: respond(data.publicity_report(window), fmt))


@login_required
def results(request):
    org = get_object_or_404(org_perm.visible_organizations(request.user), pk=_int(request, "org"))
    if not results_perm.can_view_results(request.user, org):
        raise PermissionDenied
    year, fmt = _int(request, "year", clock.results_year()), _fmt(request)
    return audited(request.user, "results", org, fmt,
                   lambda: respond(data.results_report(org, year), fmt))
