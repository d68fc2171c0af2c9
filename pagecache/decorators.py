import functools
import hashlib

from django.core.cache import cache

from . import content_version
from .middleware import CachedPage


def cache_per_content_version(timeout):
    """Keep a view's 200 responses for everyone, logged in or not, until the
    content version moves on or `timeout` seconds pass. For pages that are
    the same for every visitor and costly to make: the sitemaps."""

    def decorator(view):
        @functools.wraps(view)
        def cached_view(request, *args, **kwargs):
            version = content_version.current()
            address = f"{version.token}|{request.build_absolute_uri()}"
            key = "pagecache:view:" + hashlib.blake2b(address.encode()).hexdigest()
            page = cache.get(key)
            if page is not None:
                return page.response_for(request)
            response = view(request, *args, **kwargs)

            def keep(response):
                if response.status_code == 200 and not response.streaming:
                    page = CachedPage.from_response(version.token, response)
                    cache.set(key, page, timeout)

            if hasattr(response, "add_post_render_callback"):
                response.add_post_render_callback(keep)
            else:
                keep(response)
            return response

        return cached_view

    return decorator
