"""/api/articles/: the published stories, with the filters of /news/."""

import base64
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.http import QueryDict

from articles.filters import ArticleFilter
from articles.models import Article

MINSK = ZoneInfo("Europe/Minsk")


def minsk(*args):
    return datetime(*args, tzinfo=MINSK)


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


@pytest.fixture
def sco_rats(make_organization):
    return make_organization(
        name="Executive Committee of the SCO Regional Anti-Terrorist Structure",
        short_name="SCO RATS",
        slug="sco-rats",
        native_name="Исполнительный комитет РАТС ШОС",
    )


# --- What it lists --------------------------------------------------------------


def test_it_lists_published_articles_newest_first(api_client, make_article, now):
    older = make_article(published_at=now - timedelta(days=2))
    newer = make_article(published_at=now - timedelta(days=1))

    response = api_client.get("/api/articles/")

    assert response["Content-Type"] == "application/json"
    assert ids(response) == [newer.pk, older.pk]


def test_it_never_lists_drafts_scheduled_or_expired_articles(
    api_client, make_article, now
):
    live = make_article()
    make_article(status=Article.Status.DRAFT)
    make_article(published_at=now + timedelta(hours=1))
    make_article(
        published_at=now - timedelta(days=2), expires_at=now - timedelta(days=1)
    )

    assert ids(api_client.get("/api/articles/")) == [live.pk]


def test_an_article_carries_its_text_source_and_absolute_addresses(
    api_client, make_article, organization, settings
):
    settings.ALLOWED_HOSTS = ["news.example.org"]
    article = make_article(
        title="Forum in Almaty",
        lead="A forum met.",
        body="<p>It met.</p>",
        dateline="Almaty",
        byline="A. Writer",
        source_url="https://belta.by/forum",
        published_at=minsk(2023, 7, 6, 12, 0),
    )

    response = api_client.get("/api/articles/", HTTP_HOST="news.example.org")

    [item] = response.json()["results"]
    assert item["id"] == article.pk
    assert (
        item["url"] == "http://news.example.org/news/2023/07/06/" + article.slug + "/"
    )
    assert item["title"] == "Forum in Almaty"
    assert item["lead"] == "A forum met."
    assert item["body"] == "<p>It met.</p>"
    assert item["dateline"] == "Almaty"
    assert item["byline"] == "A. Writer"
    assert item["source_url"] == "https://belta.by/forum"
    assert item["language"] == "en"
    assert item["published_at"] == "2023-07-06T12:00:00+03:00"
    assert item["organization"]["slug"] == "belta"
    assert item["organization"]["url"] == "http://news.example.org/organizations/belta/"
    assert item["hero_image"] is None
    assert "view_count" not in item


def test_addresses_are_the_unprefixed_ones_whatever_language_the_browser_asks_for(
    api_client, make_article
):
    make_article()

    response = api_client.get("/api/articles/", HTTP_ACCEPT_LANGUAGE="ru")

    assert "/ru/" not in response.json()["results"][0]["url"]


def test_it_refuses_every_write_method(api_client, make_article):
    article = make_article()

    for method in ("post", "put", "patch", "delete"):
        for path in ("/api/articles/", f"/api/articles/{article.pk}/"):
            response = getattr(api_client, method)(path)

            assert response.status_code == 405, (method, path)
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED


# --- One article ----------------------------------------------------------------


def test_a_published_article_is_found_by_its_id(api_client, make_article):
    article = make_article()

    response = api_client.get(f"/api/articles/{article.pk}/")

    assert response.status_code == 200
    assert response.json()["title"] == article.title


@pytest.mark.parametrize("state", ["draft", "scheduled", "expired"])
def test_an_unpublished_article_is_a_404(api_client, make_article, now, state):
    article = make_article(
        **{
            "draft": {"status": Article.Status.DRAFT},
            "scheduled": {"published_at": now + timedelta(hours=1)},
            "expired": {
                "published_at": now - timedelta(days=2),
                "expires_at": now - timedelta(days=1),
            },
        }[state]
    )

    response = api_client.get(f"/api/articles/{article.pk}/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_staff_get_no_previews_from_the_api(api_client, make_article, editor, settings):
    settings.SESSION_COOKIE_SECURE = False
    draft = make_article(status=Article.Status.DRAFT)
    api_client.force_login(editor)

    assert api_client.get(f"/api/articles/{draft.pk}/").status_code == 404


@pytest.mark.parametrize("given", ["999999", "abc", "99999999999999999999999", "1.5"])
def test_an_id_of_no_article_is_a_404_in_json(api_client, make_article, given):
    make_article()

    response = api_client.get(f"/api/articles/{given}/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_an_articles_own_address_ignores_the_lists_filters(api_client, make_article):
    article = make_article(language="en")

    response = api_client.get(f"/api/articles/{article.pk}/?language=ru")

    assert response.status_code == 200


# --- The filters of /news/ ------------------------------------------------------


@pytest.fixture
def filter_cases(make_article, organization, sco_rats):
    """Stories the filter queries below tell apart."""
    make_article(
        organization=sco_rats, language="en", published_at=minsk(2023, 7, 7, 0, 0)
    )
    make_article(organization=sco_rats, language="ru", title="Форум в Алматы")
    make_article(
        organization=organization,
        title="Security forum opens in Almaty",
        published_at=minsk(2023, 7, 6, 23, 59, 59),
    )
    make_article(organization=organization, language="be")


VALID_QUERIES = [
    "",
    "colour=blue&page=2&utm_source=x",
    "organization=&date_from=&date_to=&language=&q=",
    "q=++",
    "organization=belta",
    "organization=belta&organization=sco-rats",
    "date_from=2023-07-07",
    "date_to=2023-07-06",
    "date_from=2023-07-06&date_to=2023-07-06",
    "date_from=0001-01-01&date_to=9999-12-31",
    "language=ru",
    "q=forum",
    "q=Forum+almaty",
    "organization=sco-rats&language=en&date_from=2023-07-01&date_to=2023-07-07",
]


@pytest.mark.parametrize("query", VALID_QUERIES)
def test_it_selects_what_the_news_pages_filterset_selects(
    api_client, filter_cases, query
):
    expected = ArticleFilter(QueryDict(query)).qs.order_by("-published_at", "-pk")

    response = api_client.get(f"/api/articles/?{query}&limit=100")

    assert ids(response) == [article.pk for article in expected]


INVALID_QUERIES = [
    ("date_from=2023-13-45", "date_from"),
    ("date_from=2023-02-30", "date_from"),
    ("date_from=06.07.2023", "date_from"),
    ("date_to=07/06/2023", "date_to"),
    ("date_to=yesterday", "date_to"),
    ("organization=no-such-org", "organization"),
    ("organization=belta&organization=no-such-org", "organization"),
    ("language=de", "language"),
    ("date_from=2023-07-07&date_to=2023-07-06", "date_to"),
]


@pytest.mark.parametrize(("query", "field"), INVALID_QUERIES)
def test_an_invalid_filter_is_a_400_in_json_naming_the_field(
    api_client, filter_cases, query, field
):
    response = api_client.get(f"/api/articles/?{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    errors = response.json()
    assert list(errors) == [field]
    assert list(errors) == list(ArticleFilter(QueryDict(query)).errors)
    assert all(isinstance(message, str) for message in errors[field])


def test_a_bad_date_is_named_with_the_date_forms_message(api_client, make_article):
    make_article()

    response = api_client.get("/api/articles/?date_from=2023-13-45")

    assert response.json() == {"date_from": ["Enter a valid date."]}


def test_with_q_the_matches_come_newest_first(api_client, make_article, now):
    in_body = make_article(
        body="<p>The forum met.</p>", published_at=now - timedelta(hours=1)
    )
    in_title = make_article(title="Forum opens", published_at=now - timedelta(days=1))
    make_article(title="Harvest")

    assert ids(api_client.get("/api/articles/?q=forum")) == [in_body.pk, in_title.pk]


@pytest.mark.parametrize(
    "q", ["-" * 33, '"unbalanced', "a AND OR NOT (", "x" * 10_000, "\x00"]
)
def test_any_search_text_gets_an_answer(api_client, make_article, q):
    make_article()

    response = api_client.get("/api/articles/", {"q": q})

    assert response.status_code in (200, 400)
    assert response["Content-Type"] == "application/json"


# --- Pages ----------------------------------------------------------------------


def test_pages_follow_next_links_through_every_article_once(
    api_client, make_article, now
):
    # Two stories share each publication time: the cursor keeps them apart.
    articles = [
        make_article(published_at=now - timedelta(hours=hour))
        for hour in (1, 1, 2, 2, 3)
    ]
    seen = []
    url = "/api/articles/?limit=2"
    while url:
        page = api_client.get(url).json()
        seen += [item["id"] for item in page["results"]]
        url = page["next"]

    assert sorted(seen) == sorted(article.pk for article in articles)
    assert len(seen) == len(set(seen))


def test_the_next_link_is_absolute_on_the_requests_host_and_keeps_the_filters(
    api_client, make_article, settings
):
    settings.ALLOWED_HOSTS = ["news.example.org"]
    make_article()
    make_article()

    page = api_client.get(
        "/api/articles/?limit=1&language=en", HTTP_HOST="news.example.org"
    ).json()

    assert page["next"].startswith("http://news.example.org/api/articles/?")
    assert "language=en" in page["next"]
    assert "limit=1" in page["next"]
    assert page["previous"] is None


def test_a_page_has_twenty_articles_by_default(api_client, make_article):
    for _ in range(21):
        make_article()

    assert len(ids(api_client.get("/api/articles/"))) == 20


def test_limit_is_capped_at_one_hundred(api_client, make_article, organization, now):
    Article.objects.bulk_create(
        Article(
            title=f"Story {n}",
            slug=f"bulk-story-{n}",
            body="<p>Text.</p>",
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(minutes=n + 1),
            organization=organization,
        )
        for n in range(101)
    )

    assert len(ids(api_client.get("/api/articles/?limit=100"))) == 100
    assert len(ids(api_client.get("/api/articles/?limit=101"))) == 100
    assert len(ids(api_client.get(f"/api/articles/?limit={'9' * 5000}"))) == 100
    assert len(ids(api_client.get("/api/articles/?limit=3"))) == 3


@pytest.mark.parametrize("limit", ["abc", "0", "-1", "1.5", "+5", "1e3", "٣"])
def test_a_limit_that_is_not_a_positive_whole_number_is_a_400_naming_it(
    api_client, make_article, limit
):
    make_article()

    response = api_client.get("/api/articles/", {"limit": limit})

    assert response.status_code == 400
    assert list(response.json()) == ["limit"]


def test_an_empty_limit_is_ignored(api_client, make_article):
    make_article()

    assert len(ids(api_client.get("/api/articles/?limit="))) == 1


def cursor(text):
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "given",
    [
        "not-a-cursor",
        cursor("p=yesterday"),
        cursor("p=2023-13-45 10:00:00+00:00"),
        cursor("p=2023-07-06 10:00:00"),
        cursor("o=x"),
    ],
)
def test_a_cursor_we_did_not_make_is_a_400_naming_it(api_client, make_article, given):
    make_article()

    response = api_client.get("/api/articles/", {"cursor": given})

    assert response.status_code == 400
    assert list(response.json()) == ["cursor"]


def test_errors_are_in_english_whatever_language_the_browser_asks_for(
    api_client, make_article
):
    make_article()

    response = api_client.get(
        "/api/articles/?date_from=2023-13-45", HTTP_ACCEPT_LANGUAGE="ru"
    )

    assert response.json() == {"date_from": ["Enter a valid date."]}


def test_a_hero_image_is_given_with_its_absolute_address_and_words(
    api_client, make_article, image_upload
):
    article = make_article(
        hero_image=image_upload("forum.png", size=(640, 480)),
        hero_caption="The forum",
        hero_credit="BelTA",
        hero_alt_text="Delegates at a table",
    )

    hero = api_client.get(f"/api/articles/{article.pk}/").json()["hero_image"]

    assert hero["url"].startswith("http://testserver/media/articles/")
    assert (hero["width"], hero["height"]) == (640, 480)
    assert hero["caption"] == "The forum"
    assert hero["credit"] == "BelTA"
    assert hero["alt_text"] == "Delegates at a table"
