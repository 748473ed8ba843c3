"""The demo school is the same coherent story on any day of any year (issue: jifen stopped
working on 1 January because the demo built "last year" and "this year" from the wall clock).

Each run builds the whole demo as of that day and checks what a newcomer relies on: last year
filed and locked, this year in progress, a window open with objections, one over and waiting to
be closed, nothing dated in the future, every window's entries dated by its start, and stored
scores equal to the ledger.
"""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from jifen.core.errors import ConflictError
from jifen.org.models import Organization
from jifen.publicity.models import ObjectionState, Window
from jifen.publicity.services import close_ended_windows
from jifen.results.locks import ensure_year_open
from jifen.results.models import YearResult
from jifen.scoring.enums import EntryState
from jifen.scoring.models import Entry
from jifen.scoring.rebuild import rebuild_scores
from tests.today import moment

pytestmark = pytest.mark.django_db

DAYS = [dt.date(2027, 1, 1), dt.date(2028, 2, 29), dt.date(2027, 6, 15), dt.date(2026, 12, 31)]


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_demo_on_any_day(travel, client_for, today):
    travel.move_to(moment(today))
    call_command("demo", stdout=io.StringIO())
    year = today.year

    filed = YearResult.objects.get(year=year - 1, state="filed")
    assert (filed.branch.name, filed.state) == ("计算机学院教工党支部", "filed")
    with pytest.raises(ConflictError):
        ensure_year_open(filed.branch, year - 1)
    assert not Entry.objects.filter(branch=filed.branch, year=year - 1).exclude(
        state=EntryState.CONFIRMED).exists()

    assert not Entry.objects.filter(occurred_on__gt=today).exists()
    assert Entry.objects.filter(year=year).exists()
    assert set(Entry.objects.values_list("state", flat=True)) == set(EntryState.values)

    check_windows(today)
    assert rebuild_scores(year)[0] == []
    assert rebuild_scores(year - 1)[0] == []
    check_pages(client_for, year)

    assert close_ended_windows() >= 1  # tonight's cron job closes what is over


def check_windows(today):
    assert not Window.objects.filter(starts_on__gt=today).exists()
    for window in Window.objects.all():
        assert not window.entries.filter(occurred_on__gt=window.starts_on).exists(), window
        if window.closed_at is not None:  # closed only after its last day
            assert timezone.localdate(window.closed_at) > window.ends_on, window
    open_now = Window.objects.filter(closed_at__isnull=True, starts_on__lte=today,
                                     ends_on__gte=today, board_token__gt="")
    assert open_now.count() == 1
    states = set(open_now.get().entries.values_list("objections__state", flat=True))
    assert {ObjectionState.OPEN, ObjectionState.ESCALATED} <= states
    assert Window.objects.filter(closed_at__isnull=True, ends_on__lt=today).exists()


def check_pages(client_for, year):
    """The demo secretary's daily pages answer on that day."""
    from django.contrib.auth import get_user_model

    client = client_for(get_user_model().objects.get(username="shuji"))
    branch = Organization.objects.get(name="计算机学院教工党支部")
    for url in ["/", "/my/", f"/my/?year={year}", f"/ranking/?branch={branch.pk}",
                f"/results/?branch={branch.pk}", "/publicity/", "/ledger/"]:
        assert client.get(url).status_code == 200, url
