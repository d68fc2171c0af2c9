import http.server
import threading
import time
from datetime import UTC, timedelta

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from caching import services
from caching.models import SurrogateKey


class PurgeRecorder(http.server.BaseHTTPRequestHandler):
    """A stand-in edge on 127.0.0.1 that records PURGE requests."""

    received = []
    answer = 200

    def do_PURGE(self):
        type(self).received.append(self.headers.get("xkey-purge"))
        self.send_response(type(self).answer)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def edge(settings):
    PurgeRecorder.received = []
    PurgeRecorder.answer = 200
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), PurgeRecorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.NEWSROOM_EDGE_PURGE_URL = f"http://127.0.0.1:{server.server_port}/"
    yield PurgeRecorder
    server.shutdown()
    server.server_close()


def test_a_purge_moves_the_keys_in_the_database(db):
    services.purge(["article-1", "articles"])

    assert set(SurrogateKey.objects.values_list("key", flat=True)) == {
        "article-1",
        "articles",
    }


def test_a_purge_reaches_the_edge_after_the_commit(
    db, edge, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.purge(["article-1", "articles"])
    assert edge.received == []  # nothing before the commit

    for callback in callbacks:
        callback()

    assert edge.received == ["article-1 articles"]
    assert not SurrogateKey.objects.awaiting_edge_purge().exists()


@pytest.mark.django_db(transaction=True)
def test_the_edge_is_purged_once_the_change_has_settled(edge, settings):
    """Sooner, the pages it fetched again would be rendered too close to the
    change to be kept (see `settled`)."""
    settings.NEWSROOM_CACHE_SETTLE_SECONDS = 0.3
    with transaction.atomic():
        services.purge(["article-1", "articles"])
    committed = time.monotonic()

    # The job worker leaves it to the timer meanwhile.
    assert services.purge_pending_at_edge() == 2
    assert edge.received == []
    while not edge.received and time.monotonic() - committed < 5:
        time.sleep(0.01)

    assert time.monotonic() - committed >= 0.3
    assert edge.received == ["article-1 articles"]
    for _ in range(100):  # the timer records the edge's answer
        if not SurrogateKey.objects.awaiting_edge_purge().exists():
            break
        time.sleep(0.01)
    assert not SurrogateKey.objects.awaiting_edge_purge().exists()


@pytest.mark.django_db(transaction=True)
def test_a_purge_whose_sender_died_is_sent_by_the_job_worker(edge, settings):
    settings.NEWSROOM_CACHE_SETTLE_SECONDS = 0.2
    # Stamped as if committed a while ago by a process that died before its
    # timer fired.
    a_while_ago = timezone.now() - timedelta(seconds=1)
    SurrogateKey.objects.create(
        key="article-1", changed_at=a_while_ago, edge_purged_at=services.NEVER
    )

    assert services.purge_pending_at_edge() == 0

    assert edge.received == ["article-1"]


def test_a_purge_the_edge_refused_waits_and_is_sent_again(
    db, edge, django_capture_on_commit_callbacks
):
    edge.answer = 503
    with django_capture_on_commit_callbacks(execute=True):
        services.purge(["article-1"])
    assert SurrogateKey.objects.awaiting_edge_purge().count() == 1

    edge.answer = 200
    assert services.purge_pending_at_edge() == 0

    assert edge.received == ["article-1", "article-1"]


def test_a_purge_with_the_edge_down_is_kept_until_it_answers(
    db, settings, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_EDGE_PURGE_URL = "http://127.0.0.1:1/"
    with django_capture_on_commit_callbacks(execute=True):
        services.purge(["office"])

    assert services.purge_pending_at_edge() == 1


def test_without_an_edge_nothing_waits(db, settings):
    settings.NEWSROOM_EDGE_PURGE_URL = ""

    services.purge(["office"])

    assert services.purge_pending_at_edge() == 0
    assert not SurrogateKey.objects.awaiting_edge_purge().exists()


def test_a_keys_stamp_is_its_last_change_in_utc(db):
    services.purge(["articles"])
    changed_at = SurrogateKey.objects.get(key="articles").changed_at

    assert services.stamps(["articles", "never-changed"]) == {
        "articles": changed_at.astimezone(UTC).isoformat(),
        "never-changed": "",
    }


def test_a_remembered_value_is_computed_once_until_its_key_changes(db):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    first = services.remember("answer", ["articles"], compute, 60)
    again = services.remember("answer", ["articles"], compute, 60)
    services.purge(["office"])  # another key
    still = services.remember("answer", ["articles"], compute, 60)
    services.purge(["articles"])
    after = services.remember("answer", ["articles"], compute, 60)

    assert (first, again, still, after) == (1, 1, 1, 2)


def test_a_request_checks_a_remembered_value_once(db, monkeypatch):
    """A page showing one value in several places (the site's name in the
    title, header, footer and share tags) reads it from the cache once."""
    services.remember("answer", ["articles"], lambda: "kept", 60)
    reads = []
    read = cache.get
    monkeypatch.setattr(cache, "get", lambda key: reads.append(key) or read(key))

    token = services.stamps_read_once_per_request()
    try:
        shown = [
            services.remember("answer", ["articles"], lambda: "new", 60)
            for _place in range(3)
        ]
    finally:
        services.forget_stamps_read(token)

    assert shown == ["kept", "kept", "kept"]
    assert reads == ["value:answer"]


def test_a_value_computed_while_its_key_changes_is_computed_again(db):
    def compute_during_a_change():
        services.purge(["articles"])
        return "maybe old"

    services.remember("answer", ["articles"], compute_during_a_change, 60)

    assert services.remember("answer", ["articles"], lambda: "new", 60) == "new"


def test_a_kept_value_from_an_old_cache_is_not_trusted(db):
    """As after Redis comes back with an old snapshot: the value was kept
    before a purge the cache never heard of."""
    services.remember("answer", ["articles"], lambda: "old", 60)
    kept = cache.get("value:answer")
    services.purge(["articles"])
    cache.set("value:answer", kept)  # the snapshot's copy

    assert services.remember("answer", ["articles"], lambda: "new", 60) == "new"


def test_settled_allows_only_keys_older_than_the_margin(settings):
    settings.NEWSROOM_CACHE_SETTLE_SECONDS = 1
    now = timezone.now()

    assert services.settled({"a": ""}, now)
    assert services.settled({"a": (now - timedelta(seconds=2)).isoformat()}, now)
    assert not services.settled({"a": (now - timedelta(seconds=0.5)).isoformat()}, now)
    assert not services.settled({"a": (now + timedelta(seconds=1)).isoformat()}, now)
