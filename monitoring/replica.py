"""An optional read replica (DATABASE_REPLICA_URL) for the public's reads.

Only anonymous readers' GET and HEAD requests on public pages read from the
replica; everything else — the admin, anyone logged in (so an editor's
"View on site" right after saving never meets replication lag), every write,
management commands — uses the primary.

And only while the replica has caught up with the last change readers can
see: every change moves a surrogate key's `changed_at` in its own
transaction (caching.services.purge), so a replica whose newest one is
older than the primary's has not replayed some change yet. A page rendered
from it then would be stale and, kept by a cache as fresh, stay stale; such
requests read from the primary instead."""

from contextvars import ContextVar

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Max

from caching.models import SurrogateKey

REPLICA = "replica"
PRIMARY = "default"

_reads_from_replica = ContextVar("reads_from_replica", default=False)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        return REPLICA if _reads_from_replica.get() else PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


def may_read_from_replica(request):
    return (
        request.method in ("GET", "HEAD")
        and not request.path_info.startswith("/admin/")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def latest_change(using):
    return SurrogateKey.objects.using(using).aggregate(latest=Max("changed_at"))[
        "latest"
    ]


def replica_configured():
    return REPLICA in settings.DATABASES


def replica_is_current():
    """True when the replica has replayed every change the primary has."""
    try:
        return latest_change(REPLICA) == latest_change(PRIMARY)
    except DatabaseError:
        return False  # an unreachable replica is no place to read from


class ReplicaReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        use_replica = (
            replica_configured()
            and may_read_from_replica(request)
            and replica_is_current()
        )
        token = _reads_from_replica.set(use_replica)
        try:
            return self.get_response(request)
        finally:
            _reads_from_replica.reset(token)
