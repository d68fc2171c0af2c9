"""A Redis cache that degrades instead of failing.

Django's own RedisCache raises when Redis cannot be reached, and every page
that reads the cache (the archive sidebar, for one) becomes a 500. The cache
only ever holds copies, so losing it should cost speed, not pages."""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Only "Redis is not there" degrades; a wrong command (ResponseError) is a bug
# and still raises.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)

_KEY_MISSING = object()


class TolerantRedisCache(RedisCache):
    """Django's RedisCache, except that while Redis cannot be reached reads
    are misses (the default), writes are dropped, and incr() reports the key
    missing, as Django's contract allows for any evicted key.

    After a failure Redis is left alone for `pause_after_failure` seconds, so
    a dead server costs a page one short connect attempt, not one per cache
    call; the failure is logged once per pause."""

    # Seconds. redis-py waits 5 s by default, long enough to hang a worker.
    default_options = {"socket_connect_timeout": 0.25, "socket_timeout": 0.5}
    pause_after_failure = 5.0

    def __init__(self, server, params):
        options = {**self.default_options, **params.get("OPTIONS", {})}
        super().__init__(server, {**params, "OPTIONS": options})
        self._paused_until = 0.0

    def _degrade(self, fallback, operation, *args, **kwargs):
        if time.monotonic() < self._paused_until:
            return fallback
        try:
            return operation(*args, **kwargs)
        except UNREACHABLE as error:
            self._paused_until = time.monotonic() + self.pause_after_failure
            logger.warning(
                "Redis cache at %s unreachable (%s); serving without it for %g s",
                ", ".join(self._servers),
                error,
                self.pause_after_failure,
            )
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._degrade(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._degrade(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._degrade(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._degrade(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._degrade(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._degrade({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._degrade(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        value = self._degrade(_KEY_MISSING, super().incr, key, delta, version)
        if value is _KEY_MISSING:
            raise ValueError(f"Key '{key}' not found (the cache is unreachable).")
        return value

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Django's contract: the keys that could not be stored.
        return self._degrade(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        self._degrade(None, super().delete_many, keys, version)

    def clear(self):
        return self._degrade(False, super().clear)
