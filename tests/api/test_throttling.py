"""The API's rate limit: NEWSROOM_API_RATE requests per client address."""

import pytest


@pytest.fixture
def three_a_minute(settings):
    settings.NEWSROOM_API_RATE = "3/min"


def test_a_client_over_the_rate_is_answered_429_with_retry_after(
    api_client, make_article, three_a_minute
):
    make_article()

    answers = [api_client.get("/api/articles/") for _ in range(4)]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert refused["Content-Type"] == "application/json"
    assert "detail" in refused.json()
    assert 0 < int(refused["Retry-After"]) <= 60


def test_the_limit_counts_every_api_address_together(
    api_client, organization, three_a_minute
):
    for path in ("/api/articles/", "/api/ninjs/", "/api/organizations/"):
        assert api_client.get(path).status_code == 200

    assert api_client.get("/api/organizations/belta/").status_code == 429


def test_each_address_has_its_own_allowance(api_client, organization, three_a_minute):
    for _ in range(3):
        api_client.get("/api/organizations/", REMOTE_ADDR="192.0.2.1")

    assert (
        api_client.get("/api/organizations/", REMOTE_ADDR="192.0.2.1").status_code
        == 429
    )
    assert (
        api_client.get("/api/organizations/", REMOTE_ADDR="192.0.2.2").status_code
        == 200
    )


def test_the_readers_pages_are_not_limited(api_client, make_article, three_a_minute):
    make_article()
    for _ in range(3):
        api_client.get("/api/articles/")

    assert api_client.get("/news/").status_code == 200
