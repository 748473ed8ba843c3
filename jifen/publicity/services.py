"""Publicity windows (公示), objections (异议) and appeals (申诉 → 专项查核).

A window takes every entry of its branch that is ready; during it any member of the branch may
object to an entry, which puts it in `disputed`; when the window has ended, closing it confirms
every entry without a pending objection and refreshes the branch's stored scores in the same
transaction.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from jifen.audit.services import log_action
from jifen.core import clock
from jifen.core.errors import ConflictError
from jifen.org import permissions as org_perm
from jifen.org.enums import OrgKind
from jifen.org.models import Organization
from jifen.publicity.models import (
    Objection,
    ObjectionState,
    Window,
    WindowKind,
    new_board_token,
)
from jifen.results.locks import ensure_year_open
from jifen.schemes.queries import effective_scheme
from jifen.scoring import permissions as perm
from jifen.scoring.enums import EntryState
from jifen.scoring.models import Entry
from jifen.scoring.scores import refresh_branch_scores
from jifen.scoring.services import ready_for_publicity


@transaction.atomic
def open_window(*, actor, branch: Organization, title: str, starts_on: dt.date | None = None,
                days: int | None = None, public_board: bool = False) -> Window:
    if branch.kind != OrgKind.BRANCH:
        raise ValidationError({"org_id": "公示以党支部为单位进行。"})
    if not perm.can_lead_branch(actor, branch):
        raise PermissionDenied("只有支部书记、支委可以发起公示。")
    Organization.objects.select_for_update().get(pk=branch.pk)  # one opening at a time
    ready = ready_for_publicity(Entry.objects.filter(branch=branch)).select_for_update()
    entries = list(ready)
    if not entries:
        raise ConflictError("没有可以公示的记录（须先通过初评，需要时还须经党总支审核）。")
    starts_on = starts_on or clock.today()
    if days is None:
        scheme = effective_scheme(branch, starts_on.year)
        days = scheme.definition.get("publicity_days", 5) if scheme else 5
    if days < 1:
        raise ValidationError({"days": "公示天数至少为 1 天。"})
    window = Window.objects.create(
        branch=branch, title=title.strip() or f"{starts_on:%Y年%m月}积分公示",
        starts_on=starts_on, ends_on=starts_on + dt.timedelta(days=days - 1),
        opened_by=actor, board_token=new_board_token() if public_board else "",
    )
    Entry.objects.filter(pk__in=[e.pk for e in entries]).update(
        state=EntryState.PUBLICIZED, window=window)
    log_action("publicity.window.opened", actor=actor, obj=window, org=branch,
               data={"entries": [e.pk for e in entries], "starts_on": starts_on.isoformat(),
                     "ends_on": window.ends_on.isoformat(), "public_board": public_board})
    return window


def has_ended(window: Window, today: dt.date | None = None) -> bool:
    return (today or clock.today()) > window.ends_on


@transaction.atomic
def close_window(*, actor, window: Window, today: dt.date | None = None) -> int:
    """Confirm what went through the window unchallenged; return how many entries.

    Idempotent: closing a closed window does nothing. `actor` is None for the cron command.
    """
    window = Window.objects.select_for_update().select_related("branch").get(pk=window.pk)
    if actor is not None and not perm.can_lead_branch(actor, window.branch):
        raise PermissionDenied("只有支部书记、支委可以结束公示。")
    if window.is_closed:
        return 0
    if not has_ended(window, today):
        raise ConflictError(f"公示期到 {window.ends_on:%Y-%m-%d} 才结束，不能提前结束。")
    confirmed = _confirm(window.entries.filter(state=EntryState.PUBLICIZED))
    window.closed_at, window.closed_by = clock.now(), actor
    window.save(update_fields=["closed_at", "closed_by"])
    log_action("publicity.window.closed", actor=actor, obj=window, org=window.branch,
               data={"confirmed": confirmed})
    return len(confirmed)


def _confirm(entries) -> list[int]:
    """Confirm entries and refresh the stored scores of every (branch, year) they touch."""
    rows = list(entries.select_for_update().select_related("member__branch", "branch"))
    if not rows:
        return []
    for branch, year in {(e.branch, e.year) for e in rows}:
        ensure_year_open(branch, year)
    now = clock.now()
    Entry.objects.filter(pk__in=[e.pk for e in rows]).update(state=EntryState.CONFIRMED,
                                                              confirmed_at=now)
    for branch, year in {(e.member.branch, e.year) for e in rows}:
        refresh_branch_scores(branch, year)
    return [e.pk for e in rows]


def close_ended_windows(today: dt.date | None = None) -> int:
    """For cron: close every window that has ended. Safe to run any number of times."""
    count = 0
    ended = Window.objects.filter(closed_at__isnull=True, ends_on__lt=today or clock.today())
    for window in ended:
        count += close_window(actor=None, window=window, today=today)
    return count


# --- objections ----------------------------------------------------------------------------

def _lock_objection(objection: Objection) -> Objection:
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer join to the window
    objection = Objection.objects.select_for_update(of=("self",)).select_related(
        "entry__branch", "entry__window", "raised_by", "window__branch", "subject",
    ).get(pk=objection.pk)
    ensure_year_open(objection.branch, objection.year)
    return objection


@transaction.atomic
def raise_objection(*, actor, entry: Entry, reason: str) -> Objection:
    entry = Entry.objects.select_for_update(of=("self",)).select_related("window", "branch").get(
        pk=entry.pk)
    ensure_year_open(entry.branch, entry.year)
    member = org_perm.member_of(actor)
    if member is None or member.branch_id != entry.branch_id:
        raise PermissionDenied("只有本支部党员可以对公示内容提出异议。")
    if entry.state != EntryState.PUBLICIZED or entry.window is None:
        raise ConflictError("只能对公示中的记录提出异议。")
    today = clock.today()
    if not entry.window.starts_on <= today <= entry.window.ends_on:
        raise ConflictError("公示期已过，不能再提出异议。")
    if not reason.strip():
        raise ValidationError({"reason": "请写明异议理由。"})
    objection = Objection.objects.create(entry=entry, raised_by=member, reason=reason.strip())
    entry.state = EntryState.DISPUTED
    entry.save(update_fields=["state"])
    log_action("publicity.objection.raised", actor=actor, obj=objection, org=entry.branch,
               data={"entry": entry.pk}, reason=reason)
    log_action("scoring.entry.disputed", actor=actor, obj=entry, org=entry.branch,
               data={"before": {"state": EntryState.PUBLICIZED},
                     "after": {"state": EntryState.DISPUTED}, "objection": objection.pk})
    return objection


def _settle_entry(actor, objection: Objection, *, upheld: bool, reply: str) -> None:
    """Upheld: the entry is voided. Dismissed: back in its window, or confirmed if it is over."""
    entry = Entry.objects.select_for_update(of=("self",)).select_related("window").get(
        pk=objection.entry_id)
    before = entry.state
    if upheld:
        entry.state = EntryState.REJECTED
        entry.save(update_fields=["state"])
    elif entry.window.is_closed or has_ended(entry.window):
        _confirm(Entry.objects.filter(pk=entry.pk))
        entry.refresh_from_db()
    else:
        entry.state = EntryState.PUBLICIZED
        entry.save(update_fields=["state"])
    log_action("scoring.entry.objection_settled", actor=actor, obj=entry,
               org=objection.entry.branch,
               data={"before": {"state": before}, "after": {"state": entry.state},
                     "objection": objection.pk}, reason=reply)


@transaction.atomic
def answer_objection(*, actor, objection: Objection, upheld: bool, reply: str) -> Objection:
    """The branch's 查核 and 反馈."""
    objection = _lock_objection(objection)
    if not perm.can_lead_branch(actor, objection.branch):
        raise PermissionDenied("只有支部书记、支委可以答复异议。")
    if objection.state != ObjectionState.OPEN:
        raise ConflictError("该异议已经答复过了。")
    if objection.raised_by.user_id == actor.pk:
        raise ConflictError("不能答复自己提出的异议。")
    if not reply.strip():
        raise ValidationError({"reply": "请填写答复内容。"})
    objection.state = ObjectionState.UPHELD if upheld else ObjectionState.DISMISSED
    objection.reply, objection.answered_by, objection.answered_at = (
        reply.strip(), actor, clock.now())
    objection.save(update_fields=["state", "reply", "answered_by", "answered_at"])
    log_action(f"publicity.objection.{objection.state}", actor=actor, obj=objection,
               org=objection.branch, reason=reply)
    if objection.entry_id:
        _settle_entry(actor, objection, upheld=upheld, reply=reply)
    return objection


@transaction.atomic
def escalate_objection(*, actor, objection: Objection, reason: str) -> Objection:
    """申诉: the objector still disagrees after a dismissal; the entry is disputed again."""
    objection = _lock_objection(objection)
    if objection.raised_by.user_id != actor.pk:
        raise PermissionDenied("只有异议提出人可以申诉。")
    if objection.state != ObjectionState.DISMISSED:
        raise ConflictError("只有被答复“异议不成立”的异议可以申诉。")
    entry = None
    if objection.entry_id:
        entry = Entry.objects.select_for_update().get(pk=objection.entry_id)
        if entry.state == EntryState.CONFIRMED:
            raise ConflictError("公示已结束、该记录已认定，如仍有异议请向支部申请冲正。")
        if entry.state != EntryState.PUBLICIZED:
            raise ConflictError("该记录已不在公示中，不能申诉。")
    if not reason.strip():
        raise ValidationError({"reason": "请写明申诉理由。"})
    objection.state, objection.escalation_reason = ObjectionState.ESCALATED, reason.strip()
    objection.escalated_at = clock.now()
    objection.save(update_fields=["state", "escalation_reason", "escalated_at"])
    if entry is not None:
        entry.state = EntryState.DISPUTED
        entry.save(update_fields=["state"])
    log_action("publicity.objection.escalated", actor=actor, obj=objection,
               org=objection.branch, reason=reason)
    return objection


@transaction.atomic
def rule_objection(*, actor, objection: Objection, upheld: bool, reply: str) -> Objection:
    """专项查核 by the org department: final."""
    objection = _lock_objection(objection)
    if not perm.can_rule(actor, objection.branch):
        raise PermissionDenied("只有组织部可以进行专项查核。")
    if objection.state != ObjectionState.ESCALATED:
        raise ConflictError("只有已申诉的异议需要专项查核。")
    about_self = (perm.is_about_or_by(actor, objection.entry) if objection.entry_id
                  else objection.subject.user_id == actor.pk)
    if about_self:
        raise ConflictError("不能查核与自己有关或由自己录入的记录（四眼原则）。")
    if not reply.strip():
        raise ValidationError({"reply": "请填写查核结论。"})
    objection.state = ObjectionState.RULED_UPHELD if upheld else ObjectionState.RULED_DISMISSED
    objection.ruling, objection.ruled_by, objection.ruled_at = (
        reply.strip(), actor, clock.now())
    objection.save(update_fields=["state", "ruling", "ruled_by", "ruled_at"])
    log_action(f"publicity.objection.{objection.state}", actor=actor, obj=objection,
               org=objection.branch, reason=reply)
    if objection.entry_id:
        _settle_entry(actor, objection, upheld=upheld, reply=reply)
    return objection


# --- annual totals (年度积分公示, before the democratic appraisal) ---------------------------

@transaction.atomic
def open_annual_window(*, actor, branch: Organization, year: int,
                       starts_on: dt.date | None = None, days: int | None = None,
                       public_board: bool = False) -> Window:
    """Publicize the year's official totals; members may object to a total during it."""
    if branch.kind != OrgKind.BRANCH:
        raise ValidationError({"org_id": "公示以党支部为单位进行。"})
    if not perm.can_lead_branch(actor, branch):
        raise PermissionDenied("只有支部书记、支委可以发起公示。")
    ensure_year_open(branch, year)
    Organization.objects.select_for_update().get(pk=branch.pk)  # one annual window per year
    if Window.objects.filter(branch=branch, year=year, kind=WindowKind.ANNUAL).exists():
        raise ConflictError(f"{branch.name} {year} 年度积分已经公示过了。")
    starts_on = starts_on or clock.today()
    scheme = effective_scheme(branch, year)
    days = days or (scheme.definition.get("publicity_days", 5) if scheme else 5)
    window = Window.objects.create(
        branch=branch, kind=WindowKind.ANNUAL, year=year, title=f"{year}年度党员积分公示",
        starts_on=starts_on, ends_on=starts_on + dt.timedelta(days=days - 1), opened_by=actor,
        board_token=new_board_token() if public_board else "")
    log_action("publicity.window.opened", actor=actor, obj=window, org=branch,
               data={"kind": "annual", "year": year, "ends_on": window.ends_on.isoformat()})
    return window


@transaction.atomic
def raise_total_objection(*, actor, window: Window, subject, reason: str) -> Objection:
    """异议 to one member's annual total, during the annual window."""
    window = Window.objects.select_for_update().select_related("branch").get(pk=window.pk)
    ensure_year_open(window.branch, window.year)
    member = org_perm.member_of(actor)
    if member is None or member.branch_id != window.branch_id:
        raise PermissionDenied("只有本支部党员可以对公示内容提出异议。")
    if not window.is_annual or subject.branch_id != window.branch_id:
        raise ConflictError("只能对本支部年度积分公示中的党员提出异议。")
    if not window.starts_on <= clock.today() <= window.ends_on:
        raise ConflictError("公示期已过，不能再提出异议。")
    if not reason.strip():
        raise ValidationError({"reason": "请写明异议理由。"})
    objection = Objection.objects.create(window=window, subject=subject, raised_by=member,
                                         reason=reason.strip())
    log_action("publicity.objection.raised", actor=actor, obj=objection, org=window.branch,
               data={"subject": subject.pk, "year": window.year}, reason=reason)
    return objection
