"""The editor's tools in the admin: the rich-text body under the
Content-Security-Policy, the gallery picker, bulk actions on the list, the
version every save makes, and what bad input gets."""

import json
import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django_prose_editor.config import allowlist_from_extensions

from articles.fields import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, ALLOWED_URL_SCHEMES
from articles.forms import BODY_EDITOR
from articles.models import Article
from articles.services import articles_feature, articles_publish, articles_unpublish
from tests.articles.test_admin import article_data, change_url

ADD_URL = reverse("admin:articles_article_add")
LIST_URL = reverse("admin:articles_article_changelist")
PICKER_URL = reverse("admin:gallery_photo_picker")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- The rich-text body ---------------------------------------------------------


def test_the_body_is_written_in_the_rich_text_editor(editor_client, organization):
    response = editor_client.get(ADD_URL)

    html = response.content.decode()
    assert re.search(
        r'<textarea name="body"[^>]*data-django-prose-editor-newsroom', html
    )
    # Served from our own static files, not a CDN.
    assert '<script src="/static/django_prose_editor/editor.js"' in html
    assert '<script src="/static/js/admin/prose-editor.js"' in html
    assert '<link href="/static/css/admin/prose-editor.css"' in html
    assert "https://" not in " ".join(re.findall(r"<script[^>]*>", html))


def test_the_editors_import_map_runs_by_a_nonce_the_policy_names(
    editor_client, make_article
):
    for url in (ADD_URL, change_url(make_article())):
        response = editor_client.get(url)

        policy = response["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]*)", policy).group(1).split()
        nonce = re.search(r"'nonce-([^']+)'", " ".join(script_src)).group(1)
        assert script_src == ["'self'", f"'nonce-{nonce}'"]
        assert "'unsafe-inline'" not in policy
        assert re.search(r"style-src 'self'(;|$)", policy)
        assert f'<script type="importmap" nonce="{nonce}">' in response.content.decode()


def test_pages_without_the_editor_get_no_nonce(editor_client, make_article):
    response = editor_client.get(LIST_URL)

    assert "nonce" not in response["Content-Security-Policy"]


def test_everything_the_editor_can_make_is_on_the_sanitisers_allow_list():
    allowed = allowlist_from_extensions(BODY_EDITOR["extensions"])

    assert allowed["tags"] <= ALLOWED_TAGS
    # Attributes the editor may write that the sanitiser drops on purpose:
    # list numbering styles, the picker's file id, the figure's class, and
    # rel, which the sanitiser sets itself ("noopener noreferrer").
    dropped = {
        tag: set(attributes) - ALLOWED_ATTRIBUTES.get(tag, set())
        for tag, attributes in allowed["attributes"].items()
    }
    assert {tag: names for tag, names in dropped.items() if names} == {
        "ol": {"type", "data-type"},
        "a": {"rel"},
        "img": {"data-file"},
        "figure": {"class"},
    }
    assert allowed["url_schemes"] <= ALLOWED_URL_SCHEMES


def test_what_the_editor_sends_is_stored_with_its_structure(
    editor_client, organization
):
    body = (
        "<h2>The Council met</h2>"
        "<p>It <strong>approved</strong> the <em>plan</em>; see "
        '<a target="_blank" rel="noopener noreferrer nofollow" '
        'href="https://ecrats.org/">the site</a>.</p>'
        "<ul><li><p>Security</p></li></ul>"
        "<blockquote><p>We agreed.</p></blockquote>"
        '<figure class="figure"><img src="/media/gallery/2023/07/church.jpg" '
        'alt="The church" data-file="3"><figcaption>Church</figcaption></figure>'
    )

    response = editor_client.post(ADD_URL, article_data(organization, body=body))

    assert response.status_code == 302
    assert Article.objects.get().body == (
        "<h2>The Council met</h2>"
        "<p>It <strong>approved</strong> the <em>plan</em>; see "
        '<a href="https://ecrats.org/" rel="noopener noreferrer">the site</a>.</p>'
        "<ul><li><p>Security</p></li></ul>"
        "<blockquote><p>We agreed.</p></blockquote>"
        '<figure><img src="/media/gallery/2023/07/church.jpg" alt="The church">'
        "<figcaption>Church</figcaption></figure>"
    )


def test_an_empty_editor_counts_as_an_empty_body(editor_client, organization):
    response = editor_client.post(ADD_URL, article_data(organization, body="<p></p>"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["body"] == [
        "This field is required."
    ]
    assert not Article.objects.exists()


def test_a_body_of_only_a_picture_is_a_body(editor_client, organization):
    body = '<p><img src="/media/gallery/church.jpg" alt="The church"></p>'

    response = editor_client.post(ADD_URL, article_data(organization, body=body))

    assert response.status_code == 302


# --- The gallery picker ---------------------------------------------------------


def test_the_editors_image_dialog_can_browse_the_gallery(editor_client, organization):
    html = editor_client.get(ADD_URL).content.decode()

    assert f"&quot;pickerUrl&quot;:&quot;{PICKER_URL}&quot;" in html


def test_the_picker_offers_every_photo_with_its_alt_text_and_caption(
    editor_client, make_photo
):
    church = make_photo(caption="Church", alt_text="A white church by the lake")
    make_photo(caption="Embankment")

    response = editor_client.get(PICKER_URL, {"CKEditorFuncNum": "-1"})

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="photo-picker-choice"') == 2
    assert f'data-photo-url="{church.image.url}"' in html
    assert 'data-photo-alt="A white church by the lake"' in html
    assert 'data-photo-caption="Church"' in html
    assert "js/admin/photo-picker.js" in html


def test_the_picker_offers_library_images_that_are_not_in_the_gallery(
    editor_client, make_photo
):
    make_photo(alt_text="A river uploaded into a story", in_gallery=False)

    response = editor_client.get(PICKER_URL, {"CKEditorFuncNum": "-1"})

    assert 'data-photo-alt="A river uploaded into a story"' in response.content.decode()


def test_the_body_editor_names_the_media_librarys_upload_address(editor_client):
    html = editor_client.get(ADD_URL).content.decode()

    upload_url = reverse("admin:gallery_photo_upload")
    assert re.search(rf'<textarea name="body"[^>]*data-upload-url="{upload_url}"', html)


@pytest.mark.parametrize(
    "language, translations",
    [
        (
            "ru",
            {
                "Upload image": "Загрузить изображение",
                "Heading %(level)s": "Заголовок %(level)s",
                "Edit Link": "Изменить ссылку",
            },
        ),
        (
            "be",
            {
                "Upload image": "Загрузіць выяву",
                "Heading %(level)s": "Загаловак %(level)s",
                "Edit Link": "Змяніць спасылку",
            },
        ),
    ],
)
def test_the_admins_script_catalogue_names_the_body_editors_labels(
    editor_client, language, translations
):
    # Our own labels and django-prose-editor's, which it translates itself.
    response = editor_client.get(reverse("admin:jsi18n"), HTTP_ACCEPT_LANGUAGE=language)

    catalog = response.content.decode()
    for english, translation in translations.items():
        assert f"{json.dumps(english)}: {json.dumps(translation)}" in catalog


def test_the_body_editor_uses_no_deprecated_extension():
    # Typographic was renamed SpecialCharacters; the old name warns in the
    # browser's console and is to be removed.
    assert "Typographic" not in BODY_EDITOR["extensions"]
    assert BODY_EDITOR["extensions"]["SpecialCharacters"] is True


def test_the_picker_says_when_the_media_library_is_empty(editor_client):
    response = editor_client.get(PICKER_URL)

    assert "The media library has no images yet" in response.content.decode()


def test_contact_staff_cannot_browse_the_gallery(client, contact_staff):
    client.force_login(contact_staff)

    assert client.get(PICKER_URL).status_code == 403


# --- Bulk actions ---------------------------------------------------------------


def run_action(client, action, articles):
    return client.post(
        LIST_URL,
        {"action": action, "_selected_action": [a.pk for a in articles]},
        follow=True,
    )


@pytest.fixture
def mixed(make_article, now):
    return {
        "draft": make_article(
            status=Article.Status.DRAFT, published_at=now - timedelta(days=2)
        ),
        "scheduled": make_article(published_at=now + timedelta(days=2)),
        "expired": make_article(
            published_at=now - timedelta(days=3), expires_at=now - timedelta(days=1)
        ),
        "live": make_article(published_at=now - timedelta(hours=3)),
    }


def test_editors_are_offered_the_bulk_actions(editor_client):
    response = editor_client.get(LIST_URL)

    choices = [
        value for value, _ in response.context["action_form"].fields["action"].choices
    ]
    for action in ("publish_now", "unpublish", "feature", "unfeature"):
        assert action in choices


def test_publish_now_makes_each_selected_story_public_and_counts(
    editor_client, editor, mixed
):
    before = timezone.now()

    response = run_action(editor_client, "publish_now", mixed.values())

    assert messages_of(response) == ["3 articles published; 1 was already published."]
    for name in ("draft", "scheduled", "expired", "live"):
        article = Article.objects.get(pk=mixed[name].pk)
        assert article.is_published(), name
    draft = Article.objects.get(pk=mixed["draft"].pk)
    scheduled = Article.objects.get(pk=mixed["scheduled"].pk)
    assert draft.published_at >= before and scheduled.published_at >= before
    expired = Article.objects.get(pk=mixed["expired"].pk)
    assert expired.expires_at is None
    assert expired.published_at == mixed["expired"].published_at
    live = Article.objects.get(pk=mixed["live"].pk)
    assert (live.published_at, live.version) == (mixed["live"].published_at, 1)
    assert draft.updated_by == editor


def test_publish_now_of_one_story_says_so_in_the_singular(editor_client, mixed):
    response = run_action(editor_client, "publish_now", [mixed["draft"]])

    assert messages_of(response) == ["1 article published."]


def test_publish_now_of_stories_already_public_changes_nothing(editor_client, mixed):
    response = run_action(editor_client, "publish_now", [mixed["live"]])

    assert messages_of(response) == ["0 articles published; 1 was already published."]
    assert Article.objects.get(pk=mixed["live"].pk).version == 1


def test_unpublish_takes_stories_back_to_draft(editor_client, mixed):
    response = run_action(editor_client, "unpublish", mixed.values())

    assert messages_of(response) == ["3 articles unpublished; 1 was already a draft."]
    assert set(Article.objects.values_list("status", flat=True)) == {"draft"}
    assert not Article.objects.published().exists()


def test_feature_and_unfeature_count_what_changed(editor_client, make_article):
    plain = make_article()
    featured = make_article(is_featured=True)

    response = run_action(editor_client, "feature", [plain, featured])
    assert messages_of(response) == ["1 article featured; 1 was already featured."]
    assert Article.objects.featured().count() == 2

    response = run_action(editor_client, "unfeature", [plain, featured])
    assert messages_of(response) == ["2 articles no longer featured."]
    assert not Article.objects.featured().exists()


def test_a_bulk_action_touches_only_the_selected_stories(editor_client, mixed):
    run_action(editor_client, "publish_now", [mixed["draft"]])

    assert Article.objects.get(pk=mixed["scheduled"].pk).state == "Scheduled"


def test_contact_staff_cannot_run_bulk_actions(client, contact_staff, mixed):
    client.force_login(contact_staff)

    response = run_action(client, "publish_now", [mixed["draft"]])

    assert response.status_code == 403
    assert Article.objects.get(pk=mixed["draft"].pk).status == "draft"


def test_the_services_return_what_they_changed(make_article, now):
    draft = make_article(status=Article.Status.DRAFT)
    live = make_article()
    articles = Article.objects.filter(pk__in=[draft.pk, live.pk])

    published = articles_publish(articles=articles, at=now)
    unpublished = articles_unpublish(articles=articles)
    featured = articles_feature(articles=articles, featured=True)

    assert (published.changed, published.unchanged) == (1, 1)
    assert (unpublished.changed, unpublished.unchanged) == (2, 0)
    assert (featured.changed, featured.unchanged) == (2, 0)


# --- Every save is a version ----------------------------------------------------


def test_every_save_makes_a_new_version(make_article):
    article = make_article()

    article.save()
    article.lead = "Corrected."
    article.save(update_fields=["lead"])

    article.refresh_from_db()
    assert (article.version, article.lead) == (3, "Corrected.")


def test_a_service_save_trips_an_editors_open_form(
    client, editor, second_editor, make_article
):
    article = make_article(lead="Old lead.")
    opened = article_data(article.organization, article, lead="My lead.")
    second_editor.first_name, second_editor.last_name = "Alena", "Kavalionak"
    second_editor.save()

    articles_feature(
        articles=Article.objects.filter(pk=article.pk), featured=True, by=second_editor
    )
    client.force_login(editor)
    response = client.post(change_url(article), opened)

    assert response.status_code == 200
    saved_at = timezone.localtime(Article.objects.get().updated_at).strftime("%H:%M")
    assert response.context["adminform"].form.non_field_errors() == [
        f"This story was changed by Alena Kavalionak at {saved_at} after you opened "
        "it; your text is still below: copy what you need, reload, and save again."
    ]
    assert "My lead." in response.content.decode()
    article.refresh_from_db()
    assert (article.lead, article.is_featured, article.version) == (
        "Old lead.",
        True,
        2,
    )


def test_an_admin_save_records_who_made_it(editor_client, editor, make_article):
    article = make_article()

    editor_client.post(change_url(article), article_data(article.organization, article))

    article.refresh_from_db()
    assert (article.updated_by, article.version) == (editor, 2)


@pytest.fixture
def second_editor(django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("alena", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


# --- Bad input ------------------------------------------------------------------


HOSTILE_BODY = (
    "<p>Council met.</p>"
    "<script>document.cookie</script>"
    '<p onclick="steal()">Hello <img src="x" onerror="steal()" alt="x"></p>'
    '<p><a href="javascript:steal()">link</a> '
    '<a href="JaVaScRiPt:steal()">again</a></p>'
    '<iframe src="https://evil.example/"></iframe>'
    '<p style="background:url(javascript:steal())">styled</p>'
)


def test_a_hostile_body_on_an_existing_story_is_stored_harmless(
    editor_client, client, make_article
):
    article = make_article()

    response = editor_client.post(
        change_url(article),
        article_data(article.organization, article, body=HOSTILE_BODY),
    )

    assert response.status_code == 302
    article.refresh_from_db()
    for dangerous in (
        "<script",
        "cookie",
        "onclick",
        "onerror",
        "javascript:",
        "JaVaScRiPt",
        "<iframe",
        "style=",
    ):
        assert dangerous not in article.body
    assert "<p>Council met.</p>" in article.body
    page = client.get(article.get_absolute_url()).content.decode()
    assert "steal()" not in page


@pytest.mark.parametrize("field", ["title", "body", "organization", "published_at_0"])
def test_an_empty_required_field_is_named_and_the_story_is_unchanged(
    editor_client, make_article, field
):
    article = make_article(title="Council meets", lead="Old lead.")

    response = editor_client.post(
        change_url(article),
        {**article_data(article.organization, article, lead="New lead."), field: ""},
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors[field.removesuffix("_0")] == ["This field is required."]
    assert "Please correct the error below." in response.content.decode()
    article.refresh_from_db()
    assert (article.title, article.lead, article.version) == (
        "Council meets",
        "Old lead.",
        1,
    )


def test_a_10000_character_title_on_an_existing_story_changes_nothing(
    editor_client, make_article
):
    article = make_article(title="Council meets")

    response = editor_client.post(
        change_url(article),
        article_data(article.organization, article, title="Я" * 10_000),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["title"] == [
        "Ensure this value has at most 255 characters (it has 10000)."
    ]
    article.refresh_from_db()
    assert (article.title, article.version) == ("Council meets", 1)


def test_a_stale_form_shows_the_conflict_above_the_form(editor_client, make_article):
    article = make_article(lead="Old lead.")
    Article.objects.filter(pk=article.pk).update(version=5)

    response = editor_client.post(
        change_url(article), article_data(article.organization, article, lead="Mine.")
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert '<ul class="errorlist nonfield">' in html
    assert "This story was changed by someone else at" in html
    article.refresh_from_db()
    assert (article.lead, article.version) == ("Old lead.", 5)


# --- Preview, Save draft, Publish -----------------------------------------------


def with_action(data, action):
    data = {k: v for k, v in data.items() if k != "_publish"}
    return {**data, action: action.strip("_").replace("_", " ").capitalize()}


def test_the_form_offers_save_draft_publish_and_preview_and_no_status(
    editor_client, make_article
):
    response = editor_client.get(change_url(make_article()))

    html = response.content.decode()
    assert '<input type="submit" name="_save_draft" value="Save draft">' in html
    assert '<input type="submit" name="_publish" value="Publish" class="default">' in (
        html
    )
    assert 'name="_preview" value="Preview" formtarget="_blank"' in html
    # Save draft is the form's first button, the one Enter in a field presses.
    assert html.index('name="_save_draft"') < html.index('name="_publish"')
    assert 'name="status"' not in html and 'name="_save"' not in html


def test_preview_shows_the_unsaved_text_as_the_public_page_and_saves_nothing(
    editor_client, make_article
):
    article = make_article(title="Council meets", body="<p>Old body.</p>")
    before = article.history.count()
    data = article_data(
        article.organization,
        article,
        title="Council meets again",
        body="<p>A <strong>new</strong> body.</p>",
    )

    response = editor_client.post(change_url(article), with_action(data, "_preview"))

    assert response.status_code == 200
    assert response.templates[0].name == "articles/article_detail.html"
    html = response.content.decode()
    assert "Not public yet" in html and "unsaved text" in html
    assert '<h1 lang="en">Council meets again</h1>' in html
    assert "A <strong>new</strong> body." in html
    assert "no-cache" in response["Cache-Control"]
    article.refresh_from_db()
    assert (article.title, article.version, article.pending_draft) == (
        "Council meets",
        1,
        None,
    )
    assert article.history.count() == before


def test_preview_of_a_new_story_creates_no_row(editor_client, organization):
    data = with_action(article_data(organization, title="Bridge opens"), "_preview")

    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert "Bridge opens" in response.content.decode()
    assert not Article.objects.exists()


def test_preview_is_not_stopped_by_a_newer_save(editor_client, make_article):
    article = make_article()
    data = article_data(article.organization, article, title="Mine")
    Article.objects.filter(pk=article.pk).update(version=5)  # someone saved

    response = editor_client.post(change_url(article), with_action(data, "_preview"))

    assert response.status_code == 200
    assert '<h1 lang="en">Mine</h1>' in response.content.decode()


def test_preview_of_a_form_with_errors_shows_the_errors(editor_client, organization):
    data = with_action(article_data(organization, title=""), "_preview")

    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["title"]
    assert not Article.objects.exists()


def test_save_draft_of_a_new_story_keeps_it_from_readers(
    client, editor_client, organization
):
    data = with_action(article_data(organization, title="Bridge opens"), "_save_draft")

    response = editor_client.post(ADD_URL, data)

    article = Article.objects.get()
    assert response.status_code == 302
    assert response.url == change_url(article)
    assert messages_of(response) == [
        "“Bridge opens” is saved as a draft; readers cannot see it."
    ]
    assert (article.status, article.pending_draft) == ("draft", None)
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_save_draft_of_a_published_story_keeps_the_public_version(
    client, editor_client, make_article, settings
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    article = make_article(title="Council meets", lead="Old lead.")
    data = article_data(article.organization, article, lead="Corrected lead.")

    response = editor_client.post(change_url(article), with_action(data, "_save_draft"))

    assert response.status_code == 302 and response.url == change_url(article)
    assert "Readers still see the published version" in messages_of(response)[0]
    article.refresh_from_db()
    assert (article.status, article.lead, article.version) == (
        "published",
        "Old lead.",
        2,
    )
    assert article.pending_draft["lead"] == "Corrected lead."
    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Old lead." in page and "Corrected lead." not in page


def test_a_story_with_a_pending_draft_opens_showing_the_draft(
    editor_client, make_article
):
    article = make_article(lead="Old lead.")
    data = article_data(article.organization, article, lead="Corrected lead.")
    editor_client.post(change_url(article), with_action(data, "_save_draft"))

    response = editor_client.get(change_url(article))

    form = response.context["adminform"].form
    assert form["lead"].value() == "Corrected lead."
    assert form["opened_version"].value() == 2
    assert "This story has a draft that is not public yet" in (
        response.content.decode()
    )


def test_the_list_shows_which_stories_have_a_draft_pending(editor_client, make_article):
    article = make_article(title="Council meets")
    data = article_data(article.organization, article, lead="Corrected lead.")
    editor_client.post(change_url(article), with_action(data, "_save_draft"))

    html = editor_client.get(LIST_URL).content.decode()

    assert '<td class="field-state">Published, draft pending</td>' in html


def test_publish_makes_the_pending_draft_the_public_version(
    client, editor_client, make_article, settings
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    article = make_article(title="Council meets", lead="Old lead.")
    data = article_data(article.organization, article, lead="Corrected lead.")
    editor_client.post(change_url(article), with_action(data, "_save_draft"))
    article.refresh_from_db()
    reopened = article_data(article.organization, article, lead="Corrected lead.")

    response = editor_client.post(change_url(article), reopened)

    assert response.status_code == 302 and response.url == LIST_URL
    assert messages_of(response)[-1] == "“Council meets” is published."
    article.refresh_from_db()
    assert (article.lead, article.pending_draft, article.version) == (
        "Corrected lead.",
        None,
        3,
    )
    client.logout()
    assert "Corrected lead." in client.get(article.get_absolute_url()).content.decode()


def test_publish_with_a_future_time_schedules_the_story(
    editor_client, organization, tomorrow
):
    when = timezone.localtime(tomorrow)
    data = article_data(
        organization,
        title="Bridge opens",
        published_at_0=when.strftime("%Y-%m-%d"),
        published_at_1=when.strftime("%H:%M:%S"),
    )

    response = editor_client.post(ADD_URL, data)

    article = Article.objects.get()
    assert article.state == "Scheduled"
    assert messages_of(response)[0].startswith("“Bridge opens” is scheduled for ")


def test_publish_of_a_draft_whose_time_was_left_alone_publishes_it_now(
    editor_client, make_article, now
):
    draft = make_article(
        status=Article.Status.DRAFT, published_at=now - timedelta(days=3)
    )
    opened = timezone.localtime(draft.published_at)
    data = article_data(draft.organization, draft)
    # What the browser sends: the time shown and, hidden, the time it was.
    data.update(
        {
            "initial-published_at_0": opened.strftime("%Y-%m-%d"),
            "initial-published_at_1": opened.strftime("%H:%M:%S"),
        }
    )

    editor_client.post(change_url(draft), data)

    draft.refresh_from_db()
    assert draft.state == "Published"
    assert draft.published_at >= now


def test_a_pending_draft_keeps_a_new_hero_image_out_of_the_public_page(
    editor_client, make_article, django_capture_on_commit_callbacks
):
    from tests.gallery.images import real_image

    article = make_article()
    data = article_data(
        article.organization,
        article,
        hero_image=real_image("JPEG", name="bridge.jpg"),
        hero_alt_text="The new bridge",
    )

    editor_client.post(change_url(article), with_action(data, "_save_draft"))

    article.refresh_from_db()
    assert not article.hero_image
    stored_name = article.pending_draft["hero_image"]
    assert stored_name.startswith("articles/") and stored_name.endswith(".jpg")
    article.refresh_from_db()
    republished = article_data(
        article.organization, article, hero_alt_text="The new bridge"
    )
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(change_url(article), republished)
    article.refresh_from_db()
    assert article.hero_image.name == stored_name
    assert article.hero_renditions["source"] == stored_name
