"""Year-end (结果运用): appraisal, admonishment talks, disposal, submit → file (lock) → reopen."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from jifen.audit.services import log_action
from jifen.core import clock
from jifen.core.errors import ConflictError
from jifen.org.models import Member, Organization
from jifen.publicity.models import Objection, ObjectionState, Window, WindowKind
from jifen.results import permissions as perm
from jifen.results.locks import ensure_year_open
from jifen.results.models import Appraisal, Disposal, Talk, YearResult, YearState
from jifen.schemes.queries import effective_scheme
from jifen.scoring.enums import EntryState
from jifen.scoring.models import Entry, Score

IN_PROGRESS = (EntryState.DRAFT, *EntryState.in_progress)


def year_result(branch: Organization, year: int, *, lock: bool = False) -> YearResult:
    result, _ = YearResult.objects.get_or_create(branch=branch, year=year)
    if lock:
        result = YearResult.objects.select_for_update().get(pk=result.pk)
    return result


def _editable(branch: Organization, year: int) -> None:
    """Appraisal data changes only while the year is open (not submitted, not filed)."""
    ensure_year_open(branch, year)
    state = year_result(branch, year).state
    if state == YearState.SUBMITTED:
        raise ConflictError(f"{branch.name} {year} 年结果已报送，待审核备案期间不能修改。")


def _score(member: Member, year: int) -> Score:
    score = Score.objects.filter(member=member, year=year).first()
    if score is None:
        raise ConflictError(f"{member.name} {year} 年还没有正式积分，不能评定。")
    return score


# --- the branch meeting's outcome ----------------------------------------------------------

@transaction.atomic
def record_appraisal(*, actor, member: Member, year: int, grade: str,
                     reason: str = "") -> Appraisal:
    """The final grade (民主评议); differing from the engine's proposal needs a reason."""
    branch = member.branch
    if not perm.can_appraise(actor, branch):
        raise PermissionDenied("只有支部书记、支委可以录入评议结果。")
    _editable(branch, year)
    score = _score(member, year)
    if score.grade == "exempt":
        raise ConflictError(f"{member.name} {year} 年不列入管理范围，不参加评定。")
    scheme = effective_scheme(branch, year)
    grades = {g["key"]: g["title"] for g in scheme.definition["grades"]}
    if grade not in grades:
        raise ValidationError({"grade": f"“{grade}”不是本方案的等次。"})
    reason = reason.strip()
    if grade != score.grade and not reason:
        proposed = grades.get(score.grade, score.grade)
        raise ValidationError({"reason": f"评定等次与系统建议（{proposed}）不同，请写明理由。"})
    before = Appraisal.objects.filter(member=member, year=year).first()
    appraisal, _ = Appraisal.objects.update_or_create(
        member=member, year=year,
        defaults={"proposed_grade": score.grade, "grade": grade, "reason": reason,
                  "decided_by": actor})
    log_action("results.appraisal.recorded", actor=actor, obj=appraisal, org=branch,
               data={"before": before and {"grade": before.grade},
                     "after": {"grade": grade, "proposed": score.grade}}, reason=reason)
    return appraisal


@transaction.atomic
def record_talk(*, actor, member: Member, year: int, held_on: dt.date, by: str,
                notes: str) -> Talk:
    """诫勉谈话 record."""
    branch = member.branch
    if not perm.can_appraise(actor, branch):
        raise PermissionDenied("只有支部书记、支委可以录入诫勉谈话。")
    _editable(branch, year)
    errors = {}
    if held_on > clock.today():
        errors["held_on"] = "谈话日期不能晚于今天。"
    if not by.strip():
        errors["by"] = "请填写谈话人。"
    if not notes.strip():
        errors["notes"] = "请填写谈话情况。"
    if errors:
        raise ValidationError(errors)
    talk = Talk.objects.create(member=member, year=year, held_on=held_on, by=by.strip(),
                               notes=notes.strip(), recorded_by=actor)
    log_action("results.talk.recorded", actor=actor, obj=talk, org=branch,
               data={"member": member.pk, "year": year, "held_on": held_on.isoformat()})
    return talk


@transaction.atomic
def record_disposal(*, actor, member: Member, year: int, decision: str,
                    decided_on: dt.date) -> Disposal:
    """处置 of an unqualified member: the decision and its date."""
    branch = member.branch
    if not perm.can_appraise(actor, branch):
        raise PermissionDenied("只有支部书记、支委可以录入处置情况。")
    _editable(branch, year)
    if not decision.strip():
        raise ValidationError({"decision": "请填写处置决定。"})
    if decided_on > clock.today():
        raise ValidationError({"decided_on": "决定日期不能晚于今天。"})
    disposal, _ = Disposal.objects.update_or_create(
        member=member, year=year,
        defaults={"decision": decision.strip(), "decided_on": decided_on, "recorded_by": actor})
    log_action("results.disposal.recorded", actor=actor, obj=disposal, org=branch,
               data={"member": member.pk, "year": year}, reason=decision)
    return disposal


# --- what is missing, and the filing workflow ---------------------------------------------

def missing_before_submit(branch: Organization, year: int) -> list[str]:
    """Everything the branch must still do before it can submit the year, in Chinese."""
    missing = []
    pending = Entry.objects.filter(branch=branch, year=year, state__in=IN_PROGRESS).count()
    if pending:
        missing.append(f"还有 {pending} 条本年度记录未处理完（未认定或未退回）。")
    annual = Window.objects.filter(branch=branch, year=year, kind=WindowKind.ANNUAL)
    if not annual.exists():
        missing.append("年度积分尚未在民主评议前公示。")
    elif not annual.filter(ends_on__lt=clock.today()).exists():
        missing.append("年度积分公示期尚未结束。")
    open_objections = Objection.objects.filter(
        window__in=annual, state__in=[ObjectionState.OPEN, ObjectionState.ESCALATED]).count()
    if open_objections:
        missing.append(f"年度积分公示有 {open_objections} 条异议尚未处理完。")
    scores = list(Score.objects.filter(branch=branch, year=year).exclude(grade="exempt")
                  .select_related("member"))
    appraised = dict(Appraisal.objects.filter(member__in=[s.member for s in scores], year=year)
                     .values_list("member_id", "grade"))
    talked = set(Talk.objects.filter(year=year, member__in=[s.member for s in scores])
                 .values_list("member_id", flat=True))
    disposed = set(Disposal.objects.filter(year=year, member__in=[s.member for s in scores])
                   .values_list("member_id", flat=True))
    for score in scores:
        name = score.member.name
        if score.member_id not in appraised:
            missing.append(f"{name}：尚未录入评议等次。")
        if "admonish" in score.flags and score.member_id not in talked:
            missing.append(f"{name}：应进行诫勉谈话，尚无谈话记录。")
        unqualified = "unqualified" in score.flags or appraised.get(score.member_id) == \
            "unqualified"
        if unqualified and score.member_id not in disposed:
            missing.append(f"{name}：确定为不合格，尚未录入处置情况。")
    return missing


def _require(allowed, actor, branch) -> None:
    if not allowed(actor, branch):
        raise PermissionDenied("您无权执行此操作。")


def _transition(actor, branch, year, *, allowed, expect, to, action, reason="", **stamp):
    _require(allowed, actor, branch)
    result = year_result(branch, year, lock=True)
    if result.state != expect:
        raise ConflictError(f"{branch.name} {year} 年结果当前为“{result.get_state_display()}”，"
                            "不能执行此操作。")
    before = result.state
    result.state = to
    for field, value in stamp.items():
        setattr(result, field, value)
    result.save()
    log_action(f"results.year.{action}", actor=actor, obj=result, org=branch,
               data={"before": {"state": before}, "after": {"state": to}, "year": year},
               reason=reason)
    return result


@transaction.atomic
def submit_year(*, actor, branch: Organization, year: int) -> YearResult:
    """The secretary submits the appraisal results for 审核备案."""
    _require(perm.can_submit, actor, branch)
    missing = missing_before_submit(branch, year)
    if missing:
        raise ValidationError({"year": missing})
    return _transition(actor, branch, year, allowed=perm.can_submit, expect=YearState.OPEN,
                       to=YearState.SUBMITTED, action="submitted", submitted_by=actor,
                       submitted_at=clock.now())


@transaction.atomic
def file_year(*, actor, branch: Organization, year: int) -> YearResult:
    """审核备案: the year locks for the branch."""
    _require(perm.can_file, actor, branch)
    result = year_result(branch, year)
    if result.submitted_by_id == actor.pk:
        raise ConflictError("不能审核备案自己报送的结果（四眼原则）。")
    return _transition(actor, branch, year, allowed=perm.can_file, expect=YearState.SUBMITTED,
                       to=YearState.FILED, action="filed", filed_by=actor,
                       filed_at=clock.now())


@transaction.atomic
def return_year(*, actor, branch: Organization, year: int, reason: str) -> YearResult:
    """The reviewer sends the submission back for corrections."""
    _require(perm.can_file, actor, branch)
    if not reason.strip():
        raise ValidationError({"reason": "请写明退回理由。"})
    return _transition(actor, branch, year, allowed=perm.can_file, expect=YearState.SUBMITTED,
                       to=YearState.OPEN, action="returned", reason=reason)


@transaction.atomic
def reopen_year(*, actor, branch: Organization, year: int, reason: str) -> YearResult:
    """The org department reopens a filed year, with a reason on the record."""
    _require(perm.can_reopen, actor, branch)
    if not reason.strip():
        raise ValidationError({"reason": "重新开放须写明理由。"})
    return _transition(actor, branch, year, allowed=perm.can_reopen, expect=YearState.FILED,
                       to=YearState.OPEN, action="reopened", reason=reason,
                       reopened_by=actor, reopened_at=clock.now(),
                       reopen_reason=reason.strip())
