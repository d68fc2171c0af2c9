from django.contrib.sitemaps import views as sitemap_views
from django.urls import path
from django.views.decorators.cache import cache_page

from . import crawler_views
from .sitemaps import SITEMAPS

app_name = "crawlers"

# Crawlers come back daily; counting a large archive on every fetch is waste.
SITEMAP_CACHE_SECONDS = 15 * 60

urlpatterns = [
    path("robots.txt", crawler_views.robots_txt, name="robots"),
    path(
        "sitemap.xml",
        cache_page(SITEMAP_CACHE_SECONDS)(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "crawlers:sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cache_page(SITEMAP_CACHE_SECONDS)(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
]
