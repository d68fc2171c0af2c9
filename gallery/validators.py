"""Checks for uploaded images: photos, hero images and organization logos.

They run in forms (not as model-field validators) so the editor learns why a
file was refused before anything is stored, and so other code (imports,
management commands) can call validate_image_upload() on any file it is given.
"""

import os
import warnings

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image

# The formats browsers show everywhere; anything else is refused, and Pillow
# is only allowed to try these parsers on untrusted bytes.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")

MEGABYTE = 1024 * 1024


def _megabytes(size):
    if size < MEGABYTE / 10:
        return f"{size / 1024:.1f}".removesuffix(".0") + " KB"
    return f"{size / MEGABYTE:.1f}".removesuffix(".0") + " MB"


def _file_size(upload):
    size = getattr(upload, "size", None)
    if size is None:
        position = upload.tell()
        size = upload.seek(0, os.SEEK_END)
        upload.seek(position)
    return size


def validate_image_upload(upload):
    """Raise ValidationError unless upload is a JPEG, PNG, WebP or GIF image
    within NEWSROOM_MAX_IMAGE_BYTES and NEWSROOM_MAX_IMAGE_PIXELS.

    Only the header is decoded (plus Pillow's verify()), so a hostile file
    costs little to refuse. The file is rewound afterwards."""
    name = os.path.basename(getattr(upload, "name", "") or "") or _("This file")
    max_bytes = settings.NEWSROOM_MAX_IMAGE_BYTES
    max_pixels = settings.NEWSROOM_MAX_IMAGE_PIXELS

    size = _file_size(upload)
    if size > max_bytes:
        raise ValidationError(
            _(
                "“%(name)s” is %(size)s; the limit is %(limit)s. Save it smaller "
                "(for example as a JPEG) and upload it again."
            ),
            code="too_many_bytes",
            params={
                "name": name,
                "size": _megabytes(size),
                "limit": _megabytes(max_bytes),
            },
        )

    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice its limit; a
            # warning here is as much a refusal as the error above it.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=ACCEPTED_FORMATS) as image:
                width, height = image.size
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _(
                "“%(name)s” was refused as a decompression bomb: a small file that "
                "would unpack to more pixels than can safely be opened. The limit "
                "is %(limit)s pixels."
            ),
            code="decompression_bomb",
            params={"name": name, "limit": f"{max_pixels:,}"},
        ) from None
    except Exception:  # Pillow raises many types for bytes it cannot parse.
        raise ValidationError(
            _(
                "This file is not an image: “%(name)s” could not be read as a "
                "JPEG, PNG, WebP or GIF picture."
            ),
            code="not_an_image",
            params={"name": name},
        ) from None
    finally:
        upload.seek(0)

    if width * height > max_pixels:
        raise ValidationError(
            _(
                "“%(name)s” is %(width)s×%(height)s pixels; the limit is "
                "%(limit)s pixels in all. Scale it down and upload it again."
            ),
            code="too_many_pixels",
            params={
                "name": name,
                "width": width,
                "height": height,
                "limit": f"{max_pixels:,}",
            },
        )


class CheckedImageField(forms.ImageField):
    """An ImageField that says why an upload was refused.

    validate_image_upload runs before Django's own Pillow check, whose single
    "upload a valid image" message would otherwise answer every case."""

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        validate_image_upload(upload)
        return super().to_python(data)
