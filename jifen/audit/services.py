"""Writing the audit log. Call inside the transaction of the change it records."""

from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from jifen.audit import chain
from jifen.audit.context import current_request
from jifen.audit.models import AuditEntry, ChainHead, Result
from jifen.audit.permissions import audit_scope


def log_action(
    action: str,
    *,
    actor: Any,
    obj: models.Model | None = None,
    org: Any = None,
    data: dict[str, Any] | None = None,
    reason: str = "",
    result: str = Result.SUCCESS,
) -> AuditEntry:
    """Append one audit row. `action` is a dotted code such as "org.member.transferred".

    It must run in the same transaction as the change: if this insert fails, the change rolls
    back with it (fail closed). Outside a transaction it is refused, to catch misuse early.
    """
    return log_actions([Action(action, actor=actor, obj=obj, org=org, data=data,
                               reason=reason, result=result)])[0]


@dataclass
class Action:
    """One audit row to write (see log_action for the fields)."""

    action: str
    actor: Any
    obj: models.Model | None = None
    org: Any = None
    data: dict[str, Any] | None = None
    reason: str = ""
    result: str = Result.SUCCESS


def log_actions(actions: list[Action]) -> list[AuditEntry]:
    """Append several audit rows under one lock of the chain head (bulk work such as imports).

    Same rules as log_action: inside the change's transaction, chained in order.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("log_action must run inside the transaction of the change it records")
    context = current_request.get()
    # Lock the chain head: writers queue here, so each row links to the one before it.
    head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
    roles: dict[int, str] = {}
    entries, previous, now = [], head.last_hash, timezone.now()
    for item in actions:
        user = item.actor if getattr(item.actor, "is_authenticated", False) else None
        if user is not None and user.pk not in roles:
            roles[user.pk] = _actor_roles(user)
        obj = item.obj
        entry = AuditEntry(
            created_at=now, actor=user, actor_name=_actor_name(user),
            actor_role=roles.get(user.pk, "") if user else "", org=item.org,
            ip=context.ip if context else None,
            user_agent=context.user_agent if context else "", action=item.action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:200] if obj is not None else "",
            data=item.data or {}, reason=item.reason, result=item.result, prev_hash=previous,
        )
        entry.row_hash = previous = chain.row_hash(entry, previous)
        entries.append(entry)
    created = AuditEntry.objects.bulk_create(entries)
    ChainHead.objects.filter(pk=1).update(last_hash=previous, last_id=created[-1].pk)
    return created


def _actor_name(user: Any) -> str:
    if user is None:
        return "系统"
    return getattr(user, "name", "") or user.get_username()


def _actor_roles(user: Any) -> str:
    if user is None:
        return ""
    roles = sorted({a.role for a in user.role_assignments.all()})
    return ",".join(roles)[:200]


def history_of(obj: models.Model):
    """Every audit row about one object, oldest first."""
    return AuditEntry.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("id")


def log_reading(user, action: str, *, obj: models.Model | None = None, data: dict[str, Any],
                result: str = Result.SUCCESS, reason: str = "") -> AuditEntry:
    """Audit a reading of the audit log itself ("audit.viewed", "audit.exported"), filed under
    the reader's own organization. Call after reading and before handing the page or file
    out: if this row cannot be written, nothing is shown (fail closed)."""
    scope = audit_scope(user)
    with transaction.atomic():
        return log_action(action, actor=user, obj=obj, org=scope[0] if scope else None,
                          result=result, reason=reason,
                          data={**data, "scope": [org.name for org in scope]})
