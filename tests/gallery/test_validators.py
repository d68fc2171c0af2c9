import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from gallery.validators import validate_image_upload

from .images import (
    blank_png,
    fake_png,
    image_bytes,
    oversized_png,
    real_image,
    upload,
)


def refusal(file):
    with pytest.raises(ValidationError) as caught:
        validate_image_upload(file)
    return caught.value


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF"])
def test_it_accepts_a_real_image_in_each_format_browsers_show(fmt):
    assert validate_image_upload(real_image(fmt)) is None


def test_it_leaves_the_file_rewound_for_whoever_stores_it():
    file = real_image("PNG")
    validate_image_upload(file)
    assert file.read(8) == b"\x89PNG\r\n\x1a\n"


def test_it_refuses_a_text_file_renamed_to_png():
    error = refusal(fake_png("notes.png"))
    assert error.code == "not_an_image"
    assert error.messages == [
        "This file is not an image: “notes.png” could not be read as a JPEG, PNG, "
        "WebP or GIF picture."
    ]


def test_it_refuses_an_image_in_a_format_browsers_do_not_show():
    assert refusal(real_image("BMP")).code == "not_an_image"


def test_it_refuses_a_truncated_png():
    content = image_bytes("PNG", size=(300, 200))
    assert refusal(upload("cut.png", content[:-40])).code == "not_an_image"


def test_it_refuses_a_file_over_the_byte_limit_and_says_how_big_it_is():
    error = refusal(oversized_png(int(14.2 * 1024 * 1024), name="scan.png"))
    assert error.code == "too_many_bytes"
    assert "“scan.png” is 14.2 MB; the limit is 10 MB." in error.messages[0]


def test_it_accepts_a_file_exactly_at_the_byte_limit(settings):
    settings.NEWSROOM_MAX_IMAGE_BYTES = 50_000
    assert validate_image_upload(oversized_png(50_000)) is None
    assert refusal(oversized_png(50_001)).code == "too_many_bytes"


def test_it_refuses_an_image_with_too_many_pixels_and_gives_its_size():
    error = refusal(blank_png(7000, 7000, name="panorama.png"))
    assert error.code == "too_many_pixels"
    assert error.messages[0].startswith(
        "“panorama.png” is 7000×7000 pixels; the limit is 40,000,000 pixels"
    )


def test_it_accepts_an_image_exactly_at_the_pixel_limit(settings):
    settings.NEWSROOM_MAX_IMAGE_PIXELS = 6000 * 5000
    assert validate_image_upload(blank_png(6000, 5000)) is None
    assert refusal(blank_png(6000, 5001)).code == "too_many_pixels"


def test_it_refuses_a_decompression_bomb_that_pillow_rejects_outright():
    bomb = blank_png(20000, 20000, name="bomb.png")
    assert bomb.size < 100_000  # small on disk, 400 megapixels unpacked
    with pytest.raises(Image.DecompressionBombError):
        Image.open(bomb)
    bomb.seek(0)

    error = refusal(bomb)
    assert error.code == "decompression_bomb"
    assert "“bomb.png” was refused as a decompression bomb" in error.messages[0]


def test_it_refuses_a_decompression_bomb_that_pillow_only_warns_about(settings):
    # Above Pillow's warning threshold but below its error; even with the
    # newsroom's own pixel limit raised out of the way it is refused.
    settings.NEWSROOM_MAX_IMAGE_PIXELS = 10**9
    assert Image.MAX_IMAGE_PIXELS < 10000 * 10000 < 2 * Image.MAX_IMAGE_PIXELS
    assert refusal(blank_png(10000, 10000)).code == "decompression_bomb"
