"""The audit viewer (审计管理员 only): the log, one entry, and the log as Excel.

Reading the log is itself logged: each page view, each entry opened and each export writes an
audit row. The page or file is handed out only after that row is committed (fail closed); the
row is written after the reading, in a short transaction of its own, so that a long export
does not hold the database's write lock while it runs.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from jifen.audit import exports
from jifen.audit import permissions as perm
from jifen.audit.forms import AuditFilterForm
from jifen.audit.models import Result
from jifen.audit.queries import check_entry, filter_entries, newest_first, role_labels
from jifen.audit.services import log_reading

PAGE_SIZE = 50


def _require_auditor(user) -> None:
    if not perm.can_view_audit(user):
        raise PermissionDenied


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _filtered(user, form: AuditFilterForm):
    entries = perm.visible_audit_entries(user).select_related("actor", "org")
    # a rejected filter shows nothing rather than everything: the reader asked for less
    if not form.is_valid():
        return entries.none()
    return newest_first(filter_entries(entries, form.filters()))


@login_required
def entry_list(request):
    _require_auditor(request.user)
    form = AuditFilterForm(request.GET)
    page = Paginator(_filtered(request.user, form), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)  # read before the audit row is written
    for entry in page.object_list:
        entry.role_labels = role_labels(entry.actor_role)
    data = {"view": "list", "filters": form.used(), "page": page.number,
            "matched": page.paginator.count}
    if form.errors:
        data["rejected"] = sorted(form.errors)
    log_reading(request.user, "audit.viewed", data=data)
    return render(request, "audit/entry_list.html", {
        "page": page, "filters": form, "query": _query_without_page(request),
        "scope": perm.audit_scope(request.user), "export_limit": exports.EXPORT_LIMIT,
    })


@login_required
def entry_detail(request, pk: int):
    _require_auditor(request.user)
    entry = get_object_or_404(
        perm.visible_audit_entries(request.user).select_related("actor", "org"), pk=pk)
    entry.role_labels = role_labels(entry.actor_role)
    check = check_entry(entry)
    log_reading(request.user, "audit.viewed", obj=entry, data={"view": "detail"})
    return render(request, "audit/entry_detail.html", {
        "entry": entry, "check": check,
        "data_json": json.dumps(entry.data, ensure_ascii=False, indent=2, sort_keys=True),
    })


@login_required
def export(request):
    user = request.user
    _require_auditor(user)
    form = AuditFilterForm(request.GET)
    query = _query_without_page(request)
    back = reverse("audit:entry-list") + (f"?{query}" if query else "")
    if not form.is_valid():
        messages.error(request, "筛选条件有误，请先更正后再导出。")
        return redirect(back)
    entries = _filtered(user, form)
    count = entries.count()
    data = {"format": "xlsx", "filters": form.used(), "rows": count, "masked": False}
    if count > exports.EXPORT_LIMIT:
        log_reading(user, "audit.exported", data={**data, "limit": exports.EXPORT_LIMIT},
                    result=Result.FAILURE, reason="超过单次导出上限")
        messages.error(request, f"符合条件的记录有 {count:,} 条，超过单次导出上限 "
                                f"{exports.EXPORT_LIMIT:,} 条。"
                                "请缩小时间范围或增加筛选条件后再导出。")
        return redirect(back)
    now = timezone.localtime()
    scope = "、".join(org.name for org in perm.audit_scope(user))
    response = exports.audit_workbook(
        entries[:exports.EXPORT_LIMIT],  # rows written since the count must not pass the cap
        title=f"审计日志（{scope}） 导出时间 {now:%Y-%m-%d %H:%M} 筛选条件：{form.describe()}",
        filename=f"审计日志_{now:%Y%m%d_%H%M}.xlsx",
    )
    log_reading(user, "audit.exported", data=data)
    return response
