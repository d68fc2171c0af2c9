"""The app's own caching (caching.middleware, caching.services) behind the
edge: what it tags is kept, and a change it commits purges exactly its keys
there, at once."""

import time

import pytest
from django.conf import settings

from .harness import needs_varnish, until

pytestmark = [
    needs_varnish,
    pytest.mark.skipif(
        "caching.middleware.SharedCacheMiddleware" not in settings.MIDDLEWARE,
        reason="the shared-cache middleware is not in MIDDLEWARE yet",
    ),
]


@pytest.fixture
def name(request):
    return f"{request.node.name[5:30].replace('_', '-')}-{time.monotonic_ns()}"


def settled(edge, address):
    """The page as the edge keeps it: an answer rendered just after a change
    is not kept (the middleware's settle time), so ask until one is."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        answer = edge.request(address)
        if answer.cache == "HIT":
            return answer
        time.sleep(0.2)
    pytest.fail(f"{address} was never kept: {answer.headers}")


def test_a_page_the_app_tags_is_kept_with_its_keys(edge, name):
    first = edge.request(f"/edge-test/app-tagged/{name}/?keys={name}+{name}-list")

    kept = settled(edge, f"/edge-test/app-tagged/{name}/?keys={name}+{name}-list")

    assert first.status == 200
    assert "s-maxage=" in kept.headers["Cache-Control"]
    assert kept.headers["xkey"] == f"{name} {name}-list site"
    assert kept.headers["Surrogate-Key"] == f"{name} {name}-list site"


def test_a_change_the_app_commits_purges_exactly_its_keys_at_the_edge(edge, name):
    changed = f"/edge-test/app-tagged/{name}-1/?keys={name}-story+{name}-list"
    untouched = f"/edge-test/app-tagged/{name}-2/?keys={name}-other+{name}-list2"
    before = settled(edge, changed)
    settled(edge, untouched)

    edge.request(f"/edge-test/change/?keys={name}-story", "POST")
    renewed = until(lambda: edge.request(changed).body != before.body, 1)

    assert renewed is not None
    assert edge.request(untouched).cache == "HIT"
