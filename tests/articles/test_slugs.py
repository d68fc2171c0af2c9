"""Slugs: readable Latin from Russian and Belarusian titles, unique, and old
addresses of a published story that moved answered with a 301."""

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleRedirect
from articles.slugs import next_free_slug, slug_from_title, transliterate, unique_slug
from tests.articles.test_admin import article_data

ADD_URL = reverse("admin:articles_article_add")


# --- Transliteration ------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "language", "slug"),
    [
        ("Пастаўскі раён", "be", "pastauski-raion"),
        ("Пастаўскі раён", "", "pastauski-raion"),
        ("Магілёў і Гродна", "be", "mahiliou-i-hrodna"),
        ("Могилёв и Гродно", "ru", "mogiliov-i-grodno"),
        (
            "Заседание Совета РАТС ШОС в Алматы",
            "ru",
            "zasedanie-soveta-rats-shos-v-almaty",
        ),
        ("Щука, ёж и съезд", "ru", "shchuka-iozh-i-sieezd"),
        ("Сям'я і хата", "be", "siamia-i-khata"),
        ("Meeting of the SCO RATS Council", "en", "meeting-of-the-sco-rats-council"),
        ("Café № 5: «Тысенгаўзаў палац»", "be", "cafe-no-5-tysenhauzau-palats"),
    ],
)
def test_titles_become_readable_latin_slugs(title, language, slug):
    assert slug_from_title(title, language) == slug


def test_every_cyrillic_letter_is_spelled_in_latin():
    russian = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
    belarusian = "абвгдеёжзійклмнопрстуўфхцчшыьэюя"

    for letters in (russian, belarusian, russian.upper(), belarusian.upper()):
        assert transliterate(letters).isascii(), letters


def test_a_title_with_nothing_latin_to_spell_gives_an_empty_slug():
    assert slug_from_title("!!! ???") == ""


def test_long_titles_leave_room_for_a_number():
    slug = slug_from_title("Слова " * 100)

    assert len(slug) <= 240
    assert not slug.endswith("-")


def test_a_taken_slug_gets_the_next_free_number():
    taken = {"council-meets", "council-meets-2"}

    assert unique_slug("council-meets", taken.__contains__) == "council-meets-3"
    assert unique_slug("new-story", taken.__contains__) == "new-story"


def test_after_a_taken_slug_comes_the_next_number_of_its_base():
    taken = {"council-meets", "council-meets-2", "solidarity-2023"}

    assert next_free_slug("council-meets", taken.__contains__) == "council-meets-3"
    assert next_free_slug("council-meets-2", taken.__contains__) == "council-meets-3"
    assert next_free_slug("solidarity-2023", taken.__contains__) == (
        "solidarity-2023-2"
    )


# --- Saving ---------------------------------------------------------------------


def test_a_slug_taken_after_it_was_chosen_is_saved_with_the_next_number(
    make_article,
):
    """What the second of two editors saving one title at once meets: the
    slug their form found free is in the database by the time it inserts."""
    make_article(title="Council meets", slug="council-meets")

    second = make_article(title="Council meets", slug="council-meets")

    second.refresh_from_db()
    assert second.slug == "council-meets-2"


def test_a_save_refused_for_another_reason_is_not_retried(make_article, now):
    with pytest.raises(IntegrityError):
        make_article(published_at=now, expires_at=now - timedelta(days=1))

    assert not Article.objects.exists()


def test_saving_without_a_slug_makes_one_from_the_title(make_article):
    article = make_article(title="Пастаўскі раён", slug="", language="be")

    article.refresh_from_db()
    assert article.slug == "pastauski-raion"


def test_a_second_story_with_the_same_title_gets_a_numbered_slug(make_article):
    make_article(title="Пастаўскі раён", slug="")
    second = make_article(title="Пастаўскі раён", slug="")

    assert second.slug == "pastauski-raion-2"


def test_a_slug_given_by_hand_is_kept(make_article):
    article = make_article(title="Пастаўскі раён", slug="postavy")

    article.refresh_from_db()
    assert article.slug == "postavy"


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.mark.parametrize("typed", ["", "   ", "пастаўскі-раён"])
def test_the_admin_fills_an_empty_or_cyrillic_slug_from_the_title(
    editor_client, organization, typed
):
    response = editor_client.post(
        ADD_URL,
        article_data(organization, title="Пастаўскі раён", slug=typed, language="be"),
    )

    assert response.status_code == 302
    assert Article.objects.get().slug == "pastauski-raion"


def test_the_admin_numbers_a_slug_another_story_has(
    editor_client, organization, make_article
):
    make_article(slug="meeting-of-the-sco-rats-council")

    response = editor_client.post(ADD_URL, article_data(organization))

    assert response.status_code == 302
    assert Article.objects.latest("pk").slug == "meeting-of-the-sco-rats-council-2"


def test_the_admin_keeps_a_story_its_own_slug_on_edit(editor_client, make_article):
    article = make_article(slug="council-meets")

    response = editor_client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_data(article.organization, article, lead="New lead."),
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.slug, article.lead) == ("council-meets", "New lead.")


def test_the_change_form_carries_the_servers_transliteration_table(
    editor_client, organization
):
    response = editor_client.get(ADD_URL)

    html = response.content.decode()
    assert '<script id="slug-transliteration" type="application/json">' in html
    assert '"\\u045e": "u"' in html  # ў
    assert "js/admin/transliterate.js" in html


# --- Old addresses --------------------------------------------------------------


@pytest.fixture
def moved(make_article, now):
    """A published story whose slug was corrected after it went out."""
    article = make_article(slug="councl-meets", published_at=now - timedelta(hours=1))
    old_url = article.get_absolute_url()
    article.slug = "council-meets"
    article.save()
    return article, old_url


def test_changing_a_published_storys_slug_keeps_the_old_address(client, moved):
    article, old_url = moved

    response = client.get(old_url)

    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200


def test_moving_a_story_to_another_day_keeps_the_old_address(client, make_article):
    article = make_article(published_at=timezone.now() - timedelta(days=3))
    old_url = article.get_absolute_url()
    article.published_at = timezone.now() - timedelta(days=1)
    article.save()

    response = client.get(old_url)

    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()
    assert article.get_absolute_url() != old_url


def test_a_story_moved_twice_sends_both_old_addresses_to_the_newest(client, moved):
    article, first_url = moved
    second_url = article.get_absolute_url()
    article.slug = "the-council-meets"
    article.save()

    for url in (first_url, second_url):
        response = client.get(url)
        assert response.status_code == 301
        assert response["Location"] == article.get_absolute_url()


def test_renaming_a_draft_keeps_no_old_address(client, make_article):
    article = make_article(status=Article.Status.DRAFT, slug="first-try")
    article.slug = "second-try"
    article.save()

    assert not ArticleRedirect.objects.exists()


def test_an_old_address_of_a_story_taken_down_is_a_404(client, moved):
    article, old_url = moved
    article.status = Article.Status.DRAFT
    article.save()

    assert client.get(old_url).status_code == 404


def test_an_address_that_never_existed_is_still_a_404(client, moved):
    article, old_url = moved

    assert client.get(old_url.replace("councl", "nothing")).status_code == 404


def test_a_new_story_may_take_an_old_address(client, moved, make_article, now):
    article, old_url = moved
    newcomer = make_article(slug="councl-meets", published_at=article.published_at)

    response = client.get(old_url)

    assert response.status_code == 200
    assert response.context["article"] == newcomer


def test_an_editor_renaming_a_story_in_the_admin_keeps_the_old_address(
    editor_client, client, make_article
):
    article = make_article(slug="councl-meets")
    old_url = article.get_absolute_url()

    editor_client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_data(article.organization, article, slug="council-meets"),
    )

    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"].endswith("/council-meets/")
