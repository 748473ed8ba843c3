"""The read-replica router (jifen.core.dbrouter): which alias a read or a write goes to.

A "replica" alias that mirrors the test database is registered for this module only (see
`replica_alias`), so the routing is proved on real connections, SQLite or PostgreSQL alike:
a query that ran on the replica connection shows up in its CaptureQueriesContext.
"""

import copy

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connections, router
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from jifen.accounts.models import User
from jifen.core.dbrouter import (
    PRIMARY,
    REPLICA,
    ReplicaRouter,
    primary_reads,
    reading_from_replica,
    replica_reads,
)
from jifen.org.models import Organization
from jifen.publicity.services import open_window
from tests.ledger import record, through_review

ROUTERS = ["jifen.core.dbrouter.ReplicaRouter"]
# Integration tests commit their rows (transaction=True): the replica is a second connection,
# which cannot see rows of the default connection's still-open test transaction.
both_databases = pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA])


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup):
    """Add a "replica" alias pointing at the test database, after that database was created.

    Not in jifen/settings.py: the rest of the suite runs without any replica, as production
    does by default. Module-scoped, so it exists before pytest-django checks `databases=`.
    """
    replica = copy.deepcopy(connections[PRIMARY].settings_dict)  # NAME is the test database's
    replica["TEST"]["MIRROR"] = PRIMARY  # never created, flushed or serialized on its own
    connections.settings[REPLICA] = replica
    settings.DATABASES[REPLICA] = replica  # usually the same dict; the router reads this one
    yield
    connections[REPLICA].close()
    del connections[REPLICA]
    connections.settings.pop(REPLICA, None)
    settings.DATABASES.pop(REPLICA, None)


@pytest.fixture
def routed():
    """The router switched on, as DATABASE_REPLICA_URL does in production."""
    with override_settings(DATABASE_ROUTERS=ROUTERS):
        yield


@pytest.fixture
def capture():
    """capture() → (primary, replica) CaptureQueriesContext, entered and exited by the test."""

    def both():
        return (CaptureQueriesContext(connections[PRIMARY]),
                CaptureQueriesContext(connections[REPLICA]))

    return both


def touches(context, table: str) -> bool:
    return any(table in query["sql"] for query in context.captured_queries)


# --- routing decisions, router methods called directly --------------------------------------

def _in_view(method: str, body):
    """Run `body` inside a @replica_reads view called with `method`; return what it returned."""
    result = {}

    @replica_reads
    def view(request):
        result["value"] = body()

    view(RequestFactory().generic(method, "/"))
    return result["value"]


@pytest.mark.parametrize("method, alias", [("GET", REPLICA), ("HEAD", REPLICA),
                                           ("POST", None), ("PUT", None), ("DELETE", None)])
def test_only_get_and_head_of_a_marked_view_read_the_replica(method, alias):
    assert _in_view(method, lambda: ReplicaRouter().db_for_read(Organization)) == alias


def test_outside_a_marked_view_reads_go_to_the_default():
    assert ReplicaRouter().db_for_read(Organization) is None


def test_writes_always_go_to_the_primary():
    assert ReplicaRouter().db_for_write(Organization) == PRIMARY
    assert _in_view("GET", lambda: ReplicaRouter().db_for_write(Organization)) == PRIMARY


@pytest.mark.parametrize("model", [Session, User])
def test_sessions_and_users_are_read_from_the_primary_even_in_a_marked_view(model):
    assert _in_view("GET", lambda: ReplicaRouter().db_for_read(model)) is None


def test_relations_are_allowed_and_only_the_primary_is_migrated():
    assert ReplicaRouter().allow_relation(Organization(), Organization())
    assert ReplicaRouter().allow_migrate(PRIMARY, "org")
    assert not ReplicaRouter().allow_migrate(REPLICA, "org")


def test_primary_reads_overrides_the_mark_and_restores_it():
    def body():
        with primary_reads():
            inside = ReplicaRouter().db_for_read(Organization)
        return inside, ReplicaRouter().db_for_read(Organization)

    assert _in_view("GET", body) == (None, REPLICA)


def test_the_mark_is_cleared_after_the_view_even_after_an_exception():
    @replica_reads
    def failing(request):
        assert reading_from_replica()
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        failing(RequestFactory().get("/"))
    assert not reading_from_replica()
    assert ReplicaRouter().db_for_read(Organization) is None


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_without_a_replica_alias_everything_reads_the_default(routed):
    only_default = {PRIMARY: settings.DATABASES[PRIMARY]}
    with override_settings(DATABASES=only_default):
        assert _in_view("GET", lambda: router.db_for_read(Organization)) == PRIMARY


# --- real queries on the two connections -----------------------------------------------------

@pytest.fixture
def board_window(ledger):
    through_review(ledger, record(ledger))
    return open_window(actor=ledger.users["secretary"], branch=ledger.b1, title="公示",
                       public_board=True)


@both_databases
def test_the_public_board_reads_from_the_replica(board_window, client, routed, capture):
    primary, replica = capture()
    with primary, replica:
        response = client.get(f"/board/{board_window.board_token}/")

    assert response.status_code == 200
    assert "另一党员" in response.content.decode()  # the replica really holds the rows
    assert touches(replica, "publicity_window")
    assert not touches(primary, "publicity_window")


@both_databases
def test_a_post_to_the_board_reads_from_the_primary(board_window, client, routed, capture):
    primary, replica = capture()
    with primary, replica:
        client.post(f"/board/{board_window.board_token}/")

    assert touches(primary, "publicity_window")
    assert len(replica) == 0


@both_databases
def test_the_ranking_reads_from_the_replica_after_login_on_the_primary(ledger, client_for,
                                                                       routed, capture):
    client = client_for(ledger.users["secretary"])
    primary, replica = capture()
    with primary, replica:
        response = client.get(f"/ranking/?branch={ledger.b1.pk}")

    assert response.status_code == 200
    assert touches(replica, "org_organization")
    # login_required ran outside the mark: the session and the user came from the primary
    assert touches(primary, "django_session")
    assert not touches(replica, "django_session")


@both_databases
def test_an_unmarked_view_reads_from_the_primary(board_window, client_for, routed, capture):
    client = client_for(board_window.opened_by)
    primary, replica = capture()
    with primary, replica:
        response = client.get(f"/publicity/{board_window.pk}/")

    assert response.status_code == 200
    assert touches(primary, "publicity_window")
    assert len(replica) == 0


@both_databases
def test_a_write_in_a_marked_view_goes_to_the_primary(world, routed, capture):
    @replica_reads
    def rename(request):
        branch = Organization.objects.get(pk=world.b1.pk)  # read: replica
        branch.name = "改名支部"
        branch.save(update_fields=["name"])  # write: primary, though loaded from the replica
        with primary_reads():
            return Organization.objects.get(pk=world.b1.pk).name  # fresh read: primary

    primary, replica = capture()
    with primary, replica:
        fresh = rename(RequestFactory().get("/"))

    assert fresh == "改名支部"
    assert [q["sql"].split()[0] for q in replica.captured_queries] == ["SELECT"]
    assert any(q["sql"].startswith("UPDATE") for q in primary.captured_queries)
    assert any(q["sql"].startswith("SELECT") and "org_organization" in q["sql"]
               for q in primary.captured_queries)
