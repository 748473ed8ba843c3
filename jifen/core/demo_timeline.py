"""The demo's history, played in date order: each step runs as of its own day.

A real branch records an entry on the day after the event, reviews it a day or two later and
opens its window on the 3rd of the next month; the demo does the same through the real
services, each step under `clock.as_of(day)`, so that every rule about dates (no future dates,
windows that start on the day they are opened, closing only after the last day) holds for the
demo exactly as for a user. Nothing is scheduled after `today`: whatever would happen later is
simply still waiting, as it would be in life.
"""

import datetime as dt
import heapq
import itertools
from collections.abc import Callable

from jifen.core import clock


class Timeline:
    def __init__(self, today: dt.date):
        self.today = today
        self._queue: list[tuple[dt.date, int, Callable[[], object]]] = []
        self._order = itertools.count()
        self._playing: dt.date | None = None

    def at(self, day: dt.date, action: Callable[[], object]) -> bool:
        """Schedule `action` on `day`; a day after today is not reached (returns False)."""
        if day > self.today:
            return False
        if self._playing is not None and day < self._playing:
            raise ValueError(f"时间线不能回到过去：{day} 早于正在进行的 {self._playing}")
        heapq.heappush(self._queue, (day, next(self._order), action))
        return True

    def run(self) -> None:
        """Play every step in date order (steps of one day in the order they were scheduled);
        a step may schedule later ones."""
        while self._queue:
            day, _order, action = heapq.heappop(self._queue)
            self._playing = day
            with clock.as_of(day):
                action()
        self._playing = None
