"""Anonymous readers' answers in shared caches: their headers, and Django's
cache where no edge stands in front."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caching.services import purge, stamps


def keys_of(response):
    return set(response["Surrogate-Key"].split())


@pytest.fixture
def story(make_article):
    return make_article(title="River footpath opens")


def test_a_list_names_what_it_shows(client, story):
    response = client.get("/news/")

    assert {"site", "office", "articles", "organizations"} <= keys_of(response)
    assert f"article-{story.pk}" in keys_of(response)
    assert f"organization-{story.organization_id}" in keys_of(response)
    assert response["xkey"] == response["Surrogate-Key"] == response["Cache-Tag"]
    assert "public" in response["Cache-Control"]
    assert "s-maxage=3600" in response["Cache-Control"]


def test_a_list_is_served_again_with_one_query(client, story):
    client.get("/news/")

    with CaptureQueriesContext(connection) as queries:
        again = client.get("/news/")

    assert "River footpath opens" in again.content.decode()
    assert len(queries) == 1
    assert "caching_surrogatekey" in queries[0]["sql"]


def test_an_edited_story_is_shown_at_once(client, story):
    client.get("/news/")

    story.title = "River footpath reopens"
    story.save()

    assert "River footpath reopens" in client.get("/news/").content.decode()


def test_a_new_story_is_listed_at_once(client, story, make_article):
    client.get("/news/")

    make_article(title="Bridge repaired")

    assert "Bridge repaired" in client.get("/news/").content.decode()


def test_a_kept_page_from_an_old_cache_is_not_served(client, story, make_article):
    """As after Redis comes back from an old snapshot: the page was kept
    before a purge the cache never heard of."""
    client.get("/news/")
    kept = {key: cache.get(key) for key in cache._cache}  # locmem's own store
    make_article(title="Bridge repaired")
    for key, value in kept.items():
        cache.set(key.split(":", 2)[-1], value)

    assert "Bridge repaired" in client.get("/news/").content.decode()


def test_an_editor_is_never_served_a_shared_page(client, story, editor):
    client.get("/news/")
    client.force_login(editor)

    response = client.get("/news/")

    assert "private" in response["Cache-Control"]


def test_an_answer_rendered_while_its_keys_change_is_not_kept(client, story, settings):
    settings.NEWSROOM_CACHE_SETTLE_SECONDS = 5
    purge(["articles"])

    response = client.get("/news/")

    assert "s-maxage=0" in response["Cache-Control"]
    with CaptureQueriesContext(connection) as queries:
        client.get("/news/")
    assert len(queries) > 1  # rendered again


def test_a_list_is_kept_no_longer_than_the_next_scheduled_story(
    client, story, make_article, now
):
    from datetime import timedelta

    make_article(published_at=now + timedelta(seconds=90))

    response = client.get("/news/")

    max_age = int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0])
    assert 80 <= max_age <= 90


def test_a_host_does_not_change_what_another_reader_is_served(client, settings, db):
    settings.ALLOWED_HOSTS = ["news.example.by", "testserver"]
    feed_elsewhere = client.get("/news/feed/", HTTP_HOST="news.example.by")

    feed_here = client.get("/news/feed/")

    assert "news.example.by" in feed_elsewhere.content.decode()
    assert "news.example.by" not in feed_here.content.decode()


def test_an_unknown_host_is_refused_and_nothing_is_kept(client):
    response = client.get("/news/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert "Surrogate-Key" not in response


def test_accept_language_does_not_change_an_unprefixed_page(client, story):
    english = client.get("/news/", HTTP_ACCEPT_LANGUAGE="ru")

    assert english["Content-Language"] == "en"
    assert "Новости" not in english.content.decode()


def test_a_rejected_filter_is_not_kept(client, db):
    response = client.get("/news/", {"date_from": "2023-13-45"})

    assert response.status_code == 400
    assert "Surrogate-Key" not in response


def test_editing_one_story_leaves_another_storys_page_kept(client, story, make_article):
    other = make_article(title="Other story")
    edge = {"HTTP_SURROGATE_CAPABILITY": 'varnish="ESI/1.0"'}
    page = client.get(other.get_absolute_url(), **edge)
    before = stamps(keys_of(page))

    story.title = "River footpath reopens"
    story.save()

    assert stamps(keys_of(page)) == before


def test_behind_an_edge_django_keeps_no_page(client, story):
    edge = {"HTTP_SURROGATE_CAPABILITY": 'varnish="ESI/1.0"'}
    first = client.get("/news/", **edge)

    with CaptureQueriesContext(connection) as queries:
        client.get("/news/", **edge)

    assert "s-maxage" in first["Cache-Control"]
    assert len(queries) > 1  # rendered again: the edge keeps pages
