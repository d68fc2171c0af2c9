"""Whole pages for anonymous readers, from the cache.

A reader without a session (never logged in, no pending message) gets the
same page as every other such reader, so a GET answered 200 is kept and
served again until the content version moves on (pagecache.content_version)
or NEWSROOM_PAGE_CACHE_SECONDS pass. Editors and staff are never served
from it: they have a session cookie, and may see previews.

An article page counts every reader's view even when it comes from here:
its "N views" is cut out of the stored page and filled in per request from
the view counter (one cache round trip, no database)."""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost, MiddlewareNotUsed
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.html import escape
from django.utils.http import http_date
from django.utils.translation import override

from articles import view_counts

from . import content_version

VIEW_COUNT_START = b'<span class="article-views">'
VIEW_COUNT_END = b"</span>"
# Recomputed per response (the view count changes the length), or set by the
# middleware around this one on every response anyway.
UNSTORED_HEADERS = {"content-length", "set-cookie"}


@dataclass(frozen=True)
class CachedPage:
    version: str
    status: int
    headers: tuple
    body: bytes
    # For an article page: (article id, language, body before the count,
    # body after it). None for every other page.
    view_count: tuple | None = None

    @classmethod
    def from_response(cls, version, response):
        headers = tuple(
            (name, value)
            for name, value in response.items()
            if name.lower() not in UNSTORED_HEADERS
        )
        body = response.content
        view_count = None
        article_id = getattr(response, "counted_article_id", None)
        if article_id is not None:
            start = body.find(VIEW_COUNT_START)
            end = body.find(VIEW_COUNT_END, start)
            if start < 0 or end < 0:
                return None  # a page that counts views but does not show them
            view_count = (
                article_id,
                response.get("Content-Language", settings.LANGUAGE_CODE),
                body[: start + len(VIEW_COUNT_START)],
                body[end:],
            )
        return cls(version, response.status_code, headers, body, view_count)

    def response_for(self, request):
        """The page for this request, or None when it cannot be made from the
        cache alone (the counter has lost the article's total)."""
        body = self.body
        if self.view_count is not None:
            article_id, language, before, after = self.view_count
            total = view_counts.record(request, article_id)
            if total is None:
                return None
            with override(language):
                label = view_counts.view_count_label(total)
            body = before + escape(label).encode() + after
        response = HttpResponse(body, status=self.status)
        for name, value in self.headers:
            response[name] = value
        return response


def page_key(request):
    """One key per address as the reader typed it: scheme, host (pages carry
    absolute links), path and the query exactly as given."""
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return "pagecache:page:" + hashlib.blake2b(address.encode()).hexdigest()


def is_anonymous_read(request):
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        # A message waiting to be shown makes the page this reader's own.
        and "messages" not in request.COOKIES
    )


def is_shareable(response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not getattr(response, "page_cacheable", True):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    return not any(
        word in cache_control for word in ("private", "no-store", "no-cache")
    )


def mark_revalidate(response, version):
    """Browsers and proxies may keep the page but must ask again each time
    (a cheap 304 while it has not changed), so nobody sees a stale story."""
    if not response.has_header("Last-Modified"):
        response["Last-Modified"] = http_date(version.changed_at)
    patch_cache_control(response, no_cache=True)


class ContentVersionMiddleware:
    """Reads the content version once per request, however many fragments
    and counts the page looks up (content_version.pinned_for_request)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with content_version.pinned_for_request():
            return self.get_response(request)


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.timeout = settings.NEWSROOM_PAGE_CACHE_SECONDS
        if self.timeout <= 0:
            raise MiddlewareNotUsed("NEWSROOM_PAGE_CACHE_SECONDS is 0")

    def __call__(self, request):
        if not is_anonymous_read(request):
            return self.get_response(request)
        try:
            key = page_key(request)
        except DisallowedHost:
            return self.get_response(request)  # answered 400 further in

        version = content_version.peek()
        cached = cache.get(key) if version is not None else None
        if cached is not None and cached.version == version.token:
            response = cached.response_for(request)
            if response is not None:
                mark_revalidate(response, version)
                response["X-Page-Cache"] = "hit"
                return response

        response = self.get_response(request)
        if version is None:
            # There was no version to file this page under (a new site, or a
            # scheduled story just came out); the page's own fragments make
            # one (pagecache_tags). This page may predate it: it is not kept.
            return response
        # Filed under the version the request began with: a save committed
        # while this page was being made leaves it stale, not current.
        if is_shareable(response):
            page = CachedPage.from_response(version.token, response)
            if page is not None:
                cache.set(key, page, self.timeout)
                mark_revalidate(response, version)
                response["X-Page-Cache"] = "miss"
        return response
