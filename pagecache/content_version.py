"""The version of everything public pages show, shared by every process.

Cached pages and fragments are filed under the version current when their
request began; any change readers could see (a story saved, published or
deleted, an organization, the office record, a photo) moves the version on
when its transaction commits, so nothing cached before it is served again.
Time changes pages too: a scheduled story comes out, another expires. The
version records the next such moment, and the first request after it moves
the version on.

With REDIS_URL the version lives in Redis, shared by every machine. Without
it, it lives in a small file (NEWSROOM_CONTENT_VERSION_FILE), shared by the
processes of one machine, since each gunicorn worker has its own local-memory
cache and must still see an editor's save made in another worker."""

import json
import os
import secrets
import tempfile
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

CACHE_KEY = "pagecache:content-version"


@dataclass(frozen=True)
class ContentVersion:
    token: str
    # Seconds since the epoch: when the content last changed, and when time
    # alone will next change it (None: nothing is scheduled or expiring).
    changed_at: float
    next_change_at: float | None

    @property
    def is_due(self):
        return self.next_change_at is not None and time.time() >= self.next_change_at


def _next_scheduled_change():
    """When the next published story comes out or expires, or None."""
    Article = apps.get_model("articles", "Article")
    now = timezone.now()
    active = Article.objects.active().order_by()
    # Two ordered lookups on the public list's index, not an aggregate over
    # every published story.
    upcoming = [
        active.filter(published_at__gt=now)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first(),
        active.filter(expires_at__gt=now)
        .order_by("expires_at")
        .values_list("expires_at", flat=True)
        .first(),
    ]
    upcoming = [moment for moment in upcoming if moment is not None]
    return min(upcoming).timestamp() if upcoming else None


def _new_version():
    return ContentVersion(
        token=secrets.token_hex(8),
        changed_at=time.time(),
        next_change_at=_next_scheduled_change(),
    )


# --- Where the version is kept -------------------------------------------------


def _version_file():
    return Path(settings.NEWSROOM_CONTENT_VERSION_FILE)


_file_memo = threading.local()
# The version a request began with (pinned_for_request); unset outside one.
_pin = threading.local()


def _read():
    version = getattr(_pin, "version", None)
    if version is None:
        version = _read_stored()
        if getattr(_pin, "active", False):
            _pin.version = version
    return version


def _read_stored():
    if settings.REDIS_URL:
        stored = cache.get(CACHE_KEY)
        return ContentVersion(*stored) if stored else None
    path = _version_file()
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    # A stat per request; the file is read again only when it changed.
    memo = getattr(_file_memo, "value", None)
    if memo is not None and memo[0] == (path, stamp):
        return memo[1]
    try:
        version = ContentVersion(**json.loads(path.read_text()))
    except (OSError, ValueError, TypeError):
        return None
    _file_memo.value = ((path, stamp), version)
    return version


def _write(version):
    if settings.REDIS_URL:
        cache.set(
            CACHE_KEY,
            (version.token, version.changed_at, version.next_change_at),
            timeout=None,
        )
        return
    path = _version_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole and renamed into place, so no reader sees half a file.
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".content-version-")
    with os.fdopen(fd, "w") as file:
        json.dump(version.__dict__, file)
    os.replace(temporary, path)


# --- The API -------------------------------------------------------------------


@contextmanager
def pinned_for_request():
    """Within the block the version is read once and then kept: every
    fragment and count of one page is filed under the same version, and the
    page pays for one read (a stat or a Redis round trip), not one per use.
    A bump inside the block (an editor's save) replaces the kept version."""
    _pin.active, _pin.version = True, None
    try:
        yield
    finally:
        _pin.active, _pin.version = False, None


def peek():
    """The current version, or None when there is none yet or it is due to
    move on. Never touches the database: cache hits use this."""
    version = _read()
    if version is None or version.is_due:
        return None
    return version


def current():
    """The current version, made anew when there is none or it is due."""
    return peek() or bump()


def bump():
    """Move the version on now: everything cached so far is stale."""
    version = _new_version()
    _write(version)
    if getattr(_pin, "active", False):
        _pin.version = version
    return version


def versioned_key(name):
    """A cache key for something derived from the content, e.g. a count:
    a new version gives it a new key."""
    return f"{name}:{current().token}"


def cached(name, compute, timeout):
    """compute(), kept under `name` until the content version moves on (or
    `timeout` seconds pass). The key is taken before computing: a value that
    already shows an editor's change may be filed under the version that
    change retires, but a stale one is never filed under the new version.
    compute() must not return None (that reads as a miss)."""
    return _cached_under(versioned_key(name), compute, timeout)


def _cached_under(key, compute, timeout):
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


class _ProcessMemory:
    """Values kept in this process's memory, each for at most its timeout,
    the oldest dropped past `max_entries`. Keys carry the content version,
    so a change readers could see leaves the old values unread. No pickling
    and no cache round trip: whatever is kept is handed out as it is, so it
    must be something nobody changes."""

    def __init__(self, max_entries):
        self.max_entries = max_entries
        self.values = OrderedDict()

    def get_or_make(self, key, make, timeout):
        kept = self.values.get(key)
        if kept is not None and kept[0] > time.monotonic():
            return kept[1]
        value = make()
        self.values[key] = (time.monotonic() + timeout, value)
        while len(self.values) > self.max_entries:
            try:
                self.values.popitem(last=False)
            except KeyError:
                break  # another thread emptied it meanwhile
        return value


# Counts, page anchors, rankings, organizations by slug, filter outcomes.
_derived_values = _ProcessMemory(max_entries=512)
# Rendered pieces of pages, up to some 50 KB each: about 15 MB at most.
_fragments = _ProcessMemory(max_entries=300)


def memoized(name, compute, timeout):
    """cached(), plus a copy in this process's memory. Every caller is
    handed the same object, so it must be one nobody changes (a count, ids,
    organizations looked up by slug), never a row a view updates."""
    key = versioned_key(name)
    return _derived_values.get_or_make(
        key, lambda: _cached_under(key, compute, timeout), timeout
    )


def fragment(name, render, timeout):
    """A rendered piece of a page, made by render() once per content version
    in each process and kept in its memory only: made again in a few
    milliseconds, it is not worth a trip to a shared cache."""
    return _fragments.get_or_make(versioned_key(name), render, timeout)


def forget_local_values():
    """Empty this process's memory of values and fragments (tests; the
    shared cache is left alone)."""
    _derived_values.values.clear()
    _fragments.values.clear()


def bump_on_commit():
    """Move the version on for a change being written.

    Inside a transaction it moves twice: at once, so this connection's own
    next page (which sees the uncommitted rows) is not an old copy, and again
    when the transaction commits, so a page another process made from the old
    rows meanwhile is not kept (many changes in one transaction schedule one
    bump at the commit)."""
    bump()
    connection = transaction.get_connection()
    # Django drops the callbacks of a rolled-back block, so this stays true.
    if connection.in_atomic_block and not any(
        callback is bump for _, callback, _ in connection.run_on_commit
    ):
        transaction.on_commit(bump)


def _changed(sender, **kwargs):
    if kwargs.get("raw"):
        return  # fixtures being loaded: the command bumps once at the end
    bump_on_commit()


def invalidate_on_change(*models):
    """Pages show these models: saving or deleting any row of them makes
    every cached page stale. Apps call this from their AppConfig.ready()."""
    for model in models:
        post_save.connect(_changed, sender=model, weak=False)
        post_delete.connect(_changed, sender=model, weak=False)
