import logging

from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

# Long enough for a database restart; monitors and crawlers come back then.
RETRY_AFTER_SECONDS = 30


class DatabaseUnavailableMiddleware:
    """Answer 503 with the site's own "back soon" page when a view (or the
    template it renders) cannot reach the database, instead of a 500.

    OperationalError and InterfaceError are what an unreachable, restarting or
    overloaded server raises; other database errors are bugs and stay 500s.
    Django closes the broken connection when the request ends, and the next
    request connects afresh, so the site recovers when the database does."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error(
            "Database unavailable for %s %s: %s",
            request.method,
            request.path,
            exception,
        )
        # No request in the context: context processors could query.
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        add_never_cache_headers(response)
        return response
