from django.core.cache import cache
from django.db import connection
from django.db.utils import Error as DatabaseError
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from caching.models import SurrogateKey
from jobs.models import PeriodicJob


def _database_state():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return {"ok": False, "error": error.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def _cache_state():
    try:
        cache.set("healthz", "ok", 10)
        ok = cache.get("healthz") == "ok"
    except Exception as error:  # any backend failure means "degraded", not a crash
        return {"ok": False, "error": error.__class__.__name__}
    return {"ok": ok}


def _jobs_state():
    """Periodic jobs failing now, and purges the edge has not confirmed: an
    operator's cue that the job worker or the edge needs looking at."""
    try:
        failing = list(
            PeriodicJob.objects.filter(failures_in_a_row__gt=0).values_list(
                "name", flat=True
            )
        )
        waiting = SurrogateKey.objects.awaiting_edge_purge().count()
    except DatabaseError as error:
        return {"ok": False, "error": error.__class__.__name__}
    return {"ok": not failing, "failing": failing, "edge_purges_waiting": waiting}


@never_cache
def healthz(request):
    """200 when the database answers; the cache and the jobs are reported but
    only degrade."""
    database, cache_state = _database_state(), _cache_state()
    body = {
        "status": "ok" if database["ok"] else "unavailable",
        "database": database,
        "cache": cache_state,
    }
    if database["ok"]:
        body["jobs"] = _jobs_state()
    return JsonResponse(body, status=200 if database["ok"] else 503)
