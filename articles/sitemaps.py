from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from caching import keys
from caching.services import remember

from .models import Article, Organization
from .pagination import CACHE_SECONDS, NewestFirstPaginator
from .templatetags.article_tags import archive_month_counts

# What the sitemaps show: which stories are public, when each last changed,
# and the sources.
SURROGATE_KEYS = (keys.ARTICLE_LISTS, keys.ARTICLE_SEARCHES, keys.ORGANIZATIONS)


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8
    # Small sections keep each page's rendering (and memory) bounded; the
    # index at /sitemap.xml lists them all.
    limit = 5000

    def items(self):
        return (
            Article.objects.published()
            .newest_first()
            .only("slug", "published_at", "updated_at")
        )

    @property
    def paginator(self):
        # By OFFSET, section 19 sorted and skipped 90,000 rows (PostgreSQL
        # 142 ms, SQLite 299 ms at 100,000 stories); from an anchor each
        # section reads only its own 5,000, as the first does. The count is
        # kept until the lists change.
        return NewestFirstPaginator(
            self.items(),
            self.limit,
            cache_key="sitemap:articles",
            pages_per_anchor=1,
        )

    def lastmod(self, article):
        return article.updated_at

    def get_latest_lastmod(self):
        # Django's default calls lastmod() on every item, loading the whole
        # archive for the index; one aggregate gives the same answer, and it
        # changes only when a story does.
        return remember(
            "articles:sitemap:latest-lastmod",
            SURROGATE_KEYS,
            lambda: self.items().aggregate(latest=Max("updated_at"))["latest"],
            CACHE_SECONDS,
        )


class OrganizationSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return Organization.objects.order_by("slug").only("slug")


class ArchiveSitemap(Sitemap):
    """One URL per month that has published news, from the archive sidebar's
    cached month counts (grouping a large archive by month is slow)."""

    changefreq = "monthly"
    priority = 0.4

    def items(self):
        return [(year, month) for year, month, _count in archive_month_counts()]

    def location(self, year_month):
        year, month = year_month
        return reverse(
            "articles:archive-month", kwargs={"year": year, "month": f"{month:02d}"}
        )


class PageSitemap(Sitemap):
    """The fixed pages, in every interface language."""

    changefreq = "daily"
    priority = 0.6
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return [
            "articles:home",
            "articles:list",
            "articles:organization-list",
            "contacts:list",
            "gallery:list",
        ]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": PageSitemap,
    "articles": ArticleSitemap,
    "organizations": OrganizationSitemap,
    "archives": ArchiveSitemap,
}
