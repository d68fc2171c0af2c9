"""What happens to an uploaded picture before anyone sees it: turned the way
the camera meant, stripped of the place it was taken and of every other
metadata block, colours kept, re-encoded — on every path a file comes in; and
so are the renditions the job worker makes of it once the save commits."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image, ImageCms

from articles.models import Organization
from gallery.models import Photo

from .images import blank_png_bytes, fake_png

RED, BLUE = (220, 20, 20), (20, 20, 220)
# EXIF Orientation 6: the camera was turned a quarter clockwise; a viewer turns
# the stored pixels back a quarter clockwise to show them.
ROTATED_CLOCKWISE = 6


def two_colour_jpeg(size=(60, 40), orientation=None, gps=False, comment=None):
    """A JPEG whose left half is red and right half blue, with EXIF tags."""
    width, height = size
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, width // 2, height))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Phone 12"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        location = exif.get_ifd(ExifTags.IFD.GPSInfo)
        location[ExifTags.GPS.GPSLatitudeRef] = "N"
        location[ExifTags.GPS.GPSLatitude] = (55.0, 6.0, 44.0)
        location[ExifTags.GPS.GPSLongitudeRef] = "E"
        location[ExifTags.GPS.GPSLongitude] = (26.0, 50.0, 1.0)
    options = {"comment": comment} if comment else {}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95, exif=exif, **options)
    return buffer.getvalue()


def encoded(image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def stored_image(storage, name):
    with storage.open(name, "rb") as handle:
        image = Image.open(handle)
        image.load()
    return image


def stored(file):
    """The stored master, decoded."""
    return stored_image(file.storage, file.name)


def rendition_images(photo):
    for kind, entries in photo.renditions["files"].items():
        for _, name in entries:
            yield kind, stored_image(photo.image.storage, name)


def near(colour, expected, tolerance=30):
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=False))


def make_photo_from(content, name="upload.jpg", **fields):
    return Photo.objects.create(
        image=SimpleUploadedFile(name, content),
        caption=fields.pop("caption", "Embankment"),
        alt_text=fields.pop("alt_text", "The river embankment"),
        **fields,
    )


# --- Orientation ------------------------------------------------------------------


def test_a_photo_taken_sideways_is_stored_upright(db):
    photo = make_photo_from(two_colour_jpeg((60, 40), orientation=ROTATED_CLOCKWISE))

    image = stored(photo.image)
    assert image.size == (40, 60)
    # Turned a quarter clockwise, the red left half is now on top.
    assert near(image.getpixel((20, 5)), RED)
    assert near(image.getpixel((20, 55)), BLUE)
    assert ExifTags.Base.Orientation not in image.getexif()


def test_the_width_and_height_fields_are_those_of_the_upright_photo(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        photo = make_photo_from(
            two_colour_jpeg((60, 40), orientation=ROTATED_CLOCKWISE)
        )
    photo.refresh_from_db()

    assert (photo.width, photo.height) == (40, 60)
    assert (photo.renditions["width"], photo.renditions["height"]) == (40, 60)


def test_a_photo_without_an_orientation_tag_keeps_its_pixels(db):
    photo = make_photo_from(two_colour_jpeg((60, 40)))

    image = stored(photo.image)
    assert image.size == (60, 40)
    assert near(image.getpixel((5, 20)), RED)
    assert near(image.getpixel((55, 20)), BLUE)
    assert (photo.width, photo.height) == (60, 40)


def test_the_renditions_are_upright_too(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        photo = make_photo_from(
            two_colour_jpeg((60, 40), orientation=ROTATED_CLOCKWISE)
        )
    photo.refresh_from_db()

    for kind, image in rendition_images(photo):
        assert image.size == (40, 60), kind
        assert near(image.getpixel((20, 5)), RED), kind


# --- Metadata ---------------------------------------------------------------------


def test_the_uploaded_file_really_carries_a_location_and_a_comment():
    """Guards the tests below: they would pass on a file with nothing to strip."""
    image = Image.open(io.BytesIO(two_colour_jpeg(gps=True, comment=b"Home")))
    assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert image.info["comment"] == b"Home"


def test_the_location_and_every_other_exif_tag_are_stripped(db):
    photo = make_photo_from(two_colour_jpeg(gps=True, comment=b"Home"))

    image = stored(photo.image)
    assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert dict(image.getexif()) == {}
    assert "exif" not in image.info and "comment" not in image.info
    with photo.image.storage.open(photo.image.name, "rb") as handle:
        raw = handle.read()
    assert b"PhoneMaker" not in raw and b"Exif\x00\x00" not in raw


def test_renditions_carry_no_location_or_other_metadata(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        photo = make_photo_from(two_colour_jpeg((700, 400), gps=True, comment=b"Home"))
    photo.refresh_from_db()

    for kind, image in rendition_images(photo):
        assert dict(image.getexif()) == {}, kind
        assert "comment" not in image.info and "icc_profile" not in image.info, kind


def test_a_png_loses_its_text_chunks_and_exif(db):
    from PIL import PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Location", "25 Lenina Street")
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    content = encoded(Image.new("RGB", (30, 20), RED), "PNG", pnginfo=text, exif=exif)

    photo = make_photo_from(content, name="map.png")

    image = stored(photo.image)
    assert image.format == "PNG"
    assert "Location" not in image.info and dict(image.getexif()) == {}


# --- Colour -----------------------------------------------------------------------


def test_a_cmyk_jpeg_is_stored_as_rgb_with_its_colour(db):
    cyan = Image.new("CMYK", (30, 20), (255, 0, 0, 0))
    photo = make_photo_from(encoded(cyan, "JPEG", quality=95), name="print.jpg")

    image = stored(photo.image)
    assert image.mode == "RGB"
    assert near(image.getpixel((10, 10)), (0, 255, 255))


def test_an_embedded_colour_profile_is_applied_then_dropped(db):
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    content = encoded(Image.new("RGB", (30, 20), RED), "JPEG", icc_profile=srgb)

    photo = make_photo_from(content)

    image = stored(photo.image)
    assert "icc_profile" not in image.info
    assert near(image.getpixel((10, 10)), RED)


def test_a_sixteen_bit_grey_png_keeps_its_shade(db):
    grey = Image.new("I;16", (30, 20), 32768)  # half way to white
    photo = make_photo_from(encoded(grey, "PNG"), name="scan.png")

    value = stored(photo.image).getpixel((10, 10))
    assert near(value, (128, 128, 128), tolerance=2)


def test_a_png_with_see_through_parts_keeps_them(db):
    image = Image.new("RGBA", (30, 20), (0, 0, 0, 0))
    image.paste((*RED, 255), (0, 0, 15, 20))
    photo = make_photo_from(encoded(image, "PNG"), name="logo.png")

    master = stored(photo.image)
    assert (master.format, master.mode) == ("PNG", "RGBA")
    assert master.getpixel((25, 10))[3] == 0
    assert master.getpixel((5, 10)) == (*RED, 255)


def test_a_palette_png_with_a_transparent_colour_keeps_its_transparency(db):
    image = Image.new("P", (30, 20), 0)
    image.putpalette([255, 255, 255, *RED] + [0] * 762)
    image.paste(1, (0, 0, 15, 20))
    photo = make_photo_from(encoded(image, "PNG", transparency=0), name="icon.png")

    master = stored(photo.image)
    assert master.mode == "RGBA"
    assert master.getpixel((25, 10))[3] == 0
    assert master.getpixel((5, 10)) == (*RED, 255)


def test_a_png_whose_alpha_hides_nothing_is_kept_as_an_opaque_picture(
    db, django_capture_on_commit_callbacks
):
    opaque = Image.new("RGBA", (30, 20), (*BLUE, 255))
    with django_capture_on_commit_callbacks(execute=True):
        photo = make_photo_from(encoded(opaque, "PNG"), name="flat.png")
    photo.refresh_from_db()

    assert stored(photo.image).mode == "RGB"
    assert photo.renditions["fallback"] == "jpeg"


def test_a_webp_with_alpha_stays_a_webp_with_alpha(db):
    image = Image.new("RGBA", (30, 20), (*RED, 128))
    photo = make_photo_from(encoded(image, "WEBP", lossless=True), name="x.webp")

    master = stored(photo.image)
    assert photo.image.name.endswith(".webp")
    assert (master.format, master.mode) == ("WEBP", "RGBA")
    assert master.getpixel((10, 10))[3] == 128


def test_a_gif_is_stored_as_a_still_png(db):
    image = Image.new("P", (30, 20), 0)
    photo = make_photo_from(encoded(image, "GIF"), name="animation.gif")

    assert photo.image.name.endswith("/animation.png")
    assert stored(photo.image).format == "PNG"


# --- Re-encoding and names --------------------------------------------------------


def test_the_master_is_re_encoded_in_its_own_format_under_its_own_name(db):
    photo = make_photo_from(two_colour_jpeg((60, 40)), name="IMG_0042.JPEG")

    assert photo.image.name.startswith("gallery/")
    assert photo.image.name.endswith("/IMG_0042.jpg")
    assert stored(photo.image).format == "JPEG"


def test_a_jpeg_is_re_encoded_at_a_quality_that_keeps_it_sharp(db):
    gradient = Image.linear_gradient("L").convert("RGB").resize((256, 256))
    photo = make_photo_from(encoded(gradient, "JPEG", quality=100))

    image = stored(photo.image)
    assert all(
        near(image.getpixel((x, y)), gradient.getpixel((x, y)), tolerance=6)
        for x in range(0, 256, 32)
        for y in range(0, 256, 32)
    )


# --- Every path -------------------------------------------------------------------


def test_an_editors_upload_in_the_admin_is_stored_upright_and_stripped(
    client, editor, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:gallery_photo_add"),
            {
                "image": SimpleUploadedFile(
                    "phone.jpg",
                    two_colour_jpeg((60, 40), orientation=ROTATED_CLOCKWISE, gps=True),
                    content_type="image/jpeg",
                ),
                "caption_en": "Church",
                "alt_text_en": "The white church on the hill",
                "credit_en": "",
                "order": 1,
            },
        )

    assert response.status_code == 302
    photo = Photo.objects.get()
    image = stored(photo.image)
    assert image.size == (40, 60) and (photo.width, photo.height) == (40, 60)
    assert dict(image.getexif()) == {}
    assert photo.renditions["files"]


def test_a_file_saved_from_code_is_cleaned_too(db, django_capture_on_commit_callbacks):
    photo = Photo(caption="Church", alt_text="The white church")
    photo.image.save(
        "church.jpg",
        ContentFile(two_colour_jpeg(orientation=ROTATED_CLOCKWISE, gps=True)),
        save=False,
    )
    with django_capture_on_commit_callbacks(execute=True):
        photo.save()
    photo.refresh_from_db()

    image = stored(photo.image)
    assert image.size == (40, 60) and (photo.width, photo.height) == (40, 60)
    assert dict(image.getexif()) == {}
    assert photo.renditions["source"] == photo.image.name


def test_an_organization_logo_is_cleaned_and_rendered(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        organization = Organization.objects.create(
            name="Belarusian Telegraph Agency",
            short_name="BelTA",
            slug="belta",
            kind=Organization.Kind.NEWS_AGENCY,
            logo=SimpleUploadedFile("belta.jpg", two_colour_jpeg(gps=True)),
        )
    organization.refresh_from_db()

    assert dict(stored(organization.logo).getexif()) == {}
    assert organization.logo_renditions["source"] == organization.logo.name
    record = organization.logo_renditions
    assert (record["width"], record["height"]) == (60, 40)


def test_an_article_hero_image_is_cleaned_and_rendered(make_article):
    article = make_article(
        hero_image=SimpleUploadedFile(
            "hero.jpg", two_colour_jpeg(orientation=ROTATED_CLOCKWISE)
        ),
        hero_alt_text="Delegates",
    )
    article.refresh_from_db()

    assert stored(article.hero_image).size == (40, 60)
    assert (article.hero_width, article.hero_height) == (40, 60)
    assert article.hero_renditions["source"] == article.hero_image.name


# --- Still refused ----------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [fake_png().read(), blank_png_bytes(20_000, 20_000)],
    ids=["not-an-image", "decompression-bomb"],
)
def test_a_file_saved_from_code_that_is_no_usable_image_is_refused(
    db, settings, content
):
    photo = Photo(caption="Church", alt_text="The white church")

    with pytest.raises(ValidationError):
        photo.image.save("church.png", ContentFile(content), save=False)

    assert not photo.image
    assert not list((settings.MEDIA_ROOT).rglob("*.*"))
