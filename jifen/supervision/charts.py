"""The data behind the supervision charts, in the JSON form the page hands to ECharts through
`json_script` (static/js/supervision-charts.js draws it). Each chart's table alternative on the
page is rendered from the same lists."""

import math
from decimal import Decimal

BIN_WIDTH = 5


def histogram(totals, *, line: Decimal | None = None) -> list[dict]:
    """Official totals counted in bins of 5 points, [from, to), with the empty bins between
    the lowest and the highest; a bin is `excellent` when it lies wholly at or above the line."""
    if not totals:
        return []
    counts: dict[int, int] = {}
    for total in totals:
        start = math.floor(Decimal(total) / BIN_WIDTH) * BIN_WIDTH
        counts[start] = counts.get(start, 0) + 1
    return [{"from": start, "to": start + BIN_WIDTH, "label": f"{start}–{start + BIN_WIDTH}",
             "count": counts.get(start, 0), "excellent": line is not None and start >= line}
            for start in range(min(counts), max(counts) + 1, BIN_WIDTH)]


def comparison(branches) -> list[dict]:
    """Branches side by side: mean total and the shares at or above the excellent line and
    below the admonishment line (None where the scheme has no such line)."""
    return [{"name": b.branch.name, "mean": b.mean, "excellent": b.excellent_percent,
             "below": b.below_admonish_percent, "scored": b.scored}
            for b in branches if b.scored]
