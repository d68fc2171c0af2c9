"""Every list page costs the same number of queries with a few stories and
with a thousand: counts, deep pages and search rankings are kept until the
lists change (articles.pagination), never recomputed per row or per page."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from articles.models import Article
from articles.pagination import NewestFirstPaginator
from articles.sitemaps import ArticleSitemap

# Fixed dates, so the archives below hold stories however many there are:
# six hours apart, back from the end of June 2025.
NEWEST = datetime(2025, 6, 30, 12, tzinfo=UTC)

# search.ranked_ids: the ranked ids and their count; on PostgreSQL in their
# own transaction (a savepoint in tests) that sets enable_seqscan off.
RANKING = 2 + (3 if connection.vendor == "postgresql" else 0)

# (address, queries the first time, queries again), with no page kept
# whole. The first request after a change pays for what is kept until the
# lists change (caching.services.remember): the count, past the first pages
# the page anchors, for a search the ranked ids and their count, the
# sidebar's month counts (two queries), the next scheduled change and, for
# pages (not feeds or sitemaps), the site's name and the footer's office with its
# numbers, kept until they are saved. Each request then checks those values'
# surrogate keys once, the name's and the office's among them (and the page's
# own when it is done). A list page also reads its stories, and the form's
# organizations when a filter is chosen; the form's fields without one are
# kept until the organizations change, and their key is read apart. A page found from
# an anchor reads its stories' organizations apart (NewestFirstPaginator). A
# filter by organization checks its slug against the organizations kept until
# one changes; the organization page reads its row every time.
PAGES = [
    ("/", 9, 4),
    ("/news/", 12, 3),
    ("/news/?page=2", 14, 4),
    ("/news/?organization=org-a", 13, 4),
    ("/news/?organization=org-a&page=2", 15, 5),
    ("/news/?date_from=2025-06-01&date_to=2025-06-30", 11, 3),
    ("/news/?language=ru", 11, 3),
    ("/news/?q=border", 10 + RANKING, 3),
    ("/news/?q=border&page=2", 10 + RANKING, 3),
    ("/news/2025/", 12, 3),
    ("/news/2025/06/", 12, 3),
    ("/news/2025/06/?page=2", 14, 4),
    ("/news/2025/06/29/", 12, 3),
    ("/organizations/org-a/", 9, 3),
    ("/organizations/org-a/?page=2", 10, 3),
    ("/news/feed/", 1, 1),
    ("/news/feed/?organization=org-a&q=border", 3, 2),
    ("/sitemap.xml", 6, 2),
    ("/sitemap-articles.xml", 3, 2),
    ("/sitemap-articles.xml?p=3", 4, 2),
]


def publish(count, organizations):
    """`count` public stories in one insert, newest first six hours apart;
    two in three mention the border, every fourth is Russian, two featured."""
    Article.objects.bulk_create(
        Article(
            title=f"{'Harvest' if n % 3 == 0 else 'Border'} story {n}",
            slug=f"story-{n}",
            lead=f"The lead of story {n}.",
            body=f"<p>The body of story {n}.</p>",
            status=Article.Status.PUBLISHED,
            published_at=NEWEST - timedelta(hours=6 * n),
            organization=organizations[n % len(organizations)],
            language="ru" if n % 4 == 0 else "en",
            is_featured=n in (5, 7),
        )
        for n in range(count)
    )


@pytest.fixture
def site(settings, monkeypatch, make_organization, make_contact, make_photo):
    """The furniture every page shows, no page kept whole, and small sections and
    anchors so that the deep-page paths run with few stories too."""
    settings.NEWSROOM_SHARED_CACHE_SECONDS = 0
    monkeypatch.setattr(NewestFirstPaginator, "pages_per_anchor", 1)
    monkeypatch.setattr(ArticleSitemap, "limit", 10)
    make_photo(caption="Tysenhaus Palace")
    make_contact(name="Postavy District Executive Committee", is_primary=True)
    return [
        make_organization(slug="org-a", short_name="A"),
        make_organization(slug="org-b", short_name="B"),
    ]


@pytest.mark.parametrize("stories", [45, 1000])
@pytest.mark.parametrize(("url", "first", "again"), PAGES)
def test_each_list_page_costs_the_same_queries_however_many_stories(
    client, site, django_assert_num_queries, stories, url, first, again
):
    publish(stories, site)

    with django_assert_num_queries(first):
        response = client.get(url)
    assert response.status_code == 200

    with django_assert_num_queries(again):
        response = client.get(url)
    assert response.status_code == 200


def test_a_rejected_filter_is_still_rejected_when_asked_again(client, site):
    publish(45, site)
    for _ in range(2):
        response = client.get("/news/?organization=nobody")
        assert response.status_code == 400
        assert b"nobody" in response.content
