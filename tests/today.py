"""The suite's fixed "today": every test runs on this day, whatever the real date.

The ledger's rules depend on the date (no future entries, windows that start and end, years
that lock), so a suite that read the wall clock would pass in some months and fail in others.
`tests/conftest.py` freezes the process here for each test (time-machine, ticking from 10:00
Shanghai time); a test about another day moves the clock itself with the `travel` fixture.
Tests about the calendar (1 January, 31 December, 29 February) live in tests/calendar_/.
"""

import datetime as dt
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 12, 3)
YEAR = TODAY.year


def moment(day: dt.date, hour: int = 10) -> dt.datetime:
    """`day` at `hour` o'clock in Shanghai, as an aware datetime for time-machine."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)
