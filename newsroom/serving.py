"""What the app does itself when no web server or edge cache stands in
front of it: uploaded media served with a long lifetime, and pages
compressed (EDGE=0 make serve; with the edge, Varnish compresses)."""

import re

from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_cache_control
from django.views.static import serve

# Uploaded names are never reused for other content (storage picks a free
# name), so browsers and shared caches may keep a file for a year.
MEDIA_MAX_AGE = 365 * 24 * 60 * 60

COMPRESSIBLE = re.compile(
    r"^(text/|image/svg\+xml|application/([a-z.-]+\+)?(json|xml|javascript|ecmascript))"
)


def serve_media(request, path):
    """An uploaded file from MEDIA_ROOT (404 when there is none)."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    patch_cache_control(response, public=True, max_age=MEDIA_MAX_AGE, immutable=True)
    return response


class TextGZipMiddleware(GZipMiddleware):
    """Django's gzip for pages, feeds and JSON only: images and other media
    are compressed already."""

    def process_response(self, request, response):
        if not COMPRESSIBLE.match(response.get("Content-Type", "")):
            return response
        return super().process_response(request, response)
