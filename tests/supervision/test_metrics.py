"""The per-branch figures on crafted data: every number checked against a hand count."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from jifen.publicity import services as publicity
from jifen.schemes.models import Scheme
from jifen.schemes.services import derive_scheme
from jifen.scoring import services as scoring
from jifen.scoring.models import Entry, Evidence
from jifen.supervision import charts, queries
from jifen.supervision.queries import admonish_line, excellent_line
from tests.ledger import YEAR, close, day, pdf, publicize, record, through_review
from tests.results.helpers import score_year

pytestmark = pytest.mark.django_db


def metrics_of(org, branch, year=YEAR, **kwargs):
    view = queries.overview(org, year, **kwargs)
    return next(m for m in view.branches if m.branch == branch)


def test_scores_give_mean_spread_and_shares_at_the_schemes_lines(ledger):
    score_year(ledger)  # other_member 70, member 85, the three others 80

    m = metrics_of(ledger.school, ledger.b1)

    assert (m.members, m.scored) == (5, 5)
    assert (m.mean, m.low, m.high, m.spread) == (Decimal("79.00"), Decimal(70), Decimal(85),
                                                 Decimal(15))
    assert m.sd == Decimal("4.90")  # population deviation: sqrt((81 + 36 + 1 + 1 + 1) / 5)
    assert (m.excellent_line, m.excellent, m.excellent_percent) == (Decimal(85), 1,
                                                                    Decimal("20.0"))
    assert (m.admonish_line, m.below_admonish, m.below_admonish_percent) == (
        Decimal(75), 1, Decimal("20.0"))


def test_the_lines_are_read_from_the_scheme_not_assumed(ledger):
    far = metrics_of(ledger.far_school, ledger.far)
    definition = dict(ledger.scheme.definition)
    definition["grades"] = [{**definition["grades"][0], "min_total": "88"},
                            *definition["grades"][1:]]
    definition["flag_rules"] = [{**r, "below": "70"} if r.get("below") == "75" else r
                                for r in definition["flag_rules"]]
    edited = Scheme(org=ledger.school, year=YEAR, definition=definition)

    assert (excellent_line(ledger.scheme), admonish_line(ledger.scheme)) == (85, 75)
    assert (far.excellent_line, far.admonish_line) == (90, None)  # Doc B admonishes by rank
    assert far.below_admonish_percent is None
    assert (excellent_line(edited), admonish_line(edited)) == (88, 70)


def test_exempt_and_unscored_branches_have_no_score_figures(ledger):
    m = metrics_of(ledger.school, ledger.b2)

    assert (m.members, m.scored, m.mean, m.sd, m.low) == (1, 0, None, None, None)
    assert (m.excellent_percent, m.below_admonish_percent) == (None, None)


def test_entries_of_the_year_this_month_and_waiting_for_review(ledger):
    today = timezone.localdate()
    waited = record(ledger, when=day(1, 1))
    Entry.objects.filter(pk=waited.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    fresh = record(ledger, when=today)
    Entry.objects.filter(pk=fresh.pk).update(created_at=timezone.now() - dt.timedelta(days=6))
    through_review(ledger, record(ledger, when=today))
    record(ledger, item="A-J04", when=today)  # a draft waiting for its evidence

    m = metrics_of(ledger.general, ledger.b1)

    assert m.entries_year == 3  # the draft is not in the ledger yet
    assert m.entries_this_month == 2 + (today.month == 1)  # by the date they happened
    assert (m.pending_reviews, m.overdue_reviews) == (2, 1)


def test_a_draft_waits_for_review_from_its_first_file_not_from_its_creation(ledger):
    draft = record(ledger, item="A-J04", when=day(1, 1))
    Entry.objects.filter(pk=draft.pk).update(created_at=timezone.now() - dt.timedelta(days=30))
    scoring.add_evidence(actor=ledger.users["recorder"], entry=draft, upload=pdf())

    assert metrics_of(ledger.general, ledger.b1).overdue_reviews == 0

    Evidence.objects.filter(entry=draft).update(
        uploaded_at=timezone.now() - dt.timedelta(days=8))
    assert metrics_of(ledger.general, ledger.b1).overdue_reviews == 1


def test_last_publicity_and_pending_objections(ledger):
    through_review(ledger, record(ledger, when=day(1, 1)))
    earlier = publicize(ledger)
    publicity.Window.objects.filter(pk=earlier.pk).update(
        starts_on=timezone.localdate() - dt.timedelta(days=30),
        ends_on=timezone.localdate() - dt.timedelta(days=26))
    close(publicity.Window.objects.get(pk=earlier.pk))
    entry = record(ledger, when=day(1, 1))
    through_review(ledger, entry)
    window = publicize(ledger)
    publicity.raise_objection(actor=ledger.users["member"], entry=Entry.objects.get(pk=entry.pk),
                              reason="有疑问")

    m = metrics_of(ledger.general, ledger.b1)

    assert m.last_publicity == window.starts_on == timezone.localdate()
    assert (m.open_objections, m.escalated_objections) == (1, 0)
    assert metrics_of(ledger.general, ledger.b2).last_publicity is None


def test_bonus_figures_count_plus_categories_only_and_who_recorded_them(ledger):
    recorder, committee = ledger.users["recorder"], ledger.users["committee"]
    record(ledger, item="A-J01", points="2", actor=recorder, when=day(1, 1))
    record(ledger, item="A-J03", points="3", actor=recorder, when=day(1, 1))
    record(ledger, item="A-J01", points="1", actor=recorder, when=day(1, 1))
    record(ledger, item="A-J04", points="4", actor=committee, when=day(1, 1), files=[pdf()])
    record(ledger, item="A-K01", points="2", when=day(1, 1))  # a deduction
    record(ledger, item="A-J04", points="5", when=day(1, 1))  # a draft: nothing given yet
    rejected = record(ledger, item="A-J01", points="5", when=day(1, 1))
    scoring.review_entry(actor=committee, entry=rejected, approve=False, note="不属实")
    confirmed = record(ledger, item="A-J02", points="1", actor=committee, when=day(1, 1))
    through_review(ledger, confirmed, reviewer="secretary")
    close(publicize(ledger))
    scoring.reverse_entry(actor=ledger.users["secretary"], entry=confirmed, reason="记错了")

    m = metrics_of(ledger.school, ledger.b1)

    assert (m.bonus_entries, m.bonus_points, m.bonus_points_bare) == (5, 11, 7)
    assert m.bonus_bare_percent == Decimal("63.6")
    assert (m.top_recorder.user_id, m.top_recorder.entries, m.top_recorder.percent) == (
        recorder.pk, 3, Decimal("60.0"))


def test_the_overview_adds_up_its_branches(ledger):
    score_year(ledger)
    record(ledger, when=day(1, 1))

    view = queries.overview(ledger.school, YEAR)

    assert [m.branch for m in view.branches] == [ledger.b1, ledger.b2, ledger.b3]
    assert (view.members, view.pending_reviews) == (6, 1)
    assert view.excellent_line == 85
    assert [(b["label"], b["count"]) for b in view.distribution] == [
        ("70–75", 1), ("75–80", 0), ("80–85", 3), ("85–90", 1)]
    assert view.comparison == [{"name": ledger.b1.name, "mean": Decimal("79.00"),
                                "excellent": Decimal("20.0"), "below": Decimal("20.0"),
                                "scored": 5}]


def test_histogram_bins_of_five_with_the_empty_ones_between():
    bins = charts.histogram([Decimal("59.92"), Decimal(60), Decimal("74.99"), Decimal(90)],
                            line=Decimal(85))

    assert [(b["label"], b["count"], b["excellent"]) for b in bins] == [
        ("55–60", 1, False), ("60–65", 1, False), ("65–70", 0, False), ("70–75", 1, False),
        ("75–80", 0, False), ("80–85", 0, False), ("85–90", 0, True), ("90–95", 1, True)]
    assert charts.histogram([]) == []


def test_bonus_entries_count_under_whichever_scheme_they_were_recorded(ledger):
    record(ledger, item="A-J01", points="2", when=day(1, 1))  # under the school's scheme
    refined = derive_scheme(actor=ledger.users["secretary"], org=ledger.b1, year=YEAR)
    later = record(ledger, item="A-J03", points="3", when=day(1, 1))

    m = metrics_of(ledger.school, ledger.b1)

    assert later.scheme == refined and m.scheme == refined
    assert (m.bonus_entries, m.bonus_points) == (2, 5)
