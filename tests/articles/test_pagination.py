"""Counts, deep pages and search rankings are kept until the lists change
(articles.pagination): they change when the content does, not per request,
and every page shows exactly what counting and OFFSET would."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from articles import search
from articles.filters import ArticleFilter
from articles.models import Article
from articles.pagination import NewestFirstPaginator, RankedPaginator
from articles.sitemaps import ArticleSitemap
from caching import keys
from caching.services import purge


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.NEWSROOM_SHARED_CACHE_SECONDS = 0


def html(response):
    return response.content.decode()


def titles(response):
    """The result cards' titles, in page order, without highlighting."""
    found = re.findall(
        r'class="card-title"(?: lang="\w+")?><a href="[^"]*">(.*?)</a>', html(response)
    )
    return [re.sub(r"</?mark>", "", title) for title in found]


def sql_of(queries):
    return [query["sql"] for query in queries.captured_queries]


# --- The count ------------------------------------------------------------------------


def test_a_new_story_changes_the_number_of_pages(
    client, make_article, now, django_capture_on_commit_callbacks
):
    for _ in range(20):
        make_article()
    assert "Page 1 of" not in html(client.get("/news/"))
    assert client.get("/news/", {"page": 2}).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        make_article(title="The twenty-first story", published_at=now)

    response = client.get("/news/")
    assert "Page 1 of 2" in html(response)
    assert "The twenty-first story" in titles(response)
    assert client.get("/news/", {"page": 2}).status_code == 200


def test_a_removed_story_takes_its_page_away(
    client, make_article, django_capture_on_commit_callbacks
):
    stories = [make_article() for _ in range(21)]
    assert client.get("/news/", {"page": 2}).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        stories[0].delete()

    assert client.get("/news/", {"page": 2}).status_code == 404
    assert "Page 1 of" not in html(client.get("/news/"))


def test_the_count_is_not_taken_again_while_nothing_changes(client, make_article):
    for _ in range(25):
        make_article()
    client.get("/news/")

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/news/", {"page": 2})

    assert "Page 2 of 2" in html(response)
    assert not [sql for sql in sql_of(queries) if "COUNT(" in sql]


def test_the_kept_count_lasts_until_the_lists_are_purged(
    client, make_article, organization
):
    for _ in range(20):
        make_article()
    assert client.get("/news/", {"page": 2}).status_code == 404

    # Written past the models' signals, as a raw import would be: no key
    # moves, so neither does the count kept under them.
    Article.objects.bulk_create(
        [
            Article(
                title="Imported",
                slug="imported",
                body="<p>Imported.</p>",
                status=Article.Status.PUBLISHED,
                organization=organization,
            )
        ]
    )
    assert client.get("/news/", {"page": 2}).status_code == 404

    purge({keys.ARTICLE_LISTS})

    assert "Page 2 of 2" in html(client.get("/news/", {"page": 2}))


def test_each_filter_keeps_its_own_count(client, make_article, make_organization):
    other = make_organization(slug="other")
    for _ in range(21):
        make_article()
    make_article(organization=other)

    assert "Page 1 of 2" in html(client.get("/news/"))
    assert "Page 1 of" not in html(client.get("/news/", {"organization": "other"}))
    assert client.get("/news/", {"organization": "other", "page": 2}).status_code == 404


def test_the_organization_page_counts_only_its_own_stories(
    client, make_article, make_organization
):
    other = make_organization(slug="other")
    for _ in range(21):
        make_article(organization=other)
    make_article()

    assert "Page 1 of 2" in html(client.get("/organizations/other/"))
    assert "Page 1 of" not in html(client.get("/organizations/belta/"))
    assert client.get("/organizations/belta/", {"page": 2}).status_code == 404


# --- Deep pages -----------------------------------------------------------------------


@pytest.fixture
def tied_stories(make_article, now, make_organization):
    """95 public stories published seven at a time at the same instant (ties
    that only the pk orders), with drafts and a scheduled story among them."""
    for n in range(95):
        make_article(title=f"Story {n}", published_at=now - timedelta(minutes=n // 7))
    make_article(title="A draft", status=Article.Status.DRAFT)
    make_article(title="Scheduled", published_at=now + timedelta(days=1))


def newest_first_titles(queryset):
    return list(
        queryset.order_by("-published_at", "-pk").values_list("title", flat=True)
    )


@pytest.mark.parametrize("pages_per_anchor", [1, 2, 10])
def test_every_page_shows_exactly_the_stories_offset_would(
    client, tied_stories, monkeypatch, pages_per_anchor
):
    monkeypatch.setattr(NewestFirstPaginator, "pages_per_anchor", pages_per_anchor)
    expected = newest_first_titles(Article.objects.published())
    assert len(expected) == 95

    for number in range(1, 6):
        response = client.get("/news/", {"page": number})
        assert response.status_code == 200
        assert titles(response) == expected[(number - 1) * 20 : number * 20]
        assert f"Page {number} of 5" in html(response)
    assert client.get("/news/", {"page": 6}).status_code == 404


def test_a_deep_page_seeks_its_anchor_instead_of_skipping_rows(tied_stories):
    def paginator():
        return NewestFirstPaginator(
            Article.objects.published().for_cards(),
            20,
            cache_key="tied",
            pages_per_anchor=2,
        )

    list(paginator().page(5))  # finds the count and the anchors

    with CaptureQueriesContext(connection) as queries:
        page = paginator().page(5)
        shown = [article.title for article in page]

    # The stories, then their organizations (no join: see NewestFirstPaginator),
    # beside the checks of the kept count's and anchors' surrogate keys.
    stories, organizations = [
        sql for sql in sql_of(queries) if "caching_surrogatekey" not in sql
    ]
    assert shown == newest_first_titles(Article.objects.published())[80:]
    assert "OFFSET" not in stories
    assert "BETWEEN" in stories
    assert "articles_organization" in organizations


def test_the_first_pages_need_no_anchors(client, tied_stories):
    with CaptureQueriesContext(connection) as queries:
        client.get("/news/", {"page": 3})

    assert not [sql for sql in sql_of(queries) if "ROW_NUMBER" in sql]


def test_an_organizations_deep_pages_match_offset_too(
    client, tied_stories, monkeypatch, make_article, make_organization, now
):
    monkeypatch.setattr(NewestFirstPaginator, "pages_per_anchor", 1)
    other = make_organization(slug="other")
    for n in range(30):
        make_article(
            title=f"Other {n}",
            organization=other,
            published_at=now - timedelta(hours=n // 4),
        )
    expected = newest_first_titles(
        Article.objects.published().filter(organization=other)
    )

    first = client.get("/organizations/other/")
    second = client.get("/organizations/other/", {"page": 2})

    assert re.findall(r"Other \d+", html(first))[:20] == expected[:20]
    assert re.findall(r"Other \d+", html(second)) == expected[20:]


def test_the_sitemap_sections_list_every_story_once_in_order(
    client, tied_stories, monkeypatch
):
    monkeypatch.setattr(ArticleSitemap, "limit", 10)
    expected = [
        article.get_absolute_url()
        for article in Article.objects.published().order_by("-published_at", "-pk")
    ]

    listed = []
    for number in range(1, 11):
        response = client.get("/sitemap-articles.xml", {"p": number})
        assert response.status_code == 200
        listed += re.findall(r"<loc>http://testserver([^<]*)</loc>", html(response))

    assert listed == expected
    assert client.get("/sitemap-articles.xml", {"p": 11}).status_code == 404


# --- Search ---------------------------------------------------------------------------


@pytest.fixture
def border_stories(make_article, now):
    """45 stories about the border (some in the title, some in the lead only)
    and a few that are not."""
    for n in range(45):
        if n % 3:
            make_article(
                title=f"Border story {n}", published_at=now - timedelta(hours=n)
            )
        else:
            make_article(
                title=f"Lead story {n}",
                lead="Talks at the border.",
                published_at=now - timedelta(hours=n),
            )
    for n in range(5):
        make_article(title=f"Harvest {n}")


def ranked_titles(words):
    return [
        article.title
        for article in search.search(Article.objects.published().for_cards(), words)
    ]


@pytest.mark.parametrize("max_ranked", [1000, 20])
def test_search_pages_show_exactly_the_ranked_results_offset_would(
    client, border_stories, monkeypatch, max_ranked
):
    # With 20 kept ids, page 2 onwards are read by OFFSET: the same stories.
    monkeypatch.setattr(RankedPaginator, "max_ranked", max_ranked)
    expected = ranked_titles("border")
    assert len(expected) == 45

    for number in range(1, 4):
        response = client.get("/news/", {"q": "border", "page": number})
        assert titles(response) == expected[(number - 1) * 20 : number * 20]
        assert f"Page {number} of 3" in html(response)
    assert client.get("/news/", {"q": "border", "page": 4}).status_code == 404


def test_search_ranks_once_until_the_lists_change(client, border_stories):
    client.get("/news/", {"q": "border"})

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/news/", {"q": "border", "page": 2})

    assert len(titles(response)) == 20
    assert not [sql for sql in sql_of(queries) if "COUNT(" in sql]


def test_a_new_matching_story_joins_the_search_results(
    client, border_stories, make_article, now, django_capture_on_commit_callbacks
):
    assert "Fresh border news" not in titles(client.get("/news/", {"q": "border"}))

    with django_capture_on_commit_callbacks(execute=True):
        make_article(title="Fresh border news", published_at=now)

    response = client.get("/news/", {"q": "border"})
    assert "Fresh border news" in titles(response)
    assert "Page 1 of 3" in html(response)


def test_search_pages_keep_their_highlights(client, border_stories):
    first = client.get("/news/", {"q": "border"})
    # Title matches rank first; page 2 ends with stories matching in the lead.
    second = client.get("/news/", {"q": "border", "page": 2})

    assert "<mark>Border</mark> story" in html(first)
    assert "Talks at the <mark>border</mark>." in html(second)


# --- The list's name ------------------------------------------------------------------


def filter_key(query):
    filterset = ArticleFilter(QueryDict(query))
    assert filterset.is_valid()
    return filterset.cache_key()


def test_the_same_filters_make_the_same_key_however_written(make_organization, db):
    make_organization(slug="a")
    make_organization(slug="b")

    assert filter_key("organization=a&organization=b&language=ru") == filter_key(
        "language=ru&organization=b&organization=a&page=3&utm_source=x&q="
    )


def test_different_filters_make_different_keys(make_organization, db):
    make_organization(slug="a")
    make_organization(slug="b")

    keys = {
        filter_key(query)
        for query in [
            "",
            "organization=a",
            "organization=b",
            "organization=a&organization=b",
            "language=ru",
            "date_from=2025-06-01",
            "date_to=2025-06-01",
            "q=border",
            "q=border+language=ru",
        ]
    }
    assert len(keys) == 9
