from django.urls import path, re_path

from caching import keys
from caching.views import shared

from . import views
from .feeds import NewsAtomFeed, NewsFeed

app_name = "articles"


def feed_keys(request, response):
    # Items carry each story's text; the channel names the sources.
    return (keys.ARTICLE_LISTS, keys.ARTICLE_SEARCHES, keys.ORGANIZATIONS)


# Dates in addresses are always zero-padded (2023/07/06), so each article and
# archive has one address; years before 1000 are not a newsroom's business.
YEAR = r"(?P<year>[1-9][0-9]{3})"
MONTH = r"(?P<month>[0-9]{2})"
DAY = r"(?P<day>[0-9]{2})"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("news/", views.ArticleListView.as_view(), name="list"),
    path(
        "news/feed/",
        shared(feed_keys)(NewsFeed()),
        name="feed",
    ),
    path(
        "news/feed/atom/",
        shared(feed_keys)(NewsAtomFeed()),
        name="feed-atom",
    ),
    re_path(
        rf"^news/{YEAR}/$", views.ArticleYearArchiveView.as_view(), name="archive-year"
    ),
    re_path(
        rf"^news/{YEAR}/{MONTH}/$",
        views.ArticleMonthArchiveView.as_view(),
        name="archive-month",
    ),
    re_path(
        rf"^news/{YEAR}/{MONTH}/{DAY}/$",
        views.ArticleDayArchiveView.as_view(),
        name="archive-day",
    ),
    re_path(
        rf"^news/{YEAR}/{MONTH}/{DAY}/(?P<slug>[-\w]+)/$",
        views.ArticleDetailView.as_view(),
        name="detail",
    ),
    # The view count on an article page: included by the edge, never cached.
    path("views/<int:pk>/", views.view_count, name="views"),
    path(
        "organizations/",
        views.OrganizationListView.as_view(),
        name="organization-list",
    ),
    path(
        "organizations/<slug:slug>/",
        views.OrganizationDetailView.as_view(),
        name="organization-detail",
    ),
]
