"""未兑现 → one click → the scheme's deduction entry, which then follows the ledger workflow."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from jifen.commitments import services
from jifen.commitments.enums import Outcome
from jifen.core.errors import ConflictError
from jifen.schemes.queries import effective_scheme
from jifen.scoring import services as scoring
from jifen.scoring.enums import EntryState, Source
from tests.commitments.support import actions, file_year, judged
from tests.ledger import YEAR


def test_a_commitment_not_fulfilled_becomes_a_submitted_deduction_entry(ledger):
    commitment = judged(ledger, note="全年未开展辅导")
    services.set_outcome(actor=ledger.users["committee"], commitment=commitment,
                         outcome=Outcome.NOT, note="全年未开展辅导",
                         decided_on=dt.date(YEAR, 2, 20))

    entry = services.convert_to_deduction(actor=ledger.users["secretary"],
                                          commitment=commitment)

    commitment.refresh_from_db()
    assert commitment.deduction_entry == entry
    assert (entry.state, entry.item_code, entry.item_title, entry.item_category) == (
        EntryState.SUBMITTED, "A-K05", "承诺未兑现", "deduction")
    assert (entry.points, entry.occurred_on, entry.member, entry.source, entry.created_by) == (
        Decimal(1), dt.date(YEAR, 2, 20), ledger.member, Source.RECORDED,
        ledger.users["secretary"])
    assert "每月为学生义务辅导一次" in entry.reason and "全年未开展辅导" in entry.reason
    assert actions(commitment)[-1] == "commitments.commitment.deduction_created"


def test_the_entry_goes_on_through_the_normal_review(ledger):
    entry = services.convert_to_deduction(actor=ledger.users["secretary"],
                                          commitment=judged(ledger))

    with pytest.raises(ConflictError, match="四眼原则"):  # its creator cannot review it
        scoring.review_entry(actor=ledger.users["secretary"], entry=entry, approve=True)
    reviewed = scoring.review_entry(actor=ledger.users["committee"], entry=entry, approve=True)
    assert reviewed.state == EntryState.REVIEWED


def test_a_commitment_is_converted_once(ledger):
    commitment = judged(ledger)
    services.convert_to_deduction(actor=ledger.users["committee"], commitment=commitment)

    with pytest.raises(ConflictError, match="不能重复转换"):
        services.convert_to_deduction(actor=ledger.users["secretary"], commitment=commitment)
    with pytest.raises(ConflictError, match="评定不能再修改"):
        services.set_outcome(actor=ledger.users["secretary"], commitment=commitment,
                             outcome=Outcome.FULFILLED)


@pytest.mark.parametrize("outcome", [Outcome.FULFILLED, Outcome.PARTLY])
def test_only_not_fulfilled_converts(ledger, outcome):
    with pytest.raises(ConflictError, match="只有评定为“未兑现”"):
        services.convert_to_deduction(actor=ledger.users["committee"],
                                      commitment=judged(ledger, outcome=outcome))


def test_no_conversion_without_such_an_item_in_the_scheme(ledger):
    """Doc B's preset has no minus item about commitments (B-P02 is a plus item)."""
    far_member = ledger.far_objector.member
    commitment = services.create_commitment(actor=ledger.far_objector, year=YEAR,
                                            kind="deed", content="为食堂改进提建议")
    services.review_commitment(actor=ledger.far_committee, commitment=commitment, approve=True)
    services.set_outcome(actor=ledger.far_committee, commitment=commitment, outcome="not",
                         note="未提")

    with pytest.raises(ConflictError, match="没有“承诺未兑现”一类的减分项目"):
        services.convert_to_deduction(actor=ledger.users["outsider"], commitment=commitment)
    assert far_member.entries.count() == 0
    commitment.refresh_from_db()
    assert commitment.deduction_entry is None


def test_nobody_converts_their_own_commitment(ledger):
    own = judged(ledger, user="committee", reviewer="secretary", judge="secretary")

    with pytest.raises(ConflictError, match="四眼原则"):
        services.convert_to_deduction(actor=ledger.users["committee"], commitment=own)


def test_conversion_respects_the_year_lock(ledger):
    commitment = judged(ledger)
    file_year(ledger.b1)

    with pytest.raises(ConflictError, match="已审核备案"):
        services.convert_to_deduction(actor=ledger.users["secretary"], commitment=commitment)


def test_the_item_that_names_the_failure_wins_over_the_base_item(ledger):
    scheme = effective_scheme(ledger.b1, YEAR)
    titles = {i["code"]: i["title"] for i in scheme.definition["items"]}
    assert "承诺" in titles["A-B07"]  # a base item about commitments sits in a minus category too

    assert services.unfulfilled_item(scheme, "teacher")["code"] == "A-K05"
    assert services.unfulfilled_item(effective_scheme(ledger.far, YEAR), "teacher") is None
    assert services.unfulfilled_item(None, "teacher") is None


def test_the_outcome_date_is_today_by_default(ledger):
    entry = services.convert_to_deduction(actor=ledger.users["secretary"],
                                          commitment=judged(ledger))

    assert entry.occurred_on == timezone.localdate()
