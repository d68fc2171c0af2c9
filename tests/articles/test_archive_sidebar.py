"""The news archive in the sidebar of /news/ and the date archives: each year
and month with how many stories it holds, from two queries, cached."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from articles.models import Article
from articles.templatetags.article_tags import archive_month_counts

MINSK = ZoneInfo("Europe/Minsk")


def sidebar(response):
    page = response.content.decode()
    start = page.index('<nav class="archive-months"')
    return page[start : page.index("</nav>", start)]


def months_shown(response):
    """[(link, label, count)] for each month in the archive sidebar."""
    return re.findall(
        r'<li><a href="([^"]+)">([^<]+)</a> <span class="archive-count">\((\d+)\)',
        sidebar(response),
    )


@pytest.fixture
def stories(make_article):
    for day in (6, 7, 20):
        make_article(published_at=datetime(2023, 7, day, 12, tzinfo=MINSK))
    make_article(published_at=datetime(2023, 5, 1, 12, tzinfo=MINSK))
    make_article(published_at=datetime(2022, 12, 31, 12, tzinfo=MINSK))


def test_the_news_list_shows_each_month_with_its_count_newest_first(client, stories):
    response = client.get("/news/")

    assert months_shown(response) == [
        ("/news/2023/07/", "July", "3"),
        ("/news/2023/05/", "May", "1"),
        ("/news/2022/12/", "December", "1"),
    ]
    years = re.findall(
        r'<a href="([^"]+)">(\d{4})</a>\s*<span class="archive-count">\((\d+)\)',
        sidebar(response),
    )
    assert years == [("/news/2023/", "2023", "4"), ("/news/2022/", "2022", "1")]


def test_the_archive_sidebar_is_on_the_archives_too(client, stories):
    response = client.get("/news/2023/05/")

    assert ("/news/2023/07/", "July", "3") in months_shown(response)


def test_the_counts_leave_out_drafts_scheduled_and_expired_stories(
    client, make_article, now
):
    make_article(published_at=datetime(2023, 7, 6, tzinfo=MINSK))
    make_article(
        published_at=datetime(2023, 7, 7, tzinfo=MINSK), status=Article.Status.DRAFT
    )
    make_article(published_at=now + timedelta(days=1))
    make_article(
        published_at=datetime(2023, 7, 8, tzinfo=MINSK),
        expires_at=now - timedelta(hours=1),
    )

    assert months_shown(client.get("/news/")) == [("/news/2023/07/", "July", "1")]


def test_a_story_is_counted_in_its_minsk_month(client, make_article):
    # 22:30 UTC on 31 July is already 01:30 on 1 August in Minsk.
    make_article(published_at=datetime(2023, 7, 31, 22, 30, tzinfo=UTC))

    assert months_shown(client.get("/news/")) == [("/news/2023/08/", "August", "1")]


def test_months_follow_summer_time_in_the_sites_time_zone(settings, make_article):
    settings.TIME_ZONE = "Europe/London"
    # 23:30 UTC: already August in London's summer time, still December in
    # its winter time.
    make_article(published_at=datetime(2023, 7, 31, 23, 30, tzinfo=UTC))
    make_article(published_at=datetime(2023, 12, 31, 23, 30, tzinfo=UTC))
    make_article(published_at=datetime(2024, 3, 31, 0, 30, tzinfo=UTC))

    assert archive_month_counts() == [(2024, 3, 1), (2023, 12, 1), (2023, 8, 1)]


def test_a_story_dated_centuries_back_is_counted_without_a_query_that_grows(
    make_article, django_assert_max_num_queries
):
    # A year typed wrong (1023 for 2023): the halving would need a branch for
    # each of the 12,000 months between; the database groups by month instead.
    make_article(published_at=datetime(1023, 7, 6, 12, tzinfo=MINSK))
    make_article(published_at=datetime(2023, 7, 6, 12, tzinfo=MINSK))

    with django_assert_max_num_queries(3) as queries:
        counts = archive_month_counts()

    assert counts == [(2023, 7, 1), (1023, 7, 1)]
    assert max(len(query["sql"]) for query in queries.captured_queries) < 5_000


def test_the_counts_take_two_queries_and_then_only_the_keys_check_while_cached(
    stories, django_assert_num_queries
):
    # The lists' surrogate key, the first and last dates, the grouped count.
    with django_assert_num_queries(3):
        first = archive_month_counts()
    with django_assert_num_queries(1):
        second = archive_month_counts()

    assert first == second == [(2023, 7, 3), (2023, 5, 1), (2022, 12, 1)]


def test_a_new_story_is_counted_at_once(client, stories, make_article):
    assert ("/news/2023/05/", "May", "1") in months_shown(client.get("/news/"))

    make_article(published_at=datetime(2023, 5, 2, tzinfo=MINSK))

    assert ("/news/2023/05/", "May", "2") in months_shown(client.get("/news/"))


def test_the_month_names_follow_the_language(client, stories):
    assert ("/ru/news/2023/07/", "Июль", "3") in months_shown(client.get("/ru/news/"))
    assert ("/be/news/2023/07/", "Ліпень", "3") in months_shown(client.get("/be/news/"))


def test_with_no_published_news_there_is_no_archive(client, db):
    assert 'class="archive-months"' not in client.get("/news/").content.decode()


def test_the_filters_still_work_inside_a_month_from_the_sidebar(
    client, stories, make_article, make_organization
):
    other = make_organization(slug="sco-rats", short_name="SCO RATS")
    make_article(
        title="The other source's July story",
        organization=other,
        published_at=datetime(2023, 7, 7, 15, tzinfo=MINSK),
    )

    response = client.get("/news/2023/07/?organization=sco-rats")

    assert response.status_code == 200
    page = response.content.decode()
    assert len(re.findall(r"<article[\s>]", page)) == 1
    assert "The other source&#x27;s July story" in page


def archive_nav(response):
    page = response.content.decode()
    if '<nav class="archive-nav"' not in page:
        return []
    start = page.index('<nav class="archive-nav"')
    return re.findall(r'<a href="([^"]+)"', page[start : page.index("</nav>", start)])


def test_a_month_archive_leads_to_the_nearest_months_that_have_news(client, stories):
    assert archive_nav(client.get("/news/2023/05/")) == [
        "/news/2022/12/",
        "/news/2023/07/",
    ]
    assert archive_nav(client.get("/news/2023/07/")) == ["/news/2023/05/"]
    assert archive_nav(client.get("/news/2023/06/")) == [
        "/news/2023/05/",
        "/news/2023/07/",
    ]


def test_a_year_archive_leads_to_the_nearest_years_that_have_news(client, stories):
    assert archive_nav(client.get("/news/2022/")) == ["/news/2023/"]
    assert archive_nav(client.get("/news/2023/")) == ["/news/2022/"]


def test_a_day_archive_leads_to_the_days_beside_it_and_up_to_its_month(client, stories):
    response = client.get("/ru/news/2023/07/06/")

    assert archive_nav(response) == [
        "/ru/news/2023/07/05/",
        "/ru/news/2023/07/",
        "/ru/news/2023/07/07/",
    ]
    assert "Все новости: Июль 2023" in response.content.decode()


def test_a_lone_month_has_no_archive_navigation(client, make_article):
    make_article(published_at=datetime(2023, 7, 6, 12, tzinfo=MINSK))

    assert archive_nav(client.get("/news/2023/07/")) == []


def test_a_new_story_is_counted_beside_a_list_never_shown_before(
    client, stories, make_article
):
    """The sidebar is kept once for every list, until the lists change."""
    assert ("/news/2023/05/", "May", "1") in months_shown(client.get("/news/"))

    make_article(published_at=datetime(2023, 5, 2, tzinfo=MINSK))

    assert ("/news/2023/05/", "May", "2") in months_shown(client.get("/news/2023/"))
