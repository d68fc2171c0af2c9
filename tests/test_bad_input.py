"""Named tests for bad input that the other test files do not already name:
PRODUCT.md's rules on the archives and in the admin, and each crash the
hostile-input test (tests/test_hostile_input.py) found, kept as a regression."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from articles.models import Article
from tests.articles.test_admin import article_data, change_url
from tests.articles.test_views import article_elements, field_block

MINSK = ZoneInfo("Europe/Minsk")


@pytest.fixture
def july_story(make_article):
    return make_article(
        title="Sixth of July story",
        published_at=datetime(2023, 7, 6, 12, tzinfo=MINSK),
    )


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


# --- Archives ---------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/news/2023/", "/news/2023/07/", "/news/2023/07/06/"])
def test_date_from_after_date_to_on_an_archive_is_a_400_beside_date_to(
    client, july_story, url
):
    response = client.get(f"{url}?date_from=2023-07-07&date_to=2023-07-06")

    assert response.status_code == 400
    assert "The end date must not be before the start date." in field_block(
        response, "date_to"
    )
    assert article_elements(response) == 0


@pytest.mark.parametrize("url", ["/news/2023/", "/news/2023/07/", "/news/2023/07/06/"])
def test_an_archive_ignores_unknown_and_empty_parameters(client, july_story, url):
    response = client.get(f"{url}?utm_source=x&organization=&date_from=&q=")

    assert response.status_code == 200
    assert article_elements(response) == 1
    assert "Sixth of July story" in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/news/1000/", "/news/1000/01/", "/news/1000/01/01/", "/ru/news/1000/"]
)
def test_the_first_archive_addresses_have_no_link_to_year_999(client, db, url):
    response = client.get(url)

    assert response.status_code == 200
    assert "/news/0999/" not in response.content.decode()


def test_the_archive_after_year_1000_still_links_back_to_it(client, db):
    page = client.get("/news/1001/01/01/").content.decode()

    assert 'href="/news/1000/12/31/"' in page


# --- NUL bytes (PostgreSQL cannot store them) -------------------------------------


@pytest.mark.parametrize(
    "query",
    ["q=%00", "q=council%00", "organization=%00", "date_from=%00", "language=%00"],
)
def test_a_nul_byte_in_a_filter_is_a_400_with_no_results(client, july_story, query):
    response = client.get(f"/news/?{query}")

    assert response.status_code == 400
    assert article_elements(response) == 0


@pytest.mark.parametrize(
    "url",
    [
        "/admin/articles/article/?language__exact=%00",
        "/admin/articles/organization/?kind__exact=%00",
    ],
)
def test_a_nul_byte_in_an_admin_list_filter_is_never_a_server_error(
    superuser_client, july_story, url
):
    response = superuser_client.get(url)

    if connection.vendor == "postgresql":
        # Back to the plain list with Django's "wrong lookup" flag.
        assert response.status_code == 302
        assert response["Location"].endswith("?e=1")
    else:
        # SQLite stores NUL bytes: the filter simply matches nothing.
        assert response.status_code in (200, 302)


# --- The admin's date drill-down --------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "published_at__year=9999",
        "published_at__year=9999&published_at__month=12",
        "published_at__year=9999&published_at__month=12&published_at__day=31",
        "published_at__year=0",
    ],
)
def test_a_date_drill_down_off_the_calendar_returns_to_the_plain_list(
    superuser_client, july_story, query
):
    response = superuser_client.get(f"/admin/articles/article/?{query}")

    assert response.status_code == 302
    assert response["Location"] == "/admin/articles/article/?e=1"


def test_a_date_drill_down_to_year_1_is_never_a_server_error(
    superuser_client, july_story
):
    response = superuser_client.get(
        "/admin/articles/article/"
        "?published_at__year=1&published_at__month=1&published_at__day=1"
    )

    if connection.vendor == "postgresql":
        assert response.status_code == 200
        assert "0 articles" in response.content.decode()
    else:
        # SQLite stores UTC, and midnight of 1 January 1 in Minsk is in year 0.
        assert response.status_code == 302
        assert response["Location"] == "/admin/articles/article/?e=1"


def test_a_date_drill_down_on_the_calendar_still_filters(superuser_client, july_story):
    response = superuser_client.get(
        "/admin/articles/article/?published_at__year=2023&published_at__month=07"
    )

    assert response.status_code == 200
    assert "Sixth of July story" in response.content.decode()
    assert "1 article" in response.content.decode()


# --- Never a changed record -------------------------------------------------------


def test_a_rejected_admin_save_changes_nothing(superuser_client, july_story):
    data = article_data(
        july_story.organization,
        july_story,
        title="Changed title",
        published_at_0="2023-13-45",
    )

    response = superuser_client.post(change_url(july_story), data)

    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()
    saved = Article.objects.get(pk=july_story.pk)
    assert (saved.title, saved.version) == ("Sixth of July story", july_story.version)
