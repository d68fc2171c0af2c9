import functools
import logging
import re

from django.conf import settings
from django.db.utils import InterfaceError, OperationalError
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers

from . import views

logger = logging.getLogger(__name__)


class AdminLanguageMiddleware:
    """Speak the editor's language in the admin.

    The admin's addresses have no language prefix, where LocaleMiddleware
    (with the default language unprefixed) always picks English. There the
    language is the one chosen with the admin's language switch (Django's
    set_language cookie), else the browser's Accept-Language. Readers' pages
    keep taking their language from the address alone."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def __call__(self, request):
        if self.admin_prefix is None:
            self.admin_prefix = reverse("admin:index")
        if not request.path_info.startswith(self.admin_prefix):
            return self.get_response(request)
        language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class ViewCountIncludeMiddleware:
    """Answer the edge's view-count include (articles:views) first, before
    every other middleware, none of which it needs: behind the edge it is
    asked on every reading of every article page, and the stack it skips
    (security and CSP headers for a fragment the edge puts inside a page,
    the page cache, replica routing, sessions, users, CSRF) cost more than
    its own work. Its address is matched directly, not by walking the whole
    URLconf, in the forms that URLconf gives it in each language.

    Its answer is put inside the page, so when something fails it is empty:
    a not-found or error page would show in the middle of the story."""

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    @functools.cache
    def _addresses():
        """(pattern, language) for the include's address in each language."""
        found = []
        for language, _ in settings.LANGUAGES:
            with translation.override(language):
                example = reverse("articles:views", kwargs={"pk": 1})
            prefix, suffix = example.rsplit("/1/", 1)
            # Ids no longer than any database's: longer digit strings go on
            # to the URLconf (a not-found page), never to int().
            pattern = re.compile(
                rf"{re.escape(prefix)}/(?P<pk>[0-9]{{1,30}})/{re.escape(suffix)}\Z"
            )
            found.append((pattern, language))
        return found

    def __call__(self, request):
        path = request.path_info
        if "/views/" in path:
            for pattern, language in self._addresses():
                if match := pattern.match(path):
                    return self.answer(request, int(match["pk"]), language)
        return self.get_response(request)

    @staticmethod
    def answer(request, pk, language):
        with translation.override(language):
            try:
                return views.view_count(request, pk)
            except Http404:
                response = HttpResponse(status=404)
            except (OperationalError, InterfaceError) as error:
                logger.error("Database unavailable for a view count: %s", error)
                response = HttpResponse(status=503)
        add_never_cache_headers(response)
        return response
