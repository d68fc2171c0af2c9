"""Three languages: English unprefixed, Russian under /ru/, Belarusian under
/be/ — the interface, plural forms, dates, the switcher and the error pages."""

import io
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import polib
import pytest
from django.test import RequestFactory
from django.utils import translation
from django.views import defaults

from .public_pages import ROOT

MINSK = ZoneInfo("Europe/Minsk")
# The server's messages (django) and the admin scripts' (djangojs).
CATALOGS = {
    f"{language}/{domain}": ROOT / "locale" / language / "LC_MESSAGES" / f"{domain}.po"
    for language in ("ru", "be")
    for domain in ("django", "djangojs")
}
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\{ ?\w+ ?\}\}")


def html(response):
    return response.content.decode()


def navigation(response):
    page = html(response)
    start = page.index('<nav class="site-nav"')
    return page[start : page.index("</nav>", start)]


# --- The interface --------------------------------------------------------------


@pytest.mark.parametrize(
    "prefix, labels",
    [
        ("", ["News", "Organizations", "Gallery", "Contacts"]),
        ("/ru", ["Новости", "Организации", "Галерея", "Контакты"]),
        ("/be", ["Навіны", "Арганізацыі", "Галерэя", "Кантакты"]),
    ],
)
def test_the_navigation_is_in_the_language_of_the_address(client, db, prefix, labels):
    response = client.get(f"{prefix}/news/")

    assert response.status_code == 200
    nav = navigation(response)
    for label, path in zip(
        labels, ["news", "organizations", "gallery", "contacts"], strict=True
    ):
        assert f'<a href="{prefix}/{path}/"' in nav
        assert f">{label}</a>" in nav


def test_the_page_says_which_language_it_is_in(client, db):
    assert '<html lang="ru">' in html(client.get("/ru/news/"))
    assert '<html lang="be">' in html(client.get("/be/news/"))
    assert '<html lang="en">' in html(client.get("/news/"))


def test_the_russian_news_list_has_a_russian_title_form_and_sidebar(
    client, make_article
):
    make_article(published_at=datetime(2023, 7, 6, 12, tzinfo=MINSK))

    page = html(client.get("/ru/news/"))

    assert "<title>Новости ·" in page
    assert "Отбор новостей" in page
    assert "Архив новостей" in page
    assert "Перейти к основному содержанию" in page
    assert "Filter the news" not in page


# --- "N views" ------------------------------------------------------------------


@pytest.mark.parametrize(
    "prefix, shown, expected",
    [
        ("", 1, "1 view"),
        ("", 2, "2 views"),
        ("/ru", 1, "1 просмотр"),
        ("/ru", 3, "3 просмотра"),
        ("/ru", 5, "5 просмотров"),
        ("/ru", 11, "11 просмотров"),
        ("/ru", 21, "21 просмотр"),
        ("/ru", 170, "170 просмотров"),
        ("/be", 1, "1 прагляд"),
        ("/be", 22, "22 прагляды"),
        ("/be", 12, "12 праглядаў"),
        ("/be", 170, "170 праглядаў"),
    ],
)
def test_the_view_count_uses_the_languages_plural_forms(
    client, make_article, prefix, shown, expected
):
    # The page counts the reader's own view before showing the number.
    article = make_article(view_count=shown - 1)

    page = html(client.get(prefix + article.get_absolute_url()))

    assert f'<span class="article-views">{expected}</span>' in page


# --- Dates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "prefix, date, month",
    [
        ("", "6 July 2023", "News from July 2023"),
        ("/ru", "6 июля 2023", "Новости: Июль 2023"),
        ("/be", "6 ліпеня 2023", "Навіны: Ліпень 2023"),
    ],
)
def test_dates_are_written_in_the_language_of_the_page(
    client, make_article, prefix, date, month
):
    article = make_article(published_at=datetime(2023, 7, 6, 12, tzinfo=MINSK))

    assert f">{date}</time>" in html(client.get(prefix + article.get_absolute_url()))
    assert month in html(client.get(f"{prefix}/news/2023/07/"))


# --- The language switcher ------------------------------------------------------


def test_the_switcher_leads_to_the_same_page_with_its_filters_in_each_language(
    client, db
):
    page = html(client.get("/news/2023/07/?organization=belta&q=border"))

    switcher = page[page.index('<nav class="language-switcher"') :]
    for code, name, prefix in [
        ("en", "English", ""),
        ("ru", "Русский", "/ru"),
        ("be", "Беларуская", "/be"),
    ]:
        assert (
            f'<a href="{prefix}/news/2023/07/?organization=belta&amp;q=border" '
            f'hreflang="{code}" lang="{code}"'
        ) in switcher
        assert f">{name}</a>" in switcher


def test_the_switcher_marks_the_current_language_and_leads_back_to_english(client, db):
    page = html(client.get("/be/gallery/"))

    assert (
        '<a href="/be/gallery/" hreflang="be" lang="be" aria-current="true">'
        "Беларуская</a>"
    ) in page
    assert '<a href="/gallery/" hreflang="en" lang="en">English</a>' in page


def test_the_switcher_needs_no_cookie(client, db):
    response = client.get("/news/")

    assert response.cookies == {}


# --- Error pages ----------------------------------------------------------------


@pytest.mark.parametrize(
    "path, lang, heading, home",
    [
        ("/no-such-page/", "en", "Page not found", 'href="/"'),
        ("/ru/no-such-page/", "ru", "Страница не найдена", 'href="/ru/"'),
        ("/be/no-such-page/", "be", "Старонка не знойдзена", 'href="/be/"'),
        ("/ru/news/2023/02/30/", "ru", "Страница не найдена", 'href="/ru/"'),
    ],
)
def test_a_missing_page_is_in_the_language_of_its_address_with_a_way_home(
    client, db, path, lang, heading, home
):
    response = client.get(path)

    assert response.status_code == 404
    page = html(response)
    assert f'<html lang="{lang}">' in page
    assert f"<h1>{heading}</h1>" in page
    assert home in page
    assert 'class="site-header"' in page


@pytest.mark.parametrize(
    "language, heading, home",
    [
        ("en", "Something went wrong", 'href="/"'),
        ("ru", "Что-то пошло не так", 'href="/ru/"'),
        ("be", "Нешта пайшло не так", 'href="/be/"'),
    ],
)
def test_the_server_error_page_is_in_the_readers_language(language, heading, home):
    with translation.override(language):
        response = defaults.server_error(RequestFactory().get("/"))

    page = html(response)
    assert response.status_code == 500
    assert f'<html lang="{language}">' in page
    assert f"<h1>{heading}</h1>" in page
    assert home in page


# --- The catalogues -------------------------------------------------------------


@pytest.mark.parametrize("catalog_name", CATALOGS)
def test_every_message_is_translated_with_three_plural_forms(catalog_name):
    catalog = polib.pofile(str(CATALOGS[catalog_name]))

    assert catalog.metadata["Plural-Forms"].startswith("nplurals=3;")
    assert catalog.untranslated_entries() == []
    assert catalog.fuzzy_entries() == []
    for entry in catalog.translated_entries():
        if entry.msgid_plural:
            assert sorted(entry.msgstr_plural) == [0, 1, 2], entry.msgid
            translations = list(entry.msgstr_plural.values())
        else:
            translations = [entry.msgstr]
        for text in translations:
            assert sorted(PLACEHOLDER.findall(text)) == sorted(
                PLACEHOLDER.findall(entry.msgid)
            ), entry.msgid


@pytest.mark.parametrize("catalog_name", CATALOGS)
def test_the_catalogue_is_not_english_copied_over(catalog_name):
    catalog = polib.pofile(str(CATALOGS[catalog_name]))
    cyrillic = re.compile("[а-яёіў]", re.IGNORECASE)

    copied = [
        entry.msgid
        for entry in catalog.translated_entries()
        if not entry.msgid_plural and not cyrillic.search(entry.msgstr)
    ]

    # Symbols and proper names that stay as they are in every language.
    assert set(copied) <= {"“%(words)s”"}, copied


@pytest.mark.skipif(
    shutil.which("xgettext") is None,
    reason="makemessages needs GNU gettext (apt-get install gettext)",
)
def test_every_string_in_the_code_and_templates_is_in_the_catalogues(tmp_path):
    """makemessages over a copy of the project: nothing new to translate."""
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".*", "tools", "bench", "media", "staticfiles", "*.sqlite3", "__pycache__"
        ),
    )
    for domain in ("django", "djangojs"):
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-l", "ru", "-l", "be"]
            + ["-d", domain, "--ignore=tests", "-v0"],
            cwd=copy,
            env={**os.environ, "DJANGO_SECRET_KEY": "x"},
            check=True,
            timeout=300,
        )

    for catalog_name, path in CATALOGS.items():
        catalog = polib.pofile(str(copy / path.relative_to(ROOT)))
        missing = [entry.msgid for entry in catalog.untranslated_entries()]
        missing += [entry.msgid for entry in catalog.fuzzy_entries()]
        assert missing == [], catalog_name


# --- Content in three languages (PRODUCT.md) ------------------------------------


@pytest.fixture
def demo(db):
    from django.core.management import call_command

    call_command("load_demo", stdout=io.StringIO())


def filter_form(page):
    start = page.index('<form class="filter-form"')
    return page[start : page.index("</form>", start)]


def test_the_russian_filter_form_lists_the_organizations_russian_names(client, demo):
    page = html(client.get("/ru/news/"))

    form = filter_form(page)
    assert "Белорусское телеграфное агентство" in form
    assert "Исполнительный комитет Региональной антитеррористической" in form
    assert "Belarusian Telegraph Agency" not in form
    assert ">БелТА<" in page  # a card's source


@pytest.mark.parametrize(
    "prefix, street, office, site",
    [
        ("/ru", "ул. Ленина, 25", "Поставский районный", "Новости Поставского района"),
        ("/be", "вул. Леніна, 25", "Пастаўскі раённы", "Навіны Пастаўскага раёна"),
        ("", "25 Lenina Street", "Postavy District Executive", "Postavy District"),
    ],
)
def test_the_footer_and_header_speak_the_pages_language(
    client, demo, prefix, street, office, site
):
    page = html(client.get(f"{prefix}/news/"))

    footer = page[page.index("<footer") :]
    assert street in footer
    assert office in footer
    assert f'class="site-name" href="{prefix}/">{site}' in page


def test_the_belarusian_gallery_shows_belarusian_captions(client, demo):
    page = html(client.get("/be/gallery/"))

    assert "Набярэжная" in page
    assert "Палац Тызенгаўза" in page
    assert ">Embankment<" not in page


def test_a_text_without_a_translation_falls_back_to_english(
    client, make_organization, make_contact, make_photo
):
    make_organization(name="Minsk City Executive Committee", short_name="Minsk")
    make_contact(street_address="1 Independence Square", is_primary=True)
    make_photo(caption="Old Town")

    assert "Minsk City Executive Committee" in filter_form(
        html(client.get("/ru/news/"))
    )
    assert "1 Independence Square" in html(client.get("/be/contacts/"))
    assert "Old Town" in html(client.get("/ru/gallery/"))


# --- An article's language on the lists -----------------------------------------


@pytest.mark.parametrize(
    "prefix, language, label",
    [("", "ru", "Language: Russian"), ("/ru", "en", "Язык: Английский")],
)
def test_a_card_in_another_language_than_the_page_is_marked_with_it(
    client, make_article, prefix, language, label
):
    make_article(title="Marked story", language=language)

    page = html(client.get(f"{prefix}/news/"))

    assert (
        f'<span lang="{language}" aria-hidden="true">{language.upper()}</span>' in page
    )
    assert f'<span class="visually-hidden">{label}</span>' in page
    assert f'<h2 class="card-title" lang="{language}">' in page


def test_a_card_in_the_pages_own_language_is_not_marked(client, make_article):
    make_article(title="Русская новость", language="ru")

    page = html(client.get("/ru/news/"))

    assert "Русская новость" in page
    assert "card-language" not in page


def test_every_language_version_lists_every_article(client, make_article):
    for language in ("en", "ru", "be"):
        make_article(title=f"Story in {language}", language=language)

    for prefix in ("", "/ru", "/be"):
        page = html(client.get(f"{prefix}/news/"))
        assert all(f"Story in {code}" in page for code in ("en", "ru", "be"))


# --- The admin ------------------------------------------------------------------


@pytest.mark.parametrize(
    "accept, log_in, site",
    [
        ("ru", "Войти", "Новости Поставского района"),
        ("be,ru;q=0.5", "Увайсьці", "Навіны Пастаўскага раёна"),
        ("en", "Log in", "Postavy District Newsroom"),
    ],
)
def test_the_admin_speaks_the_browsers_language_and_carries_the_sites_name(
    client, db, accept, log_in, site
):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE=accept)

    page = html(response)
    assert f'value="{log_in}"' in page
    assert f'<a href="/admin/">{site}</a>' in page
    assert "Django administration" not in page
    assert "Accept-Language" in response["Vary"]


def test_the_admin_language_switch_keeps_the_editors_choice(client, editor):
    client.force_login(editor)

    page = html(client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en"))
    assert 'action="/i18n/setlang/"' in page
    assert '<option value="be" lang="be">Беларуская</option>' in page

    switched = client.post("/i18n/setlang/", {"language": "be", "next": "/admin/"})
    assert switched.status_code == 302
    assert switched["Location"] == "/admin/"

    page = html(client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en"))
    assert '<html lang="be"' in page
    assert "Рэдакцыя" in page  # the index title, "Editor's desk"
    # Readers' pages still take their language from the address alone.
    assert '<html lang="en">' in html(client.get("/news/"))


def test_the_admin_edits_the_translated_texts_side_by_side(client, superuser, demo):
    from articles.models import Organization

    client.force_login(superuser)
    belta = Organization.objects.get(slug="belta")

    page = html(client.get(f"/admin/articles/organization/{belta.pk}/change/"))

    for language, short_name in [("en", "BelTA"), ("ru", "БелТА"), ("be", "БелТА")]:
        assert f'name="short_name_{language}"' in page
        assert f'value="{short_name}"' in page
    assert 'name="native_name"' in page
    assert 'name="native_name_ru"' not in page
