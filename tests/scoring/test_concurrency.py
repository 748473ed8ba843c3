"""On PostgreSQL, row locks make a double review one transition and one audit row."""

import threading

import pytest
from django.db import connection

from jifen.audit.models import AuditEntry
from jifen.core.errors import ConflictError
from jifen.scoring import services
from jifen.scoring.models import Entry
from tests.ledger import record

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_two_reviewers_at_the_same_moment_make_one_transition(ledger):
    entry = record(ledger)
    barrier = threading.Barrier(2)
    outcomes = []

    def review(username):
        try:
            barrier.wait()
            services.review_entry(actor=ledger.users[username], entry=entry, approve=True)
            outcomes.append("reviewed")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=review, args=(name,)) for name in
               ("committee", "secretary")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["conflict", "reviewed"]
    assert Entry.objects.get(pk=entry.pk).state == "reviewed"
    assert AuditEntry.objects.filter(action="scoring.entry.reviewed",
                                     object_id=str(entry.pk)).count() == 1
