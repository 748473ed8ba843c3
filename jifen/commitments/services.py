"""公开承诺: a member commits, the branch reviews and publicizes, the member reports fulfilment
(践诺), the branch verifies it and, at year end, judges each commitment; a commitment not kept
can be turned into the scheme's deduction entry in one step.

Each function locks the row, refuses a filed year (409), checks state, permission and the
four-eyes rule, saves and writes the audit row in the same transaction.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from jifen.audit.services import log_action
from jifen.commitments import permissions as perm
from jifen.commitments.enums import CommitmentKind, CommitmentState, Outcome, ReportState
from jifen.commitments.models import Commitment, CommitmentReport
from jifen.core import clock
from jifen.core.errors import ConflictError
from jifen.org import permissions as org_perm
from jifen.org.enums import OrgKind
from jifen.org.models import Organization
from jifen.results.locks import ensure_year_open
from jifen.schemes.queries import effective_scheme
from jifen.scoring import services as scoring
from jifen.scoring.models import Entry

MAX_TEXT = 1000


def _lock(commitment: Commitment) -> Commitment:
    # of=("self",): lock the commitment only, not the member and branch rows joined to it
    commitment = Commitment.objects.select_for_update(of=("self",)).select_related(
        "member__branch", "branch").get(pk=commitment.pk)
    ensure_year_open(commitment.branch, commitment.year)
    return commitment


def _expect(commitment: Commitment, *states: str, action: str) -> None:
    if commitment.state not in states:
        raise ConflictError(
            f"该承诺当前状态为“{commitment.get_state_display()}”，不能{action}。")


def _four_eyes(actor, commitment: Commitment, message: str) -> None:
    if perm.is_about_or_by(actor, commitment.member, commitment.created_by_id):
        raise ConflictError(f"{message}（四眼原则）。")


def _require_lead(actor, branch: Organization, what: str) -> None:
    if not perm.can_lead(actor, branch):
        raise PermissionDenied(f"只有本支部书记或支委可以{what}。")


def _audit(action: str, actor, commitment: Commitment, before: str, reason: str = "",
           **data) -> None:
    log_action(f"commitments.commitment.{action}", actor=actor, obj=commitment,
               org=commitment.branch, reason=reason,
               data={"before": {"state": before}, "after": {"state": commitment.state}, **data})


def clean_text(value: str, field: str, missing: str, errors: dict) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = missing
    elif len(value) > MAX_TEXT:
        errors[field] = f"不超过 {MAX_TEXT} 字。"
    return value


def _check_commitment(kind: str, content: str, errors: dict) -> str:
    if kind not in CommitmentKind.values:
        errors["kind"] = "请选择承诺类别：共性承诺、岗位承诺或实事承诺。"
    return clean_text(content, "content", "请填写承诺内容。", errors)


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


# --- making a commitment ---------------------------------------------------------------------

@transaction.atomic
def create_commitment(*, actor, year: int, kind: str, content: str) -> Commitment:
    """A member commits for themself; it waits for the branch's review (`submitted`)."""
    member = org_perm.member_of(actor)
    if member is None:
        raise PermissionDenied("只有党员本人可以作出承诺。")
    errors: dict[str, str] = {}
    today = clock.today()
    if year not in (today.year, today.year + 1):
        errors["year"] = f"只能作出 {today.year} 年或 {today.year + 1} 年的承诺。"
    content = _check_commitment(kind, content, errors)
    _raise(errors)
    ensure_year_open(member.branch, year)
    commitment = Commitment.objects.create(member=member, branch=member.branch, year=year,
                                           kind=kind, content=content, created_by=actor)
    log_action("commitments.commitment.submitted", actor=actor, obj=commitment,
               org=commitment.branch,
               data={"after": {"state": commitment.state, "kind": kind, "year": year}})
    return commitment


@transaction.atomic
def edit_commitment(*, actor, commitment: Commitment, kind: str, content: str) -> Commitment:
    """The member changes a commitment before review, or fixes a returned one, which resubmits
    it for review."""
    commitment = _lock(commitment)
    if not perm.is_own(actor, commitment):
        raise PermissionDenied("只有承诺人本人可以修改承诺。")
    _expect(commitment, CommitmentState.SUBMITTED, CommitmentState.RETURNED, action="修改")
    errors: dict[str, str] = {}
    content = _check_commitment(kind, content, errors)
    _raise(errors)
    before = commitment.state
    changed = {"kind": commitment.kind, "content": commitment.content}
    commitment.kind, commitment.content = kind, content
    commitment.state = CommitmentState.SUBMITTED
    commitment.save(update_fields=["kind", "content", "state", "updated_at"])
    _audit("resubmitted" if before == CommitmentState.RETURNED else "edited", actor, commitment,
           before, previous=changed)
    return commitment


# --- the branch decides ----------------------------------------------------------------------

@transaction.atomic
def review_commitment(*, actor, commitment: Commitment, approve: bool,
                      reason: str = "") -> Commitment:
    """审核: submitted → passed, or returned to the member with a reason."""
    commitment = _lock(commitment)
    _require_lead(actor, commitment.branch, "审核承诺")
    _expect(commitment, CommitmentState.SUBMITTED, action="审核")
    _four_eyes(actor, commitment, "不能审核自己的承诺")
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError({"reason": "退回时请写明理由。"})
    before = commitment.state
    commitment.state = CommitmentState.PASSED if approve else CommitmentState.RETURNED
    commitment.reviewed_by, commitment.reviewed_at = actor, clock.now()
    commitment.review_note = reason
    commitment.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_note",
                                   "updated_at"])
    _audit("reviewed" if approve else "returned", actor, commitment, before, reason=reason)
    return commitment


@transaction.atomic
def publicize_commitments(*, actor, branch: Organization, year: int) -> int:
    """Put every passed commitment of the branch's year on its board; return how many."""
    if branch.kind != OrgKind.BRANCH:
        raise ValidationError({"org_id": "承诺以党支部为单位公示。"})
    _require_lead(actor, branch, "公示承诺")
    ensure_year_open(branch, year)
    Organization.objects.select_for_update().get(pk=branch.pk)  # one batch at a time
    rows = list(Commitment.objects.select_for_update(of=("self",)).select_related(
        "branch").filter(branch=branch, year=year, state=CommitmentState.PASSED))
    if not rows:
        raise ConflictError("没有可以公示的承诺（须先审核通过）。")
    now = clock.now()
    Commitment.objects.filter(pk__in=[c.pk for c in rows]).update(
        state=CommitmentState.PUBLICIZED, publicized_by=actor, publicized_at=now)
    for commitment in rows:  # one row each, so every commitment's history shows it
        commitment.state = CommitmentState.PUBLICIZED
        _audit("publicized", actor, commitment, CommitmentState.PASSED)
    return len(rows)


# --- fulfilment (践诺) -------------------------------------------------------------------------

def _check_date(value: dt.date, year: int, field: str, errors: dict) -> None:
    if value > clock.today():
        errors[field] = "日期不能晚于今天。"
    elif value.year != year:
        errors[field] = f"日期须在 {year} 年内。"


@transaction.atomic
def report_fulfilment(*, actor, commitment: Commitment, content: str,
                      reported_on: dt.date | None = None) -> CommitmentReport:
    """The member reports what they did to keep an approved commitment."""
    commitment = _lock(commitment)
    if not perm.is_own(actor, commitment):
        raise PermissionDenied("只有承诺人本人可以报告践诺情况。")
    if not commitment.is_approved:
        raise ConflictError(f"该承诺当前状态为“{commitment.get_state_display()}”，"
                            "审核通过后才能报告践诺情况。")
    if commitment.outcome:
        raise ConflictError("该承诺已作年终评定，不能再报告践诺情况。")
    errors: dict[str, str] = {}
    content = clean_text(content, "content", "请填写践诺情况。", errors)
    reported_on = reported_on or clock.today()
    _check_date(reported_on, commitment.year, "reported_on", errors)
    _raise(errors)
    report = CommitmentReport.objects.create(commitment=commitment, content=content,
                                             reported_on=reported_on, created_by=actor)
    log_action("commitments.report.submitted", actor=actor, obj=report, org=commitment.branch,
               data={"commitment": commitment.pk, "after": {"state": report.state}})
    return report


@transaction.atomic
def verify_report(*, actor, report: CommitmentReport, approve: bool,
                  reason: str = "") -> CommitmentReport:
    """核实: the branch confirms a fulfilment report, or returns it with a reason."""
    report = CommitmentReport.objects.select_for_update(of=("self",)).select_related(
        "commitment__member", "commitment__branch").get(pk=report.pk)
    commitment = report.commitment
    ensure_year_open(commitment.branch, commitment.year)
    _require_lead(actor, commitment.branch, "核实践诺情况")
    if report.state != ReportState.SUBMITTED:
        raise ConflictError(f"该践诺报告当前状态为“{report.get_state_display()}”，不能核实。")
    if perm.is_about_or_by(actor, commitment.member, report.created_by_id):
        raise ConflictError("不能核实自己的践诺情况（四眼原则）。")
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError({"reason": "退回时请写明理由。"})
    before = report.state
    report.state = ReportState.VERIFIED if approve else ReportState.RETURNED
    report.verified_by, report.verified_at, report.verify_note = actor, clock.now(), reason
    report.save(update_fields=["state", "verified_by", "verified_at", "verify_note"])
    log_action(f"commitments.report.{'verified' if approve else 'returned'}", actor=actor,
               obj=report, org=commitment.branch, reason=reason,
               data={"commitment": commitment.pk, "before": {"state": before},
                     "after": {"state": report.state}})
    return report


# --- year end --------------------------------------------------------------------------------

@transaction.atomic
def set_outcome(*, actor, commitment: Commitment, outcome: str, note: str = "",
                decided_on: dt.date | None = None) -> Commitment:
    """年终评定: fulfilled, partly or not. It may be corrected until it became a deduction."""
    commitment = _lock(commitment)
    _require_lead(actor, commitment.branch, "作年终评定")
    if not commitment.is_approved:
        raise ConflictError(f"该承诺当前状态为“{commitment.get_state_display()}”，"
                            "审核通过的承诺才能作年终评定。")
    if commitment.deduction_entry_id:
        raise ConflictError("该承诺已转为扣分记录，评定不能再修改。")
    _four_eyes(actor, commitment, "不能评定自己的承诺")
    errors: dict[str, str] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = "请选择评定结果：已兑现、部分兑现或未兑现。"
    note = note.strip()
    if outcome in (Outcome.PARTLY, Outcome.NOT) and not note:
        errors["note"] = "部分兑现或未兑现时，请写明情况。"
    decided_on = decided_on or clock.today()
    _check_date(decided_on, commitment.year, "decided_on", errors)
    _raise(errors)
    before = commitment.outcome
    commitment.outcome, commitment.outcome_note, commitment.outcome_on = outcome, note, decided_on
    commitment.outcome_by, commitment.outcome_at = actor, clock.now()
    commitment.save(update_fields=["outcome", "outcome_note", "outcome_on", "outcome_by",
                                   "outcome_at", "updated_at"])
    log_action("commitments.commitment.outcome_set", actor=actor, obj=commitment,
               org=commitment.branch, reason=note,
               data={"before": {"outcome": before}, "after": {
                   "outcome": outcome, "decided_on": decided_on.isoformat()}})
    return commitment


def unfulfilled_item(scheme, category: str) -> dict | None:
    """The scheme's deduction item for a commitment not kept (A-K05 承诺未兑现 in jining-2017):
    an item of a minus category whose title mentions 承诺 and applies to the member's category.
    A base item such as "公开承诺并按要求践诺" also qualifies, so an item that names the failure
    (its title says 未…) comes first; otherwise the scheme's order decides."""
    if scheme is None:
        return None
    minus = {c["key"] for c in scheme.definition["categories"] if c.get("sign") == "-"}
    candidates = [i for i in scheme.definition["items"]
                  if i["category"] in minus and "承诺" in i["title"]
                  and category in i["applies_to"]]
    candidates.sort(key=lambda i: "未" not in i["title"])  # stable: keeps the scheme's order
    return candidates[0] if candidates else None


def _deduction_reason(commitment: Commitment) -> str:
    content = commitment.content if len(commitment.content) <= 60 else (
        commitment.content[:60] + "…")
    reason = f"{commitment.year}年{commitment.get_kind_display()}未兑现：“{content}”"
    return f"{reason}。评定说明：{commitment.outcome_note}" if commitment.outcome_note else reason


@transaction.atomic
def convert_to_deduction(*, actor, commitment: Commitment) -> Entry:
    """One click from 未兑现 to the ledger: the scheme's deduction item at its minimum points,
    dated the day of the outcome decision. The entry then follows the normal workflow from
    `submitted` (review, publicity), like any entry the branch records."""
    commitment = _lock(commitment)
    _require_lead(actor, commitment.branch, "将未兑现的承诺转为扣分记录")
    if commitment.outcome != Outcome.NOT:
        raise ConflictError("只有评定为“未兑现”的承诺可以转为扣分记录。")
    if commitment.deduction_entry_id:
        raise ConflictError("该承诺已转为扣分记录，不能重复转换。")
    _four_eyes(actor, commitment, "不能为自己的承诺记扣分")
    member = commitment.member
    scheme = effective_scheme(member.branch, commitment.year)
    item = unfulfilled_item(scheme, member.category)
    if item is None:
        raise ConflictError(f"{member.branch.name} {commitment.year} 年适用的计分方案中没有"
                            "“承诺未兑现”一类的减分项目，无法一键转为扣分记录；"
                            "请先在计分方案中增加该项目，或在台账中直接记分。")
    entry = scoring.create_entry(actor=actor, member=member, item_code=item["code"],
                                 points=Decimal(item["min"]), occurred_on=commitment.outcome_on,
                                 reason=_deduction_reason(commitment))
    commitment.deduction_entry = entry
    commitment.save(update_fields=["deduction_entry", "updated_at"])
    _audit("deduction_created", actor, commitment, commitment.state, entry=entry.pk,
           item=item["code"], points=str(entry.points))
    return entry
