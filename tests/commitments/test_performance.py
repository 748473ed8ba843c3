"""晒出业绩: the monthly summary's figures come from the ledger; scores come from the engine's
stored Score; a publication is a snapshot the members see."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jifen.commitments.models import PerformancePublication
from jifen.commitments.performance import Month, monthly_summary, publish_summary
from jifen.core.errors import ConflictError
from jifen.scoring import services as scoring
from tests.commitments.support import actions, file_year
from tests.ledger import YEAR, close, day, publicize, record, through_review
from tests.today import TODAY

THIS_MONTH = Month(TODAY.year, TODAY.month)  # the suite's fixed day (tests/today.py)
MARCH = Month(YEAR, 3)  # the ledger helpers date entries day(3): 1 March


@pytest.fixture
def month_of_work(ledger):
    """In March — 另一党员: one bonus confirmed, one deduction in progress; 普通党员: one rejected
    entry; and an entry of February."""
    confirmed = record(ledger, item="A-J01", points="3")
    through_review(ledger, confirmed)
    close(publicize(ledger))
    record(ledger, item="A-K01", points="1")
    rejected = record(ledger, member=ledger.member, item="A-J03", points="2")
    scoring.review_entry(actor=ledger.users["committee"], entry=rejected, approve=False,
                         note="无记录可查")
    record(ledger, item="A-J02", points="2", when=day(2, 10))
    return ledger


def by_name(rows) -> dict:
    return {r["name"]: r for r in rows}


def test_the_summary_counts_what_was_recorded_for_the_month_and_what_is_confirmed(
        month_of_work):
    rows = by_name(monthly_summary(month_of_work.b1, MARCH))

    assert rows["另一党员"] == {
        "member_id": month_of_work.other_member.pk, "name": "另一党员",
        "recorded": 2, "recorded_plus": "3.0", "recorded_minus": "1.0",
        "confirmed": 1, "confirmed_plus": "3.0", "confirmed_minus": "0.0", "veto": 0,
        "total": "83.00", "month_total": None}
    assert (rows["普通党员"]["recorded"], rows["普通党员"]["total"]) == (0, "80.00")
    assert set(rows) == {"secretary本人", "committee本人", "recorder本人", "普通党员", "另一党员"}


def test_each_month_has_its_own_entries(month_of_work):
    february = by_name(monthly_summary(month_of_work.b1, MARCH.previous))
    january = monthly_summary(month_of_work.b1, Month(YEAR, 1))

    assert (february["另一党员"]["recorded"], february["另一党员"]["recorded_plus"]) == (1, "2.0")
    assert {(r["recorded"], r["confirmed"]) for r in january} == {(0, 0)}


def test_a_reversal_cancels_points_in_the_month_it_is_confirmed(month_of_work):
    original = month_of_work.other_member.entries.get(item_code="A-J01")
    reversal = scoring.reverse_entry(actor=month_of_work.users["secretary"], entry=original,
                                     reason="重复记录")
    through_review(month_of_work, reversal)
    close(publicize(month_of_work))

    row = by_name(monthly_summary(month_of_work.b1, MARCH))["另一党员"]

    assert (row["confirmed"], row["confirmed_plus"], row["total"]) == (2, "0.0", "80.00")


def test_publishing_snapshots_the_summary_for_the_members(month_of_work):
    publication = publish_summary(actor=month_of_work.users["secretary"],
                                  branch=month_of_work.b1, month=MARCH)
    assert publication.rows == monthly_summary(month_of_work.b1, MARCH)
    record(month_of_work, item="A-J02", points="2")  # after publication

    publication.refresh_from_db()
    assert by_name(publication.rows)["另一党员"]["recorded"] == 2

    again = publish_summary(actor=month_of_work.users["committee"], branch=month_of_work.b1,
                            month=MARCH)
    assert by_name(again.rows)["另一党员"]["recorded"] == 3
    assert PerformancePublication.objects.count() == 1
    assert actions(again) == ["commitments.performance.published",
                              "commitments.performance.republished"]


def test_publishing_is_the_branch_s_and_not_for_months_to_come(ledger):
    with pytest.raises(PermissionDenied):
        publish_summary(actor=ledger.users["recorder"], branch=ledger.b1, month=THIS_MONTH)
    with pytest.raises(ValidationError) as excinfo:
        publish_summary(actor=ledger.users["secretary"], branch=ledger.b1,
                        month=THIS_MONTH.next)
    assert excinfo.value.message_dict == {"month": ["不能公示尚未开始的月份。"]}


def test_publishing_respects_the_year_lock(ledger):
    file_year(ledger.b1, THIS_MONTH.year)

    with pytest.raises(ConflictError):
        publish_summary(actor=ledger.users["secretary"], branch=ledger.b1, month=THIS_MONTH)


@pytest.mark.parametrize("value, expected", [
    ("2026-03", Month(2026, 3)), ("2026-1", Month(2026, 1)), ("", THIS_MONTH)])
def test_months_are_read_from_yyyy_mm(value, expected):
    assert Month.parse(value) == expected


@pytest.mark.parametrize("value", ["2026-13", "march", "2026"])
def test_a_bad_month_names_the_field(value):
    with pytest.raises(ValidationError) as excinfo:
        Month.parse(value)

    assert excinfo.value.message_dict == {"month": ["应为 YYYY-MM 格式的月份。"]}


def test_months_wrap_around_the_year():
    assert (Month(2026, 12).next, Month(2026, 1).previous) == (Month(2027, 1), Month(2025, 12))
    assert str(Month(2026, 3)) == "2026-03"
