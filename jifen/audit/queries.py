"""Reading the audit log: the filters shared by the page, the export and the API."""

import datetime as dt
import hmac
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from jifen.audit import chain
from jifen.audit.models import AuditEntry
from jifen.org.enums import Role

# Known families of action codes, for the type select. The codes themselves are written by
# each app's services ("<app>.<model>.<verb>"); a code not listed here is still found by the
# free-text action filter.
ACTION_KINDS = [
    ("accounts.login", "登录与登录失败"),
    ("accounts.logout", "退出登录"),
    ("accounts.password", "密码修改与重置"),
    ("accounts.lockout", "解除登录锁定"),
    ("accounts.token", "API 令牌"),
    ("accounts.2fa", "两步验证"),
    ("accounts", "账号（全部）"),
    ("org.organization", "党组织"),
    ("org.member", "党员信息与转接"),
    ("org.exemption", "免于管理"),
    ("org.role", "角色分配"),
    ("org", "组织与党员（全部）"),
    ("schemes", "计分方案"),
    ("scoring", "台账与记分"),
    ("publicity", "公示与异议"),
    ("results", "年度结果"),
    ("commitments", "承诺与述职"),
    ("supervision", "督导检查"),
    ("imports", "Excel 导入"),
    ("reports", "报表导出"),
    ("audit.viewed", "查看审计日志"),
    ("audit.exported", "导出审计日志"),
    ("audit", "审计日志（全部）"),
]
KIND_CODES = frozenset(code for code, _ in ACTION_KINDS)


@dataclass(frozen=True)
class Filters:
    actor: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    kind: str = ""
    action: str = ""
    result: str = ""


def _day_start(day: dt.date) -> dt.datetime:
    # Dates mean calendar days in Asia/Shanghai (settings.TIME_ZONE), not in UTC.
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min),
                               timezone.get_default_timezone())


def filter_entries(entries: QuerySet, f: Filters) -> QuerySet:
    if f.actor:
        entries = entries.filter(Q(actor__username__icontains=f.actor)
                                 | Q(actor_name__icontains=f.actor))
    if f.date_from:
        entries = entries.filter(created_at__gte=_day_start(f.date_from))
    if f.date_to:
        entries = entries.filter(created_at__lt=_day_start(f.date_to + dt.timedelta(days=1)))
    if f.kind:
        # a family is whole segments: "org" is org.* but not a hypothetical "orgx.*"
        entries = entries.filter(Q(action=f.kind) | Q(action__startswith=f.kind + "."))
    if f.action:
        entries = entries.filter(action__startswith=f.action)
    if f.result:
        entries = entries.filter(result=f.result)
    return entries


def newest_first(entries: QuerySet) -> QuerySet:
    # id, not created_at: rows of one transaction share a timestamp, ids follow the chain
    return entries.order_by("-id")


def role_labels(codes: str) -> str:
    """"org_admin,secretary" → "组织部管理员、支部书记" (unknown codes stay as they are)."""
    labels = {role.value: role.label for role in Role}
    return "、".join(labels.get(code, code) for code in codes.split(",") if code)


@dataclass(frozen=True)
class EntryCheck:
    """The hash chain around one entry: its own hash, and its links to its neighbours.

    A local check (three rows), cheap enough for every page view; `manage.py verify_audit`
    walks the whole chain.
    """

    content_ok: bool
    previous_id: int | None  # None: the first row kept (the start, or rows before it purged)
    previous_ok: bool
    next_id: int | None  # None: the newest row
    next_ok: bool

    @property
    def ok(self) -> bool:
        return self.content_ok and self.previous_ok and self.next_ok


def check_entry(entry) -> EntryCheck:
    # Neighbours are read whatever their organization: only their hashes are used, not shown.
    previous = (AuditEntry.objects.filter(pk__lt=entry.pk).order_by("-id")
                .values_list("pk", "row_hash").first())
    following = (AuditEntry.objects.filter(pk__gt=entry.pk).order_by("id")
                 .values_list("pk", "prev_hash").first())
    return EntryCheck(
        content_ok=hmac.compare_digest(entry.row_hash, chain.row_hash(entry, entry.prev_hash)),
        previous_id=previous[0] if previous else None,
        previous_ok=previous is None or previous[1] == entry.prev_hash,
        next_id=following[0] if following else None,
        next_ok=following is None or following[1] == entry.row_hash,
    )
