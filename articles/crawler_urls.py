from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from caching.views import shared

from . import crawler_views
from .sitemaps import SITEMAPS, SURROGATE_KEYS

app_name = "crawlers"


def sitemap_keys(request, response):
    return SURROGATE_KEYS


urlpatterns = [
    path("robots.txt", crawler_views.robots_txt, name="robots"),
    path(
        "sitemap.xml",
        shared(sitemap_keys)(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "crawlers:sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        shared(sitemap_keys)(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
]
