"""An optional read replica (DATABASE_REPLICA_URL) for the public's reads.

Only anonymous readers' GET and HEAD requests on public pages read from the
replica; everything else — the admin, anyone logged in (so an editor's
"View on site" right after saving never meets replication lag), every write,
management commands — uses the primary."""

from contextvars import ContextVar

from django.conf import settings

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


class ReplicaReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _reads_from_replica.set(may_read_from_replica(request))
        try:
            return self.get_response(request)
        finally:
            _reads_from_replica.reset(token)
