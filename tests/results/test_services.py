import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jifen.audit.models import AuditEntry
from jifen.core.errors import ConflictError
from jifen.org.models import Member
from jifen.publicity import services as publicity
from jifen.results import services
from jifen.results.models import YearState
from jifen.results.queries import lists_for
from jifen.scoring import services as scoring
from tests.ledger import YEAR, day, record
from tests.results.helpers import publicize_year, score_year


@pytest.fixture
def year(ledger):
    score_year(ledger)
    return ledger


def appraise_all(ledger, actor="secretary"):
    for member in Member.objects.filter(branch=ledger.b1):
        score = member.scores.get(year=YEAR)
        services.record_appraisal(actor=ledger.users[actor], member=member, year=YEAR,
                                  grade=score.grade)


def test_final_grade_may_differ_from_the_proposal_only_with_a_reason(year):
    with pytest.raises(ValidationError) as excinfo:
        services.record_appraisal(actor=year.users["secretary"], member=year.member, year=YEAR,
                                  grade="qualified")
    assert "可评为优秀" in excinfo.value.message_dict["reason"][0]

    appraisal = services.record_appraisal(actor=year.users["secretary"], member=year.member,
                                          year=YEAR, grade="qualified",
                                          reason="民主测评中群众满意度偏低")
    assert (appraisal.proposed_grade, appraisal.grade) == ("excellent_candidate", "qualified")
    with pytest.raises(ValidationError, match="不是本方案的等次"):
        services.record_appraisal(actor=year.users["secretary"], member=year.member, year=YEAR,
                                  grade="good")
    with pytest.raises(PermissionDenied):
        services.record_appraisal(actor=year.users["recorder"], member=year.member, year=YEAR,
                                  grade="excellent_candidate")


def test_missing_lists_what_blocks_the_submission(year):
    missing = services.missing_before_submit(year.b1, YEAR)
    assert "年度积分尚未在民主评议前公示。" in missing
    assert "另一党员：应进行诫勉谈话，尚无谈话记录。" in missing
    assert "普通党员：尚未录入评议等次。" in missing
    record(year)  # an entry still in progress
    assert "还有 1 条本年度记录未处理完（未认定或未退回）。" in \
        services.missing_before_submit(year.b1, YEAR)
    with pytest.raises(ValidationError):
        services.submit_year(actor=year.users["secretary"], branch=year.b1, year=YEAR)


def complete(year):
    publicize_year(year)
    appraise_all(year)
    services.record_talk(actor=year.users["secretary"], member=year.other_member, year=YEAR,
                         held_on=day(11), by="李书记", notes="指出问题，限期改进")


def test_submit_file_lock_and_reopen(year):
    complete(year)
    assert services.missing_before_submit(year.b1, YEAR) == []
    services.submit_year(actor=year.users["secretary"], branch=year.b1, year=YEAR)
    with pytest.raises(ConflictError, match="待审核备案"):
        services.record_appraisal(actor=year.users["secretary"], member=year.member,
                                  year=YEAR, grade="excellent_candidate")
    with pytest.raises(PermissionDenied):
        services.file_year(actor=year.users["committee"], branch=year.b1, year=YEAR)

    result = services.file_year(actor=year.users["reviewer"], branch=year.b1, year=YEAR)

    assert result.state == YearState.FILED
    with pytest.raises(ConflictError, match="已审核备案"):
        record(year)
    with pytest.raises(ConflictError, match="已审核备案"):
        services.record_talk(actor=year.users["secretary"], member=year.other_member,
                             year=YEAR, held_on=day(11), by="x", notes="x")
    with pytest.raises(ValidationError):
        services.reopen_year(actor=year.users["org_admin"], branch=year.b1, year=YEAR,
                             reason=" ")
    with pytest.raises(PermissionDenied):
        services.reopen_year(actor=year.users["reviewer"], branch=year.b1, year=YEAR,
                             reason="x")
    services.reopen_year(actor=year.users["org_admin"], branch=year.b1, year=YEAR,
                         reason="发现一条漏记的志愿服务")
    record(year)  # open again
    assert list(AuditEntry.objects.filter(action__startswith="results.year").order_by("id")
                .values_list("action", flat=True)) == [
        "results.year.submitted", "results.year.filed", "results.year.reopened"]


def test_nobody_files_what_they_submitted(year):
    complete(year)
    services.submit_year(actor=year.users["org_admin"], branch=year.b1, year=YEAR)
    with pytest.raises(ConflictError, match="四眼原则"):
        services.file_year(actor=year.users["org_admin"], branch=year.b1, year=YEAR)


def test_a_locked_year_refuses_every_ledger_change(year):
    pending = record(year)
    scoring.review_entry(actor=year.users["committee"], entry=pending, approve=False,
                         note="无依据")
    complete(year)
    services.submit_year(actor=year.users["secretary"], branch=year.b1, year=YEAR)
    services.file_year(actor=year.users["reviewer"], branch=year.b1, year=YEAR)
    confirmed = year.other_member.entries.filter(state="confirmed").first()
    with pytest.raises(ConflictError):
        scoring.reverse_entry(actor=year.users["secretary"], entry=confirmed, reason="x")
    with pytest.raises(ConflictError):
        publicity.open_annual_window(actor=year.users["secretary"], branch=year.b1, year=YEAR)


def test_unqualified_members_need_a_disposal(year):
    publicize_year(year)
    appraise_all(year)
    services.record_appraisal(actor=year.users["secretary"], member=year.other_member,
                              year=YEAR, grade="unqualified", reason="经支部党员大会评议")
    missing = services.missing_before_submit(year.b1, YEAR)
    assert "另一党员：确定为不合格，尚未录入处置情况。" in missing
    services.record_disposal(actor=year.users["secretary"], member=year.other_member,
                             year=YEAR, decision="限期改正", decided_on=day(11))
    assert "另一党员：确定为不合格，尚未录入处置情况。" not in \
        services.missing_before_submit(year.b1, YEAR)


def test_objection_to_an_annual_total_follows_the_same_flow(year):
    window = publicize_year(year, ended=False)
    objection = publicity.raise_total_objection(actor=year.users["member"], window=window,
                                                subject=year.other_member,
                                                reason="漏记了一次志愿服务")
    assert "年度积分公示有 1 条异议尚未处理完。" in services.missing_before_submit(year.b1, YEAR)
    publicity.answer_objection(actor=year.users["secretary"], objection=objection,
                               upheld=False, reply="未见服务记录")
    publicity.escalate_objection(actor=year.users["member"], objection=objection,
                                 reason="有社区证明")
    publicity.rule_objection(actor=year.users["org_admin"], objection=objection, upheld=True,
                             reply="请支部补记")
    assert "年度积分公示有 1 条异议尚未处理完。" not in \
        services.missing_before_submit(year.b1, YEAR)


def test_lists_across_a_subtree(year):
    found = lists_for(year.school, YEAR)
    assert [s.member.name for s in found["excellent"]] == ["普通党员"]
    assert [s.member.name for s in found["admonish"]] == ["另一党员"]
    assert found["unqualified"] == [] and found["no_award"] == []
