import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Organization
from tests.gallery.images import fake_png, real_image

ADD_URL = reverse("admin:articles_article_add")
LIST_URL = reverse("admin:articles_article_changelist")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def article_data(organization, article=None, **overrides):
    """The add or change form as the browser posts it."""
    published_at = timezone.localtime(
        article.published_at if article else timezone.now() - timedelta(hours=1)
    )
    data = {
        "title": "Meeting of the SCO RATS Council",
        "slug": "meeting-of-the-sco-rats-council",
        "lead": "The Council met in Almaty.",
        "body": "<p>The Council of the SCO RATS met in Almaty.</p>",
        "byline": "",
        "organization": organization.pk,
        "source_url": "",
        "dateline": "Almaty",
        "language": "en",
        "_publish": "Publish",
        "published_at_0": published_at.strftime("%Y-%m-%d"),
        "published_at_1": published_at.strftime("%H:%M:%S"),
        "expires_at_0": "",
        "expires_at_1": "",
        "hero_caption": "",
        "hero_credit": "",
        "hero_alt_text": "",
    }
    if article is not None:
        data.update(
            title=article.title,
            slug=article.slug,
            lead=article.lead,
            body=article.body,
            hero_caption=article.hero_caption,
            hero_credit=article.hero_credit,
            hero_alt_text=article.hero_alt_text,
            opened_version=article.version,
        )
    data.update(overrides)
    return data


# --- The list -------------------------------------------------------------------


@pytest.fixture
def one_in_each_state(make_article, now):
    return {
        "Draft": make_article(title="Draft story", status=Article.Status.DRAFT),
        "Scheduled": make_article(
            title="Scheduled story", published_at=now + timedelta(days=1)
        ),
        "Published": make_article(title="Live story"),
        "Expired": make_article(
            title="Expired story",
            published_at=now - timedelta(days=3),
            expires_at=now - timedelta(days=1),
        ),
    }


def test_the_changelist_shows_each_articles_state(editor_client, one_in_each_state):
    response = editor_client.get(LIST_URL)

    assert response.status_code == 200
    html = response.content.decode()
    for state in one_in_each_state:
        assert f'<td class="field-state">{state}</td>' in html


@pytest.mark.parametrize(
    ("state", "title"),
    [
        ("draft", "Draft story"),
        ("scheduled", "Scheduled story"),
        ("published", "Live story"),
        ("expired", "Expired story"),
    ],
)
def test_the_state_filter_shows_only_articles_in_that_state(
    editor_client, one_in_each_state, state, title
):
    response = editor_client.get(LIST_URL, {"state": state})

    assert response.status_code == 200
    assert [a.title for a in response.context["cl"].result_list] == [title]


def test_the_changelist_filters_by_organization_language_and_featured(
    editor_client, make_article, make_organization
):
    sco = make_organization(name="SCO RATS", slug="sco-rats")
    make_article(title="BelTA story")
    make_article(title="SCO story", organization=sco, is_featured=True)
    make_article(title="Russian story", language="ru")

    def titles(**params):
        response = editor_client.get(LIST_URL, params)
        assert response.status_code == 200
        return sorted(a.title for a in response.context["cl"].result_list)

    assert titles(organization__id__exact=sco.pk) == ["SCO story"]
    assert titles(language__exact="ru") == ["Russian story"]
    assert titles(is_featured__exact=1) == ["SCO story"]
    assert titles() == ["BelTA story", "Russian story", "SCO story"]


def test_search_finds_words_in_the_title_lead_and_body(editor_client, make_article):
    make_article(title="Embankment reopened")
    make_article(lead="The palace will be restored.")
    make_article(body="<p>Almaty hosted the council.</p>")
    make_article(title="Unrelated")

    def count(q):
        return editor_client.get(LIST_URL, {"q": q}).context["cl"].result_count

    assert (count("embankment"), count("palace"), count("almaty")) == (1, 1, 1)
    assert count("nowhere") == 0


@pytest.mark.parametrize("articles", [3, 30])
def test_the_changelist_runs_the_same_queries_however_many_articles(
    editor_client,
    make_article,
    make_organization,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
    articles,
):
    for n in range(articles):
        article = make_article(organization=make_organization())
        if n % 2:
            # Thumbnails come from the renditions' record in the row (once
            # the job worker has made them, as it does on commit).
            with django_capture_on_commit_callbacks(execute=True):
                article.hero_image.save(f"hero-{n}.png", real_image("PNG"))

    # Session, user, the user's and the group's permissions, organizations for
    # the filter, filtered and full counts, the page of articles joined to
    # their organizations, two for the date hierarchy, and the site's name in
    # the header (its surrogate key's check, and its row the first time).
    with django_assert_num_queries(12):
        response = editor_client.get(LIST_URL)

    assert response.status_code == 200

    assert response.context["cl"].result_count == articles


# --- Adding and editing ---------------------------------------------------------


def test_the_form_groups_text_attribution_publishing_and_hero_image(
    editor_client, organization
):
    response = editor_client.get(ADD_URL)

    assert response.status_code == 200
    fieldsets = [
        (fieldset.name, [line.fields for line in fieldset])
        for fieldset in response.context["adminform"]
    ]
    assert [name for name, _ in fieldsets] == [
        "Text",
        "Attribution",
        "Publishing",
        "Hero image",
    ]
    html = response.content.decode()
    assert "The address of the original story" in html
    assert 'id="id_organization"' in html and "admin-autocomplete" in html
    prepopulated = response.context["adminform"].prepopulated_fields
    assert [
        (p["field"].name, [d.name for d in p["dependencies"]]) for p in prepopulated
    ] == [("slug", ["title"])]


def test_an_editor_adds_an_article_and_is_recorded_as_its_creator(
    editor_client, editor, organization
):
    response = editor_client.post(ADD_URL, article_data(organization))

    assert response.status_code == 302
    article = Article.objects.get()
    assert article.title == "Meeting of the SCO RATS Council"
    assert article.created_by == editor
    assert article.version == 1


def test_the_organization_box_finds_sources_by_name(editor_client, organization):
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "articles",
            "model_name": "article",
            "field_name": "organization",
            "term": "telegraph",
        },
    )

    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == [
        "Belarusian Telegraph Agency"
    ]


def test_view_on_site_leads_to_the_article_page(editor_client, make_article):
    article = make_article()

    change_page = editor_client.get(change_url(article))
    view_on_site = reverse(
        "admin:view_on_site", args=[change_page.context["content_type_id"], article.pk]
    )
    assert f'href="{view_on_site}"' in change_page.content.decode()

    response = editor_client.get(view_on_site)

    assert response.status_code == 302
    assert response.url == "http://testserver" + article.get_absolute_url()
    assert editor_client.get(response.url).status_code == 200


def test_alt_text_is_required_when_there_is_a_hero_image(editor_client, organization):
    response = editor_client.post(
        ADD_URL, article_data(organization, hero_image=real_image("JPEG"))
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["hero_alt_text"] == [
        "Describe the hero image for readers who cannot see it: alt text is "
        "required when there is an image."
    ]
    assert not Article.objects.exists()


def test_a_hero_image_with_alt_text_is_stored(editor_client, organization):
    response = editor_client.post(
        ADD_URL,
        article_data(
            organization,
            hero_image=real_image("JPEG"),
            hero_alt_text="Delegates around a table",
        ),
    )

    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.hero_width, article.hero_height) == (64, 48)
    assert article.hero_alt_text == "Delegates around a table"


def test_no_alt_text_is_needed_without_a_hero_image(editor_client, organization):
    response = editor_client.post(ADD_URL, article_data(organization))

    assert response.status_code == 302


def test_a_hero_image_that_is_not_an_image_is_refused(editor_client, make_article):
    article = make_article(title="Original title")

    response = editor_client.post(
        change_url(article),
        article_data(
            article.organization,
            article,
            title="Changed title",
            hero_image=fake_png("hero.png"),
            hero_alt_text="Anything",
        ),
    )

    assert response.status_code == 200
    assert "This file is not an image: “hero.png”" in response.content.decode()
    article.refresh_from_db()
    assert article.title == "Original title"
    assert not article.hero_image


def test_scripts_handlers_and_javascript_links_are_removed_from_the_body(
    editor_client, organization
):
    body = (
        "<p>Safe text.</p><script>alert(1)</script>"
        '<p><img src="x.png" onerror="alert(2)" alt="x"></p>'
        '<p><a href="javascript:alert(3)">click</a></p>'
    )

    response = editor_client.post(ADD_URL, article_data(organization, body=body))

    assert response.status_code == 302
    stored = Article.objects.get().body
    assert "<p>Safe text.</p>" in stored
    for dangerous in ("<script", "alert(1)", "onerror", "javascript:"):
        assert dangerous not in stored


def test_a_10000_character_title_gets_a_form_error_not_a_crash(
    editor_client, organization
):
    response = editor_client.post(
        ADD_URL, article_data(organization, title="A" * 10_000)
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["title"] == [
        "Ensure this value has at most 255 characters (it has 10000)."
    ]
    assert not Article.objects.exists()


# --- Two editors, one story ----------------------------------------------------


def test_the_change_form_carries_the_version_it_was_opened_at(
    editor_client, make_article
):
    article = make_article()
    Article.objects.filter(pk=article.pk).update(version=4)

    response = editor_client.get(change_url(article))

    assert (
        '<input type="hidden" name="opened_version" value="4" id="id_opened_version">'
        in response.content.decode()
    )


def test_each_save_makes_a_new_version(editor_client, make_article):
    article = make_article()

    response = editor_client.post(
        change_url(article), article_data(article.organization, article, lead="New")
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.lead, article.version) == ("New", 2)


@pytest.fixture
def second_editor(django_user_model):
    user = django_user_model.objects.create_user("sub", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def test_the_second_editor_saving_the_same_version_is_told_and_overwrites_nothing(
    client, editor, second_editor, make_article
):
    article = make_article(title="Council meets", lead="Old lead.")
    # Both open the story at version 1.
    first_form = article_data(article.organization, article, lead="First lead.")
    second_form = article_data(article.organization, article, lead="Second lead.")

    client.force_login(editor)
    assert client.post(change_url(article), first_form).status_code == 302
    client.force_login(second_editor)
    response = client.post(change_url(article), second_form)

    assert response.status_code == 200
    saved_at = timezone.localtime(Article.objects.get().updated_at).strftime("%H:%M")
    assert response.context["adminform"].form.non_field_errors() == [
        f"This story was changed by editor at {saved_at} after you opened "
        "it; your text is still below: copy what you need, reload, and save again."
    ]
    assert "Second lead." in response.content.decode()
    article.refresh_from_db()
    assert (article.lead, article.version) == ("First lead.", 2)


def test_an_editor_who_reloads_after_a_conflict_can_save(editor_client, make_article):
    article = make_article(lead="Old lead.")
    Article.objects.filter(pk=article.pk).update(version=2)  # someone saved

    stale = editor_client.post(
        change_url(article), article_data(article.organization, article, lead="Mine")
    )
    article.refresh_from_db()
    fresh = editor_client.post(
        change_url(article), article_data(article.organization, article, lead="Mine")
    )

    assert (stale.status_code, fresh.status_code) == (200, 302)
    article.refresh_from_db()
    assert (article.lead, article.version) == ("Mine", 3)


def test_a_save_does_not_undo_views_counted_while_the_form_was_open(
    editor_client, make_article
):
    article = make_article(view_count=169)
    form = article_data(article.organization, article, lead="Corrected lead.")
    Article.objects.filter(pk=article.pk).update(view_count=175)

    assert editor_client.post(change_url(article), form).status_code == 302

    article.refresh_from_db()
    assert (article.lead, article.view_count) == ("Corrected lead.", 175)


# --- Organizations --------------------------------------------------------------


def test_the_organization_list_is_searchable(editor_client, make_organization):
    make_organization(name="Belarusian Telegraph Agency", short_name="BelTA")
    make_organization(name="SCO Regional Anti-Terrorist Structure", short_name="RATS")

    response = editor_client.get(
        reverse("admin:articles_organization_changelist"), {"q": "telegraph"}
    )

    assert response.status_code == 200
    assert [o.short_name for o in response.context["cl"].result_list] == ["BelTA"]


def test_an_organization_logo_that_is_not_an_image_is_refused(editor_client):
    response = editor_client.post(
        reverse("admin:articles_organization_add"),
        {
            "name_en": "Belarusian Telegraph Agency",
            "short_name_en": "BelTA",
            "slug": "belta",
            "kind": "news_agency",
            "logo": fake_png("logo.png"),
        },
    )

    assert response.status_code == 200
    assert "This file is not an image: “logo.png”" in response.content.decode()
    assert not Organization.objects.exists()


def test_an_organization_with_a_real_logo_is_added(editor_client):
    response = editor_client.post(
        reverse("admin:articles_organization_add"),
        {
            "name_en": "Belarusian Telegraph Agency",
            "short_name_en": "BelTA",
            "slug": "belta",
            "kind": "news_agency",
            "website": "www.belta.by",
            "logo": real_image("PNG", name="belta.png"),
        },
    )

    assert response.status_code == 302
    belta = Organization.objects.get()
    assert belta.website == "https://www.belta.by"
    assert belta.logo.name.startswith("organizations/belta")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_save_that_races_another_waits_for_it_and_is_then_told(
    editor, second_editor, make_article
):
    article = make_article(lead="Old lead.")
    second_form = article_data(article.organization, article, lead="Second lead.")
    responses = []

    def second_editor_saves():
        client = Client()
        client.force_login(second_editor)
        try:
            responses.append(client.post(change_url(article), second_form))
        finally:
            connection.close()

    with transaction.atomic():
        # The first editor's save is under way and holds the row...
        Article.objects.select_for_update().get(pk=article.pk)
        racer = threading.Thread(target=second_editor_saves)
        racer.start()
        racer.join(timeout=1)
        assert racer.is_alive(), "the second save did not wait for the row"
        # ...and commits its text as version 2.
        Article.objects.filter(pk=article.pk).update(lead="First lead.", version=2)
    racer.join(timeout=10)

    assert responses[0].status_code == 200
    assert "changed by someone else" in responses[0].content.decode()
    article.refresh_from_db()
    assert (article.lead, article.version) == ("First lead.", 2)


def test_the_changelist_shows_each_articles_hero_thumbnail_and_short_source(
    editor_client, make_article, django_capture_on_commit_callbacks
):
    article = make_article(title="Bridge opens", hero_alt_text="A bridge")
    with django_capture_on_commit_callbacks(execute=True):
        article.hero_image.save("bridge.jpg", real_image("JPEG", size=(1600, 900)))
    article.refresh_from_db()

    html = editor_client.get(LIST_URL).content.decode()

    smallest = article.hero_renditions["files"]["jpeg"][0][1]
    assert (
        f'<img src="/media/{smallest}" width="64" height="36" alt="" '
        'class="admin-thumbnail" loading="lazy"><span>Bridge opens</span>' in html
    )
    assert '<span title="Belarusian Telegraph Agency">BelTA</span>' in html


def test_after_a_form_error_the_editor_is_asked_to_choose_the_hero_image_again(
    editor_client, organization
):
    response = editor_client.post(
        ADD_URL,
        article_data(
            organization,
            title="",
            hero_image=real_image("JPEG"),
            hero_alt_text="Delegates around a table",
        ),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["title"]
    assert (
        "The image you chose was not saved because of the errors on this page: "
        "choose the file again before saving." in response.content.decode()
    )


def test_a_form_error_without_a_new_hero_image_says_nothing_about_it(
    editor_client, organization
):
    response = editor_client.post(ADD_URL, article_data(organization, title=""))

    assert "choose the file again" not in response.content.decode()
