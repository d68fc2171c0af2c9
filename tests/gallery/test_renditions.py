"""Renditions: each image in several widths, as WebP with a JPEG (or PNG)
fallback, made once by the job worker after it is saved (test_jobs.py) and
shown from the record on the row — pages never touch storage or the database
for them. The factories return rows whose jobs have run."""

import io
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.template import Context, Template
from django.urls import reverse
from PIL import Image
from pytest_django.asserts import assertContains, assertNotContains

from caching import keys
from caching.services import stamps
from gallery.images import rendition_name
from gallery.models import Photo


def png(size, mode="RGB", colour=(40, 90, 140)):
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def upload(size=(64, 48), name="photo.png", **kwargs):
    return SimpleUploadedFile(name, png(size, **kwargs))


def files(record):
    """{(kind, width): name} of a renditions record."""
    return {
        (kind, width): name
        for kind, entries in record["files"].items()
        for width, name in entries
    }


def on_disk(settings):
    root = Path(settings.MEDIA_ROOT)
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def render(template, **context):
    return Template("{% load image_tags %}" + template).render(Context(context))


@pytest.fixture
def forbid_storage(monkeypatch):
    """Call it to make every storage read or write fail the test from then on:
    pages may only build URLs from names (FileSystemStorage and S3Storage
    both do that without touching the files)."""

    def refuse(self, *args, **kwargs):
        raise AssertionError("a page touched the media storage")

    def forbid():
        for method in ("open", "exists", "save", "delete", "size", "listdir", "path"):
            monkeypatch.setattr(FileSystemStorage, method, refuse)

    return forbid


# --- What is made -----------------------------------------------------------------


def test_a_wide_photo_gets_every_width_in_webp_and_jpeg(make_photo, settings):
    photo = make_photo(image=upload((2000, 1000)))

    made = files(photo.renditions)
    assert sorted(made) == [
        (kind, width)
        for kind in ("jpeg", "webp")
        for width in (320, 640, 960, 1280, 1920)
    ]
    for (kind, width), name in made.items():
        with Image.open(Path(settings.MEDIA_ROOT) / name) as image:
            assert image.format == {"jpeg": "JPEG", "webp": "WEBP"}[kind]
            assert image.size == (width, width // 2)


def test_a_photo_is_never_enlarged(make_photo, settings):
    photo = make_photo(image=upload((700, 350)))

    widths = sorted({width for _, width in files(photo.renditions)})
    assert widths == [320, 640, 700]
    for name in files(photo.renditions).values():
        with Image.open(Path(settings.MEDIA_ROOT) / name) as image:
            assert image.width <= 700


def test_a_photo_narrower_than_every_width_gets_only_its_own(make_photo):
    photo = make_photo(image=upload((100, 80)))

    assert sorted(files(photo.renditions)) == [("jpeg", 100), ("webp", 100)]


def test_a_picture_with_see_through_parts_falls_back_to_png(make_photo, settings):
    photo = make_photo(image=upload((400, 200), mode="RGBA", colour=(0, 0, 0, 0)))

    assert photo.renditions["fallback"] == "png"
    assert sorted(files(photo.renditions)) == [
        ("png", 320),
        ("png", 400),
        ("webp", 320),
        ("webp", 400),
    ]
    with Image.open(
        Path(settings.MEDIA_ROOT) / files(photo.renditions)["webp", 320]
    ) as image:
        assert image.mode == "RGBA"


def test_renditions_are_stored_under_names_derived_from_the_photos(make_photo):
    photo = make_photo(image=upload((400, 200), name="embankment.png"))
    folder = photo.image.name.rsplit("/", 1)[0]

    assert files(photo.renditions)["webp", 320] == (
        f"renditions/{folder}/embankment-png-320w.webp"
    )
    assert rendition_name("gallery/2023/07/a.jpg", 640, "jpeg") == (
        "renditions/gallery/2023/07/a-jpg-640w.jpg"
    )
    # a.jpg and a.png may both sit in one folder; their renditions do not mix.
    assert rendition_name("gallery/a.png", 640, "jpeg") != rendition_name(
        "gallery/a.jpg", 640, "jpeg"
    )


def test_the_record_is_kept_on_the_row(make_photo):
    photo = make_photo(image=upload((400, 200)))
    record = photo.renditions

    photo.refresh_from_db()

    assert photo.renditions == record
    assert (record["source"], record["width"], record["height"]) == (
        photo.image.name,
        400,
        200,
    )


# --- Made once --------------------------------------------------------------------


def test_pages_reuse_the_renditions_without_touching_storage_or_the_database(
    client, make_photo, settings, forbid_storage, django_assert_num_queries
):
    make_photo(image=upload((700, 350)))
    make_photo(image=upload((100, 80)))
    before = on_disk(settings)
    forbid_storage()
    # Each request runs the view: no page is kept whole.
    settings.NEWSROOM_SHARED_CACHE_SECONDS = 0

    # The photos, and the surrogate keys of the site's name and the footer's
    # office (their rows too the first time): no query per photo.
    for queries in (4, 2):
        with django_assert_num_queries(queries):
            response = client.get(reverse("gallery:list"))
        assert response.status_code == 200
        assertContains(response, "<picture>", count=2)

    assert on_disk(settings) == before


def test_the_picture_tag_alone_makes_no_query(
    make_photo, forbid_storage, django_assert_num_queries
):
    photo = Photo.objects.get(pk=make_photo(image=upload((700, 350))).pk)
    forbid_storage()

    with django_assert_num_queries(0):
        html = render("{% picture photo.image alt='x' %}", photo=photo)

    assert "<picture>" in html


def test_saving_a_photo_again_does_not_make_its_renditions_again(make_photo, settings):
    photo = make_photo(image=upload((700, 350)))
    record = photo.renditions
    mtimes = {
        name: (Path(settings.MEDIA_ROOT) / name).stat().st_mtime_ns
        for name in files(photo.renditions).values()
    }

    photo.caption = "Embankment at dusk"
    photo.save()
    photo.refresh_from_db()

    assert photo.renditions == record
    assert {
        name: (Path(settings.MEDIA_ROOT) / name).stat().st_mtime_ns
        for name in files(photo.renditions).values()
    } == mtimes


# --- Markup -----------------------------------------------------------------------


def test_the_markup_offers_webp_and_jpeg_in_every_width_with_size_and_alt(
    make_photo,
):
    photo = make_photo(image=upload((700, 350)), alt_text="The river embankment")
    url = {key: f"/media/{name}" for key, name in files(photo.renditions).items()}

    html = render(
        "{% picture photo.image alt=photo.alt_text sizes='50vw' %}", photo=photo
    )

    assert html.strip() == (
        '<picture><source type="image/webp" srcset="'
        f'{url["webp", 320]} 320w, {url["webp", 640]} 640w, {url["webp", 700]} 700w"'
        ' sizes="50vw">'
        f'<img src="{url["jpeg", 700]}" srcset="'
        f'{url["jpeg", 320]} 320w, {url["jpeg", 640]} 640w, {url["jpeg", 700]} 700w"'
        ' sizes="50vw" alt="The river embankment" width="700" height="350"'
        ' loading="lazy" decoding="async"></picture>'
    )


def test_old_browsers_get_a_mid_sized_jpeg_not_the_upload(make_photo):
    photo = make_photo(image=upload((2000, 1000)))

    html = render("{% picture photo.image %}", photo=photo)

    assert f'src="/media/{files(photo.renditions)["jpeg", 960]}"' in html
    assert f'src="{photo.image.url}"' not in html


def test_alt_text_is_escaped(make_photo):
    photo = make_photo(alt_text='" onerror="alert(1)')

    html = render("{% picture photo.image alt=photo.alt_text %}", photo=photo)

    assert 'alt="&quot; onerror=&quot;alert(1)"' in html
    assert '" onerror="' not in html


def test_a_logo_shown_at_a_fixed_height_is_sized_by_its_proportions(
    make_organization,
):
    organization = make_organization(logo=upload((400, 100), name="belta.png"))

    html = render(
        "{% picture logo alt='' css_height='4rem' css_class='organization-logo' %}",
        logo=organization.logo,
    )

    assert 'sizes="calc(4rem * 4.000)"' in html
    assert 'class="organization-logo"' in html
    assert 'width="400" height="100"' in html


def test_no_image_renders_nothing(make_organization):
    organization = make_organization()

    assert render("{% picture logo %}", logo=organization.logo).strip() == ""


def test_an_image_from_before_renditions_is_shown_as_it_is(make_photo, forbid_storage):
    photo = make_photo(image=upload((700, 350)))
    Photo.objects.filter(pk=photo.pk).update(renditions={})
    photo.refresh_from_db()
    forbid_storage()

    html = render("{% picture photo.image alt='x' %}", photo=photo)

    assert "<picture>" not in html and "srcset" not in html
    assert f'src="{photo.image.url}"' in html
    assert 'width="700" height="350"' in html


# --- Pages ------------------------------------------------------------------------


def test_the_gallery_and_the_home_slider_show_responsive_pictures(client, make_photo):
    make_photo(image=upload((700, 350)), caption="Embankment")

    gallery = client.get(reverse("gallery:list"))
    home = client.get("/")

    for response in (gallery, home):
        assertContains(response, '<source type="image/webp"')
        assertContains(response, 'loading="lazy"')
    assertContains(home, 'sizes="(min-width: 44rem) 36rem, 85vw"')


def test_the_hero_image_is_fetched_first_not_lazily(client, make_article):
    article = make_article(
        hero_image=upload((1600, 900), name="hero.png"),
        hero_alt_text="Delegates around a round table",
    )

    response = client.get(article.get_absolute_url())

    assertContains(response, '<source type="image/webp"')
    assertContains(response, 'fetchpriority="high"')
    assertContains(response, 'width="1600" height="900"')
    assertNotContains(response, 'loading="lazy"')


def test_the_hero_caption_and_alt_text_are_escaped(client, make_article):
    article = make_article(
        hero_image=upload((320, 200), name="hero.png"),
        hero_alt_text='"><script>alert(1)</script>',
        hero_caption="<b>Council</b>",
    )

    response = client.get(article.get_absolute_url())

    assertNotContains(response, "<script>alert(1)</script>")
    assertContains(response, 'alt="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"')
    assertContains(response, "&lt;b&gt;Council&lt;/b&gt;")


def test_an_organization_page_shows_its_logo_as_a_picture(client, make_organization):
    organization = make_organization(logo=upload((400, 100), name="belta.png"))

    response = client.get(organization.get_absolute_url())

    assertContains(response, '<source type="image/webp"')
    assertContains(response, 'class="organization-logo"')


# --- Replaced and deleted ---------------------------------------------------------


def test_replacing_a_photo_deletes_the_old_renditions_once_saved(
    make_photo, settings, django_capture_on_commit_callbacks
):
    photo = make_photo(image=upload((700, 350), name="old.png"))
    old = set(files(photo.renditions).values())

    with django_capture_on_commit_callbacks(execute=True):
        photo.image = upload((400, 200), name="new.png")
        photo.save()
    photo.refresh_from_db()

    left = on_disk(settings)
    assert not old & left
    assert set(files(photo.renditions).values()) <= left
    assert sorted({w for _, w in files(photo.renditions)}) == [320, 400]


def test_a_replacement_that_is_never_committed_deletes_nothing(
    make_photo, settings, django_capture_on_commit_callbacks
):
    photo = make_photo(image=upload((700, 350), name="old.png"))
    old = set(files(photo.renditions).values())

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        photo.image = upload((400, 200), name="new.png")
        photo.save()

    assert callbacks  # would delete them, once committed
    assert old <= on_disk(settings)


def test_deleting_a_photo_deletes_its_renditions(
    make_photo, settings, django_capture_on_commit_callbacks
):
    photo = make_photo(image=upload((700, 350)))
    kept = make_photo(image=upload((700, 350)))

    with django_capture_on_commit_callbacks(execute=True):
        photo.delete()

    left = on_disk(settings)
    assert not set(files(photo.renditions).values()) & left
    assert set(files(kept.renditions).values()) <= left


def test_renditions_another_photo_still_shows_are_kept(
    make_photo, settings, django_capture_on_commit_callbacks
):
    photo = make_photo(image=upload((700, 350)))
    twin = make_photo()
    Photo.objects.filter(pk=twin.pk).update(
        image=photo.image.name, renditions=photo.renditions
    )

    with django_capture_on_commit_callbacks(execute=True):
        photo.delete()

    assert set(files(photo.renditions).values()) <= on_disk(settings)


def test_an_old_image_brought_back_gets_its_renditions_again(
    make_photo, settings, django_capture_on_commit_callbacks
):
    """As restoring an old revision does: its name and record come back, but
    its renditions were deleted when it was replaced."""
    photo = make_photo(image=upload((700, 350), name="first.png"))
    first_name, first_record = photo.image.name, photo.renditions
    with django_capture_on_commit_callbacks(execute=True):
        photo.image = upload((400, 200), name="second.png")
        photo.save()
    assert not set(files(first_record).values()) & on_disk(settings)

    with django_capture_on_commit_callbacks(execute=True):
        photo.image = first_name
        photo.renditions = first_record
        photo.save()
    photo.refresh_from_db()

    assert photo.renditions["source"] == first_name
    assert set(files(photo.renditions).values()) == set(files(first_record).values())
    assert set(files(first_record).values()) <= on_disk(settings)


# --- make_renditions --------------------------------------------------------------


def test_make_renditions_fills_in_images_from_before_renditions(make_photo):
    photo = make_photo(image=upload((700, 350)))
    record = photo.renditions
    Photo.objects.filter(pk=photo.pk).update(renditions={})
    out = io.StringIO()

    call_command("make_renditions", stdout=out)

    photo.refresh_from_db()
    assert photo.renditions == record
    assert "Renditions made for 1 image(s)." in out.getvalue()


def test_make_renditions_leaves_complete_renditions_alone(make_photo):
    make_photo(image=upload((700, 350)))
    out = io.StringIO()

    call_command("make_renditions", stdout=out)

    assert "Renditions made for 0 image(s)." in out.getvalue()


def test_make_renditions_replaces_lost_files(make_photo, settings):
    photo = make_photo(image=upload((700, 350)))
    lost = Path(settings.MEDIA_ROOT) / files(photo.renditions)["webp", 320]
    lost.unlink()

    call_command("make_renditions", stdout=io.StringIO())

    assert lost.is_file()


def test_restoring_a_photos_first_revision_shows_its_first_image_again(
    make_photo, settings, django_capture_on_commit_callbacks
):
    photo = make_photo(image=upload((700, 350), name="first.png"))
    first_name = photo.image.name
    with django_capture_on_commit_callbacks(execute=True):
        photo.image = upload((400, 200), name="second.png")
        photo.save()

    with django_capture_on_commit_callbacks(execute=True):
        photo.history.earliest().instance.save()

    photo.refresh_from_db()
    assert photo.image.name == first_name
    assert sorted({width for _, width in files(photo.renditions)}) == [320, 640, 700]
    assert set(files(photo.renditions).values()) <= on_disk(settings)


def test_replacing_or_deleting_a_photo_purges_the_stories_showing_it(
    make_photo, make_article, client
):
    """A story's body shows a library photo by its master's address, as the
    renditions deleted with that master: its page must be rendered again."""
    photo = make_photo(image=upload((700, 350), name="old.png"))
    article = make_article(body=f'<p>The dam.</p><img src="{photo.image.url}" alt="">')
    shown = keys.image(photo.image.name)
    page = client.get(article.get_absolute_url(), HTTP_SURROGATE_CAPABILITY="ESI/1.0")
    assert shown in page["Surrogate-Key"].split()
    stamp = stamps([shown], fresh=True)

    photo.image = upload((400, 200), name="new.png")
    photo.save()

    assert stamps([shown], fresh=True) != stamp
    shown = keys.image(photo.image.name)
    stamp = stamps([shown], fresh=True)

    photo.delete()

    assert stamps([shown], fresh=True) != stamp
