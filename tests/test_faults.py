"""Faults: the site with its Redis gone or hanging, and with its database
unreachable. Redis tests use real servers (a closed port, a socket that never
answers, a redis-server of the test's own); database tests use a closed port
and killed connections on PostgreSQL, never the machine's server itself."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from contextlib import closing, contextmanager
from unittest import mock

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import caches
from django.db import connection
from django.db.utils import OperationalError, ProgrammingError
from django.test import override_settings

from articles import view_counts

LIVE_REDIS = ("127.0.0.1", 6379)

requires_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (set DATABASE_URL=postgres://…)",
)


def free_port():
    """A loopback port nobody listens on (until someone takes it)."""
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_answers(host, port):
    try:
        return redis.Redis(host=host, port=port, socket_timeout=0.5).ping()
    except redis.exceptions.RedisError:
        return False


@contextmanager
def tolerant_cache(location):
    """The site's cache is a TolerantRedisCache at `location` until the block
    ends; then the test's local-memory cache is back before the suite clears
    it, so no test ever flushes a Redis that others may be using."""
    backend = {
        "BACKEND": "monitoring.cache.TolerantRedisCache",
        "LOCATION": location,
        # Our own keys only: other programs may share this Redis.
        "KEY_PREFIX": f"newsroom-test-{uuid.uuid4().hex}",
    }
    with override_settings(CACHES={"default": backend}):
        yield caches["default"]


def unreachable_redis():
    return tolerant_cache(f"redis://127.0.0.1:{free_port()}/0")


def wait_until(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@contextmanager
def redis_server(port):
    """A throwaway redis-server on `port`, stopped on the way out."""
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert wait_until(lambda: redis_answers("127.0.0.1", port)), "no redis-server"
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def story(make_article):
    return make_article(title="Council meets in Almaty")


# --- Redis unreachable ------------------------------------------------------------


@pytest.mark.django_db
def test_pages_render_while_redis_is_unreachable(client, story):
    with unreachable_redis():
        for url in ("/", "/news/", story.get_absolute_url(), "/contacts/"):
            response = client.get(url)
            assert response.status_code == 200, url
        news = client.get("/news/").content.decode()

    assert "Council meets in Almaty" in news


@pytest.mark.django_db
def test_healthz_reports_the_unreachable_cache_and_still_answers_200(client):
    with unreachable_redis():
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["database"]["ok"] is True
    assert response.json()["cache"]["ok"] is False


def test_every_cache_operation_degrades_while_redis_is_unreachable():
    with unreachable_redis() as cache:
        cache.pause_after_failure = 0  # try the dead server on every call

        assert cache.get("k") is None
        assert cache.get("k", "fallback") == "fallback"
        assert cache.get_or_set("k", lambda: "computed") == "computed"
        assert cache.add("k", 1) is False
        assert cache.set("k", 1) is None
        assert cache.touch("k") is False
        assert cache.delete("k") is False
        assert cache.has_key("k") is False
        assert cache.get_many(["k", "j"]) == {}
        assert cache.set_many({"k": 1, "j": 2}) == ["k", "j"]
        assert cache.delete_many(["k", "j"]) is None
        assert cache.clear() is False
        with pytest.raises(ValueError, match="not found"):
            cache.incr("k")


def test_a_hanging_redis_costs_one_short_timeout_then_nothing(caplog):
    # Accepts connections (the kernel does) but never answers a command.
    with closing(socket.socket()) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        with tolerant_cache(f"redis://127.0.0.1:{port}/0") as cache:
            started = time.monotonic()
            assert cache.get("k", "fallback") == "fallback"
            first = time.monotonic() - started
            started = time.monotonic()
            for _ in range(100):
                assert cache.get("k") is None
                cache.set("k", 1)
            rest = time.monotonic() - started

    assert first < 2  # the 0.5 s socket timeout, not redis-py's 5 s default
    assert rest < 0.1  # 200 calls while paused: no network at all
    warnings = [r for r in caplog.records if r.name == "monitoring.cache"]
    assert len(warnings) == 1
    assert "unreachable" in warnings[0].getMessage()


# --- Redis answering --------------------------------------------------------------

live_redis = pytest.mark.skipif(
    not redis_answers(*LIVE_REDIS), reason="no Redis answering on 127.0.0.1:6379"
)


@live_redis
@pytest.mark.django_db
def test_the_live_redis_is_used_when_it_answers(client, story):
    with tolerant_cache("redis://127.0.0.1:6379/0") as cache:
        try:
            assert client.get("/news/").status_code == 200
            assert client.get("/healthz").json()["cache"] == {"ok": True}
            assert cache.get("healthz") == "ok"  # written by the site, in Redis
            cache.set("n", 1)
            assert cache.incr("n", 2) == 3
            assert cache.get_many(["n", "missing"]) == {"n": 3}
        finally:
            cache.delete_many(["n", "healthz"])


@live_redis
def test_a_bug_in_a_cache_call_is_not_hidden():
    with tolerant_cache("redis://127.0.0.1:6379/0") as cache:
        cache.set("text", "not a number")
        try:
            with pytest.raises(redis.exceptions.ResponseError):
                cache.incr("text")
        finally:
            cache.delete("text")


@pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server absent")
@pytest.mark.django_db
def test_the_cache_is_used_again_when_a_stopped_redis_returns(client, story):
    port = free_port()
    with tolerant_cache(f"redis://127.0.0.1:{port}/0") as cache:
        cache.pause_after_failure = 0.2

        with redis_server(port):
            assert client.get("/news/").status_code == 200
            assert client.get("/healthz").json()["cache"] == {"ok": True}
            assert cache.get("healthz") == "ok"

        # Stopped: what it held is gone, and pages still render.
        assert client.get("/news/").status_code == 200
        assert client.get("/healthz").json()["cache"]["ok"] is False
        assert cache.get("healthz") is None

        with redis_server(port):
            time.sleep(cache.pause_after_failure)
            assert client.get("/news/").status_code == 200
            assert client.get("/healthz").json()["cache"] == {"ok": True}
            assert cache.get("healthz") == "ok"


# --- Database unreachable ---------------------------------------------------------

every_query_fails = mock.patch(
    "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
    side_effect=OperationalError("connection refused"),
)


@pytest.mark.django_db
def test_readers_get_the_friendly_503_page_when_the_database_is_down(client, story):
    with every_query_fails:
        response = client.get("/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-cache" in response["Cache-Control"]
    # The page may have begun to render before its first query failed.
    assert [t.name for t in response.templates][-2:] == [
        "503.html",
        "_standalone_error.html",
    ]
    page = response.content.decode()
    assert "Back in a moment" in page
    assert "Postavy District Newsroom" in page
    assert "/static/css/site.css" in page
    assert "OperationalError" not in page and "Traceback" not in page


@pytest.mark.django_db
def test_a_database_error_met_while_the_template_renders_is_a_503_too(client):
    # The office list's query is lazy: it first runs inside the template.
    with every_query_fails:
        response = client.get("/contacts/")

    assert response.status_code == 503
    assert "Back in a moment" in response.content.decode()


@pytest.mark.django_db
def test_healthz_answers_503_json_when_the_database_is_down(client):
    with every_query_fails:
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


@pytest.mark.django_db
def test_other_database_errors_are_still_server_errors(client):
    client.raise_request_exception = False
    with mock.patch(
        "articles.views.HomeView.get_context_data",
        side_effect=ProgrammingError("no such table"),
    ):
        response = client.get("/")

    assert response.status_code == 500
    assert "Back in a moment" not in response.content.decode()


@pytest.mark.django_db
def test_pages_come_back_on_the_first_request_after_the_database_does(client, story):
    with every_query_fails:
        assert client.get(story.get_absolute_url()).status_code == 503

    response = client.get(story.get_absolute_url())

    assert response.status_code == 200
    assert "Council meets in Almaty" in response.content.decode()


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_postgresql_on_a_closed_port_gets_503_and_the_site_recovers_by_itself(
    client, story
):
    real_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = str(free_port())
    try:
        page = client.get(story.get_absolute_url())
        health = client.get("/healthz")
    finally:
        connection.settings_dict["PORT"] = real_port

    assert page.status_code == 503
    assert "Back in a moment" in page.content.decode()
    assert health.status_code == 503
    assert health.json()["database"] == {"ok": False, "error": "OperationalError"}
    # The same process, nothing restarted: the next request reconnects. (From
    # another address: a view the failed request counted would not hide it.)
    page = client.get(story.get_absolute_url(), REMOTE_ADDR="198.51.100.1")
    assert page.status_code == 200
    assert client.get("/healthz").status_code == 200
    view_counts.flush()
    story.refresh_from_db()
    assert story.view_count == 1  # the failed request counted nothing


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return None, ""


@contextmanager
def gunicorn_on_the_test_database(tmp_path):
    """One sync worker keeping its database connection between requests, as
    in production (DATABASE_CONN_MAX_AGE)."""
    db = connection.settings_dict
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}"
            f":{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "DATABASE_CONN_MAX_AGE": "600",
        "DJANGO_SECRET_KEY": "faults-test-only",
        "DJANGO_DEBUG": "0",
        "GUNICORN_WORKERS": "1",
    }
    env.pop("REDIS_URL", None)
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [
            os.path.join(os.path.dirname(sys.executable), "gunicorn"),
            "--config",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_until(lambda: fetch(f"{base}/healthz")[0] == 200, 30), (
            tmp_path / "gunicorn.log"
        ).read_text()
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_server_whose_database_connections_were_killed_recovers_by_itself(
    story, tmp_path
):
    with gunicorn_on_the_test_database(tmp_path) as base:
        status, feed = fetch(f"{base}/news/feed/")
        assert (status, "Council meets in Almaty" in feed) == (200, True)

        # What a PostgreSQL restart does to the worker's open connection.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM (SELECT pg_terminate_backend(pid)"
                " FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid()) AS killed"
            )
            (killed,) = cursor.fetchone()
        assert killed >= 1

        status, feed = fetch(f"{base}/news/feed/")
        assert (status, "Council meets in Almaty" in feed) == (200, True)
        assert fetch(f"{base}/healthz")[0] == 200
