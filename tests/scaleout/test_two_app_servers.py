"""Two app servers (two gunicorns on their own ports, as two machines would
be) behind one Varnish, sharing PostgreSQL and Redis, with one job worker: a
save made through one is fresh through the edge and through the other at
once, and no server keeps anything of its own that outlives the save."""

import re
import time
from contextlib import ExitStack

import pytest
from django.core.cache.backends.redis import RedisCache
from django.test import RequestFactory
from django.urls import reverse

from articles.models import Article, ArticleView
from caching.middleware import page_cache_key

from .admin import Editor
from .conftest import Browser, free_port, wait_until

pytestmark = [pytest.mark.scaleout, pytest.mark.django_db(transaction=True)]

OLD_TITLE = "Council meets in Almaty"
NEW_TITLE = "Council meets in Tashkent"


def shows(answer, title):
    return answer.status == 200 and title in answer.text


def views_shown(answer):
    return int(re.search(r"([\d,]+) views?\b", answer.text).group(1).replace(",", ""))


@pytest.fixture
def story(make_article):
    return make_article(title=OLD_TITLE)


@pytest.fixture
def other_story(make_article):
    return make_article(title="Harvest starts early in the district")


@pytest.fixture
def site(story, other_story, app_server, varnish, job_worker):
    """Servers A and B behind the edge, both purging it after a change, and
    the job worker counting views every second. The stories are made first:
    a page rendered within a second of a change is not kept (settle margin),
    and starting the servers takes longer than that."""
    a_port, b_port, edge_port = free_port(), free_port(), free_port()
    edge_env = {
        "NEWSROOM_EDGE_PURGE_URL": f"http://127.0.0.1:{edge_port}/",
        # Varnish appends the reader's address to X-Forwarded-For.
        "NEWSROOM_PROXY_COUNT": "1",
    }
    with ExitStack() as stack:
        # Side by side: each takes seconds to start on a busy machine.
        a = stack.enter_context(app_server("a", a_port, wait=False, **edge_env))
        b = stack.enter_context(app_server("b", b_port, wait=False, **edge_env))
        edge = stack.enter_context(
            varnish(
                [("127.0.0.1", a_port), ("127.0.0.1", b_port)], edge_port, wait=False
            )
        )
        worker = stack.enter_context(
            job_worker(NEWSROOM_VIEW_FLUSH_SECONDS="1", **edge_env)
        )
        for process in (a, b, edge):
            process.wait_until_serving()
        yield {"a": a, "b": b, "edge": edge, "worker": worker}


def shared_cache(site_environment):
    """The site's Redis cache, read as its app servers read it."""
    return RedisCache(
        site_environment["REDIS_URL"],
        {"KEY_PREFIX": site_environment["CACHE_KEY_PREFIX"]},
    )


@pytest.fixture
def editor_on_the_servers(settings, editor):
    """The editor's password hashed as the servers (production settings) check
    it; the suite's own hasher is a faster one they do not know."""
    from django.conf import global_settings

    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    editor.set_password("editor-pass-123")
    editor.save(update_fields=["password"])
    return editor


def test_a_save_through_one_server_is_fresh_through_the_edge_and_the_other_at_once(
    editor_on_the_servers, site, story, other_story, site_environment
):
    a, b, edge = site["a"].base, site["b"].base, site["edge"].base
    b_port = site["b"].port
    reader = Browser()
    pages = ("/news/", story.get_absolute_url())
    other_page = other_story.get_absolute_url()

    # Cached at the edge, and (for B's own readers) in B's Django cache.
    for path in pages:
        assert shows(reader.get(f"{edge}{path}"), OLD_TITLE)
    assert shows(reader.get(f"{edge}{other_page}"), other_story.title)
    for path in (*pages, other_page):
        assert reader.get(f"{edge}{path}").from_edge_cache, path
    assert shows(reader.get(f"{b}/news/"), OLD_TITLE)
    kept_by_b = shared_cache(site_environment).get(
        page_cache_key(RequestFactory().get("/news/", HTTP_HOST=f"127.0.0.1:{b_port}"))
    )
    assert OLD_TITLE in kept_by_b.body.decode(), "B keeps /news/ in Redis"

    editor_browser = Editor()
    editor_browser.log_in(a, "editor", "editor-pass-123")
    saved = editor_browser.change(
        a,
        reverse("admin:articles_article_change", args=[story.pk]),
        title=NEW_TITLE,
    )
    saved_at = time.monotonic()
    assert saved.status == 302, saved.text[:3000]
    assert Article.objects.get(pk=story.pk).title == NEW_TITLE

    def fresh(answer):
        return shows(answer, NEW_TITLE) and OLD_TITLE not in answer.text

    # Through B at once (its Django cache checks the keys); through the edge
    # within a second (a reader in between may still get the old page while
    # the edge fetches the new one), and from then on for every reader.
    assert all(fresh(reader.get(f"{b}{path}")) for path in pages)
    assert wait_until(
        lambda: all(fresh(reader.get(f"{edge}{path}")) for path in pages),
        timeout=1.0 - (time.monotonic() - saved_at),
        interval=0.02,
    )
    assert all(fresh(reader.get(f"{edge}{path}")) for path in pages)
    # Editing one story leaves every other story's page cached.
    assert reader.get(f"{edge}{other_page}").from_edge_cache


def test_the_view_count_counts_each_reader_once_across_both_servers(site, story):
    edge = site["edge"].base
    url = f"{edge}{story.get_absolute_url()}"
    readers = [Browser(f"Mozilla/5.0 (reader {n})") for n in (1, 2)]

    shown = [views_shown(reader.get(url)) for reader in readers for _ in range(3)]

    # The page is kept at the edge, the count included fresh from A or B.
    assert readers[0].get(url).from_edge_cache
    served_includes = {
        name: site[name].access_log.read_text().count("/views/") for name in "ab"
    }
    assert all(served_includes.values()), served_includes
    assert shown == [1, 1, 1, 2, 2, 2]
    assert ArticleView.objects.filter(article=story).count() == 2
    # The job worker adds them to the story's count.
    assert wait_until(
        lambda: Article.objects.get(pk=story.pk).view_count == 2, timeout=5
    )
