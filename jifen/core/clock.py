"""The business clock: which day it is for the workflow.

Every rule that depends on the date — a future date refused, a window that has started or
ended, a year that is over, the year a page opens on — asks this module, never
`timezone.localdate()` directly, so that one place decides what "today" is.

`as_of` lets the demo live through a past day (a window opened on 3 April is opened as of
3 April, so the rules that refuse past start dates hold for it too). Tests freeze the whole
process with time-machine, which this module follows. Security times (sessions, tokens,
lockouts, the audit log's own timestamps) stay on the real clock: they record when something
happened, not which business day it belongs to.
"""

import contextlib
import datetime as dt
from collections.abc import Iterator
from contextvars import ContextVar

from django.utils import timezone

_as_of: ContextVar[dt.datetime | None] = ContextVar("jifen_clock_as_of", default=None)


def now() -> dt.datetime:
    """The business moment (aware): the real time unless `as_of` is in force."""
    moment = _as_of.get()
    return moment if moment is not None else timezone.now()


def today() -> dt.date:
    """The business day in the project's time zone (Asia/Shanghai)."""
    return timezone.localdate(now())


def this_year() -> int:
    return today().year


@contextlib.contextmanager
def as_of(day: dt.date | dt.datetime, *, hour: int = 10) -> Iterator[dt.datetime]:
    """Run the body as if it were `day` (at `hour` local time for a bare date)."""
    if isinstance(day, dt.datetime):
        moment = day if timezone.is_aware(day) else timezone.make_aware(day)
    else:
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    token = _as_of.set(moment)
    try:
        yield moment
    finally:
        _as_of.reset(token)


def results_year() -> int:
    """The year a page about scores and results opens on (it always offers the others): last
    year during January, when its results are appraised, publicized and filed and this year has
    barely begun; this year from February on."""
    day = today()
    return day.year - 1 if day.month == 1 else day.year
