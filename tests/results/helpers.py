"""A branch year ready for its appraisal: confirmed entries, an ended annual publicity."""

import datetime as dt

from django.utils import timezone

from jifen.publicity import services as publicity
from tests.ledger import YEAR, close, day, publicize, record, through_review


def score_year(ledger):
    """other_member at 70 (admonish), member at 85 (excellent), the others at 80."""
    entries = [record(ledger, member=ledger.other_member, item="A-K01", points="5"),
               record(ledger, member=ledger.other_member, item="A-K03", points="5"),
               record(ledger, member=ledger.member, item="A-J01", points="5")]
    for entry in entries:
        through_review(ledger, entry)
    close(publicize(ledger))


def publicize_year(ledger, *, ended: bool = True):
    start = timezone.localdate() - dt.timedelta(days=10 if ended else 1)
    return publicity.open_annual_window(actor=ledger.users["secretary"], branch=ledger.b1,
                                        year=YEAR, starts_on=start)


__all__ = ["score_year", "publicize_year", "YEAR", "day"]
