"""Read-replica routing: chosen read-only pages read from a PostgreSQL streaming replica.

Active only when `DATABASE_REPLICA_URL` is set (jifen/settings.py then adds the "replica" alias
and this router). Everything else reads and writes the primary ("default").

Why pages opt in one by one instead of "every SELECT goes to the replica": a replica lags the
primary by some milliseconds to seconds. A page shown right after a POST (the redirect after
saving, with its "已保存" message) must read its own writes, and so must every check that decides
who the user is (sessions, lockouts). So only pages that are read-only, GET-only and tolerant of
a slightly old view are marked with `@replica_reads`: the public publicity board, the ranking.

The mark lives in a ContextVar, set for the duration of the view call only. Querysets that are
evaluated later (a TemplateResponse rendered after the view returned) therefore read the primary,
which is correct, merely not offloaded. Writes always go to the primary (`db_for_write`), also
inside a marked view; a read that must be fresh there is wrapped in `primary_reads()`.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings

REPLICA = "replica"
PRIMARY = "default"
# Only these methods may read from the replica: they change nothing, so no later read in the
# same request depends on a write the replica has not seen yet.
SAFE_METHODS = frozenset({"GET", "HEAD"})
# Read from the primary even in a marked view: who the user is must never be stale (a session
# just ended, a login just disabled). Middleware loads both before the view anyway; this keeps
# it so should a view ever be the first to touch them.
PRIMARY_ONLY_APPS = frozenset({"sessions", "accounts"})

_replica_reads = ContextVar("jifen_replica_reads", default=False)


def replica_reads(view):
    """Let the view's reads go to the replica, for GET/HEAD requests only.

    Put it innermost (directly above `def`), so that login and permission decorators around it
    run their checks against the primary.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in SAFE_METHODS:
            return view(request, *args, **kwargs)
        token = _replica_reads.set(True)
        try:
            return view(request, *args, **kwargs)
        finally:
            _replica_reads.reset(token)  # also on exceptions: the next request starts unmarked

    return wrapper


@contextmanager
def primary_reads():
    """Read from the primary inside a `@replica_reads` view, for a read that must be fresh."""
    token = _replica_reads.set(False)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def reading_from_replica() -> bool:
    """Whether reads would go to the replica right now (the mark is set and the alias exists)."""
    return _replica_reads.get() and REPLICA in settings.DATABASES


class ReplicaRouter:
    """Listed in DATABASE_ROUTERS only when DATABASE_REPLICA_URL is set."""

    def db_for_read(self, model, **hints):
        if reading_from_replica() and model._meta.app_label not in PRIMARY_ONLY_APPS:
            return REPLICA
        return None  # Django falls back to the instance's own database, then to "default"

    def db_for_write(self, model, **hints):
        return PRIMARY  # the replica is read-only; sessions, axes and audit rows land here too

    def allow_relation(self, obj1, obj2, **hints):
        return True  # both aliases hold the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY  # the replica receives the schema through replication
