"""View counts: one cache round trip per view, flushed to the database in
batches. Each behaviour is checked on the process-local counter and, when a
Redis answers on 127.0.0.1:6379, on Redis under a key prefix of the test's own
(other programs may share that Redis)."""

import logging
import runpy
import socket
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
import redis
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError
from django.test import RequestFactory
from django.utils import translation

from articles import view_counts
from articles.models import Article

LIVE_REDIS_URL = "redis://127.0.0.1:6379/0"
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


def free_port():
    """A loopback port nobody listens on (until someone takes it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_answers():
    try:
        return redis.Redis.from_url(LIVE_REDIS_URL, socket_timeout=0.5).ping()
    except redis.exceptions.RedisError:
        return False


def local_counter(settings):
    settings.REDIS_URL = ""
    view_counts.LOCAL.reset()

    def make_flush_due():
        view_counts.LOCAL._next_flush = view_counts._now()

    yield SimpleNamespace(name="local", make_flush_due=make_flush_due)


def redis_counter(settings):
    if not redis_answers():
        pytest.skip("no Redis answering on 127.0.0.1:6379")
    cache_prefix = f"newsroom-test-{uuid.uuid4().hex}"
    prefix = f"{cache_prefix}:views:"
    settings.REDIS_URL = LIVE_REDIS_URL
    settings.CACHES = {
        "default": {
            "BACKEND": "monitoring.cache.TolerantRedisCache",
            "LOCATION": LIVE_REDIS_URL,
            "KEY_PREFIX": cache_prefix,
        }
    }
    client = redis.Redis.from_url(LIVE_REDIS_URL)
    # As if another worker had just flushed.
    client.set(f"{prefix}flush-due", 1, ex=3600)
    try:
        yield SimpleNamespace(
            name="redis",
            client=client,
            prefix=prefix,
            make_flush_due=lambda: client.delete(f"{prefix}flush-due"),
        )
    finally:
        for key in client.scan_iter(f"{cache_prefix}:*"):
            client.delete(key)
        # The suite clears the cache after each test: let that be a local
        # one, never a Redis that others may be using.
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        }
        settings.REDIS_URL = ""


@pytest.fixture(params=["local", "redis"])
def backend(request, settings):
    """The counter under test. Flushes happen only when a test makes one due
    (`backend.make_flush_due()`), so counts stay pending until then."""
    settings.NEWSROOM_VIEW_FLUSH_SECONDS = 3600
    view_counts.REDIS._paused_until = 0.0
    counter = local_counter if request.param == "local" else redis_counter
    yield from counter(settings)


@pytest.fixture
def redis_backend(settings):
    settings.NEWSROOM_VIEW_FLUSH_SECONDS = 3600
    view_counts.REDIS._paused_until = 0.0
    yield from redis_counter(settings)


def reader(ip="203.0.113.7", user_agent=BROWSER, **meta):
    if user_agent:
        meta["HTTP_USER_AGENT"] = user_agent
    return RequestFactory().get("/news/", REMOTE_ADDR=ip, **meta)


def stored_count(article):
    article.refresh_from_db(fields=["view_count"])
    return article.view_count


# --- Counting -----------------------------------------------------------------------


def test_a_view_is_counted_and_shown_at_once(backend, make_article):
    article = make_article(view_count=169)

    shown = view_counts.record(reader(), article.pk, stored=169)

    assert shown == 170
    assert stored_count(article) == 169  # not yet written


def test_a_reload_by_the_same_reader_within_half_an_hour_is_not_counted(
    backend, make_article
):
    article = make_article(view_count=169)

    first = view_counts.record(reader(), article.pk, stored=169)
    again = view_counts.record(reader(), article.pk, stored=169)

    assert (first, again) == (170, 170)
    assert view_counts.flush() == 1
    assert stored_count(article) == 170


def test_a_reader_with_another_browser_or_address_is_counted(backend, make_article):
    article = make_article(view_count=169)

    view_counts.record(reader(), article.pk, stored=169)
    view_counts.record(reader(user_agent="Firefox/125.0"), article.pk, stored=169)
    shown = view_counts.record(reader(ip="198.51.100.9"), article.pk, stored=169)

    assert shown == 172


def test_a_reader_is_counted_once_per_article_not_once_in_all(backend, make_article):
    article, other = make_article(view_count=0), make_article(view_count=0)

    assert view_counts.record(reader(), article.pk, stored=0) == 1
    assert view_counts.record(reader(), other.pk, stored=0) == 1


def test_the_same_reader_is_counted_again_after_the_dedup_window(
    backend, make_article, settings, monkeypatch
):
    settings.NEWSROOM_VIEW_DEDUP_SECONDS = 1
    article = make_article(view_count=169)
    view_counts.record(reader(), article.pk, stored=169)

    if backend.name == "local":
        later = view_counts._now() + 1.5
        monkeypatch.setattr(view_counts, "_now", lambda: later)
    else:
        time.sleep(1.5)  # Redis keeps its own clock
    shown = view_counts.record(reader(), article.pk, stored=169)

    assert shown == 171


def test_readers_behind_the_proxy_are_told_apart_by_the_forwarded_address(
    backend, make_article, settings
):
    settings.NEWSROOM_PROXY_COUNT = 1
    article = make_article(view_count=0)

    for address in ("203.0.113.7", "203.0.113.8", "203.0.113.8"):
        shown = view_counts.record(
            reader(ip="127.0.0.1", HTTP_X_FORWARDED_FOR=address),
            article.pk,
            stored=0,
        )

    assert shown == 2


@pytest.mark.parametrize("name", CRAWLERS)
def test_a_crawler_is_shown_the_count_but_not_counted(backend, make_article, name):
    article = make_article(view_count=169)

    shown = view_counts.record(
        reader(user_agent=CRAWLERS[name]), article.pk, stored=169
    )

    assert shown == 169
    assert view_counts.flush() == 0


@pytest.mark.parametrize(
    "name", ["curl", "python-requests", "no User-Agent", "headless Chrome"]
)
def test_scripts_and_requests_without_a_user_agent_are_counted(
    backend, make_article, name
):
    article = make_article(view_count=169)

    shown = view_counts.record(reader(user_agent=PEOPLE[name]), article.pk, stored=169)

    assert shown == 170


@pytest.mark.parametrize("name", CRAWLERS)
def test_self_declared_crawlers_are_known(name):
    assert view_counts.is_crawler(CRAWLERS[name])


@pytest.mark.parametrize("name", PEOPLE)
def test_browsers_and_http_libraries_are_not_taken_for_crawlers(name):
    assert not view_counts.is_crawler(PEOPLE[name])


def test_a_total_the_counter_does_not_know_is_none_and_the_view_still_counts(
    backend, make_article
):
    article = make_article(view_count=169)

    # A cached page served to a new reader: no database count to hand.
    assert view_counts.record(reader(), article.pk) is None
    # The page rendered from the database instead: the same reader, not counted
    # twice, and the total now known.
    assert view_counts.record(reader(), article.pk, stored=169) == 170
    assert view_counts.record(reader(ip="198.51.100.9"), article.pk) == 171


def test_the_shown_total_counts_views_not_yet_written(backend, make_article):
    article = make_article(view_count=10)
    view_counts.record(reader(), article.pk, stored=10)
    view_counts.flush()
    view_counts.record(reader(ip="198.51.100.9"), article.pk, stored=11)

    # Another reader, on a cached page: database 11 plus one pending.
    shown = view_counts.record(reader(ip="198.51.100.10"), article.pk)

    assert shown == 13
    assert stored_count(article) == 11


# --- Flushing ---------------------------------------------------------------------


def test_counts_reach_the_database_after_a_flush(backend, make_article):
    article, other = make_article(view_count=169), make_article(view_count=0)
    for ip in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        view_counts.record(reader(ip=ip), article.pk, stored=169)
    view_counts.record(reader(), other.pk, stored=0)

    assert view_counts.flush() == 4
    assert (stored_count(article), stored_count(other)) == (172, 1)
    assert view_counts.flush() == 0
    assert stored_count(article) == 172


def test_a_flush_leaves_the_edit_time_alone(backend, make_article):
    article = make_article()
    updated_at = Article.objects.get(pk=article.pk).updated_at
    view_counts.record(reader(), article.pk, stored=0)

    view_counts.flush()

    article.refresh_from_db()
    assert (article.view_count, article.updated_at) == (1, updated_at)


def test_views_are_flushed_by_the_view_that_finds_a_flush_due(backend, make_article):
    article = make_article(view_count=5)
    view_counts.record(reader(), article.pk, stored=5)
    assert stored_count(article) == 5

    backend.make_flush_due()
    view_counts.record(reader(ip="198.51.100.9"), article.pk, stored=5)

    assert stored_count(article) == 7


def test_a_failed_flush_keeps_its_views_for_the_next(
    backend, make_article, monkeypatch
):
    article = make_article(view_count=0)
    view_counts.record(reader(), article.pk, stored=0)
    write = view_counts.articles_add_views

    def database_down(**kwargs):
        raise OperationalError("the database is down")

    monkeypatch.setattr(view_counts, "articles_add_views", database_down)
    with pytest.raises(OperationalError):
        view_counts.flush()
    view_counts.record(reader(ip="198.51.100.9"), article.pk, stored=0)
    monkeypatch.setattr(view_counts, "articles_add_views", write)

    assert view_counts.flush() == 2
    assert stored_count(article) == 2
    assert view_counts.flush() == 0


def test_a_failing_flush_does_not_fail_the_page(
    backend, client, make_article, monkeypatch, caplog
):
    article = make_article(view_count=169)

    def database_down(**kwargs):
        raise OperationalError("the database is down")

    monkeypatch.setattr(view_counts, "articles_add_views", database_down)
    backend.make_flush_due()
    with caplog.at_level(logging.ERROR, logger="articles.view_counts"):
        response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert '<span class="article-views">170 views</span>' in response.content.decode()
    assert "Flushing view counts failed" in caplog.text
    monkeypatch.undo()
    assert view_counts.flush() == 1
    assert stored_count(article) == 170


def test_a_flush_after_a_crashed_one_writes_the_leftover_once(
    backend, make_article, monkeypatch
):
    article = make_article(view_count=100)
    view_counts.record(reader(), article.pk, stored=100)
    if backend.name == "redis":
        # A worker died after renaming the pending views, before writing them.
        backend.client.hset(f"{backend.prefix}flushing", article.pk, 5)
    else:
        # The local counter's crash is the process's; what survives in it is a
        # flush that failed half way, its batch kept in the same place.
        view_counts.LOCAL._flushing[article.pk] += 5
    view_counts.record(reader(ip="198.51.100.9"), article.pk, stored=100)

    assert view_counts.flush() == 7
    assert stored_count(article) == 107
    assert view_counts.flush() == 0
    assert stored_count(article) == 107


def test_a_flush_started_from_a_crashed_ones_leftover_shows_it_in_the_total(
    backend, make_article
):
    article = make_article(view_count=100)
    if backend.name == "redis":
        backend.client.hset(f"{backend.prefix}flushing", article.pk, 5)
    else:
        view_counts.LOCAL._flushing[article.pk] += 5

    # Written to the database by no one yet, so part of what readers see.
    assert view_counts.record(reader(), article.pk, stored=100) == 106


def test_a_flush_by_another_worker_is_left_to_finish(redis_backend, make_article):
    backend = redis_backend
    article = make_article(view_count=0)
    view_counts.record(reader(), article.pk, stored=0)
    backend.client.set(f"{backend.prefix}flush-lock", "another worker", ex=60)

    assert view_counts.flush() == 0
    assert stored_count(article) == 0
    backend.client.delete(f"{backend.prefix}flush-lock")
    assert view_counts.flush() == 1


def test_a_deleted_articles_views_are_dropped(backend, make_article):
    article, other = make_article(view_count=0), make_article(view_count=0)
    view_counts.record(reader(), article.pk, stored=0)
    view_counts.record(reader(), other.pk, stored=0)
    article.delete()

    assert view_counts.flush() == 1
    assert stored_count(other) == 1


def test_the_command_writes_the_pending_views(backend, make_article, capsys):
    article = make_article(view_count=169)
    view_counts.record(reader(), article.pk, stored=169)

    call_command("flush_view_counts")

    assert "Wrote 1 view to the database." in capsys.readouterr().out
    assert stored_count(article) == 170


def test_the_command_fails_loudly_when_the_database_refuses(
    backend, make_article, monkeypatch
):
    article = make_article(view_count=0)
    view_counts.record(reader(), article.pk, stored=0)

    def database_down(**kwargs):
        raise OperationalError("the database is down")

    monkeypatch.setattr(view_counts, "articles_add_views", database_down)
    with pytest.raises(CommandError, match="the database is down"):
        call_command("flush_view_counts")


def test_a_gunicorn_worker_writes_its_views_when_it_exits(backend, make_article):
    article = make_article(view_count=3)
    view_counts.record(reader(), article.pk, stored=3)
    config = runpy.run_path(str(Path(__file__).parents[2] / "gunicorn.conf.py"))
    messages = []
    server = SimpleNamespace(
        log=SimpleNamespace(
            info=lambda message, *args: messages.append(message % args),
            exception=lambda message, *args: messages.append(message % args),
        )
    )

    config["worker_exit"](server, SimpleNamespace(pid=4242))

    assert stored_count(article) == 4
    assert messages == ["Worker 4242 wrote 1 views on exit"]


# --- Redis: its keys, and its absence -----------------------------------------------


def test_redis_keys_carry_the_prefix_and_no_address(redis_backend, make_article):
    backend = redis_backend
    article = make_article(view_count=0)

    view_counts.record(reader(ip="203.0.113.77"), article.pk, stored=0)

    keys = [key.decode() for key in backend.client.scan_iter(f"{backend.prefix}*")]
    assert f"{backend.prefix}pending" in keys
    assert f"{backend.prefix}total:{article.pk}" in keys
    assert any(key.startswith(f"{backend.prefix}seen:{article.pk}:") for key in keys)
    assert not any("203.0.113.77" in key for key in keys)
    assert backend.client.ttl(f"{backend.prefix}total:{article.pk}") > 0


def test_views_are_counted_in_the_process_while_redis_is_unreachable(
    settings, make_article, caplog
):
    settings.NEWSROOM_VIEW_FLUSH_SECONDS = 3600
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    view_counts.REDIS._paused_until = 0.0
    article = make_article(view_count=169)

    with caplog.at_level(logging.WARNING, logger="articles.view_counts"):
        first = view_counts.record(reader(), article.pk, stored=169)
        again = view_counts.record(reader(), article.pk, stored=169)

    assert (first, again) == (170, 170)
    assert caplog.text.count("Redis unreachable") == 1  # then left alone a while
    assert view_counts.LOCAL.flush() == 1
    assert stored_count(article) == 170
    view_counts.REDIS._paused_until = 0.0


# --- The article page ---------------------------------------------------------------


def test_the_page_shows_the_seeds_count_plus_this_view(backend, client, make_article):
    article = make_article(view_count=169)

    response = client.get(article.get_absolute_url())

    assert '<span class="article-views">170 views</span>' in response.content.decode()
    assert response.counted_article_id == article.pk
    view_counts.flush()
    assert stored_count(article) == 170


def test_the_page_shows_the_same_count_to_a_reader_who_reloads(
    backend, client, make_article
):
    article = make_article(view_count=169)

    client.get(article.get_absolute_url())
    page = client.get(article.get_absolute_url()).content.decode()

    assert '<span class="article-views">170 views</span>' in page
    assert view_counts.flush() == 1


def test_a_staff_preview_of_a_draft_is_not_counted(
    backend, client, editor, make_article
):
    draft = make_article(status=Article.Status.DRAFT, view_count=0)
    client.force_login(editor)

    response = client.get(draft.get_absolute_url())

    assert response.status_code == 200
    assert "Not public yet" in response.content.decode()
    assert not hasattr(response, "counted_article_id")
    assert view_counts.flush() == 0
    assert stored_count(draft) == 0


def test_a_staff_view_of_a_public_article_is_counted(
    backend, client, editor, make_article
):
    article = make_article(view_count=0)
    client.force_login(editor)

    client.get(article.get_absolute_url())

    assert view_counts.flush() == 1


def test_a_head_request_is_not_counted(backend, client, make_article):
    article = make_article(view_count=0)

    client.head(article.get_absolute_url())

    assert view_counts.flush() == 0


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
