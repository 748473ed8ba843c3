"""Each flag fires on data crafted to show its pattern, and stays silent just short of it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from jifen.org.enums import Role
from jifen.org.models import Organization
from jifen.publicity.models import Window
from jifen.scoring.models import Entry
from jifen.supervision import flags, queries
from jifen.testing.factories import make_member
from tests.ledger import YEAR, pdf
from tests.supervision.support import Staffed

pytestmark = pytest.mark.django_db


def flags_of(branch, year=YEAR) -> dict[str, str]:
    view = queries.overview(branch, year)
    return {f.code: f.detail for f in view.branches[0].flags}


@pytest.fixture
def staffed(ledger):
    return Staffed(ledger.general, members=3)


# --- publicity -------------------------------------------------------------------------------

def _publicized(staffed, days_ago: int) -> Window:
    return staffed.confirm([staffed.record()],
                           starts_on=timezone.localdate() - dt.timedelta(days=days_ago))


def test_a_quarter_without_publicity_is_flagged(staffed):
    _publicized(staffed, days_ago=91)

    assert flags_of(staffed.branch) == {"publicity_overdue": (
        f"最近一次公示始于 {timezone.localdate() - dt.timedelta(days=91):%Y-%m-%d}，"
        "已 91 天未公示")}


def test_publicity_within_ninety_days_is_silent(staffed):
    _publicized(staffed, days_ago=90)

    assert flags_of(staffed.branch) == {}


def test_a_branch_that_never_publicized_counts_from_its_setting_up(staffed):
    assert flags_of(staffed.branch) == {}  # set up today

    Organization.objects.filter(pk=staffed.branch.pk).update(
        created_at=timezone.now() - dt.timedelta(days=100))

    assert flags_of(staffed.branch) == {"publicity_overdue": "支部设立 100 天以来从未公示"}


def test_a_branch_without_members_has_nothing_to_publicize(ledger):
    empty = Staffed(ledger.general)
    Organization.objects.filter(pk=empty.branch.pk).update(
        created_at=timezone.now() - dt.timedelta(days=400))

    assert flags_of(empty.branch) == {}


# --- reviews ---------------------------------------------------------------------------------

def _waiting(staffed, days: int) -> Entry:
    entry = staffed.record()
    Entry.objects.filter(pk=entry.pk).update(created_at=timezone.now() - dt.timedelta(days=days))
    return entry


def test_a_review_waiting_more_than_a_week_is_flagged(staffed):
    _waiting(staffed, days=8)
    _waiting(staffed, days=6)

    assert flags_of(staffed.branch) == {"reviews_overdue": "1 条记录待初评超过 7 天"}


def test_reviews_waiting_less_than_a_week_are_silent(staffed):
    _waiting(staffed, days=6)

    assert flags_of(staffed.branch) == {}


# --- a distribution that looks like favour ---------------------------------------------------

def _scored_branch(ledger, size: int, bonus: str) -> Staffed:
    """`size` members at 80, one of whom gets `bonus` points."""
    branch = Staffed(ledger.general, members=size)
    branch.confirm([branch.record(points=bonus)])
    return branch


def test_every_member_within_one_point_is_flagged(ledger):
    branch = _scored_branch(ledger, flags.UNIFORM_MIN_MEMBERS, bonus="1")

    assert flags_of(branch.branch) == {"uniform_scores": (
        "全部 8 名党员本年加减分在 +0.0 至 +1.0 之间（积分 80.00–81.00），相差不超过 1 分")}


def test_a_spread_of_more_than_one_point_is_silent(ledger):
    branch = _scored_branch(ledger, flags.UNIFORM_MIN_MEMBERS, bonus="1.5")

    assert flags_of(branch.branch) == {}


def test_a_small_branch_may_have_equal_totals(ledger):
    branch = _scored_branch(ledger, flags.UNIFORM_MIN_MEMBERS - 1, bonus="1")

    assert flags_of(branch.branch) == {}


def _monthly_branch(ledger, bonuses: list[str]) -> Staffed:
    """A branch under Doc B's monthly scheme whose members got these January bonuses (B-P01)."""
    branch = Staffed(ledger.far_school, members=len(bonuses))
    branch.confirm([branch.record(member, item="B-P01", points=points)
                    for member, points in zip(branch.members, bonuses, strict=True) if points])
    return branch


def test_a_monthly_schemes_totals_are_judged_by_the_record_not_the_mean(ledger):
    # January alone, averaged over twelve months: every total lies within 60.00–60.83
    branch = _monthly_branch(ledger, ["10", "6", "3", "", "", "", "", "2"])

    view = queries.overview(branch.branch, YEAR)
    m = view.branches[0]
    assert (m.low, m.high, m.record_low, m.record_high) == (60, Decimal("60.83"), 0, 10)
    assert m.flags == []


def test_a_monthly_branch_where_everyone_got_the_same_is_flagged(ledger):
    branch = _monthly_branch(ledger, ["6"] * 8)

    assert flags_of(branch.branch) == {"uniform_scores": (
        "全部 8 名党员本年加减分在 +6.0 至 +6.0 之间（积分 60.50–60.50），相差不超过 1 分")}


def _bonus_entries(branch: Staffed, *, bare: int, with_evidence: int = 0,
                   by_committee: int = 0) -> None:
    """Bonus entries of 2 points: without evidence (A-J01), with evidence (A-J04); the recorder
    records them all except `by_committee` of the bare ones."""
    committee = branch.users[Role.COMMITTEE]
    for i in range(bare):
        branch.record(branch.members[i % 3], points="2",
                      actor=committee if i < by_committee else None)
    for i in range(with_evidence):
        branch.record(branch.members[i % 3], item="A-J04", points="2", files=[pdf()])


def test_most_bonus_points_without_evidence_are_flagged(staffed):
    _bonus_entries(staffed, bare=6, with_evidence=4, by_committee=5)

    assert flags_of(staffed.branch) == {
        "bonus_without_evidence": "加分共 20.0 分，其中 12.0 分（60.0%）没有证明材料"}


def test_half_of_the_bonus_points_without_evidence_is_silent(staffed):
    _bonus_entries(staffed, bare=5, with_evidence=5, by_committee=5)

    assert flags_of(staffed.branch) == {}


def test_one_recorder_creating_most_bonus_entries_is_flagged(staffed):
    _bonus_entries(staffed, bare=4, with_evidence=6)

    assert flags_of(staffed.branch) == {"one_recorder": (
        f"10 条加分记录中 10 条（100.0%）由 {staffed.users[Role.RECORDER].name} 录入")}


def test_bonus_entries_shared_between_two_recorders_are_silent(staffed):
    _bonus_entries(staffed, bare=5, with_evidence=5, by_committee=5)

    assert flags_of(staffed.branch) == {}


def test_too_few_bonus_entries_say_nothing(staffed):
    _bonus_entries(staffed, bare=flags.BONUS_MIN_ENTRIES - 1)

    assert flags_of(staffed.branch) == {}


def test_only_the_year_asked_for_counts_for_bonus_flags(staffed):
    _bonus_entries(staffed, bare=10)

    assert set(flags_of(staffed.branch)) == {"bonus_without_evidence", "one_recorder"}
    assert flags_of(staffed.branch, year=YEAR - 1) == {}


# --- where the flags show --------------------------------------------------------------------

def test_the_dashboard_and_the_api_show_a_flagged_branch(ledger, staffed, client_for,
                                                        api_client):
    _waiting(staffed, days=8)

    page = client_for(ledger.users["reviewer"]).get(
        f"/supervision/?org={ledger.general.pk}&year={YEAR}").content.decode()
    status, body = api_client(ledger.users["reviewer"])(
        "get", f"/supervision?org_id={ledger.general.pk}&year={YEAR}")

    assert "初评超期（1 条记录待初评超过 7 天）" in page
    assert status == 200 and body["totals"]["flagged_branches"] == 1
    assert [b["flags"] for b in body["branches"] if b["org_id"] == staffed.branch.pk] == [[{
        "code": "reviews_overdue", "title": "初评超期", "detail": "1 条记录待初评超过 7 天"}]]


def test_members_of_a_new_branch_do_not_count_as_a_quarter_late(ledger):
    branch = Staffed(ledger.general)
    make_member(branch.branch)

    assert flags_of(branch.branch) == {}
