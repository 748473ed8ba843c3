"""述职: written by the member or on their behalf by the branch; remarked by someone else."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jifen.commitments.year_reports import remark_year_report, write_year_report
from jifen.core.errors import ConflictError
from tests.commitments.support import actions, file_year
from tests.ledger import YEAR


def write(ledger, actor="member", member=None, content="一年来认真履行党员义务", year=YEAR):
    return write_year_report(actor=ledger.users[actor], member=member or ledger.member,
                             year=year, content=content)


def test_a_member_writes_and_rewrites_then_the_branch_remarks(ledger):
    report = write(ledger)
    write(ledger, content="一年来认真履行党员义务，带头践诺")

    remarked = remark_year_report(actor=ledger.users["committee"], report=report,
                                  remark="述职实事求是，践诺到位")

    assert (remarked.content, remarked.remark, remarked.remark_by) == (
        "一年来认真履行党员义务，带头践诺", "述职实事求是，践诺到位", ledger.users["committee"])
    assert not remarked.on_behalf
    assert actions(report) == ["commitments.year_report.written",
                               "commitments.year_report.rewritten",
                               "commitments.year_report.remarked"]


def test_a_remarked_report_is_final(ledger):
    report = write(ledger)
    remark_year_report(actor=ledger.users["secretary"], report=report, remark="好")

    with pytest.raises(ConflictError, match="不能再修改"):
        write(ledger, content="改")


def test_the_branch_records_on_behalf_and_another_lead_remarks(ledger):
    report = write(ledger, actor="secretary", member=ledger.other_member,
                   content="（述职会上口头述职，支部记录）")
    assert report.on_behalf

    with pytest.raises(ConflictError, match="四眼原则"):
        remark_year_report(actor=ledger.users["secretary"], report=report, remark="好")
    assert remark_year_report(actor=ledger.users["committee"], report=report,
                              remark="好").remark == "好"


def test_nobody_remarks_on_their_own_report(ledger):
    own = write(ledger, actor="committee", member=ledger.users["committee"].member)

    with pytest.raises(ConflictError, match="四眼原则"):
        remark_year_report(actor=ledger.users["committee"], report=own, remark="好")


@pytest.mark.parametrize("actor", ["recorder", "reviewer", "outsider"])
def test_only_the_member_or_the_branch_writes(ledger, actor):
    with pytest.raises(PermissionDenied):
        write(ledger, actor=actor, member=ledger.other_member)


def test_only_the_branch_remarks(ledger):
    report = write(ledger)

    with pytest.raises(PermissionDenied):
        remark_year_report(actor=ledger.users["member"], report=report, remark="自评")


@pytest.mark.parametrize("kwargs, field", [({"content": " "}, "content"),
                                           ({"year": YEAR - 3}, "year")])
def test_bad_reports_are_refused_with_the_field_named(ledger, kwargs, field):
    with pytest.raises(ValidationError) as excinfo:
        write(ledger, **kwargs)

    assert list(excinfo.value.message_dict) == [field]


def test_year_reports_respect_the_year_lock(ledger):
    report = write(ledger)
    file_year(ledger.b1)

    with pytest.raises(ConflictError, match="已审核备案"):
        write(ledger, content="改")
    with pytest.raises(ConflictError, match="已审核备案"):
        remark_year_report(actor=ledger.users["committee"], report=report, remark="好")


def test_the_branch_does_not_rewrite_what_a_member_wrote_themself(ledger):
    write(ledger)

    with pytest.raises(ConflictError, match="本人填写"):
        write(ledger, actor="secretary", content="支部改写")
    assert write(ledger, content="本人修改").content == "本人修改"
