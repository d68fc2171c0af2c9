"""Anonymous readers' answers for shared caches.

A view says what its answer shows by setting `response.surrogate_keys` (see
caching.views). For a reader without a session, this middleware then

- says how long a shared cache may keep the answer (`Cache-Control: public,
  s-maxage`) and names its keys in `Surrogate-Key`, `xkey` and `Cache-Tag`,
  for Varnish or a CDN in front of us;
- keeps the answer in Django's cache, when no such edge stands in front
  (the edge announces itself with `Surrogate-Capability`), and serves it
  again while none of its keys has changed (one indexed query).

An answer rendered while one of its keys was changing is sent but not kept
(`s-maxage=0`): it may hold what the database said just before the change.
Anyone with a session (editors, staff) gets `Cache-Control: private`."""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from . import services

# Recomputed for each answer by the middleware around this one.
UNSTORED_HEADERS = {"content-length", "set-cookie"}
KEY_HEADERS = ("Surrogate-Key", "xkey", "Cache-Tag")


@dataclass(frozen=True)
class KeptPage:
    status: int
    headers: tuple
    body: bytes
    stamps: dict

    def response(self):
        response = HttpResponse(self.body, status=self.status)
        for name, value in self.headers:
            response[name] = value
        return response


def has_session(request):
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def page_cache_key(request):
    """The page's address as the reader asked for it, host included (feeds
    and sitemaps print absolute links); None for a host we do not serve."""
    try:
        address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    except DisallowedHost:
        return None
    return "page:" + hashlib.blake2b(address.encode(), digest_size=20).hexdigest()


class SharedCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or has_session(request):
            response = self.get_response(request)
            if has_session(request):
                patch_cache_control(response, private=True)
            return response

        token = services.stamps_read_once_per_request()
        try:
            return self.shared_response(request)
        finally:
            services.forget_stamps_read(token)

    def shared_response(self, request):
        # Behind an edge that keeps pages itself, Django's cache keeps none.
        behind_edge = "Surrogate-Capability" in request.headers
        cache_key = None if behind_edge else page_cache_key(request)
        kept = cache.get(cache_key) if cache_key else None
        if isinstance(kept, KeptPage) and services.stamps(kept.stamps) == kept.stamps:
            return kept.response()

        started = timezone.now()
        response = self.get_response(request)
        keys = getattr(response, "surrogate_keys", None)
        if (
            not keys
            or response.status_code != 200
            or response.cookies
            or not settings.NEWSROOM_SHARED_CACHE_SECONDS
        ):
            return response

        stamps = services.stamps(keys, fresh=True)
        seconds = min(
            settings.NEWSROOM_SHARED_CACHE_SECONDS,
            getattr(response, "shared_max_age", settings.NEWSROOM_SHARED_CACHE_SECONDS),
        )
        if not services.settled(stamps, started):
            seconds = 0
        patch_cache_control(response, public=True, max_age=0, s_maxage=max(seconds, 0))
        names = " ".join(sorted(keys))
        for header in KEY_HEADERS:
            response[header] = names
        if (
            seconds > 0
            and cache_key
            and request.method == "GET"
            and not response.streaming
        ):
            page = KeptPage(
                status=response.status_code,
                headers=tuple(
                    (name, value)
                    for name, value in response.items()
                    if name.lower() not in UNSTORED_HEADERS
                ),
                body=response.content,
                stamps=stamps,
            )
            cache.set(cache_key, page, seconds)
        return response
