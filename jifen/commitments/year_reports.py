"""述职 (Doc A §三(三), "年底，组织党员开展公开述职"): the member's short year-end report, written
by the member or recorded by the branch on their behalf, and the branch's remark on it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from jifen.audit.services import log_action
from jifen.commitments import permissions as perm
from jifen.commitments.models import YearReport
from jifen.commitments.services import clean_text
from jifen.core import clock
from jifen.core.errors import ConflictError
from jifen.org.models import Member
from jifen.results.locks import ensure_year_open


def report_years() -> tuple[int, int]:
    """A year-end report is written in December or early in the next year."""
    today = clock.today()
    return today.year - 1, today.year


@transaction.atomic
def write_year_report(*, actor, member: Member, year: int, content: str) -> YearReport:
    """Write or rewrite the report; once the branch has remarked on it, it is final."""
    member = Member.objects.select_related("branch").get(pk=member.pk)
    if not perm.can_write_year_report(actor, member):
        raise PermissionDenied("只有党员本人或本支部书记、支委可以填写述职。")
    errors: dict[str, str] = {}
    if year not in report_years():
        errors["year"] = "只能填写 {} 年或 {} 年的述职。".format(*report_years())
    content = clean_text(content, "content", "请填写述职内容。", errors)
    if errors:
        raise ValidationError(errors)
    ensure_year_open(member.branch, year)
    report = YearReport.objects.select_for_update().filter(member=member, year=year).first()
    if report is not None and report.remark:
        raise ConflictError("支部已写评语，述职不能再修改。")
    if report is not None and report.written_by_id == member.user_id != actor.pk:
        # the member's own words are theirs to change; the branch records only for absentees
        raise ConflictError("该党员已本人填写述职，支部不能代为修改。")
    created = report is None
    if created:
        report = YearReport.objects.create(member=member, branch=member.branch, year=year,
                                           content=content, written_by=actor)
    else:
        report.content, report.written_by = content, actor
        report.save(update_fields=["content", "written_by", "written_at"])
    log_action(f"commitments.year_report.{'written' if created else 'rewritten'}", actor=actor,
               obj=report, org=report.branch,
               data={"on_behalf": member.user_id != actor.pk, "year": year})
    return report


@transaction.atomic
def remark_year_report(*, actor, report: YearReport, remark: str) -> YearReport:
    """The branch's remark (secretary or committee member); it may be reworded later."""
    report = YearReport.objects.select_for_update(of=("self",)).select_related(
        "member", "branch").get(pk=report.pk)
    ensure_year_open(report.branch, report.year)
    if not perm.can_lead(actor, report.branch):
        raise PermissionDenied("只有本支部书记或支委可以写述职评语。")
    if perm.is_about_or_by(actor, report.member, report.written_by_id):
        raise ConflictError("不能为自己的述职或自己代为填写的述职写评语（四眼原则）。")
    errors: dict[str, str] = {}
    remark = clean_text(remark, "remark", "请填写评语。", errors)
    if errors:
        raise ValidationError(errors)
    before = report.remark
    report.remark, report.remark_by, report.remark_at = remark, actor, clock.now()
    report.save(update_fields=["remark", "remark_by", "remark_at"])
    log_action("commitments.year_report.remarked", actor=actor, obj=report, org=report.branch,
               data={"before": {"remark": before}, "after": {"remark": remark}})
    return report
