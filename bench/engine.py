"""Benchmark the scoring engine: members scored per second, for each preset.

    python bench/engine.py                  # 10,000 members x 30 confirmed entries per preset
    python bench/engine.py --members 2000 --repeat 5
    python bench/engine.py --tiny           # 50 members: checks that the benchmark runs

The ledger is random but reproducible (fixed seed) and valid: items that apply to the member,
points inside each item's range in half-point steps, dates spread over the year. Every run gets
freshly built entries, points parsed from text as rows read from a database or a JSON file would
be, so no run profits from what an earlier one cached. A run times one compute() call, input
checks included, as the application makes it; the best of the runs is reported, the others
shown, since a shared machine adds noise but never speed.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import random
import time
from decimal import Decimal

from jifen.engine import PRESET_KEYS, Entry, Member, Scheme, compute, load_preset

GROUP_SIZE = 30
ENTRIES_PER_MEMBER = 30
YEAR = 2025

Row = tuple[str, str, str, datetime.date]


def _points(low: Decimal, high: Decimal) -> list[str]:
    steps = int((high - low) * 2)
    return [str(low + Decimal("0.5") * k) for k in range(steps + 1)]


def make_ledger(
    scheme: Scheme, members: int, *, seed: int = 2025
) -> tuple[list[Member], list[Row]]:
    """`members` members and, for each, 30 rows (member, item, points text, date)."""
    rng = random.Random(seed)
    scoring = [i for i in scheme.items if i.max > 0]  # a veto would end a member's story early
    points = {i.code: _points(i.min, i.max) for i in scoring}
    days = [datetime.date(YEAR, 1, 1) + datetime.timedelta(days=d) for d in range(365)]
    people, rows = [], []
    for n in range(members):
        member = Member(f"m{n}", "teacher" if n % 2 else "student", f"支部{n // GROUP_SIZE}")
        usable = [i for i in scoring if member.category in i.applies_to]
        people.append(member)
        for _ in range(ENTRIES_PER_MEMBER):
            item = rng.choice(usable)
            rows.append((member.id, item.code, rng.choice(points[item.code]), rng.choice(days)))
    return people, rows


def entries_from(rows: list[Row]) -> list[Entry]:
    """Confirmed entries built afresh from rows, each with its own Decimal."""
    return [Entry(m, item, Decimal(points), day, "confirmed") for m, item, points, day in rows]


def bench(key: str, members: int, repeat: int) -> float:
    """Score `members` members of preset `key` `repeat` times; return the best rate per second."""
    scheme = load_preset(key)
    people, rows = make_ledger(scheme, members)
    times = []
    for _ in range(repeat):
        entries = entries_from(rows)
        gc.collect()  # the garbage of building the case is not the engine's
        started = time.perf_counter()
        result = compute(scheme, YEAR, people, entries)
        times.append(time.perf_counter() - started)
        assert len(result.members) == members
    best = min(times)
    runs = ", ".join(f"{t:.3f}" for t in times)
    print(
        f"{key}: {members} members x {ENTRIES_PER_MEMBER} entries, best of {repeat} runs "
        f"{best:.3f} s -> {members / best:,.0f} members/s  (runs: {runs} s)"
    )
    return members / best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000, help="members per preset")
    parser.add_argument("--repeat", type=int, default=3, help="runs per preset (best is shown)")
    parser.add_argument("--tiny", action="store_true", help="50 members, to check the bench runs")
    args = parser.parse_args(argv)
    members = 50 if args.tiny else args.members
    for key in PRESET_KEYS:
        bench(key, members, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
