from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from articles.models import Article

MINSK = ZoneInfo("Europe/Minsk")


def test_it_credits_the_byline_when_there_is_one(make_article):
    article = make_article(byline="Anna Kovalenko")

    assert article.byline_display == "Anna Kovalenko"


def test_it_credits_the_organizations_short_name_when_the_byline_is_empty(
    make_article,
):
    article = make_article(byline="")

    assert article.byline_display == "BelTA"


def test_its_address_carries_the_publication_date_in_minsk(make_article):
    # 22:30 UTC on 6 July is already 01:30 on 7 July in Minsk.
    article = make_article(
        slug="late-night", published_at=datetime(2023, 7, 6, 22, 30, tzinfo=UTC)
    )

    assert article.get_absolute_url() == "/news/2023/07/07/late-night/"


def test_an_organization_is_shown_by_its_own_language_name(make_organization):
    organization = make_organization(
        name="Executive Committee of the SCO Regional Anti-Terrorist Structure",
        native_name="Исполнительный комитет РАТС ШОС",
    )

    assert organization.source_name == "Исполнительный комитет РАТС ШОС"


def test_an_organization_without_an_own_language_name_is_shown_by_its_name(
    make_organization,
):
    organization = make_organization(name="Belarusian Telegraph Agency")

    assert organization.source_name == "Belarusian Telegraph Agency"


@pytest.mark.parametrize(
    ("overrides", "public"),
    [
        ({}, True),
        ({"status": Article.Status.DRAFT}, False),
        ({"published_at": "tomorrow"}, False),
        ({"expires_at": "an hour ago", "published_at": "yesterday"}, False),
        ({"expires_at": "tomorrow"}, True),
    ],
    ids=["live", "draft", "scheduled", "expired", "expiring later"],
)
def test_is_published_agrees_with_the_published_queryset(
    make_article, now, overrides, public
):
    times = {
        "tomorrow": now + timedelta(days=1),
        "yesterday": now - timedelta(days=1),
        "an hour ago": now - timedelta(hours=1),
    }
    article = make_article(
        **{key: times.get(value, value) for key, value in overrides.items()}
    )

    assert article.is_published() is public
    assert Article.objects.published().filter(pk=article.pk).exists() is public


def test_a_script_in_the_body_is_removed_on_save(make_article):
    article = make_article(body='<p>Hello</p><script>alert("x")</script>')

    article.refresh_from_db()
    assert "<script" not in article.body
    assert "<p>Hello</p>" in article.body


def test_newest_first_orders_by_publication_time(make_article, now):
    older = make_article(published_at=now - timedelta(days=2))
    newer = make_article(published_at=now - timedelta(days=1))

    assert list(Article.objects.filter(pk__in=[older.pk, newer.pk]).newest_first()) == [
        newer,
        older,
    ]
