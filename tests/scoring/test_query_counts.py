"""Pages cost the same number of queries for 1 member as for 30 (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jifen.testing.factories import make_member
from tests.ledger import close, day, publicize, record, through_review


def populate(ledger, count):
    members = [make_member(ledger.b1) for _ in range(count)]
    for member in members:
        entry = record(ledger, member=member, when=day(2))
        through_review(ledger, entry)
        record(ledger, member=member, item="A-K01", points="1", when=day(3))
    close(publicize(ledger))
    for member in members:
        record(ledger, member=member, item="A-J03", points="2", when=day(4))
    return members


def queries_for(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


@pytest.mark.parametrize("url", ["/review/", "/ranking/?branch={b1}", "/my/",
                                 "/publicity/{window}/", "/ledger/"])
def test_page_queries_do_not_grow_with_members(ledger, client_for, url):
    counts = []
    for size in (1, 30):
        populate(ledger, size)
        window = ledger.b1.windows.first()
        client = client_for(ledger.users["secretary"])
        counts.append(queries_for(client, url.format(b1=ledger.b1.pk, window=window.pk)))
    assert counts[0] == counts[1]
