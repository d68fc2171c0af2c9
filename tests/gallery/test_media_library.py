"""The media library: images uploaded from a story's body editor are kept
beside the gallery's photos but shown publicly only inside stories; bodies
show library images as renditions; the photo list has thumbnails."""

import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from gallery.body_images import with_renditions
from gallery.models import Photo

from .images import blank_png, fake_png, oversized_png, real_image

UPLOAD_URL = reverse("admin:gallery_photo_upload")
LIST_URL = reverse("admin:gallery_photo_changelist")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


# --- Uploading from the body editor --------------------------------------------


def test_an_editor_uploads_an_image_into_the_library_not_the_gallery(
    editor_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as once_committed:
        response = editor_client.post(
            UPLOAD_URL,
            {
                "image": real_image("JPEG", name="river.jpg", size=(1600, 900)),
                "alt_text": "The river at dusk",
                "caption": "",
            },
        )

    assert response.status_code == 201
    photo = Photo.objects.get()
    assert response.json() == {
        "id": photo.pk,
        "url": photo.image.url,
        "alt": "The river at dusk",
        "caption": "",
        "width": 1600,
        "height": 900,
    }
    assert photo.in_gallery is False
    # The answer does not wait for the renditions: the job worker makes them
    # once the upload is committed.
    assert photo.renditions == {}
    for callback in once_committed:
        callback()
    photo.refresh_from_db()
    assert photo.renditions["width"] == 1600


@pytest.mark.parametrize(
    ("make_file", "message"),
    [
        (lambda: fake_png("notes.png"), "This file is not an image: “notes.png”"),
        (
            lambda: oversized_png(int(14.2 * 1024 * 1024), name="scan.png"),
            "“scan.png” is 14.2 MB; the limit is 10 MB.",
        ),
        (
            lambda: blank_png(20000, 20000, name="bomb.png"),
            "“bomb.png” was refused as a decompression bomb",
        ),
    ],
    ids=["fake", "oversized", "bomb"],
)
def test_an_upload_that_is_not_a_usable_image_is_refused_with_the_reason(
    editor_client, make_file, message
):
    response = editor_client.post(
        UPLOAD_URL, {"image": make_file(), "alt_text": "Anything"}
    )

    assert response.status_code == 400
    assert message in response.json()["errors"][0]
    assert not Photo.objects.exists()


def test_an_upload_without_alt_text_is_refused(editor_client):
    response = editor_client.post(UPLOAD_URL, {"image": real_image("PNG")})

    assert response.status_code == 400
    assert response.json()["errors"] == ["Alt text: This field is required."]


def test_uploading_needs_a_post_with_the_csrf_token(editor, client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)

    response = strict.post(
        UPLOAD_URL, {"image": real_image("PNG"), "alt_text": "A view"}
    )

    assert response.status_code == 403
    assert not Photo.objects.exists()
    client.force_login(editor)
    assert client.get(UPLOAD_URL).status_code == 405


def test_contact_staff_cannot_upload(client, contact_staff):
    client.force_login(contact_staff)

    response = client.post(UPLOAD_URL, {"image": real_image(), "alt_text": "A"})

    assert response.status_code == 403
    assert not Photo.objects.exists()


# --- Only marked photos are public -------------------------------------------------


def test_only_photos_marked_for_it_are_in_the_gallery_and_the_slider(
    client, make_photo
):
    make_photo(caption="Embankment")
    make_photo(caption="Body picture", in_gallery=False)

    gallery = client.get(reverse("gallery:list"))
    home = client.get("/")

    for response in (gallery, home):
        assertContains(response, "Embankment")
        assertNotContains(response, "Body picture")


def test_an_editor_marks_a_library_image_for_the_gallery_from_the_list(
    editor_client, make_photo
):
    photo = make_photo(caption="River", in_gallery=False)

    response = editor_client.post(
        LIST_URL,
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": photo.pk,
            "form-0-in_gallery": "on",
            "form-0-order": "1",
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.in_gallery is True


def test_a_gallery_photo_needs_a_caption(editor_client):
    response = editor_client.post(
        reverse("admin:gallery_photo_add"),
        {
            "image": real_image(),
            "caption_en": "",
            "alt_text_en": "A view",
            "in_gallery": "on",
            "order": 1,
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["caption_en"] == [
        "A photo in the public gallery needs a caption."
    ]


# --- Body images as renditions ---------------------------------------------------


def test_a_library_image_in_a_body_is_shown_as_its_renditions(make_photo):
    photo = make_photo(
        image=real_image("JPEG", name="river.jpg", size=(1600, 900)), in_gallery=False
    )
    body = (
        f'<p>Text.</p><figure><img src="{photo.image.url}" alt="A &quot;red&quot; '
        'river"><figcaption>Dusk</figcaption></figure>'
    )

    html = with_renditions(body)

    assert "<p>Text.</p><figure><picture>" in html
    assert '<source type="image/webp" srcset="' in html
    assert re.search(r'srcset="[^"]*-320w\.jpg 320w, [^"]*-1600w\.jpg 1600w"', html)
    assert 'alt="A &quot;red&quot; river"' in html
    assert 'width="1600" height="900" loading="lazy"' in html
    assert "</picture><figcaption>Dusk</figcaption>" in html


def test_other_images_in_a_body_are_left_as_they_are(db):
    body = '<p><img src="https://example.org/a.png" alt="Elsewhere"></p>'

    assert with_renditions(body) == body


def test_a_body_with_several_images_costs_one_query(
    make_photo, django_assert_num_queries
):
    photos = [make_photo(in_gallery=False) for _ in range(3)]
    body = "".join(f'<p><img src="{p.image.url}" alt="x"></p>' for p in photos)

    with django_assert_num_queries(1):
        html = with_renditions(body)

    assert html.count("<picture>") == 3


def test_the_article_page_shows_body_images_as_renditions(
    client, make_article, make_photo, settings
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    photo = make_photo(in_gallery=False)
    article = make_article(body=f'<p><img src="{photo.image.url}" alt="A view"></p>')

    response = client.get(article.get_absolute_url())

    assertContains(response, '<source type="image/webp" srcset="')


# --- The photo list -------------------------------------------------------------------


def test_the_photo_list_shows_thumbnails_and_whether_each_is_in_the_gallery(
    editor_client, make_photo
):
    photo = make_photo(image=real_image("JPEG", size=(1600, 900)))

    html = editor_client.get(LIST_URL).content.decode()

    smallest = photo.renditions["files"]["jpeg"][0][1]
    assert (
        f'<img src="/media/{smallest}" width="64" height="36" alt="" '
        'class="admin-thumbnail" loading="lazy">' in html
    )
    assert 'name="form-0-in_gallery"' in html


@pytest.mark.parametrize("photos", [2, 12])
def test_the_photo_list_runs_the_same_queries_however_many_photos(
    editor_client, make_photo, django_assert_num_queries, photos
):
    for _ in range(photos):
        make_photo()

    # Session, user, the user's and the group's permissions, the filtered and
    # full counts, the page of photos, and the site's name in the header (its
    # surrogate key's check, and its row the first time).
    with django_assert_num_queries(9):
        response = editor_client.get(LIST_URL)

    assert response.content.decode().count('class="admin-thumbnail"') == photos
