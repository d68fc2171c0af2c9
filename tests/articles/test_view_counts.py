"""View counts: a counted view is a row in the database, added to the
article's count in batches by the job worker; the number shown is never
behind. Behind an edge that processes includes, the include counts."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.utils import OperationalError
from django.test import RequestFactory
from django.utils import timezone, translation

from articles import view_counts
from articles.models import Article, ArticleView

BROWSER = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36"
)
CRAWLERS = {
    "Googlebot": "Mozilla/5.0 (compatible; Googlebot/2.1; "
    "+http://www.google.com/bot.html)",
    "Googlebot smartphone": "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X "
    "Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 "
    "Mobile Safari/537.36 (compatible; Googlebot/2.1; "
    "+http://www.google.com/bot.html)",
    "bingbot": "Mozilla/5.0 (compatible; bingbot/2.0; "
    "+http://www.bing.com/bingbot.htm)",
    "YandexBot": "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    "facebookexternalhit": "facebookexternalhit/1.1 "
    "(+http://www.facebook.com/externalhit_uatext.php)",
    "AhrefsBot": "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
}
PEOPLE = {
    "a phone's browser": BROWSER,
    "Firefox": "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Safari on an iPhone": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) "
    "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 "
    "Safari/604.1",
    "curl": "curl/8.5.0",
    "Wget": "Wget/1.21.4",
    "python-requests": "python-requests/2.32.3",
    "python-httpx": "python-httpx/0.27.0",
    "aiohttp": "Python/3.12 aiohttp/3.9.5",
    "Go-http-client": "Go-http-client/1.1",
    "okhttp": "okhttp/4.12.0",
    "Java": "Java/17.0.10",
    "node-fetch": "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
    "axios": "axios/1.7.2",
    "no User-Agent": "",
    # Playwright's and Puppeteer's default: readers' browser tests.
    "headless Chrome": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) HeadlessChrome/131.0.6778.33 Safari/537.36",
}


EDGE = {"HTTP_SURROGATE_CAPABILITY": 'varnish="ESI/1.0"'}


def reader(ip="203.0.113.7", user_agent=BROWSER, **meta):
    if user_agent:
        meta["HTTP_USER_AGENT"] = user_agent
    return RequestFactory().get("/news/", REMOTE_ADDR=ip, **meta)


def record(request, article_id):
    """Whether the view was counted: a row added for it."""
    before = ArticleView.objects.count()
    view_counts.count_view(request, article_id)
    return ArticleView.objects.count() > before


def stored_count(article):
    article.refresh_from_db(fields=["view_count"])
    return article.view_count


def include_of(article, language=""):
    prefix = f"/{language}" if language else ""
    return f"{prefix}/views/{article.pk}/"


# --- Counting -----------------------------------------------------------------------


def test_a_view_is_counted_and_shown_at_once(make_article):
    article = make_article(view_count=169)

    assert record(reader(), article.pk)

    assert view_counts.total_views(article.pk) == 170
    assert stored_count(article) == 169  # not yet added to the count


def test_a_reload_by_the_same_reader_within_half_an_hour_is_not_counted(
    make_article,
):
    article = make_article(view_count=169)

    assert record(reader(), article.pk)
    assert not record(reader(), article.pk)

    assert view_counts.flush() == 1
    assert stored_count(article) == 170


def test_a_reader_with_another_browser_or_address_is_counted(make_article):
    article = make_article(view_count=169)

    record(reader(), article.pk)
    record(reader(user_agent="Firefox/125.0"), article.pk)
    record(reader(ip="198.51.100.9"), article.pk)

    assert view_counts.total_views(article.pk) == 172


def test_a_reader_is_counted_once_per_article_not_once_in_all(make_article):
    article, other = make_article(view_count=0), make_article(view_count=0)

    assert record(reader(), article.pk)
    assert record(reader(), other.pk)


def test_the_same_reader_is_counted_again_after_the_dedup_window(make_article):
    article = make_article(view_count=169)
    record(reader(), article.pk)
    ArticleView.objects.update(viewed_at=timezone.now() - timedelta(minutes=31))

    assert record(reader(), article.pk)
    assert view_counts.total_views(article.pk) == 171


def test_readers_behind_the_proxy_are_told_apart_by_the_forwarded_address(
    make_article, settings
):
    settings.NEWSROOM_PROXY_COUNT = 1
    article = make_article(view_count=0)

    for address in ("203.0.113.7", "203.0.113.8", "203.0.113.8"):
        record(reader(ip="127.0.0.1", HTTP_X_FORWARDED_FOR=address), article.pk)

    assert view_counts.total_views(article.pk) == 2


def test_no_address_is_stored(make_article):
    article = make_article()

    record(reader(ip="203.0.113.7"), article.pk)

    stored = ArticleView.objects.get()
    assert "203.0.113.7" not in stored.reader
    assert len(stored.reader) == 32


@pytest.mark.parametrize("name", CRAWLERS)
def test_a_crawler_is_not_counted(make_article, name):
    article = make_article(view_count=169)

    assert not record(reader(user_agent=CRAWLERS[name]), article.pk)
    assert view_counts.total_views(article.pk) == 169


@pytest.mark.parametrize("name", PEOPLE)
def test_people_scripts_and_requests_without_a_user_agent_are_counted(
    make_article, name
):
    article = make_article(view_count=0)

    assert record(reader(user_agent=PEOPLE[name]), article.pk)


@pytest.mark.parametrize("name", CRAWLERS)
def test_self_declared_crawlers_are_known(name):
    assert view_counts.is_crawler(CRAWLERS[name])


@pytest.mark.parametrize("name", PEOPLE)
def test_browsers_and_http_libraries_are_not_taken_for_crawlers(name):
    assert not view_counts.is_crawler(PEOPLE[name])


def test_a_story_the_public_cannot_see_has_no_total(make_article):
    draft = make_article(status=Article.Status.DRAFT)

    assert view_counts.total_views(draft.pk) is None


# --- Adding views to the counts -----------------------------------------------------


def test_a_flush_adds_the_waiting_views_once(make_article):
    article = make_article(view_count=169)
    record(reader(), article.pk)
    record(reader(ip="198.51.100.9"), article.pk)

    assert view_counts.flush() == 2
    assert view_counts.flush() == 0

    assert stored_count(article) == 171
    assert view_counts.total_views(article.pk) == 171


def test_a_flush_leaves_the_edit_time_and_version_alone(make_article):
    article = make_article()
    record(reader(), article.pk)

    view_counts.flush()

    before = (article.updated_at, article.version)
    article.refresh_from_db()
    assert (article.updated_at, article.version) == before


def test_a_flushed_view_still_keeps_its_reader_from_counting_twice(make_article):
    article = make_article(view_count=0)
    record(reader(), article.pk)
    view_counts.flush()

    assert not record(reader(), article.pk)


def test_a_flush_forgets_readers_after_the_dedup_window(make_article):
    article = make_article()
    record(reader(), article.pk)
    view_counts.flush()
    ArticleView.objects.update(viewed_at=timezone.now() - timedelta(minutes=31))

    view_counts.flush()

    assert not ArticleView.objects.exists()


def test_a_flush_adds_more_views_than_one_batch(make_article, monkeypatch):
    monkeypatch.setattr(view_counts, "FLUSH_BATCH", 2)
    article = make_article(view_count=0)
    for number in range(5):
        record(reader(ip=f"203.0.113.{number}"), article.pk)

    assert view_counts.flush() == 5
    assert stored_count(article) == 5


def test_a_deleted_articles_views_go_with_it(make_article):
    article = make_article()
    record(reader(), article.pk)

    article.delete()

    assert view_counts.flush() == 0


def test_the_command_adds_the_waiting_views(make_article, capsys):
    article = make_article(view_count=0)
    record(reader(), article.pk)

    call_command("flush_view_counts")

    assert "Wrote 1 view to the database." in capsys.readouterr().out
    assert stored_count(article) == 1


def test_views_are_counted_while_the_cache_is_unreachable(settings, make_article):
    settings.CACHES = {
        "default": {
            "BACKEND": "monitoring.cache.TolerantRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    article = make_article(view_count=0)

    assert record(reader(), article.pk)
    assert view_counts.total_views(article.pk) == 1


# serialized_rollback: its flush then leaves the migrations' rows for the
# tests after it that reload them (tests/test_concurrency.py).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_views_are_counted_on_a_new_database_connection(make_article):
    article = make_article(view_count=0)
    assert record(reader(), article.pk)

    connection.close()  # as when the database restarts or the connection ages out

    assert record(reader(ip="198.51.100.4"), article.pk)
    assert view_counts.total_views(article.pk) == 2


# --- The article page without an edge ------------------------------------------------


def test_the_page_shows_the_seeds_count_plus_this_view(client, make_article):
    article = make_article(view_count=169)

    response = client.get(article.get_absolute_url())

    assert '<span class="article-views">170 views</span>' in response.content.decode()
    assert view_counts.flush() == 1
    assert stored_count(article) == 170


def test_the_page_shows_the_same_count_to_a_reader_who_reloads(client, make_article):
    article = make_article(view_count=169)

    client.get(article.get_absolute_url())
    page = client.get(article.get_absolute_url()).content.decode()

    assert '<span class="article-views">170 views</span>' in page
    assert view_counts.flush() == 1


def test_a_page_that_counts_is_kept_by_no_shared_cache(client, make_article):
    article = make_article()

    response = client.get(article.get_absolute_url())

    assert (
        "no-store" in response["Cache-Control"]
        or "private" in response["Cache-Control"]
    )
    assert "Surrogate-Key" not in response


def test_a_staff_preview_of_a_draft_is_not_counted(client, editor, make_article):
    draft = make_article(status=Article.Status.DRAFT, view_count=0)
    client.force_login(editor)

    response = client.get(draft.get_absolute_url())

    assert response.status_code == 200
    assert "Not public yet" in response.content.decode()
    assert not ArticleView.objects.exists()


def test_a_staff_view_of_a_public_article_is_counted(client, editor, make_article):
    article = make_article(view_count=0)
    client.force_login(editor)

    client.get(article.get_absolute_url())

    assert view_counts.flush() == 1


def test_a_head_request_is_not_counted(client, make_article):
    article = make_article(view_count=0)

    client.head(article.get_absolute_url())

    assert view_counts.flush() == 0


# --- Behind an edge that processes includes ----------------------------------------


def test_behind_the_edge_the_page_leaves_the_count_to_an_include(client, make_article):
    article = make_article(view_count=169)

    response = client.get(article.get_absolute_url(), **EDGE)

    page = response.content.decode()
    assert f'<esi:include src="/views/{article.pk}/"/>' in page
    assert response["Surrogate-Control"] == 'content="ESI/1.0"'
    assert "s-maxage" in response["Cache-Control"]
    assert f"article-{article.pk}" in response["Surrogate-Key"].split()
    assert not ArticleView.objects.exists()  # the include counts, not the page


def test_the_include_counts_the_view_and_answers_the_count(client, make_article):
    article = make_article(view_count=169)

    first = client.get(include_of(article))
    again = client.get(include_of(article))

    assert first.content.decode() == "170 views"
    assert again.content.decode() == "170 views"
    assert "no-store" in first["Cache-Control"]
    assert "Surrogate-Key" not in first


def test_the_include_speaks_the_pages_language(client, make_article):
    article = make_article(view_count=169)

    page = client.get("/ru" + article.get_absolute_url(), **EDGE).content.decode()

    assert f'<esi:include src="/ru/views/{article.pk}/"/>' in page
    assert client.get(include_of(article, "ru")).content.decode() == "170 просмотров"


def test_the_include_of_a_story_the_public_cannot_see_is_not_found(
    client, make_article
):
    draft = make_article(status=Article.Status.DRAFT)

    answer = client.get(include_of(draft, "ru"))

    # Empty: the edge puts the answer inside the page.
    assert (answer.status_code, answer.content) == (404, b"")
    assert "no-store" in answer["Cache-Control"]
    assert not ArticleView.objects.exists()


@pytest.mark.parametrize("language", ["be", "ru"])
def test_the_include_is_answered_at_each_languages_address(
    client, make_article, language
):
    article = make_article(view_count=21)

    answer = client.get(include_of(article, language))

    with translation.override(language):
        assert answer.content.decode() == view_counts.view_count_label(22)
    assert ArticleView.objects.count() == 1


def test_an_include_address_with_thousands_of_digits_is_not_found(client, db):
    answer = client.get(f"/views/{'9' * 5000}/")

    assert answer.status_code == 404
    assert not ArticleView.objects.exists()


@pytest.mark.parametrize("prefix", ["/en", "/xx", "/ru/ru", "/news"])
def test_an_address_that_only_looks_like_the_include_counts_nothing(
    client, make_article, prefix
):
    article = make_article(view_count=169)

    answer = client.get(f"{prefix}/views/{article.pk}/")

    # The site's own not-found page, not the include's empty answer.
    assert answer.status_code == 404
    assert b"<html" in answer.content
    assert not ArticleView.objects.exists()


@pytest.mark.parametrize("pk", ["99999999999999999999", "9223372036854775808"])
def test_the_include_of_an_id_too_big_for_any_story_is_not_found(client, pk):
    answer = client.get(f"/ru/views/{pk}/")

    assert (answer.status_code, answer.content) == (404, b"")


def test_the_include_is_empty_when_the_database_cannot_be_reached(
    client, make_article, monkeypatch
):
    article = make_article(view_count=169)

    def unreachable(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(view_counts, "count_view", unreachable)
    answer = client.get(include_of(article))

    assert (answer.status_code, answer.content) == (503, b"")
    assert "no-store" in answer["Cache-Control"]


@pytest.mark.parametrize("method", ["post", "delete"])
def test_the_include_answers_only_reads(client, make_article, method):
    article = make_article(view_count=169)

    answer = getattr(client, method)(include_of(article))

    assert answer.status_code == 405
    assert not ArticleView.objects.exists()


def test_a_crawler_fetching_the_include_is_not_counted(client, make_article):
    article = make_article(view_count=169)

    answer = client.get(include_of(article), HTTP_USER_AGENT=CRAWLERS["Googlebot"])

    assert answer.content.decode() == "169 views"


# --- The words --------------------------------------------------------------------


@pytest.mark.parametrize(
    "language, count, expected",
    [
        ("en", 1, "1 view"),
        ("en", 170, "170 views"),
        ("en", 1234567, "1234567 views"),
        ("ru", 21, "21 просмотр"),
        ("ru", 170, "170 просмотров"),
        ("be", 22, "22 прагляды"),
    ],
)
def test_the_label_reads_as_the_page_does(language, count, expected):
    with translation.override(language):
        assert view_counts.view_count_label(count) == expected


@pytest.mark.parametrize("language", ["en", "ru", "be"])
def test_the_label_is_the_pages_own_text(client, make_article, language):
    article = make_article(view_count=20)
    prefix = "" if language == "en" else f"/{language}"

    page = client.get(prefix + article.get_absolute_url()).content.decode()

    with translation.override(language):
        label = view_counts.view_count_label(21)
    assert f'<span class="article-views">{label}</span>' in page
