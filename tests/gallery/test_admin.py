import pytest
from django.urls import reverse

from gallery.models import Photo

from .images import blank_png, fake_png, oversized_png, real_image

ADD_URL = reverse("admin:gallery_photo_add")
LIST_URL = reverse("admin:gallery_photo_changelist")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def photo_data(image, **overrides):
    data = {
        "image": image,
        # One box per language (gallery/translation.py); English is required.
        "caption_en": "Tysenhaus Palace",
        "alt_text_en": "The yellow palace seen across the square",
        "credit_en": "District office",
        "order": 2,
    }
    data.update(overrides)
    return data


def test_the_changelist_lists_caption_order_and_credit(editor_client, make_photo):
    make_photo(caption="Embankment", credit="A. Photographer", order=1)

    response = editor_client.get(LIST_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<td class="field-caption"><a href=' in html
    assert 'name="form-0-order"' in html
    assert '<td class="field-credit">A. Photographer</td>' in html


def test_an_editor_reorders_photos_from_the_changelist(editor_client, make_photo):
    first = make_photo(caption="Embankment", order=1)
    second = make_photo(caption="Church", order=2)

    response = editor_client.post(
        LIST_URL,
        {
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "2",
            "form-0-id": first.pk,
            "form-0-order": "5",
            "form-1-id": second.pk,
            "form-1-order": "1",
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    assert list(Photo.objects.in_order()) == [second, first]


def test_an_editor_uploads_a_real_photo(editor_client):
    response = editor_client.post(ADD_URL, photo_data(real_image("JPEG")))

    assert response.status_code == 302
    photo = Photo.objects.get()
    assert photo.caption == "Tysenhaus Palace"
    assert (photo.width, photo.height) == (64, 48)


@pytest.mark.parametrize(
    ("make_file", "message"),
    [
        (
            lambda: fake_png("notes.png"),
            "This file is not an image: “notes.png” could not be read",
        ),
        (
            lambda: oversized_png(int(14.2 * 1024 * 1024), name="scan.png"),
            "“scan.png” is 14.2 MB; the limit is 10 MB.",
        ),
        (
            lambda: blank_png(7000, 7000, name="panorama.png"),
            "“panorama.png” is 7000×7000 pixels; the limit is 40,000,000 pixels",
        ),
        (
            lambda: blank_png(20000, 20000, name="bomb.png"),
            "“bomb.png” was refused as a decompression bomb",
        ),
    ],
    ids=["fake", "oversized", "too-many-pixels", "bomb"],
)
def test_an_upload_that_is_not_a_usable_image_is_refused_and_nothing_is_created(
    editor_client, make_file, message
):
    response = editor_client.post(ADD_URL, photo_data(make_file()))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Photo.objects.exists()


def test_replacing_a_photo_with_a_fake_keeps_the_old_image_and_caption(
    editor_client, make_photo
):
    photo = make_photo(caption="Church")
    old_image = photo.image.name

    response = editor_client.post(
        reverse("admin:gallery_photo_change", args=[photo.pk]),
        photo_data(fake_png(), caption_en="Church at dusk"),
    )

    assert response.status_code == 200
    assert "This file is not an image" in response.content.decode()
    photo.refresh_from_db()
    assert photo.image.name == old_image
    assert photo.caption == "Church"
