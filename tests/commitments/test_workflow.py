"""公开承诺 through the services: every transition, its refusals, the four-eyes rule, the
filed-year lock and the audit trail."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from jifen.commitments import services
from jifen.commitments.enums import CommitmentState, Outcome, ReportState
from jifen.core.errors import ConflictError
from tests.commitments.support import DEED, actions, commit, file_year, judged, passed
from tests.ledger import YEAR


def fresh(obj):
    obj.refresh_from_db()
    return obj


# --- making and correcting -------------------------------------------------------------------

def test_a_member_commits_for_themself_and_waits_for_review(ledger):
    commitment = commit(ledger)

    assert (commitment.state, commitment.member, commitment.branch) == (
        CommitmentState.SUBMITTED, ledger.member, ledger.b1)
    assert actions(commitment) == ["commitments.commitment.submitted"]


def test_only_a_member_can_commit(ledger):
    with pytest.raises(PermissionDenied):
        commit(ledger, user="org_admin")


@pytest.mark.parametrize("kwargs, field, message", [
    ({"content": "  "}, "content", "请填写承诺内容"),
    ({"content": "长" * 1001}, "content", "不超过 1000 字"),
    ({"kind": "secret"}, "kind", "请选择承诺类别"),
    ({"year": YEAR - 1}, "year", f"只能作出 {YEAR} 年或 {YEAR + 1} 年的承诺"),
])
def test_bad_commitments_are_refused_with_the_field_named(ledger, kwargs, field, message):
    with pytest.raises(ValidationError) as excinfo:
        commit(ledger, **kwargs)

    assert message in excinfo.value.message_dict[field][0]


def test_a_returned_commitment_is_fixed_and_resubmitted(ledger):
    commitment = services.review_commitment(actor=ledger.users["committee"],
                                            commitment=commit(ledger), approve=False,
                                            reason="内容太笼统，请写明时间和对象")
    assert (commitment.state, commitment.review_note) == (
        CommitmentState.RETURNED, "内容太笼统，请写明时间和对象")

    services.edit_commitment(actor=ledger.users["member"], commitment=commitment, kind="deed",
                             content="每月第一周为 2 名学困生义务辅导")

    assert fresh(commitment).state == CommitmentState.SUBMITTED
    assert actions(commitment)[-2:] == ["commitments.commitment.returned",
                                        "commitments.commitment.resubmitted"]


def test_a_commitment_is_edited_before_review_but_not_after(ledger):
    commitment = commit(ledger)
    services.edit_commitment(actor=ledger.users["member"], commitment=commitment, kind="post",
                             content="上好每一堂课")
    assert (fresh(commitment).kind, commitment.state) == ("post", CommitmentState.SUBMITTED)
    services.review_commitment(actor=ledger.users["committee"], commitment=commitment,
                               approve=True)

    with pytest.raises(ConflictError, match="审核通过"):
        services.edit_commitment(actor=ledger.users["member"], commitment=commitment,
                                 kind="post", content="改一下")


def test_nobody_edits_another_members_commitment(ledger):
    with pytest.raises(PermissionDenied):
        services.edit_commitment(actor=ledger.users["secretary"], commitment=commit(ledger),
                                 kind="deed", content="代改")


# --- review and publicity --------------------------------------------------------------------

def test_the_branch_passes_a_commitment_and_writes_the_audit_row(ledger):
    commitment = passed(ledger)

    assert (commitment.state, commitment.reviewed_by) == (
        CommitmentState.PASSED, ledger.users["committee"])
    assert actions(commitment) == ["commitments.commitment.submitted",
                                   "commitments.commitment.reviewed"]


def test_returning_needs_a_reason(ledger):
    with pytest.raises(ValidationError) as excinfo:
        services.review_commitment(actor=ledger.users["committee"], commitment=commit(ledger),
                                   approve=False, reason=" ")

    assert excinfo.value.message_dict == {"reason": ["退回时请写明理由。"]}


def test_a_commitment_is_reviewed_once(ledger):
    commitment = passed(ledger)

    with pytest.raises(ConflictError, match="当前状态为“审核通过”"):
        services.review_commitment(actor=ledger.users["secretary"], commitment=commitment,
                                   approve=True)


@pytest.mark.parametrize("reviewer", ["member", "recorder", "reviewer", "org_admin", "outsider"])
def test_only_the_branch_secretary_or_committee_reviews(ledger, reviewer):
    with pytest.raises(PermissionDenied):
        services.review_commitment(actor=ledger.users[reviewer], commitment=commit(ledger),
                                   approve=True)


def test_nobody_reviews_their_own_commitment(ledger):
    own = commit(ledger, user="committee")

    with pytest.raises(ConflictError, match="四眼原则"):
        services.review_commitment(actor=ledger.users["committee"], commitment=own, approve=True)
    assert services.review_commitment(actor=ledger.users["secretary"], commitment=own,
                                      approve=True).state == CommitmentState.PASSED


def test_publicizing_puts_every_passed_commitment_of_the_year_on_the_board(ledger):
    first, second = passed(ledger), passed(ledger, user="recorder")
    waiting = commit(ledger, kind="common", content="按时参加组织生活")

    count = services.publicize_commitments(actor=ledger.users["secretary"], branch=ledger.b1,
                                           year=YEAR)

    assert count == 2
    assert [fresh(c).state for c in (first, second, waiting)] == [
        CommitmentState.PUBLICIZED, CommitmentState.PUBLICIZED, CommitmentState.SUBMITTED]
    assert actions(first)[-1] == "commitments.commitment.publicized"


def test_publicizing_nothing_is_a_conflict(ledger):
    commit(ledger)

    with pytest.raises(ConflictError, match="没有可以公示的承诺"):
        services.publicize_commitments(actor=ledger.users["committee"], branch=ledger.b1,
                                       year=YEAR)


def test_publicity_is_per_branch_and_by_the_branch(ledger):
    passed(ledger)
    with pytest.raises(ValidationError):
        services.publicize_commitments(actor=ledger.users["org_admin"], branch=ledger.general,
                                       year=YEAR)
    with pytest.raises(PermissionDenied):
        services.publicize_commitments(actor=ledger.users["member"], branch=ledger.b1,
                                       year=YEAR)


# --- fulfilment reports ----------------------------------------------------------------------

def test_a_member_reports_fulfilment_and_the_branch_verifies_it(ledger):
    commitment = passed(ledger)
    report = services.report_fulfilment(actor=ledger.users["member"], commitment=commitment,
                                        content="3 月辅导 2 名学生",
                                        reported_on=dt.date(YEAR, 2, 5))

    verified = services.verify_report(actor=ledger.users["secretary"], report=report,
                                      approve=True)

    assert (verified.state, verified.verified_by) == (ReportState.VERIFIED,
                                                      ledger.users["secretary"])
    assert actions(report) == ["commitments.report.submitted", "commitments.report.verified"]


def test_a_report_is_returned_with_a_reason_and_verified_once(ledger):
    report = services.report_fulfilment(actor=ledger.users["member"], commitment=passed(ledger),
                                        content="辅导了")
    with pytest.raises(ValidationError):
        services.verify_report(actor=ledger.users["committee"], report=report, approve=False)
    services.verify_report(actor=ledger.users["committee"], report=report, approve=False,
                           reason="请写明辅导的时间和对象")

    assert fresh(report).state == ReportState.RETURNED
    with pytest.raises(ConflictError, match="已退回"):
        services.verify_report(actor=ledger.users["secretary"], report=report, approve=True)


def test_fulfilment_is_reported_only_on_an_approved_commitment_by_its_member(ledger):
    with pytest.raises(ConflictError, match="审核通过后才能报告"):
        services.report_fulfilment(actor=ledger.users["member"], commitment=commit(ledger),
                                   content="已做")
    with pytest.raises(PermissionDenied):
        services.report_fulfilment(actor=ledger.users["secretary"], commitment=passed(ledger),
                                   content="代报")


@pytest.mark.parametrize("when, message", [
    (dt.date(YEAR + 1, 1, 2), "不能晚于今天"),
    (dt.date(YEAR - 1, 12, 30), f"须在 {YEAR} 年内"),
])
def test_a_report_date_is_in_the_year_and_not_ahead(ledger, when, message):
    with pytest.raises(ValidationError) as excinfo:
        services.report_fulfilment(actor=ledger.users["member"], commitment=passed(ledger),
                                   content="已做", reported_on=when)

    assert message in excinfo.value.message_dict["reported_on"][0]


def test_nobody_verifies_their_own_report(ledger):
    commitment = passed(ledger, user="secretary")
    report = services.report_fulfilment(actor=ledger.users["secretary"], commitment=commitment,
                                        content="已完成")

    with pytest.raises(ConflictError, match="四眼原则"):
        services.verify_report(actor=ledger.users["secretary"], report=report, approve=True)


def test_no_report_after_the_year_end_outcome(ledger):
    commitment = judged(ledger, outcome=Outcome.FULFILLED, note="")

    with pytest.raises(ConflictError, match="已作年终评定"):
        services.report_fulfilment(actor=ledger.users["member"], commitment=commitment,
                                   content="补报")


# --- year-end outcome ------------------------------------------------------------------------

def test_the_branch_judges_each_commitment_at_year_end(ledger):
    commitment = judged(ledger, outcome=Outcome.PARTLY, note="完成一半")

    assert (commitment.outcome, commitment.outcome_on, commitment.outcome_by) == (
        Outcome.PARTLY, timezone.localdate(), ledger.users["committee"])
    assert actions(commitment)[-1] == "commitments.commitment.outcome_set"


@pytest.mark.parametrize("kwargs, field, message", [
    ({"outcome": "not", "note": ""}, "note", "请写明情况"),
    ({"outcome": "maybe"}, "outcome", "请选择评定结果"),
    ({"outcome": "fulfilled", "decided_on": dt.date(YEAR + 1, 1, 5)}, "decided_on",
     "不能晚于今天"),
    ({"outcome": "fulfilled", "decided_on": dt.date(YEAR - 1, 12, 31)}, "decided_on",
     f"须在 {YEAR} 年内"),
])
def test_bad_outcomes_are_refused(ledger, kwargs, field, message):
    with pytest.raises(ValidationError) as excinfo:
        services.set_outcome(actor=ledger.users["committee"], commitment=passed(ledger),
                             **kwargs)

    assert message in excinfo.value.message_dict[field][0]


def test_only_an_approved_commitment_is_judged_and_not_by_its_own_member(ledger):
    with pytest.raises(ConflictError, match="审核通过的承诺才能"):
        services.set_outcome(actor=ledger.users["committee"], commitment=commit(ledger),
                             outcome="fulfilled")
    own = passed(ledger, user="committee", reviewer="secretary")
    with pytest.raises(ConflictError, match="四眼原则"):
        services.set_outcome(actor=ledger.users["committee"], commitment=own,
                             outcome="fulfilled")
    with pytest.raises(PermissionDenied):
        services.set_outcome(actor=ledger.users["recorder"], commitment=passed(ledger),
                             outcome="fulfilled")


def test_an_outcome_may_be_corrected(ledger):
    commitment = judged(ledger, outcome=Outcome.NOT)

    services.set_outcome(actor=ledger.users["secretary"], commitment=commitment,
                         outcome=Outcome.FULFILLED)

    assert fresh(commitment).outcome == Outcome.FULFILLED


def test_the_filed_year_locks_every_change(ledger):
    submitted, approved = commit(ledger), passed(ledger)
    report = services.report_fulfilment(actor=ledger.users["member"], commitment=approved,
                                        content="已做")
    file_year(ledger.b1)
    users = ledger.users
    for attempt in [
        lambda: commit(ledger),
        lambda: services.edit_commitment(actor=users["member"], commitment=submitted,
                                         kind="deed", content="改"),
        lambda: services.review_commitment(actor=users["committee"], commitment=submitted,
                                           approve=True),
        lambda: services.publicize_commitments(actor=users["secretary"], branch=ledger.b1,
                                               year=YEAR),
        lambda: services.report_fulfilment(actor=users["member"], commitment=approved,
                                           content="再报"),
        lambda: services.verify_report(actor=users["committee"], report=report, approve=True),
        lambda: services.set_outcome(actor=users["committee"], commitment=approved,
                                     outcome="not", note="未做"),
    ]:
        with pytest.raises(ConflictError, match="已审核备案"):
            attempt()
    assert fresh(submitted).content == DEED and fresh(report).state == ReportState.SUBMITTED
