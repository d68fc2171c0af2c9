"""Rich previews: every page has its own title, a description and one
canonical address on the host that served it; article pages carry Open
Graph and Twitter card tags and schema.org NewsArticle JSON-LD."""

import io
import json
import re
from datetime import datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from PIL import Image

from .public_pages import ROOT, page_paths, seed_article

MINSK = ZoneInfo("Europe/Minsk")
HOST = "news.postavy.example"


@pytest.fixture
def demo(db, settings):
    settings.ALLOWED_HOSTS = [HOST, "testserver"]
    call_command("load_demo", verbosity=0)


def get(client, path, **extra):
    return client.get(path, HTTP_HOST=HOST, **extra)


def head_value(page, pattern):
    match = re.search(pattern, page)
    return unescape(match.group(1)) if match else None


def title(page):
    return head_value(page, r"<title>([^<]*)</title>")


def meta(page, key):
    """The content of <meta property|name=key>."""
    return head_value(
        page, rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">'
    )


def canonical(page):
    return head_value(page, r'<link rel="canonical" href="([^"]*)">')


def json_ld(page):
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL
    )
    assert len(blocks) == 1
    return json.loads(blocks[0])


# --- Every page -----------------------------------------------------------------


def test_every_page_has_its_own_title_and_a_description(client, demo):
    titles = {}
    for name, path, _status in page_paths():
        page = get(client, path).content.decode()
        titles[name] = title(page)
        assert meta(page, "description"), name

    assert len(set(titles.values())) == len(titles), titles


def test_the_same_page_has_its_own_title_in_each_language(client, demo):
    assert title(get(client, "/ru/news/").content.decode()).startswith("Новости ·")
    assert title(get(client, "/be/news/").content.decode()).startswith("Навіны ·")


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/", "/"),
        ("/news/2023/07/", "/news/2023/07/"),
        ("/organizations/belta/", "/organizations/belta/"),
        ("/contacts/?utm_source=feed", "/contacts/"),
        ("/ru/gallery/", "/ru/gallery/"),
    ],
)
def test_every_page_names_its_canonical_address_on_the_serving_host(
    client, demo, path, expected
):
    page = get(client, path).content.decode()

    assert canonical(page) == f"http://{HOST}{expected}"
    assert meta(page, "og:url") == f"http://{HOST}{expected}"


def test_the_canonical_address_is_https_behind_a_tls_proxy(client, demo):
    page = get(client, "/news/", HTTP_X_FORWARDED_PROTO="https").content.decode()

    assert canonical(page) == f"https://{HOST}/news/"


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ""),
        ("?utm_source=x&page=1&q=&date_to=", ""),
        (
            "?organization=sco-rats&organization=belta&utm_source=x",
            "?organization=belta&organization=sco-rats",
        ),
        ("?language=en&date_from=2023-07-01", "?date_from=2023-07-01&language=en"),
        ("?q=border", "?q=border"),
        # A rejected filter has nothing to be the canonical list of.
        ("?date_from=2023-13-45", ""),
    ],
)
def test_the_news_lists_canonical_keeps_only_the_meaningful_filters(
    client, demo, query, expected
):
    page = get(client, "/news/" + query).content.decode()

    assert canonical(page) == f"http://{HOST}/news/{expected}"


def test_the_canonical_address_of_a_later_page_keeps_its_number(
    client, make_article, settings
):
    settings.ALLOWED_HOSTS = [HOST]
    for _ in range(21):
        make_article()

    page = get(client, "/news/?page=2&utm_medium=x").content.decode()

    assert canonical(page) == f"http://{HOST}/news/?page=2"
    assert "page 2" in title(page)


def test_a_filtered_list_names_its_filters_in_the_title(client, demo):
    page = get(client, "/news/?organization=belta&q=border").content.decode()

    assert title(page).startswith("News: BelTA · “border” ·")


def test_a_list_with_a_rejected_filter_says_so_first_in_its_title(client, demo):
    page = get(client, "/news/?date_from=2023-13-45").content.decode()

    assert title(page) == "Error: News · Postavy District Newsroom"


def test_every_page_links_its_versions_in_the_other_languages(client, demo):
    page = get(client, "/ru/organizations/belta/?utm_source=x").content.decode()

    for code, prefix in [("en", ""), ("ru", "/ru"), ("be", "/be"), ("x-default", "")]:
        assert (
            f'<link rel="alternate" hreflang="{code}" '
            f'href="http://{HOST}{prefix}/organizations/belta/">'
        ) in page


def test_a_missing_page_names_no_canonical_address(client, demo):
    page = get(client, "/no-such-page/").content.decode()

    assert canonical(page) is None
    assert 'hreflang="ru"' not in page.split("<body")[0]


# --- Article pages --------------------------------------------------------------


def test_an_article_page_carries_open_graph_and_twitter_card_tags(client, demo):
    article = seed_article()
    page = get(client, article.get_absolute_url()).content.decode()
    url = f"http://{HOST}{article.get_absolute_url()}"

    assert canonical(page) == url
    assert meta(page, "og:type") == "article"
    assert meta(page, "og:title") == article.title
    description = meta(page, "og:description")
    assert description == meta(page, "description")
    assert len(description) <= 200
    assert description[:-1] in article.lead
    assert meta(page, "og:url") == url
    assert meta(page, "og:site_name") == "Postavy District Newsroom"
    assert meta(page, "article:published_time") == "2023-07-06T12:00:00+03:00"
    assert meta(page, "twitter:card") == "summary_large_image"
    assert meta(page, "twitter:title") == article.title


def seed_article_without_hero():
    """The seed story without the demo's stand-in hero image."""
    article = seed_article()
    article.hero_image = ""
    article.save()
    return article


def test_an_article_without_pictures_shares_the_sites_default_image(client, demo):
    page = get(client, seed_article_without_hero().get_absolute_url()).content.decode()

    assert meta(page, "og:image") == (f"http://{HOST}/static/img/share-default.png")
    assert (meta(page, "og:image:width"), meta(page, "og:image:height")) == (
        "1200",
        "630",
    )
    assert meta(page, "twitter:image") == meta(page, "og:image")


def test_an_article_shares_its_hero_image(client, demo, image_upload):
    article = seed_article()
    article.hero_image = image_upload("hero.png", size=(800, 450))
    article.hero_alt_text = "Border guards at the meeting"
    article.save()

    page = get(client, article.get_absolute_url()).content.decode()

    assert meta(page, "og:image") == f"http://{HOST}{article.hero_image.url}"
    assert (meta(page, "og:image:width"), meta(page, "og:image:height")) == (
        "800",
        "450",
    )
    assert meta(page, "og:image:alt") == "Border guards at the meeting"
    assert json_ld(page)["image"][0]["url"] == meta(page, "og:image")


def test_an_article_without_a_hero_shares_its_organizations_logo(
    client, demo, image_upload
):
    article = seed_article_without_hero()
    article.organization.logo = image_upload("belta.png")
    article.organization.save()

    page = get(client, article.get_absolute_url()).content.decode()

    assert meta(page, "og:image") == (f"http://{HOST}{article.organization.logo.url}")
    assert meta(page, "twitter:card") == "summary"


def test_the_default_share_image_and_logo_are_real_pictures():
    for name, size in [("share-default.png", (1200, 630)), ("logo.png", (512, 512))]:
        data = (ROOT / "static" / "img" / name).read_bytes()
        with Image.open(io.BytesIO(data)) as image:
            assert (image.format, image.size) == ("PNG", size)


def test_an_article_describes_itself_as_a_news_article_in_json_ld(client, demo):
    article = seed_article_without_hero()
    page = get(client, article.get_absolute_url()).content.decode()
    url = f"http://{HOST}{article.get_absolute_url()}"

    data = json_ld(page)

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == article.title
    assert data["datePublished"] == "2023-07-06T12:00:00+03:00"
    assert datetime.fromisoformat(data["dateModified"]).utcoffset() is not None
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert data["inLanguage"] == "en"
    assert data["image"][0]["url"] == f"http://{HOST}/static/img/share-default.png"
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "Postavy District Newsroom",
        "url": f"http://{HOST}/",
        "logo": {
            "@type": "ImageObject",
            "url": f"http://{HOST}/static/img/logo.png",
            "width": 512,
            "height": 512,
        },
    }


def test_an_article_with_no_byline_is_authored_by_its_organization(client, demo):
    page = get(client, seed_article().get_absolute_url()).content.decode()

    assert json_ld(page)["author"] == [
        {
            "@type": "Organization",
            "name": "Belarusian Telegraph Agency",
            "url": f"http://{HOST}/organizations/belta/",
        }
    ]


def test_an_article_with_a_byline_is_authored_by_that_person(client, make_article):
    article = make_article(byline="Anna Kovalenko")

    page = client.get(article.get_absolute_url()).content.decode()

    assert json_ld(page)["author"] == [{"@type": "Person", "name": "Anna Kovalenko"}]


def test_the_json_ld_cannot_be_broken_out_of_by_a_title(client, make_article):
    title_text = 'Fire </script><script>alert("x")</script> & <!-- smoke'
    article = make_article(title=title_text, lead="A <b>bold</b> lead")

    page = client.get(article.get_absolute_url()).content.decode()

    assert "<script>alert" not in page
    assert "<!-- smoke" not in page
    data = json_ld(page)
    assert data["headline"] == title_text
    assert data["description"] == "A <b>bold</b> lead"


def test_a_russian_article_page_says_so_in_its_json_ld(client, make_article):
    article = make_article(language="ru", title="Заседание Совета")

    page = client.get("/ru" + article.get_absolute_url()).content.decode()

    assert json_ld(page)["inLanguage"] == "ru"
    assert meta(page, "og:locale") == "ru_RU"
