"""python manage.py fetch_sources: progress lines, then the summary line."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article

from .feeds import ENTITY_BOMB, atom, json_feed, ninjs, rss, story


def fetch_sources(*args):
    out = StringIO()
    call_command("fetch_sources", *args, stdout=out)
    return out.getvalue().splitlines()


@pytest.fixture
def four_feeds(feed_server, make_feed):
    for path, build in (("/rss", rss), ("/atom", atom), ("/json", json_feed)):
        make_feed(feed_server.serve(path, build([story(path)])))
    # This one answers a conditional GET with 304; the others send it all.
    make_feed(feed_server.serve("/ninjs", ninjs([story("n")]), etag='"v1"'))


def test_it_fetches_every_feed_and_ends_with_the_summary(four_feeds):
    lines = fetch_sources()

    assert lines[-1] == "fetch_sources: 4 feeds, 4 new, 0 updated, 0 skipped, 0 failed"
    assert len(lines) == 5
    assert all("1 new, 0 updated" in line for line in lines[:-1])
    assert Article.objects.filter(status="draft").count() == 4


def test_a_second_run_skips_every_unchanged_feed(four_feeds):
    fetch_sources()

    lines = fetch_sources()

    assert lines[-1] == "fetch_sources: 4 feeds, 0 new, 0 updated, 4 skipped, 0 failed"
    assert Article.objects.count() == 4


def test_failed_feeds_are_counted_and_named(feed_server, make_feed, settings):
    settings.NEWSROOM_INTAKE_READ_TIMEOUT = 0.3
    settings.NEWSROOM_INTAKE_MAX_BYTES = 100_000
    make_feed(feed_server.serve("/ok", rss([story(1)])))
    make_feed(feed_server.serve("/down", b"", status=503))
    make_feed(feed_server.serve("/slow", rss([story(2)]), delay=2))
    make_feed(feed_server.serve("/huge", rss([story(3)]) + b" " * 200_000))
    make_feed(feed_server.serve("/bomb", ENTITY_BOMB))
    make_feed(feed_server.serve("/broken", b"<rss><channel><<<"))
    make_feed("http://10.0.0.1/feed")
    make_feed("http://169.254.169.254/latest/meta-data/")

    lines = fetch_sources()

    assert lines[-1] == "fetch_sources: 8 feeds, 1 new, 0 updated, 0 skipped, 7 failed"
    assert Article.objects.count() == 1
    assert any("/huge: failed: larger than 100000 bytes" in line for line in lines)
    assert any("/bomb: failed: refused" in line for line in lines)
    assert any("/broken: failed: malformed" in line for line in lines)
    assert any("/down: failed: HTTP 503" in line for line in lines)
    assert any("10.0.0.1/feed: failed: refused" in line for line in lines)
    assert any("/slow: failed: no answer" in line for line in lines)


def test_organization_limits_the_run_to_its_feeds(
    feed_server, make_feed, make_organization
):
    make_feed(feed_server.serve("/belta", rss([story(1)])))
    other = make_organization(slug="sco-rats")
    make_feed(feed_server.serve("/sco", rss([story(2)])), organization=other)

    lines = fetch_sources("--organization", "sco-rats")

    assert lines[-1] == "fetch_sources: 1 feeds, 1 new, 0 updated, 0 skipped, 0 failed"
    assert list(Article.objects.values_list("organization__slug", flat=True)) == [
        "sco-rats"
    ]


def test_inactive_feeds_are_not_fetched(feed_server, make_feed):
    make_feed(feed_server.serve("/off", rss([story(1)])), active=False)

    assert fetch_sources()[-1] == (
        "fetch_sources: 0 feeds, 0 new, 0 updated, 0 skipped, 0 failed"
    )
    assert feed_server.requests == []


@pytest.mark.django_db
def test_an_unknown_organization_is_an_error():
    with pytest.raises(CommandError, match="nowhere"):
        fetch_sources("--organization", "nowhere")
