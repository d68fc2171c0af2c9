import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from articles.models import Article

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def locations(response):
    root = ET.fromstring(response.content)
    return [element.text for element in root.iterfind(".//sm:loc", NS)]


@pytest.fixture(autouse=True)
def _site_host(settings):
    settings.ALLOWED_HOSTS = ["news.example.by", "localhost", "testserver"]


@pytest.fixture
def stories(make_article):
    return [
        make_article(title="Live"),
        make_article(title="Hidden", status=Article.Status.DRAFT),
    ]


def test_sitemap_xml_is_an_index_of_sections_on_the_requesting_host(client, stories):
    response = client.get("/sitemap.xml", HTTP_HOST="news.example.by")

    assert response.status_code == 200
    sections = locations(response)
    assert "http://news.example.by/sitemap-articles.xml" in sections
    assert "http://news.example.by/sitemap-pages.xml" in sections
    assert not any("example.com" in url for url in sections)


def test_article_section_lists_only_published_articles_with_lastmod(client, stories):
    live, hidden = stories

    response = client.get("/sitemap-articles.xml", HTTP_HOST="news.example.by")

    urls = locations(response)
    assert urls == [f"http://news.example.by{live.get_absolute_url()}"]
    assert b"<lastmod>" in response.content


def test_pages_section_names_every_language(client, stories):
    urls = locations(client.get("/sitemap-pages.xml", HTTP_HOST="news.example.by"))

    assert "http://news.example.by/news/" in urls
    assert "http://news.example.by/ru/news/" in urls
    assert "http://news.example.by/be/gallery/" in urls


def test_archive_section_lists_months_with_news(client, stories):
    live, _ = stories
    local = timezone.localtime(live.published_at)

    urls = locations(client.get("/sitemap-archives.xml"))

    assert any(f"/news/{local.year}/" in url for url in urls)


def test_robots_txt_points_at_the_sitemap(client):
    response = client.get("/robots.txt", HTTP_HOST="news.example.by")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Sitemap: http://news.example.by/sitemap.xml" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_the_index_costs_the_same_queries_however_many_articles(
    client, make_article, django_assert_num_queries, count
):
    for _ in range(count):
        make_article()

    # The kept counts' and lastmod's surrogate keys are checked once before
    # them, and the answer's own once after; the archive's months take two.
    with django_assert_num_queries(7):
        response = client.get("/sitemap.xml")

    assert response.status_code == 200
    assert b"<lastmod>" in response.content
