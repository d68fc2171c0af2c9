"""Purging by key, and values kept in Django's cache under the keys that
make them stale.

`purge(keys)` is called inside the transaction that changes content: it
moves the keys' `changed_at` in the same commit, and once that commit has
settled (NEWSROOM_CACHE_SETTLE_SECONDS) it asks the edge cache (Varnish, or
a CDN speaking the same PURGE) to drop every object tagged with them. A
purge the edge did not confirm stays recorded
(`SurrogateKey.awaiting_edge_purge()`) and the job worker sends it again
until it succeeds.

Everything kept in Django's own cache (whole pages without an edge, costly
values such as counts) is stored with the `changed_at` of its keys and used
only while those are unchanged, so a cache that lost purges (Redis down,
or restarted from an old snapshot) can never serve stale content."""

import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router, transaction
from django.utils import timezone

from .keys import ON_EVERY_PAGE, SITE
from .models import SurrogateKey

logger = logging.getLogger(__name__)

NEVER = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass
class _ReadInRequest:
    """What one request has read: each key's stamp, and each value
    `remember` returned, so a page that shows a value in several places (the
    site's name) checks it once, not once each. Set by the middleware."""

    stamps: dict[str, str] = field(default_factory=dict)
    values: dict[str, object] = field(default_factory=dict)


_read_in_request: ContextVar[_ReadInRequest | None] = ContextVar(
    "read_in_request", default=None
)


def purge(keys: Iterable[str]) -> None:
    """Mark everything tagged with `keys` as changed now; purge the edge once
    the current transaction commits."""
    keys = sorted(set(keys))
    if not keys:
        return
    now = timezone.now()
    # Without an edge there is nothing to tell: the keys count as purged there.
    edge_purged_at = NEVER if settings.NEWSROOM_EDGE_PURGE_URL else now
    using = router.db_for_write(SurrogateKey)
    SurrogateKey.objects.using(using).bulk_create(
        [
            SurrogateKey(key=key, changed_at=now, edge_purged_at=edge_purged_at)
            for key in keys
        ],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["changed_at", "edge_purged_at"],
    )
    transaction.on_commit(lambda: changes_committed(keys, using=using), using=using)


def changes_committed(keys, *, using):
    """Stamp the keys again now that the change is visible: a transaction
    that ran long (or committed after another change with other keys) must
    not look older than it is to a render begun meanwhile, or to a replica
    check (monitoring.replica). Then tell the edge."""
    now = timezone.now()
    stamped = {"changed_at": now}
    if not settings.NEWSROOM_EDGE_PURGE_URL:
        stamped["edge_purged_at"] = now
    SurrogateKey.objects.using(using).filter(key__in=keys).update(**stamped)
    if settings.NEWSROOM_EDGE_PURGE_URL:
        purge_at_edge_once_settled(keys)


def purge_at_edge_once_settled(keys):
    """Purge the edge once pages rendered from then on count as `settled`.
    Sooner, the edge would fetch each purged page again, be told not to keep
    the answer, and fetch it again for the next reader: renders thrown away
    while readers wait. Sent by a timer thread, which a process ending
    normally (a management command, a recycled worker) waits for; if the
    process is killed first, the job worker sends it (`purge_pending_at_edge`)."""
    delay = settings.NEWSROOM_CACHE_SETTLE_SECONDS
    if delay <= 0:
        purge_at_edge(keys)
        return
    timer = threading.Timer(delay, _purge_at_edge_from_timer, args=(keys,))
    timer.daemon = False
    timer.start()


def _purge_at_edge_from_timer(keys):
    try:
        purge_at_edge(keys)
    except Exception:
        # Still recorded as waiting: the job worker sends it again.
        logger.exception("Edge purge of %s failed", " ".join(keys))
    finally:
        connections.close_all()  # this thread's own


def stamps(keys: Iterable[str], *, fresh=False) -> dict[str, str]:
    """Each key's last change, as text; "" for a key that never changed.
    Within a request, a key is read once unless `fresh`."""
    keys = sorted(set(keys))
    in_request = _read_in_request.get()
    read = None if in_request is None else in_request.stamps
    known = {} if read is None or fresh else read
    missing = [key for key in keys if key not in known]
    if missing:
        asked = set(missing)
        if read is not None:
            # The site's name and the office (masthead, contacts) are kept
            # under these and shown on every page.
            asked.update(key for key in ON_EVERY_PAGE if key not in read)
        changed = _changed_at(asked)
        found = {key: changed.get(key, "") for key in asked}
        if read is not None:
            read.update(found)
        known = {**known, **found}
    return {key: known[key] for key in keys}


def _changed_at(keys) -> dict[str, str]:
    """{key: its last change as ISO 8601 text} for those of `keys` that ever
    changed. Every page asks this, and the ORM takes several times longer
    to build the query than the database takes to answer it, so it is
    written here."""
    using = router.db_for_read(SurrogateKey)
    connection = connections[using]
    quote = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(keys))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('key')}, {quote('changed_at')}"
            f" FROM {quote(SurrogateKey._meta.db_table)}"
            f" WHERE {quote('key')} IN ({placeholders})",
            list(keys),
        )
        return {key: _as_utc_text(changed_at) for key, changed_at in cursor}


def _as_utc_text(moment) -> str:
    # SQLite answers its stored text, naive and in UTC; PostgreSQL a datetime.
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def stamps_read_once_per_request():
    """Start a request's memo of stamps and values; returns the token to end
    it."""
    return _read_in_request.set(_ReadInRequest())


def forget_stamps_read(token):
    _read_in_request.reset(token)


def settled(key_stamps: dict[str, str], started: datetime) -> bool:
    """True when none of the keys changed shortly before or after `started`,
    so what a request begun then read from the database is still current."""
    margin = timedelta(seconds=settings.NEWSROOM_CACHE_SETTLE_SECONDS)
    latest = max(filter(None, key_stamps.values()), default="")
    return not latest or datetime.fromisoformat(latest) < started - margin


def remember(name: str, keys: Iterable[str], compute: Callable, timeout: int):
    """`compute()`, kept in the cache under `name` until one of `keys`, or
    SITE, changes (or `timeout` seconds pass).

    The stamps are read before computing: a change committed meanwhile
    moves them, so a value that may predate it is computed again next time."""
    in_request = _read_in_request.get()
    if in_request is not None and name in in_request.values:
        return in_request.values[name]
    cache_key = f"value:{name}"
    # SITE moves when the whole site's content is replaced (a restored backup).
    current = stamps({*keys, SITE})
    kept = cache.get(cache_key)
    if kept is not None and kept[1] == current:
        value = kept[0]
    else:
        value = compute()
        cache.set(cache_key, (value, current), timeout)
    if in_request is not None:
        in_request.values[name] = value
    return value


def last_remembered(name: str):
    """The value `remember` last kept under `name`, unchecked (None when none
    is kept): for pages that must not wait for the database, such as the
    error pages."""
    kept = cache.get(f"value:{name}")
    return None if kept is None else kept[0]


def purge_at_edge(keys: Iterable[str]) -> bool:
    """Ask the edge to drop everything tagged with `keys`; record the success.
    False when the edge did not confirm (the worker will try again)."""
    keys = sorted(set(keys))
    asked_at = timezone.now()
    request = urllib.request.Request(
        settings.NEWSROOM_EDGE_PURGE_URL,
        method="PURGE",
        headers={"xkey-purge": " ".join(keys)},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            confirmed = 200 <= answer.status < 300
    except (OSError, urllib.error.URLError) as error:
        logger.warning("Edge purge of %s failed: %s", " ".join(keys), error)
        return False
    if confirmed:
        SurrogateKey.objects.filter(key__in=keys, changed_at__lte=asked_at).update(
            edge_purged_at=asked_at
        )
    return confirmed


def purge_pending_at_edge(*, previous=None, batch: int = 200) -> int:
    """Send the edge every purge it has not confirmed although its sender's
    timer (`purge_at_edge_once_settled`) has had time to; return how many
    keys are still waiting afterwards. Run by the job worker's clock."""
    if not settings.NEWSROOM_EDGE_PURGE_URL:
        return 0
    overdue = timezone.now() - 2 * timedelta(
        seconds=settings.NEWSROOM_CACHE_SETTLE_SECONDS
    )
    keys = list(
        SurrogateKey.objects.awaiting_edge_purge()
        .filter(changed_at__lte=overdue)
        .order_by("changed_at")
        .values_list("key", flat=True)[:batch]
    )
    if keys:
        purge_at_edge(keys)
    return SurrogateKey.objects.awaiting_edge_purge().count()
