"""/api/ninjs/: the published stories as IPTC ninjs 2.1 items, a list being
a ninjs feed (a JSON array of items) that a neighbour's Newsroom reads."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from articles.models import Article

MINSK = ZoneInfo("Europe/Minsk")


def valid_items(validator, answer):
    """Every item of a ninjs answer (one item or an array), each checked
    against IPTC's schema."""
    items = answer if isinstance(answer, list) else [answer]
    for item in items:
        errors = [error.message for error in validator.iter_errors(item)]
        assert errors == [], (item, errors)
    return items


@pytest.fixture
def sco_rats(make_organization):
    return make_organization(
        name="Executive Committee of the SCO Regional Anti-Terrorist Structure",
        short_name="SCO RATS",
        slug="sco-rats",
        native_name="Исполнительный комитет РАТС ШОС",
        website="https://ecrats.org/",
    )


@pytest.fixture
def seed_story(make_article, sco_rats):
    return make_article(
        title="SCO RATS and CIS ATC discuss cooperation",
        lead="A meeting in Almaty.",
        body="<p>The sides met.</p><p>They agreed.</p>",
        dateline="Almaty",
        byline="",
        organization=sco_rats,
        source_url="https://ecrats.org/en/press/news/1/",
        published_at=datetime(2023, 7, 7, 10, 30, tzinfo=MINSK),
    )


def test_an_item_is_valid_ninjs_and_carries_the_story(
    api_client, seed_story, ninjs_validator
):
    response = api_client.get(f"/api/ninjs/{seed_story.pk}/")

    assert response.status_code == 200
    [item] = valid_items(ninjs_validator, response.json())
    assert item["uri"] == f"http://testserver{seed_story.get_absolute_url()}"
    assert item["type"] == "text"
    assert item["version"] == str(seed_story.version)
    assert item["firstcreated"] == "2023-07-07T10:30:00+03:00"
    assert datetime.fromisoformat(item["versioncreated"]) == seed_story.updated_at
    assert item["pubstatus"] == "usable"
    assert item["language"] == "en"
    assert item["headlines"] == [
        {
            "role": "main",
            "contenttype": "text/plain",
            "value": "SCO RATS and CIS ATC discuss cooperation",
        }
    ]
    assert item["descriptions"] == [
        {
            "role": "summary",
            "contenttype": "text/plain",
            "value": "A meeting in Almaty.",
        }
    ]
    assert item["bodies"] == [
        {
            "role": "main",
            "contenttype": "text/html",
            "value": "<p>The sides met.</p><p>They agreed.</p>",
        }
    ]
    assert item["located"] == "Almaty"
    assert item["altids"] == [
        {"role": "source-url", "value": "https://ecrats.org/en/press/news/1/"}
    ]
    assert item["standard"]["version"] == "2.1"


def test_the_source_organization_is_the_infosource(
    api_client, seed_story, ninjs_validator
):
    item = api_client.get(f"/api/ninjs/{seed_story.pk}/").json()

    assert item["infosources"] == [
        {
            "name": "Исполнительный комитет РАТС ШОС",
            "uri": "https://ecrats.org/",
            "role": "http://cv.iptc.org/newscodes/infosourcerole/originfo",
            "literal": "sco-rats",
        }
    ]


def test_a_source_without_a_website_is_named_by_its_page_here(
    api_client, make_article, organization, ninjs_validator
):
    article = make_article(organization=organization)

    item = api_client.get(f"/api/ninjs/{article.pk}/").json()

    valid_items(ninjs_validator, item)
    assert item["infosources"][0]["uri"] == "http://testserver/organizations/belta/"
    assert item["infosources"][0]["name"] == "Belarusian Telegraph Agency"


def test_by_is_the_byline_or_else_the_sources_short_name(
    api_client, make_article, seed_story
):
    signed = make_article(byline="A. Writer")

    assert api_client.get(f"/api/ninjs/{signed.pk}/").json()["by"] == "A. Writer"
    assert api_client.get(f"/api/ninjs/{seed_story.pk}/").json()["by"] == "SCO RATS"


def test_what_a_story_lacks_is_left_out_not_sent_empty(
    api_client, make_article, ninjs_validator
):
    article = make_article(lead="", dateline="", source_url="")

    item = api_client.get(f"/api/ninjs/{article.pk}/").json()

    valid_items(ninjs_validator, item)
    assert "located" not in item
    assert "expires" not in item
    assert item["descriptions"] == []
    assert item["altids"] == []


def test_an_expiring_story_says_when(api_client, make_article, now, ninjs_validator):
    article = make_article(expires_at=now + timedelta(days=3))

    item = api_client.get(f"/api/ninjs/{article.pk}/").json()

    valid_items(ninjs_validator, item)
    assert datetime.fromisoformat(item["expires"]) == article.expires_at


def test_a_list_is_a_json_array_of_valid_items_newest_first(
    api_client, make_article, seed_story, ninjs_validator
):
    newer = make_article(language="ru", title="Форум")

    response = api_client.get("/api/ninjs/")

    assert response.status_code == 200
    items = valid_items(ninjs_validator, response.json())
    assert [item["uri"] for item in items] == [
        f"http://testserver{newer.get_absolute_url()}",
        f"http://testserver{seed_story.get_absolute_url()}",
    ]
    assert not response.has_header("Link")


def test_the_next_page_is_in_the_link_header(api_client, make_article, ninjs_validator):
    articles = [make_article() for _ in range(3)]

    first = api_client.get("/api/ninjs/?limit=2")
    next_url = first["Link"].removeprefix("<").split('>; rel="next"')[0]
    second = api_client.get(next_url)

    assert len(valid_items(ninjs_validator, first.json())) == 2
    assert next_url.startswith("http://testserver/api/ninjs/?")
    assert [item["uri"] for item in valid_items(ninjs_validator, second.json())] == [
        f"http://testserver{articles[2].get_absolute_url()}"
    ]
    assert 'rel="prev"' in second["Link"]
    assert 'rel="next"' not in second["Link"]


def test_an_organizations_ninjs_holds_its_stories_only(
    api_client, make_article, seed_story, ninjs_validator
):
    make_article()

    items = api_client.get("/api/ninjs/?organization=sco-rats").json()

    assert [item["uri"] for item in valid_items(ninjs_validator, items)] == [
        f"http://testserver{seed_story.get_absolute_url()}"
    ]


def test_an_organizations_ninjs_reads_as_a_ninjs_feed(api_client, seed_story):
    """As PRODUCT.md describes the intake's ninjs: a JSON array of items,
    each item's link its `uri`, with a title and a body."""
    feed = api_client.get("/api/ninjs/?organization=sco-rats").json()

    assert isinstance(feed, list)
    [item] = feed
    assert item["uri"].endswith(seed_story.get_absolute_url())
    assert item["headlines"][0]["value"] == seed_story.title
    assert item["bodies"][0]["value"] == seed_story.body


def test_ninjs_takes_the_same_filters_and_400s(api_client, seed_story):
    assert api_client.get("/api/ninjs/?language=ru").json() == []
    response = api_client.get("/api/ninjs/?date_from=2023-13-45")

    assert response.status_code == 400
    assert response.json() == {"date_from": ["Enter a valid date."]}


@pytest.mark.parametrize("state", ["draft", "scheduled", "expired"])
def test_an_unpublished_story_is_a_404(api_client, make_article, now, state):
    article = make_article(
        **{
            "draft": {"status": Article.Status.DRAFT},
            "scheduled": {"published_at": now + timedelta(hours=1)},
            "expired": {
                "published_at": now - timedelta(days=2),
                "expires_at": now - timedelta(days=1),
            },
        }[state]
    )

    assert api_client.get(f"/api/ninjs/{article.pk}/").status_code == 404
    assert api_client.get("/api/ninjs/").json() == []


def test_the_vendored_schema_is_iptcs_ninjs_2_1(ninjs_validator):
    assert (
        ninjs_validator.schema["$id"]
        == "http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json#"
    )


def test_the_validator_refuses_what_ninjs_does_not_allow(ninjs_validator):
    """Guards the tests above: a wrong item does not pass."""
    assert not ninjs_validator.is_valid({"type": "text"})
    assert not ninjs_validator.is_valid({"uri": "x", "headline": "no such field"})
    assert not ninjs_validator.is_valid(
        {"uri": "http://example.org/1", "firstcreated": "yesterday"}
    )
