from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers


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
