"""The ledger's state changes: record, declare, attach evidence, review, approve, reverse.

Each function locks the entry, checks its state and the four-eyes rule, saves, and writes the
audit row in the same transaction. An illegal transition raises ConflictError and changes
nothing. Publicity (公示) and objections are in jifen.publicity.services.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from jifen.audit.services import log_action
from jifen.core import clock
from jifen.core.errors import ConflictError
from jifen.org import permissions as org_perm
from jifen.org.models import Member, Organization
from jifen.results.locks import ensure_year_open
from jifen.schemes.queries import effective_scheme
from jifen.schemes.services import lock_arithmetic
from jifen.scoring import evidence as evidence_files
from jifen.scoring import permissions as perm
from jifen.scoring.enums import EntryState, Source
from jifen.scoring.models import Entry, Evidence
from jifen.scoring.scores import exempt_ids, months_in_scope

HALF = Decimal("0.5")


def _lock(entry: Entry) -> Entry:
    """Lock the row, and refuse any change to an entry of a filed (locked) year."""
    entry = Entry.objects.select_for_update().select_related("branch", "member").get(pk=entry.pk)
    ensure_year_open(entry.branch, entry.year)
    return entry


def _four_eyes(actor, entry: Entry, what: str) -> None:
    if perm.is_about_or_by(actor, entry):
        raise ConflictError(f"不能{what}与自己有关或由自己录入的记录（四眼原则）。")


def _expect(entry: Entry, *states: str, action: str) -> None:
    if entry.state not in states:
        raise ConflictError(
            f"该记录当前状态为“{entry.get_state_display()}”，不能{action}。")


def _audit(action: str, actor, entry: Entry, before: str, reason: str = "", **data) -> None:
    log_action(f"scoring.entry.{action}", actor=actor, obj=entry, org=entry.branch,
               data={"before": {"state": before}, "after": {"state": entry.state}, **data},
               reason=reason)


# --- creating ------------------------------------------------------------------------------

def _validate_new(member: Member, item: dict | None, points, occurred_on: dt.date, scheme,
                  item_code: str) -> dict:
    errors: dict[str, str] = {}
    if item is None:
        errors["item"] = f"本支部适用的计分方案中没有项目 {item_code}。"
    elif member.category not in item["applies_to"]:
        errors["item"] = f"项目 {item_code} 不适用于{member.get_category_display()}党员。"
    elif points is None or points % HALF != 0:
        errors["points"] = "分值须为 0.5 的整数倍。"
    elif not Decimal(item["min"]) <= points <= Decimal(item["max"]):
        errors["points"] = f"项目 {item_code} 每次分值应在 {item['min']}–{item['max']} 之间。"
    today = clock.today()
    if occurred_on > today:
        errors["occurred_on"] = "发生日期不能晚于今天。"
    elif occurred_on < member.joined_on:
        errors["occurred_on"] = "发生日期早于该党员入党时间。"
    elif occurred_on.month not in months_in_scope(member, occurred_on.year):
        errors["occurred_on"] = "发生日期不在该党员的记分期内。"
    if scheme is None:
        errors["item"] = f"{member.branch.name} {occurred_on.year} 年还没有计分方案。"
    if member.pk in exempt_ids([member], occurred_on.year):
        errors["member"] = f"{member.name} {occurred_on.year} 年不列入管理范围，不记分。"
    if errors:
        raise ValidationError(errors)
    return item


@transaction.atomic
def create_entry(*, actor, member: Member, item_code: str, points: Decimal,
                 occurred_on: dt.date, reason: str, files=()) -> Entry:
    """Record (recorder/committee) or declare (the member themself) one entry.

    With its evidence it goes straight to `submitted`. An item that requires evidence and has
    none yet stays a `draft` until the first file arrives (the API attaches files after creating).
    """
    member = Member.objects.select_related("branch").get(pk=member.pk)
    own = org_perm.member_of(actor)
    if own is not None and own.pk == member.pk:
        source = Source.DECLARED
    elif perm.can_record(actor, member.branch):
        source = Source.RECORDED
    else:
        raise PermissionDenied("您无权为该党员记分。")
    ensure_year_open(member.branch, occurred_on.year)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "请填写事由说明。"})
    scheme = effective_scheme(member.branch, occurred_on.year)
    items = {i["code"]: i for i in scheme.definition["items"]} if scheme else {}
    item = _validate_new(member, items.get(item_code), points, occurred_on, scheme, item_code)
    if source == Source.DECLARED and not item["declarable"]:
        raise ValidationError({"item": f"项目 {item_code} 不能由本人申报，由支部记录。"})
    checked = [evidence_files.check_upload(f) for f in files]
    entry = Entry.objects.create(
        member=member, branch=member.branch, root_id=member.root_id, scheme=scheme,
        year=occurred_on.year, item_code=item_code, item_title=item["title"],
        item_category=item["category"], item_min=item["min"], item_max=item["max"],
        points=points, occurred_on=occurred_on, reason=reason, source=source, created_by=actor,
        needs_approval=item["needs_general_branch_approval"],
        evidence_required=item["evidence_required"],
        state=EntryState.DRAFT if item["evidence_required"] and not checked
        else EntryState.SUBMITTED,
    )
    lock_arithmetic(scheme)
    log_action(f"scoring.entry.{source}", actor=actor, obj=entry, org=entry.branch,
               data={"after": {"state": entry.state, "item": item_code, "points": str(points),
                               "member": member.pk, "occurred_on": occurred_on.isoformat()}})
    for checked_file in checked:
        _attach(actor, entry, checked_file)
    return entry


def _attach(actor, entry: Entry, checked) -> Evidence:
    # Written before the row: if the transaction rolls back, what remains is an unreferenced
    # file (harmless, never served), never a row pointing at a missing file.
    stored = evidence_files.store(checked)
    evidence = Evidence.objects.create(entry=entry, stored_name=stored,
                                       original_name=checked.name,
                                       content_type=checked.content_type,
                                       size=len(checked.content), uploaded_by=actor)
    log_action("scoring.evidence.added", actor=actor, obj=entry, org=entry.branch,
               data={"file": checked.name, "size": len(checked.content)})
    return evidence


@transaction.atomic
def add_evidence(*, actor, entry: Entry, upload) -> Evidence:
    """Attach a file before review; the first file submits a draft that was waiting for it."""
    entry = _lock(entry)
    if actor.pk != entry.created_by_id and not perm.can_record(actor, entry.branch):
        raise PermissionDenied("只有录入人或本支部记分人员可以补充证明材料。")
    _expect(entry, EntryState.DRAFT, EntryState.SUBMITTED, action="补充证明材料")
    evidence = _attach(actor, entry, evidence_files.check_upload(upload))
    if entry.state == EntryState.DRAFT:
        entry.state = EntryState.SUBMITTED
        entry.save(update_fields=["state"])
        _audit("submitted", actor, entry, EntryState.DRAFT)
    return evidence


# --- deciding ------------------------------------------------------------------------------

@transaction.atomic
def review_entry(*, actor, entry: Entry, approve: bool, note: str = "") -> Entry:
    """支委初评: submitted → reviewed, or rejected with a reason."""
    entry = _lock(entry)
    if not perm.can_review(actor, entry):
        raise PermissionDenied("只有本支部书记或支委可以初评。")
    _expect(entry, EntryState.SUBMITTED, action="初评")
    _four_eyes(actor, entry, "初评")
    if not approve and not note.strip():
        raise ValidationError({"reason": "不通过时请写明理由。"})
    before = entry.state
    entry.state = EntryState.REVIEWED if approve else EntryState.REJECTED
    entry.reviewed_by, entry.reviewed_at, entry.review_note = actor, clock.now(), note.strip()
    entry.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_note"])
    _audit("reviewed" if approve else "rejected", actor, entry, before, reason=note)
    return entry


@transaction.atomic
def approve_entry(*, actor, entry: Entry, approve: bool, note: str = "") -> Entry:
    """党总支审核, only for items that need it: reviewed → approved, or rejected."""
    entry = _lock(entry)
    if not perm.can_approve(actor, entry):
        raise PermissionDenied("只有党总支审核人或组织部可以审核。")
    if not entry.needs_approval:
        raise ConflictError("该项目不需要党总支审核。")
    _expect(entry, EntryState.REVIEWED, action="审核")
    _four_eyes(actor, entry, "审核")
    if not approve and not note.strip():
        raise ValidationError({"reason": "不通过时请写明理由。"})
    before = entry.state
    entry.state = EntryState.APPROVED if approve else EntryState.REJECTED
    entry.approved_by, entry.approved_at, entry.approval_note = actor, clock.now(), note.strip()
    entry.save(update_fields=["state", "approved_by", "approved_at", "approval_note"])
    _audit("approved" if approve else "rejected", actor, entry, before, reason=note)
    return entry


@transaction.atomic
def reverse_entry(*, actor, entry: Entry, reason: str) -> Entry:
    """冲正: a confirmed entry is never edited; a new reversal entry goes through the workflow."""
    entry = _lock(entry)
    if not perm.can_lead_branch(actor, entry.branch):
        raise PermissionDenied("只有支部书记、支委或组织部可以提出冲正。")
    _expect(entry, EntryState.CONFIRMED, action="冲正")
    if entry.is_reversal:
        raise ConflictError("冲正记录本身不能再冲正；如有错误，请对原记录重新记分。")
    if Entry.objects.filter(reverses=entry).exclude(state=EntryState.REJECTED).exists():
        raise ConflictError("该记录已有冲正记录。")
    if not reason.strip():
        raise ValidationError({"reason": "请写明冲正理由。"})
    reversal = Entry.objects.create(
        member=entry.member, branch=entry.branch, root_id=entry.root_id, scheme=entry.scheme,
        year=entry.year, item_code=entry.item_code, item_title=entry.item_title,
        item_category=entry.item_category, item_min=entry.item_min, item_max=entry.item_max,
        points=entry.points, occurred_on=entry.occurred_on, reason=reason.strip(),
        source=Source.RECORDED, created_by=actor, state=EntryState.SUBMITTED, reverses=entry,
        needs_approval=entry.needs_approval,
    )
    log_action("scoring.entry.reversal_created", actor=actor, obj=reversal, org=entry.branch,
               data={"reverses": entry.pk, "after": {"state": reversal.state}}, reason=reason)
    log_action("scoring.entry.reversal_requested", actor=actor, obj=entry, org=entry.branch,
               data={"reversal": reversal.pk}, reason=reason)
    return reversal


def ready_for_publicity(entries):
    """Entries that passed review (and, where needed, the general branch's approval)."""
    return entries.filter(Q(state=EntryState.REVIEWED, needs_approval=False)
                          | Q(state=EntryState.APPROVED))


@transaction.atomic
def set_ranking_visibility(*, actor, branch, visibility: str) -> None:
    if not perm.can_lead_branch(actor, branch):
        raise PermissionDenied("只有支部书记、支委可以设置排名公开方式。")
    branch = Organization.objects.select_for_update().get(pk=branch.pk)
    before = branch.ranking_visibility
    branch.ranking_visibility = visibility
    branch.save(update_fields=["ranking_visibility"])
    log_action("org.branch.ranking_visibility_changed", actor=actor, obj=branch, org=branch,
               data={"before": before, "after": visibility})
