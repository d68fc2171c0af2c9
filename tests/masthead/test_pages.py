"""The site's name on readers' pages: in the page's language, the default
before one is saved, fresh at once when it is saved, and kept so that pages
do not read it from the database each time."""

import re
from html import unescape
from unittest import mock

import pytest
from django.db import connection
from django.db.utils import OperationalError
from django.test.utils import CaptureQueriesContext

from caching.models import SurrogateKey
from masthead.models import Masthead


def html(response):
    return response.content.decode()


def title(page):
    return unescape(re.search(r"<title>([^<]*)</title>", page).group(1))


def og_site_name(page):
    match = re.search(r'<meta property="og:site_name" content="([^"]*)">', page)
    return unescape(match.group(1))


def header_name(page, prefix=""):
    match = re.search(rf'<a class="site-name" href="{prefix}/">([^<]*)</a>', page)
    return unescape(match.group(1))


def footer(page):
    return page[page.index("<footer") :]


@pytest.mark.parametrize(
    "prefix, name",
    [
        ("", "Postavy Herald"),
        ("/ru", "Поставский вестник"),
        ("/be", "Пастаўскі веснік"),
    ],
)
def test_every_page_shows_the_saved_name_in_its_language(
    client, make_masthead, prefix, name
):
    make_masthead()

    page = html(client.get(f"{prefix}/news/"))

    assert header_name(page, prefix) == name
    assert title(page).endswith(f" · {name}")
    assert og_site_name(page) == name
    assert f"{name}</p>" in footer(page)


def test_a_language_without_a_name_shows_the_english_one(client, make_masthead):
    make_masthead(name_ru="")

    page = html(client.get("/ru/news/"))

    assert header_name(page, "/ru") == "Postavy Herald"


@pytest.mark.parametrize(
    "prefix, name",
    [
        ("", "Postavy District Newsroom"),
        ("/ru", "Новости Поставского района"),
        ("/be", "Навіны Пастаўскага раёна"),
    ],
)
def test_without_a_saved_name_pages_show_the_default_in_their_language(
    client, db, prefix, name
):
    response = client.get(f"{prefix}/contacts/")

    assert response.status_code == 200
    assert header_name(html(response), prefix) == name


def test_a_missing_page_shows_the_saved_name(client, make_masthead):
    make_masthead()

    response = client.get("/be/no-such-page/")

    assert response.status_code == 404
    assert header_name(html(response), "/be") == "Пастаўскі веснік"


def test_saving_the_name_purges_every_page_at_once(client, make_masthead):
    masthead = make_masthead()
    SurrogateKey.objects.all().delete()
    client.get("/ru/news/")  # kept whole, with the name kept apart too

    masthead.name_ru = "Поставские новости"
    masthead.save()

    assert SurrogateKey.objects.filter(key="site").exists()
    assert header_name(html(client.get("/ru/news/")), "/ru") == "Поставские новости"


def test_deleting_the_name_brings_back_the_default_at_once(client, make_masthead):
    make_masthead()
    client.get("/news/")

    Masthead.objects.all().delete()

    assert header_name(html(client.get("/news/"))) == "Postavy District Newsroom"


def test_pages_read_the_name_from_the_database_once_until_it_is_saved(
    client, make_masthead
):
    make_masthead()
    client.get("/gallery/")

    with CaptureQueriesContext(connection) as queries:
        for path in ("/news/", "/ru/contacts/", "/be/organizations/"):
            assert client.get(path).status_code == 200

    assert not [query for query in queries if "masthead" in query["sql"]]


def test_the_error_pages_show_the_kept_name_without_asking_the_database(
    client, make_masthead
):
    make_masthead()
    client.get("/ru/news/")

    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get("/ru/")

    assert response.status_code == 503
    page = html(response)
    assert header_name(page, "/ru") == "Поставский вестник"
    assert title(page).endswith(" · Поставский вестник")
