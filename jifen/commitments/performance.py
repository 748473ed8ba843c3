"""晒出业绩 (Doc A §三(三), "每月在支部内…公示"): per member of a branch, what the ledger
recorded for a month and how much of it is confirmed, and the branch's publication of that
summary.

A month's entries are those that happened in it (the ledger's date, `occurred_on`), so a line
recorded a week late still counts for the month of the deed; drafts and rejected lines are left
out. "Confirmed" is the part of them that has passed publicity (已认定) by now.

The figures are counts and sums of entry magnitudes split by the sign of their category; the
score shown is the stored official Score (computed by the engine). Nothing here computes a
score: caps, modes, base and floor stay the engine's business.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from jifen.audit.services import log_action
from jifen.commitments import permissions as perm
from jifen.commitments.models import PerformancePublication
from jifen.core import clock
from jifen.org.enums import OrgKind
from jifen.org.models import Member, Organization
from jifen.results.locks import ensure_year_open
from jifen.schemes.models import Scheme
from jifen.scoring.enums import EntryState
from jifen.scoring.models import Entry, Score

# A recorded entry that was drafted or voided is not performance to show.
NOT_SHOWN = (EntryState.DRAFT, EntryState.REJECTED)


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, value: str | None, default: dt.date | None = None) -> "Month":
        """"2026-03" → Month(2026, 3); empty → the month of `default` (today)."""
        if not value:
            today = default or clock.today()
            return cls(today.year, today.month)
        try:
            year, month = (int(part) for part in value.split("-"))
            dt.date(year, month, 1)
        except (ValueError, TypeError) as e:
            raise ValidationError({"month": "应为 YYYY-MM 格式的月份。"}) from e
        return cls(year, month)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def next(self) -> "Month":
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    @property
    def previous(self) -> "Month":
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"


def _signs(scheme_ids) -> dict[int, dict[str, str]]:
    return {s.pk: {c["key"]: c["sign"] for c in s.definition["categories"]}
            for s in Scheme.objects.filter(pk__in=set(scheme_ids))}


def _blank(member_id: int, name: str) -> dict:
    row = {"member_id": member_id, "name": name}
    for what in ("recorded", "confirmed"):
        row[what] = 0
        row[f"{what}_plus"] = Decimal(0)
        row[f"{what}_minus"] = Decimal(0)
    row["veto"] = 0
    return row


def _add(row: dict, what: str, entry: dict, sign: str) -> None:
    row[what] += 1
    # a reversal (冲正) cancels its target's points
    points = -entry["points"] if entry["reverses_id"] else entry["points"]
    if sign == "+":
        row[f"{what}_plus"] += points
    elif sign == "-":
        row[f"{what}_minus"] += points
    elif what == "confirmed" and not entry["reverses_id"]:
        row["veto"] += 1


def monthly_summary(branch: Organization, month: Month) -> list[dict]:
    """One row per member now in the branch or recorded in it that month; four queries."""
    fields = ("member_id", "member__name", "scheme_id", "item_category", "points",
              "reverses_id", "state")
    entries = list(Entry.objects.filter(
        branch=branch, occurred_on__gte=month.first_day, occurred_on__lt=month.next.first_day,
    ).exclude(state__in=NOT_SHOWN).values(*fields))
    rows = {m.pk: _blank(m.pk, m.name) for m in Member.objects.filter(branch=branch)}
    signs = _signs(e["scheme_id"] for e in entries)
    for e in entries:
        row = rows.setdefault(e["member_id"], _blank(e["member_id"], e["member__name"]))
        sign = signs[e["scheme_id"]].get(e["item_category"], "")
        _add(row, "recorded", e, sign)
        if e["state"] == EntryState.CONFIRMED:
            _add(row, "confirmed", e, sign)
    _scores(rows, month)
    return [_as_text(r) for r in sorted(rows.values(), key=lambda r: (r["name"], r["member_id"]))]


def _scores(rows: dict, month: Month) -> None:
    """The official score as stored by the engine: the year so far, and the month's own total
    where the scheme scores by month (Doc B)."""
    scores = Score.objects.filter(member_id__in=list(rows), year=month.year).only(
        "member_id", "total", "months")
    for score in scores:
        row = rows[score.member_id]
        row["total"] = f"{score.total:.2f}" if score.total is not None else None
        row["month_total"] = (score.months or {}).get(str(month.month))


def _as_text(row: dict) -> dict:
    """JSON-ready (a publication stores it): decimals as strings."""
    row.setdefault("total", None)
    row.setdefault("month_total", None)
    return {k: f"{v:.1f}" if isinstance(v, Decimal) else v for k, v in row.items()}


@transaction.atomic
def publish_summary(*, actor, branch: Organization, month: Month) -> PerformancePublication:
    """Publish (or publish again, refreshed) a month's summary to the branch's members."""
    if branch.kind != OrgKind.BRANCH:
        raise ValidationError({"org_id": "业绩以党支部为单位公示。"})
    if not perm.can_lead(actor, branch):
        raise PermissionDenied("只有本支部书记或支委可以公示业绩。")
    if month.first_day > clock.today():
        raise ValidationError({"month": "不能公示尚未开始的月份。"})
    ensure_year_open(branch, month.year)
    Organization.objects.select_for_update().get(pk=branch.pk)
    rows = monthly_summary(branch, month)
    publication, created = PerformancePublication.objects.update_or_create(
        branch=branch, year=month.year, month=month.month,
        defaults={"rows": rows, "published_by": actor, "published_at": clock.now()})
    log_action(f"commitments.performance.{'published' if created else 'republished'}",
               actor=actor, obj=publication, org=branch,
               data={"month": str(month), "members": len(rows)})
    return publication
