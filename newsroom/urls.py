from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

# Language-neutral addresses: monitors, crawlers, the admin.
urlpatterns = [
    path("", include("monitoring.urls")),
    path("", include("articles.crawler_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
]

# Readers' pages: English unprefixed, /ru/… and /be/… for the others.
urlpatterns += i18n_patterns(
    path("", include("articles.urls")),
    path("contacts/", include("contacts.urls")),
    path("gallery/", include("gallery.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
