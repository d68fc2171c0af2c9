"""intake.fetching against a real local server: limits, caps, conditional GET,
and addresses refused before any connection is made."""

import socket
import time

import pytest

from intake import fetching
from intake.fetching import FetchError, fetch


@pytest.fixture
def no_connections(monkeypatch):
    """Fail the test if intake opens any connection."""

    def refuse(*args, **kwargs):
        raise AssertionError("intake connected to a refused address")

    monkeypatch.setattr(fetching.urllib3, "HTTPConnectionPool", refuse)
    monkeypatch.setattr(fetching.urllib3, "HTTPSConnectionPool", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_it_fetches_a_feed_and_keeps_its_validators(feed_server):
    url = feed_server.serve(
        "/rss", b"<rss/>", etag='"v1"', last_modified="Thu, 06 Jul 2023 09:30:00 GMT"
    )

    response = fetch(url)

    assert response.status == 200
    assert response.body == b"<rss/>"
    assert response.etag == '"v1"'
    assert response.last_modified == "Thu, 06 Jul 2023 09:30:00 GMT"


def test_it_asks_conditionally_and_reads_a_304(feed_server):
    url = feed_server.serve("/rss", b"<rss/>", etag='"v1"')

    response = fetch(url, etag='"v1"', last_modified="Thu, 06 Jul 2023 09:30:00 GMT")

    assert response.not_modified
    _, headers = feed_server.requests[-1]
    assert headers["If-None-Match"] == '"v1"'
    assert headers["If-Modified-Since"] == "Thu, 06 Jul 2023 09:30:00 GMT"


def test_a_server_error_fails_the_fetch(feed_server):
    url = feed_server.serve("/broken", b"oops", status=500)

    with pytest.raises(FetchError, match="HTTP 500"):
        fetch(url)


def test_a_body_over_the_cap_is_refused(feed_server, settings):
    settings.NEWSROOM_INTAKE_MAX_BYTES = 1000
    url = feed_server.serve("/huge", b"x" * 5000)

    with pytest.raises(FetchError, match="larger than 1000 bytes"):
        fetch(url)


def test_a_body_over_the_cap_is_refused_without_a_declared_length(
    feed_server, settings, monkeypatch
):
    settings.NEWSROOM_INTAKE_MAX_BYTES = 1000
    url = feed_server.serve("/huge", b"x" * 5000, chunk=500)
    # The length the server declares is not trusted: the bytes are counted.
    monkeypatch.setattr(fetching, "_declared_length", lambda response: None)

    with pytest.raises(FetchError, match="larger than 1000 bytes"):
        fetch(url)


def test_a_server_that_does_not_answer_is_given_up(feed_server, settings):
    settings.NEWSROOM_INTAKE_READ_TIMEOUT = 0.3
    url = feed_server.serve("/slow", b"<rss/>", delay=2)

    started = time.monotonic()
    with pytest.raises(FetchError, match="no answer"):
        fetch(url)

    assert time.monotonic() - started < 1.5


def test_a_server_that_trickles_is_given_up_at_the_total_limit(feed_server, settings):
    settings.NEWSROOM_INTAKE_TOTAL_TIMEOUT = 0.5
    url = feed_server.serve("/trickle", b"x" * 200, chunk=1, trickle=0.05)

    started = time.monotonic()
    with pytest.raises(FetchError, match="gave up after 0.5 seconds"):
        fetch(url)

    assert time.monotonic() - started < 1.5


def test_redirects_are_followed(feed_server):
    feed_server.serve("/new", b"<rss/>")
    url = feed_server.serve("/old", status=301, headers={"Location": "/new"})

    assert fetch(url).body == b"<rss/>"


@pytest.mark.parametrize(
    "target",
    ["http://10.0.0.1/feed", "http://169.254.169.254/latest/meta-data/"],
)
def test_a_redirect_into_the_local_network_is_refused(feed_server, target, monkeypatch):
    url = feed_server.serve("/old", status=302, headers={"Location": target})
    real_pool = fetching.urllib3.HTTPConnectionPool
    opened = []

    def pool(host, *args, **kwargs):
        opened.append(host)
        return real_pool(host, *args, **kwargs)

    monkeypatch.setattr(fetching.urllib3, "HTTPConnectionPool", pool)

    with pytest.raises(FetchError, match="refused"):
        fetch(url)

    assert opened == ["127.0.0.1"]


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/feed",
        "http://192.168.1.1/feed",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/feed",
        "http://[::ffff:127.0.0.1]/feed",
        "http://0.0.0.0/feed",
        "http://100.64.0.1/feed",
    ],
)
def test_non_public_addresses_are_refused_before_connecting(url, no_connections):
    with pytest.raises(FetchError, match="non-public address"):
        fetch(url)


def test_a_loopback_port_not_in_the_allow_list_is_refused(feed_server, no_connections):
    other_port = feed_server.port + 1 if feed_server.port < 8299 else 8200

    with pytest.raises(FetchError, match="non-public address"):
        fetch(f"http://127.0.0.1:{other_port}/feed")


def test_a_name_resolving_to_loopback_is_refused(feed_server, no_connections):
    with pytest.raises(FetchError, match="localhost resolves to"):
        fetch(f"http://localhost:{feed_server.port}/feed")


def test_a_name_with_any_private_address_is_refused(monkeypatch, no_connections):
    def resolve(host, port, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)

    with pytest.raises(FetchError, match="10.1.2.3"):
        fetch("https://feeds.example.org/rss")


def test_it_connects_to_the_address_it_checked(feed_server, monkeypatch, settings):
    """DNS rebinding: the name is resolved once; a later answer is not used."""
    feed_server.serve("/rss", b"<rss/>")
    settings.NEWSROOM_INTAKE_ALLOW_HOSTS = [f"feeds.example.org:{feed_server.port}"]
    answers = iter(["127.0.0.1", "10.9.9.9"])
    real_getaddrinfo = socket.getaddrinfo
    names_resolved = []

    def resolve(host, port, *args, **kwargs):
        if host != "feeds.example.org":  # an address: nothing to look up
            return real_getaddrinfo(host, port, *args, **kwargs)
        names_resolved.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)

    response = fetch(f"http://feeds.example.org:{feed_server.port}/rss")

    assert response.body == b"<rss/>"
    assert names_resolved == ["feeds.example.org"]
    _, headers = feed_server.requests[-1]
    assert headers["Host"] == f"feeds.example.org:{feed_server.port}"


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/feed", "gopher://x/"]
)
def test_only_http_and_https_are_fetched(url, no_connections):
    with pytest.raises(FetchError, match="not an http"):
        fetch(url)


def test_a_certificate_that_cannot_be_verified_is_refused(tls_feed_server):
    url = tls_feed_server.serve("/rss", b"<rss/>")

    with pytest.raises(FetchError, match="CERTIFICATE_VERIFY_FAILED|certificate"):
        fetch(url)

    assert tls_feed_server.requests == []


def test_a_server_that_stalls_mid_body_is_given_up_at_the_total_limit(
    feed_server, settings
):
    settings.NEWSROOM_INTAKE_TOTAL_TIMEOUT = 0.5
    settings.NEWSROOM_INTAKE_READ_TIMEOUT = 5
    url = feed_server.serve("/stall", b"xy", chunk=1, trickle=3)

    started = time.monotonic()
    with pytest.raises(FetchError, match="gave up after 0.5 seconds"):
        fetch(url)

    assert time.monotonic() - started < 1.5


def test_a_name_that_takes_too_long_to_resolve_is_given_up(
    monkeypatch, settings, no_connections
):
    settings.NEWSROOM_INTAKE_TOTAL_TIMEOUT = 0.3

    def slow(*args, **kwargs):
        time.sleep(1)
        return []

    monkeypatch.setattr(socket, "getaddrinfo", slow)

    started = time.monotonic()
    with pytest.raises(FetchError, match="cannot resolve feeds.example.org in time"):
        fetch("https://feeds.example.org/rss")

    assert time.monotonic() - started < 0.9
