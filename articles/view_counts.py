"""Article view counts at cache speed.

A reader's view costs one cache round trip; the counts reach the database in
batches, one transaction every NEWSROOM_VIEW_FLUSH_SECONDS (10 by default).
Each view is counted once per reader and article within
NEWSROOM_VIEW_DEDUP_SECONDS (30 minutes by default); a reader is the client's
address plus its User-Agent, hashed (no cookie: cached pages are shared).
Self-declared crawlers are not counted; scripts and HTTP libraries are.

Two backends, chosen by settings:

- Redis (REDIS_URL set), shared by every gunicorn worker. One Lua script per
  view checks and sets the reader's "seen" key, adds the view to a pending
  hash and bumps the article's displayed total. A flush takes a lock, renames
  the pending hash to a "flushing" hash (an atomic snapshot: new views go to a
  new pending hash), writes the snapshot to the database in one transaction,
  then deletes the flushing hash. A flushing hash found at the start of a
  flush is a crashed flush's leftover and is written first.
- Process-local (no REDIS_URL: runserver, tests): the same, in dicts behind a
  lock. It is also where views go while Redis cannot be reached.

What a crash can lose, at most:

- Redis backend, a worker dies (killed, OOM, timeout) at any point: nothing.
  Counts live in Redis until a flush has committed them, and a flush that dies
  leaves its flushing hash for the next one.
- Redis itself restarts without persistence: the views not yet flushed, at
  most one flush interval's worth (more only while flushes were failing, e.g.
  with the database down), plus views counted in a worker's local fallback
  while Redis was unreachable if that worker then dies before flushing.
- Local backend, a worker dies without running gunicorn's worker_exit hook
  (SIGKILL, OOM): that process's views since its last flush, at most one
  flush interval's worth. A graceful stop or max_requests recycle flushes.

The one double-count window: a flush that dies (or whose lock expires, after
FLUSH_LOCK_SECONDS) between the database commit and deleting the flushing
hash leaves that batch behind, and the next flush writes it again.

The displayed total (database count + views not yet flushed) is kept per
article for TOTAL_SECONDS, started from the count the page read from the
database. If that read races a flush, the total can be off by that flush's
batch until the key expires and a render starts it again from the database.
"""

import functools
import hashlib
import logging
import re
import secrets
import threading
import time
from collections import defaultdict

import redis
from crawleruseragents import CRAWLER_USER_AGENTS_DATA
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.utils.formats import localize
from django.utils.translation import ngettext

from newsroom.settings import client_ip_address

from .services import articles_add_views

logger = logging.getLogger(__name__)

# How long a displayed total lives before a render starts it again from the
# database; a bound on how long any drift from a racing flush can show.
TOTAL_SECONDS = 60 * 60
# A flush holding the lock longer than this is presumed dead; well above any
# sane transaction, since a live flush passed over would be written twice.
FLUSH_LOCK_SECONDS = 5 * 60
# After Redis fails, views are counted locally for this long before retrying,
# so a dead server costs one short connect attempt, not one per page.
REDIS_PAUSE_SECONDS = 5.0
REDIS_UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
# Only this much of a User-Agent is matched (and cached): bot tokens come
# early, and a client must not fill memory with huge distinct headers.
USER_AGENT_MATCH_LENGTH = 512

# Generic HTTP clients and headless browsers appear in the crawler list, but
# behind them are people's scripts, apps, feed readers and browser tests, not
# self-declared crawlers: every pattern that matches one of these is dropped,
# so they are counted.
HTTP_CLIENTS = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/130.0.0.0 Safari/537.36",
    "curl/8.5.0",
    "Wget/1.21.4",
    "python-requests/2.32.3",
    "python-httpx/0.27.0",
    "Python/3.12 aiohttp/3.9.5",
    "Python-urllib/3.12",
    "Go-http-client/2.0",
    "okhttp/4.12.0",
    "Java/21.0.2",
    "Apache-HttpClient/4.5.14 (Java/17.0.2)",
    "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
    "axios/1.7.2",
    "libwww-perl/6.72",
    "HTTPie/3.2.2",
)


def _now():
    return time.monotonic()


# --- Who is reading ---------------------------------------------------------------


@functools.cache
def _crawler_pattern():
    patterns = [
        entry["pattern"]
        for entry in CRAWLER_USER_AGENTS_DATA
        if not any(re.search(entry["pattern"], client) for client in HTTP_CLIENTS)
    ]
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns))


@functools.lru_cache(maxsize=4096)
def _matches_crawler(user_agent):
    return _crawler_pattern().search(user_agent) is not None


def is_crawler(user_agent: str) -> bool:
    """Return True if `user_agent` declares a crawler (Googlebot, bingbot,
    facebookexternalhit...). HTTP libraries and an empty header are not."""
    return bool(user_agent) and _matches_crawler(user_agent[:USER_AGENT_MATCH_LENGTH])


def _reader_key(request, user_agent):
    # Keyed with the secret, so the stored hashes cannot be matched against
    # every IPv4 address to learn who read what.
    secret = hashlib.blake2b(
        settings.SECRET_KEY.encode(), digest_size=32, person=b"newsroom-views"
    ).digest()
    reader = f"{client_ip_address(request) or ''}\n{user_agent}".encode()
    return hashlib.blake2b(reader, digest_size=16, key=secret).hexdigest()


def _dedup_seconds():
    return settings.NEWSROOM_VIEW_DEDUP_SECONDS


def _flush_seconds():
    return settings.NEWSROOM_VIEW_FLUSH_SECONDS


# --- Process-local backend --------------------------------------------------------


class LocalViewCounter:
    """Views counted in this process's memory; flushed by record() when due,
    by flush_view_counts and by gunicorn's worker_exit hook."""

    def __init__(self):
        self._lock = threading.Lock()
        # One flush at a time; views keep being counted meanwhile.
        self._flush_lock = threading.Lock()
        self.reset()

    def reset(self):
        """Forget every count, flushed or not (for tests)."""
        with self._lock:
            self._seen = {}  # (article id, reader) -> when the window ends
            self._pending = defaultdict(int)
            self._flushing = defaultdict(int)
            self._totals = {}  # article id -> (total, when it expires)
            self._next_flush = _now() + _flush_seconds()

    def record(self, article_id, *, reader, count, stored):
        now = _now()
        with self._lock:
            counted = False
            if count and self._seen.get((article_id, reader), now) <= now:
                self._seen[(article_id, reader)] = now + _dedup_seconds()
                self._pending[article_id] += 1
                counted = True
            total, expires = self._totals.get(article_id, (None, now))
            if expires > now:
                total += counted
            elif stored is not None:
                total = (
                    stored
                    + self._pending.get(article_id, 0)
                    + self._flushing.get(article_id, 0)
                )
                expires = now + TOTAL_SECONDS
            else:
                total = None
            if total is not None:
                self._totals[article_id] = (total, expires)
            flush_due = now >= self._next_flush
            if flush_due:
                self._next_flush = now + _flush_seconds()
        return total, flush_due

    def flush(self, *, wait=True):
        if not self._flush_lock.acquire(blocking=wait):
            return 0  # another thread is flushing
        try:
            now = _now()
            with self._lock:
                # A failed flush left its batch in _flushing; it goes again.
                for article_id, views in self._pending.items():
                    self._flushing[article_id] += views
                self._pending.clear()
                batch = dict(self._flushing)
                self._seen = {k: end for k, end in self._seen.items() if end > now}
                self._totals = {
                    k: total for k, total in self._totals.items() if total[1] > now
                }
            if not batch:
                return 0
            written = articles_add_views(views=batch)
            with self._lock:
                self._flushing.clear()
            return written
        finally:
            self._flush_lock.release()


LOCAL = LocalViewCounter()


# --- Redis backend ----------------------------------------------------------------

# KEYS: seen, pending, flushing, total, flush-due
# ARGV: article id, count (1/0), dedup seconds, stored ("" if unknown),
#       total seconds, flush seconds
# Returns {total or -1 if unknown, 1 if this caller should flush}.
RECORD_SCRIPT = """
local counted = 0
if ARGV[2] == '1' then
  local dedup = tonumber(ARGV[3])
  if dedup <= 0 or redis.call('SET', KEYS[1], '1', 'NX', 'EX', dedup) then
    redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
    counted = 1
  end
end
local total = redis.call('GET', KEYS[4])
if total then
  if counted == 1 then total = redis.call('INCR', KEYS[4]) end
  total = tonumber(total)
else
  local stored = tonumber(ARGV[4])
  if stored then
    total = stored
      + tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
      + tonumber(redis.call('HGET', KEYS[3], ARGV[1]) or '0')
    redis.call('SET', KEYS[4], total, 'EX', ARGV[5])
  else
    total = -1
  end
end
local flush = 0
if redis.call('SET', KEYS[5], '1', 'NX', 'EX', ARGV[6]) then flush = 1 end
return {total, flush}
"""

# KEYS: pending, flushing. Returns {1 if a leftover, [id, n, id, n...]}.
SNAPSHOT_SCRIPT = """
if redis.call('EXISTS', KEYS[2]) == 1 then
  return {1, redis.call('HGETALL', KEYS[2])}
end
if redis.call('EXISTS', KEYS[1]) == 0 then return {0, {}} end
redis.call('RENAME', KEYS[1], KEYS[2])
return {0, redis.call('HGETALL', KEYS[2])}
"""

# KEYS: lock. ARGV: our token. Frees the lock only if it is still ours.
UNLOCK_SCRIPT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisViewCounter:
    """Views counted in Redis, shared by every worker."""

    def __init__(self):
        self._scripts = {}
        self._paused_until = 0.0
        self._clients = {}

    def available(self):
        return _now() >= self._paused_until

    def unreachable(self, error):
        self._paused_until = _now() + REDIS_PAUSE_SECONDS
        logger.warning(
            "Redis unreachable for view counts (%s); counting in this process for %g s",
            error,
            REDIS_PAUSE_SECONDS,
        )

    def _client_and_prefix(self):
        cache = caches["default"]
        if isinstance(cache, RedisCache):
            # The cache's own pool (and its short timeouts).
            prefix = cache.key_prefix or "newsroom"
            return cache._cache.get_client(write=True), f"{prefix}:views:"
        url = settings.REDIS_URL
        if url not in self._clients:
            self._clients[url] = redis.Redis.from_url(
                url, socket_connect_timeout=0.25, socket_timeout=0.5
            )
        return self._clients[url], "newsroom:views:"

    def _script(self, client, source):
        if source not in self._scripts:
            self._scripts[source] = client.register_script(source)
        return self._scripts[source]

    def record(self, article_id, *, reader, count, stored):
        client, prefix = self._client_and_prefix()
        keys = [
            f"{prefix}seen:{article_id}:{reader}",
            f"{prefix}pending",
            f"{prefix}flushing",
            f"{prefix}total:{article_id}",
            f"{prefix}flush-due",
        ]
        args = [
            article_id,
            1 if count else 0,
            _dedup_seconds(),
            "" if stored is None else stored,
            TOTAL_SECONDS,
            max(1, _flush_seconds()),
        ]
        total, flush_due = self._script(client, RECORD_SCRIPT)(keys, args, client)
        return (None if total < 0 else total), bool(flush_due)

    def flush(self):
        client, prefix = self._client_and_prefix()
        lock, token = f"{prefix}flush-lock", secrets.token_hex(16)
        if not client.set(lock, token, nx=True, ex=FLUSH_LOCK_SECONDS):
            return 0  # another worker is flushing
        snapshot = self._script(client, SNAPSHOT_SCRIPT)
        keys = [f"{prefix}pending", f"{prefix}flushing"]
        written = 0
        try:
            # A leftover first, then what is pending now.
            for _ in range(2):
                leftover, flat = snapshot(keys, [], client)
                batch = {int(flat[i]): int(flat[i + 1]) for i in range(0, len(flat), 2)}
                if batch:
                    written += articles_add_views(views=batch)
                client.delete(keys[1])
                if not leftover:
                    break
        finally:
            self._script(client, UNLOCK_SCRIPT)([lock], [token], client)
        return written


REDIS = RedisViewCounter()


# --- The public API ---------------------------------------------------------------


def record(request, article_id: int, *, stored: int | None = None) -> int | None:
    """Count one view of article `article_id` by this request's reader, unless
    a crawler or the same reader within NEWSROOM_VIEW_DEDUP_SECONDS. Return
    the total readers should see: `stored` (the view count just read from the
    database) plus views not yet flushed; or None if `stored` is not given and
    the counter does not know the total."""
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    count = not is_crawler(user_agent)
    options = {
        "reader": _reader_key(request, user_agent) if count else "",
        "count": count,
        "stored": stored,
    }
    total = flush_due = None
    if settings.REDIS_URL and REDIS.available():
        try:
            total, flush_due = REDIS.record(article_id, **options)
        except REDIS_UNREACHABLE as error:
            REDIS.unreachable(error)
    if flush_due is None:
        total, flush_due = LOCAL.record(article_id, **options)
    if flush_due:
        _flush_quietly()
    return total


def flush() -> int:
    """Write the views not yet in the database, in one transaction per
    backend; return how many. Raises if the database refuses, leaving the
    views pending for the next flush."""
    written = LOCAL.flush()
    if settings.REDIS_URL:
        written += REDIS.flush()
    return written


def _flush_quietly():
    # On a reader's request: a failing flush must not fail the page, and the
    # views stay pending for the next one.
    try:
        written = LOCAL.flush(wait=False)
        if settings.REDIS_URL and REDIS.available():
            written += REDIS.flush()
    except REDIS_UNREACHABLE as error:
        REDIS.unreachable(error)
    except Exception:
        logger.exception("Flushing view counts failed; they stay pending")
    else:
        logger.debug("Flushed %d views", written)


def view_count_label(count: int) -> str:
    """The "N views" text of an article page, translated, exactly as the
    page shows it (the page cache writes it into cached pages too)."""
    return ngettext("%(counter)s view", "%(counter)s views", count) % {
        "counter": localize(count)
    }
