from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from . import crawler_views
from .sitemaps import SITEMAPS

app_name = "crawlers"

urlpatterns = [
    path("robots.txt", crawler_views.robots_txt, name="robots"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "crawlers:sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
]
