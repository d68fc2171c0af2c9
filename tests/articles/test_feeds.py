import feedparser
import pytest

from articles.models import Article


@pytest.fixture(autouse=True)
def _site_host(settings):
    settings.ALLOWED_HOSTS = ["news.example.by", "localhost", "testserver"]


@pytest.fixture
def stories(make_article, make_organization, organization, now, yesterday):
    other = make_organization(
        name="SCO RATS press office", short_name="SCO RATS", slug="sco-rats"
    )
    return {
        "belta": make_article(
            title="BelTA story", organization=organization, published_at=now
        ),
        "rats": make_article(
            title="RATS story", organization=other, published_at=yesterday
        ),
        "draft": make_article(title="Draft story", status=Article.Status.DRAFT),
    }


def parse(response):
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.mark.parametrize("url", ["/news/feed/", "/news/feed/atom/"])
def test_it_lists_published_news_newest_first(client, stories, url):
    response = client.get(url)

    assert response.status_code == 200
    feed = parse(response)
    assert [entry.title for entry in feed.entries] == ["BelTA story", "RATS story"]


def test_rss_is_rss_2_and_atom_is_atom(client, stories):
    assert parse(client.get("/news/feed/")).version == "rss20"
    assert parse(client.get("/news/feed/atom/")).version == "atom10"


@pytest.mark.parametrize("url", ["/news/feed/", "/news/feed/atom/"])
def test_each_entry_carries_link_id_date_author_category_and_lead(client, stories, url):
    entry = parse(client.get(url, HTTP_HOST="news.example.by")).entries[0]
    article = stories["belta"]

    assert entry.link == f"http://news.example.by{article.get_absolute_url()}"
    assert entry.id == f"tag:newsroom,2023:article/{article.pk}"
    assert entry.published_parsed is not None
    assert entry.author == "BelTA"
    assert [tag.term for tag in entry.tags] == ["Belarusian Telegraph Agency"]
    assert entry.summary == article.lead


def test_it_honours_the_organization_filter(client, stories):
    feed = parse(client.get("/news/feed/?organization=sco-rats"))

    assert [entry.title for entry in feed.entries] == ["RATS story"]
    assert "SCO RATS" in feed.feed.title


def test_links_use_the_host_that_served_the_request(client, stories):
    feed = parse(client.get("/news/feed/atom/", HTTP_HOST="localhost"))

    assert all(entry.link.startswith("http://localhost/") for entry in feed.entries)
    assert "example.com" not in client.get("/news/feed/").content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "date_from=2023-13-45",
        "organization=no-such-source",
        "language=xx",
        "date_from=2023-07-08&date_to=2023-07-01",
    ],
)
@pytest.mark.parametrize("url", ["/news/feed/", "/news/feed/atom/"])
def test_it_answers_400_to_an_invalid_filter(client, stories, url, query):
    response = client.get(f"{url}?{query}")

    assert response.status_code == 400


def test_unknown_and_empty_parameters_are_ignored(client, stories):
    feed = parse(client.get("/news/feed/?utm_source=x&organization=&date_from="))

    assert len(feed.entries) == 2


def test_it_escapes_html_typed_into_a_title(client, make_article):
    make_article(title="<script>alert(1)</script> Breaking")

    response = client.get("/news/feed/")

    assert b"<script>" not in response.content
    assert parse(response).entries[0].title == "<script>alert(1)</script> Breaking"
