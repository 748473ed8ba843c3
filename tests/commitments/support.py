"""Helpers for the commitment tests: the `ledger` world's personas make and decide commitments."""

from jifen.commitments import services
from jifen.results.models import YearResult, YearState
from tests.ledger import YEAR

DEED = "每月为学生义务辅导一次"


def commit(world, user="member", kind="deed", content=DEED, year=YEAR):
    return services.create_commitment(actor=world.users[user], year=year, kind=kind,
                                      content=content)


def passed(world, user="member", reviewer="committee", **kwargs):
    return services.review_commitment(actor=world.users[reviewer],
                                      commitment=commit(world, user, **kwargs), approve=True)


def judged(world, outcome="not", judge="committee", note="全年未开展辅导", **kwargs):
    return services.set_outcome(actor=world.users[judge], commitment=passed(world, **kwargs),
                                outcome=outcome, note=note)


def file_year(branch, year=YEAR):
    """审核备案 done: the year is locked (test arrangement, as the results app would leave it)."""
    YearResult.objects.update_or_create(branch=branch, year=year,
                                        defaults={"state": YearState.FILED})


def actions(obj) -> list[str]:
    from jifen.audit.services import history_of

    return list(history_of(obj).values_list("action", flat=True))
