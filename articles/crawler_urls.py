from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from pagecache.decorators import cache_per_content_version

from . import crawler_views
from .sitemaps import SITEMAPS

app_name = "crawlers"

# Crawlers come back daily; counting a large archive on every fetch is waste.
# Kept until anything public changes (a new story must be listed at once).
SITEMAP_CACHE_SECONDS = 60 * 60

urlpatterns = [
    path("robots.txt", crawler_views.robots_txt, name="robots"),
    path(
        "sitemap.xml",
        cache_per_content_version(SITEMAP_CACHE_SECONDS)(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "crawlers:sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cache_per_content_version(SITEMAP_CACHE_SECONDS)(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
]
