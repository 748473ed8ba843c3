"""Everything that reads the calendar, on the days it turns: 31 December and 1 January.

Business code asks `jifen.core.clock` which day it is, in Shanghai time: the first hours of
1 January in Shanghai are still 31 December in UTC, which is where a wall-clock or UTC
reading would go wrong.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from jifen.core import clock
from jifen.core.errors import ConflictError
from jifen.publicity import services as publicity
from jifen.schemes.services import create_from_preset
from jifen.scoring import services
from jifen.scoring.enums import EntryState
from jifen.scoring.models import Entry, Score
from tests.ledger import YEAR, record, through_review
from tests.today import SHANGHAI, moment

NEW_YEARS_EVE = dt.date(YEAR, 12, 31)
NEW_YEAR = dt.date(YEAR + 1, 1, 1)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


@pytest.fixture
def next_year(ledger):
    """The reference standard for next year too (a new year's first entries need it)."""
    create_from_preset(actor=ledger.users["org_admin"], org=ledger.school, year=YEAR + 1,
                       preset="jining-2017")
    return ledger


def test_the_business_day_is_shanghais(travel):
    travel.move_to(at(NEW_YEAR, 0, 30))  # 16:30 UTC on New Year's Eve
    assert clock.today() == NEW_YEAR
    assert clock.results_year() == YEAR  # January opens on last year's results
    travel.move_to(at(NEW_YEARS_EVE, 23, 30))
    assert clock.today() == NEW_YEARS_EVE
    assert clock.results_year() == YEAR
    travel.move_to(moment(dt.date(YEAR + 1, 2, 1)))
    assert clock.results_year() == YEAR + 1


def test_as_of_lives_through_a_past_day(travel):
    with clock.as_of(dt.date(YEAR, 4, 3)) as moment_:
        assert clock.today() == dt.date(YEAR, 4, 3)
        assert clock.now() == moment_
    assert clock.today() == dt.date(YEAR, 12, 3)


@pytest.mark.django_db
def test_new_years_day_is_future_until_midnight_in_shanghai(next_year, travel):
    travel.move_to(at(NEW_YEARS_EVE, 23, 30))
    with pytest.raises(ValidationError) as refused:
        record(next_year, when=NEW_YEAR)
    assert refused.value.message_dict["occurred_on"] == ["发生日期不能晚于今天。"]

    travel.move_to(at(NEW_YEAR, 0, 30))
    entry = record(next_year, when=NEW_YEAR)
    assert entry.year == YEAR + 1
    late = record(next_year, when=NEW_YEARS_EVE)  # recorded after the turn: still last year's
    assert late.year == YEAR


@pytest.mark.django_db
def test_a_window_across_new_year_confirms_last_years_entries(ledger, travel):
    travel.move_to(moment(dt.date(YEAR, 12, 28)))
    entry = through_review(ledger, record(ledger, when=dt.date(YEAR, 12, 27), points="4"))
    window = publicity.open_window(actor=ledger.users["secretary"], branch=ledger.b1,
                                   title="岁末公示", starts_on=dt.date(YEAR, 12, 29))
    assert window.ends_on == dt.date(YEAR + 1, 1, 2)  # five days, into the new year

    travel.move_to(moment(dt.date(YEAR + 1, 1, 2)))
    with pytest.raises(ConflictError):  # its last day: not over yet
        publicity.close_window(actor=ledger.users["secretary"], window=window)
    assert publicity.close_ended_windows() == 0

    travel.move_to(moment(dt.date(YEAR + 1, 1, 3)))
    call_command("close_publicity")
    entry.refresh_from_db()
    assert entry.state == EntryState.CONFIRMED
    score = Score.objects.get(member=ledger.other_member, year=YEAR)
    assert score.total == Decimal("84.00")  # counted in last year, where it happened
    assert not Score.objects.filter(year=YEAR + 1).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("today", "expected"), [
    (NEW_YEAR, YEAR), (dt.date(YEAR + 1, 1, 31), YEAR), (NEW_YEARS_EVE, YEAR),
    (dt.date(YEAR + 1, 2, 1), YEAR + 1)])
def test_results_pages_open_on_the_year_being_closed(ledger, client_for, travel, today,
                                                     expected):
    travel.move_to(moment(today))
    client = client_for(ledger.users["secretary"])
    b1 = ledger.b1.pk
    for url in ["/my/", f"/ranking/?branch={b1}", f"/results/?branch={b1}"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.context["year"] == expected, url
    ledger_list = client.get("/ledger/")  # the ledger being written is this year's
    assert ledger_list.context["year"] == today.year


@pytest.mark.django_db
def test_the_register_opens_on_last_years_fourth_quarter_in_january(ledger, client_for,
                                                                    travel, monkeypatch):
    from jifen.reports import data

    seen, original = [], data.register_report
    monkeypatch.setattr(data, "register_report", lambda branch, year, quarter, meeting: seen.append(
        (year, quarter)) or original(branch, year, quarter, meeting))
    for today in [dt.date(YEAR + 1, 1, 10), dt.date(YEAR, 8, 10)]:
        travel.move_to(moment(today))
        client = client_for(ledger.users["secretary"])  # a new session on each day
        assert client.get(f"/exports/register/?branch={ledger.b1.pk}").status_code == 200
    assert seen == [(YEAR, 4), (YEAR, 3)]


@pytest.mark.django_db
def test_my_score_on_new_years_day(next_year, client_for, travel):
    """The trend of a year one day old has one point (January so far), and the page works."""
    travel.move_to(at(NEW_YEAR, 9))
    client = client_for(next_year.users["member"])
    response = client.get(f"/my/?year={YEAR + 1}")
    assert response.status_code == 200
    assert [p["month"] for p in response.context["standing"].trend] == [1]


@pytest.mark.django_db
def test_a_monthly_trend_stops_at_the_month_under_way(ledger, client_for, travel):
    """Doc B scores every month; months still to come are not drawn at the base score."""
    from jifen.scoring.scores import refresh_branch_scores

    travel.move_to(moment(dt.date(YEAR, 3, 10)))
    refresh_branch_scores(ledger.far, YEAR)
    client = client_for(ledger.far_objector)
    trend = client.get("/my/").context["standing"].trend
    assert trend and max(p["month"] for p in trend) == 3


@pytest.mark.django_db
def test_returned_declarations_of_last_year_stay_on_the_to_do_list_in_january(ledger,
                                                                             travel):
    from jifen.scoring.queries import todo

    travel.move_to(moment(dt.date(YEAR, 12, 20)))
    member = ledger.users["member"]
    entry = services.create_entry(actor=member, member=ledger.member, item_code="A-J01",
                                  points=Decimal(2), occurred_on=dt.date(YEAR, 12, 19),
                                  reason="参加理论宣讲")
    services.review_entry(actor=ledger.users["committee"], entry=entry, approve=False,
                          note="时间不符")
    assert Entry.objects.get(pk=entry.pk).state == EntryState.REJECTED
    travel.move_to(moment(dt.date(YEAR + 1, 1, 5)))
    assert todo(member)["rejected"] == 1
    travel.move_to(moment(dt.date(YEAR + 1, 2, 5)))
    assert todo(member)["rejected"] == 0
