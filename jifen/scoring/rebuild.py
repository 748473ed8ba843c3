"""Recompute every stored score from the ledger and say where the stored numbers drifted."""

from dataclasses import dataclass

from django.db import transaction

from jifen.org.enums import OrgKind
from jifen.org.models import Organization
from jifen.scoring.models import Score
from jifen.scoring.scores import refresh_branch_scores

COMPARED = ("total", "rank", "ranked", "grade", "flags", "veto", "components", "months")


@dataclass
class Drift:
    member_id: int
    field: str
    stored: object
    rebuilt: object


def snapshot(year: int) -> dict[int, dict]:
    return {row["member_id"]: row for row in Score.objects.filter(year=year).values(
        "member_id", *COMPARED)}


@transaction.atomic
def rebuild_scores(year: int) -> tuple[list[Drift], int]:
    """Return the differences in rows that existed, and how many rows were new.

    Rows appear for branches that never confirmed anything yet (everyone at the base score):
    those are not drift, only summaries that had no reason to exist before.
    """
    before = snapshot(year)
    for branch in Organization.objects.filter(kind=OrgKind.BRANCH):
        refresh_branch_scores(branch, year)
    after = snapshot(year)
    drift = []
    for member_id in sorted(before):
        old, new = before[member_id], after.get(member_id, {})
        for field in COMPARED:
            if old.get(field) != new.get(field):
                drift.append(Drift(member_id, field, old.get(field), new.get(field)))
    return drift, len(set(after) - set(before))
