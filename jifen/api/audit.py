"""GET /audit: the audit log for the audit administrator, with the page's filters and
permissions (jifen.audit.permissions: no other role, not even a superuser). Each call is
itself audited, like a page view."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Router, Schema

from jifen.api.common import ERRORS, Page, paginate
from jifen.audit import permissions as perm
from jifen.audit.forms import AuditFilterForm
from jifen.audit.queries import filter_entries, newest_first
from jifen.audit.services import log_reading

router = Router(tags=["审计日志"])


class EntryOut(Schema):
    id: int
    created_at: dt.datetime
    actor_id: int | None
    actor_name: str
    actor_role: str
    org_id: int | None
    ip: str | None
    user_agent: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    data: dict[str, Any]
    reason: str
    result: str
    prev_hash: str
    row_hash: str


def entry_out(entry) -> dict:
    return {name: getattr(entry, name) for name in EntryOut.model_fields}


@router.get("/audit", response={200: Page, **ERRORS})
def list_audit(request, actor: str = "", date_from: str = "", date_to: str = "",
               kind: str = "", action: str = "", result: str = "", page: int = 1,
               size: int = 50):
    """审计日志, newest first. date_from/date_to are YYYY-MM-DD days in Beijing time; kind is a
    family of action codes (as in the page's select), action a prefix of the dotted code;
    result is success or failure."""
    user = request.user
    if not perm.can_view_audit(user):
        raise PermissionDenied("只有审计管理员可以查看审计日志。")
    form = AuditFilterForm({"actor": actor, "date_from": date_from, "date_to": date_to,
                            "kind": kind, "action": action, "result": result})
    if not form.is_valid():
        raise ValidationError({field: list(errors) for field, errors in form.errors.items()})
    entries = newest_first(filter_entries(perm.visible_audit_entries(user), form.filters()))
    body = paginate(entries, page, size, entry_out)
    log_reading(user, "audit.viewed", data={"view": "api", "filters": form.used(),
                                            "page": max(1, page), "matched": body["count"]})
    return body
