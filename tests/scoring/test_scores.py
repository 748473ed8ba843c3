"""Stored summaries = a rebuild from the ledger = the engine on the same entries."""

import random
from decimal import Decimal

from django.core.management import call_command

from jifen import engine
from jifen.scoring.models import Entry, Score
from jifen.scoring.rebuild import rebuild_scores
from jifen.testing.factories import make_member
from tests.ledger import YEAR, close, day, publicize, record, through_review

ITEMS = [("A-J01", 5), ("A-J03", 5), ("A-K01", 5), ("A-B02", 2), ("A-K03", 5)]


def fill_branch(ledger, rng, count=8):
    members = [make_member(ledger.b1) for _ in range(count)]
    for member in members:
        for _ in range(rng.randint(0, 5)):
            code, top = rng.choice(ITEMS)
            entry = record(ledger, member=member, item=code,
                           points=str(rng.randint(2, top * 2) / 2), when=day(rng.randint(1, 10)))
            if rng.random() < 0.8:
                through_review(ledger, entry)
    close(publicize(ledger))
    return members


def test_incremental_summaries_equal_a_rebuild_and_the_engine(ledger):
    rng = random.Random(7)
    fill_branch(ledger, rng)
    stored = {s.member_id: s for s in Score.objects.filter(year=YEAR)}

    assert rebuild_scores(YEAR)[0] == []

    entries = list(Entry.objects.filter(year=YEAR, member__branch=ledger.b1).order_by("id"))
    members = list(ledger.b1.members.all())
    result = engine.compute(ledger.scheme.engine_scheme, YEAR,
                            [engine.Member(id=str(m.pk), category=m.category, group="g")
                             for m in members],
                            [engine.Entry(member=str(e.member_id), item=e.item_code,
                                          points=e.points, date=e.occurred_on, status=e.state)
                             for e in entries])
    for r in result.members:
        score = stored[int(r.id)]
        assert (score.total, score.rank, score.grade, tuple(score.flags)) == (
            r.total, r.rank, r.grade, r.flags)


def test_rebuild_reports_drift_and_repairs_it(ledger, capsys):
    entry = record(ledger)
    through_review(ledger, entry)
    close(publicize(ledger))
    Score.objects.filter(member=ledger.other_member).update(total=Decimal("99.00"))

    call_command("rebuild_scores", year=YEAR)

    output = capsys.readouterr().out
    assert f"党员 {ledger.other_member.pk} total: 99.00 → 83.00" in output
    assert "1 处不一致" in output
    assert Score.objects.get(member=ledger.other_member).total == Decimal("83.00")
