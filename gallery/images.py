"""Uploaded pictures made safe to publish and quick to show: the one place
Newsroom decodes, orients, re-encodes and resizes images.

prepare() turns an upload into a clean master: EXIF orientation applied,
colours converted to sRGB, every metadata block (EXIF with its GPS position,
XMP, comments, ICC profiles) left behind, re-encoded at high quality.
renditions_from_storage() then reads a stored master back (in the job
worker, gallery.tasks) and stores the smaller copies pages show, once, under
names derived from the master's, and returns a record (kept in a JSON field
beside the image) from which picture_for() builds `srcset` markup with no
storage or database access at all.
"""

import io
import logging
import posixpath
import warnings
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from PIL import Image, ImageCms, ImageOps

from .validators import ACCEPTED_FORMATS, validate_image_upload

logger = logging.getLogger(__name__)

# Phone screens, tablets, laptops, wide and high-density screens. An image is
# never enlarged: a narrower one gets the widths below its own, plus its own.
RENDITION_WIDTHS = (320, 640, 960, 1280, 1920)
RENDITION_DIR = "renditions"
# The width old browsers (no srcset) get in src.
FALLBACK_SRC_WIDTH = 960

# The master keeps its format (a GIF becomes a still PNG); high quality, as
# it is the copy every rendition and any later crop starts from.
MASTER_ENCODING = {
    "JPEG": {"quality": 90, "optimize": True, "progressive": True},
    "PNG": {"optimize": False},
    "WEBP": {"quality": 90, "method": 4},
}
MASTER_FORMAT = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "GIF": "PNG"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}

# Renditions: WebP for every browser that takes it, and a fallback in JPEG, or
# in PNG when the picture has see-through parts that JPEG would fill in.
RENDITION_ENCODING = {
    "webp": ("WEBP", {"quality": 80, "method": 4}),
    "jpeg": ("JPEG", {"quality": 82, "optimize": True, "progressive": True}),
    "png": ("PNG", {"optimize": True}),
}
RENDITION_EXTENSIONS = {"webp": "webp", "jpeg": "jpg", "png": "png"}
CONTENT_TYPES = {"webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


# --- Masters ----------------------------------------------------------------------


@dataclass
class PreparedImage:
    """An upload decoded and cleaned: upright, sRGB, RGB or RGBA, no metadata."""

    image: Image.Image
    format: str  # the master's: JPEG, PNG or WEBP

    @property
    def has_alpha(self):
        return self.image.mode == "RGBA"

    @property
    def extension(self):
        return EXTENSIONS[self.format]

    def master_name(self, name):
        """name with the extension of the format the master is stored in."""
        stem, _ = posixpath.splitext(posixpath.basename(name or "image"))
        return f"{stem or 'image'}.{self.extension}"

    def encode(self):
        return _encode(self.image, self.format, MASTER_ENCODING[self.format])


def prepare(file):
    """Check and decode an uploaded file into a PreparedImage.

    Raises django's ValidationError for anything validate_image_upload
    refuses: not an image, too big, a decompression bomb."""
    validate_image_upload(file)
    return _decode(file)


def _decode(file):
    file.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(file, formats=ACCEPTED_FORMATS) as opened:
            source_format = opened.format
            # A phone stores the picture as the sensor saw it and a tag saying
            # which way is up; browsers disagree on honouring it, so turn the
            # pixels themselves and drop the tag.
            image = ImageOps.exif_transpose(opened)
    file.seek(0)
    return PreparedImage(
        image=_clean_colours(image), format=MASTER_FORMAT[source_format]
    )


def _has_alpha(image):
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        "transparency" in image.info
    )


def _clean_colours(image):
    """Return image as 8-bit sRGB in RGB, or RGBA when some pixel is see-through,
    with no metadata left in image.info (savers copy some of it from there)."""
    alpha = _has_alpha(image)
    target = "RGBA" if alpha else "RGB"
    profile = image.info.get("icc_profile")
    if image.mode.startswith("I"):
        # 16-bit greyscale PNGs: scale to 8 bits rather than clip to white.
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    elif image.mode in ("P", "PA", "1", "LA", "La", "RGBa") or (
        alpha and image.mode in ("L", "RGB")
    ):
        image = image.convert(target)
    if profile and image.mode in ("RGB", "RGBA", "CMYK", "L"):
        # Phones shoot in Display P3, printers send CMYK: convert the pixels
        # to sRGB, which every screen assumes, instead of trusting a profile
        # we are about to drop.
        try:
            image = ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(io.BytesIO(profile)),
                _SRGB,
                outputMode="RGBA" if image.mode == "RGBA" else "RGB",
            )
        except (OSError, ValueError, TypeError, ImageCms.PyCMSError):
            logger.info("Ignored an unusable ICC profile in an uploaded image.")
    if image.mode != target:
        image = image.convert(target)
    if target == "RGBA" and image.getchannel("A").getextrema() == (255, 255):
        # A PNG with an alpha channel nothing uses: show it as a photo.
        image = image.convert("RGB")
    image.info = {}
    return image


def _encode(image, fmt, options):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


# --- Renditions -------------------------------------------------------------------


def rendition_widths(width):
    """The widths to make for an image width pixels wide, never wider."""
    top = min(width, RENDITION_WIDTHS[-1])
    return [w for w in RENDITION_WIDTHS if w < top] + [top]


def rendition_name(master_name, width, kind):
    """Where the kind ("webp", "jpeg", "png") rendition of master_name at
    width is stored: renditions/<master's folder>/<stem>-<ext>-<width>w.<ext>.
    The master's extension is part of the name, so a.jpg and a.png (both
    possible in one folder) never share renditions."""
    folder, filename = posixpath.split(master_name)
    stem, extension = posixpath.splitext(filename)
    return posixpath.join(
        RENDITION_DIR,
        folder,
        f"{stem}-{extension.lstrip('.')}-{width}w.{RENDITION_EXTENSIONS[kind]}",
    )


def encode_renditions(image):
    """[(width, kind, bytes)] of every rendition of image (a PreparedImage's),
    widest first: the costly part of making them, nothing stored yet."""
    width, height = image.size
    fallback = "png" if image.mode == "RGBA" else "jpeg"
    encoded = []
    largest = None
    for target in sorted(rendition_widths(width), reverse=True):
        size = (target, max(1, round(height * target / width)))
        if size == image.size:
            resized = image
        else:
            # One resize from the (possibly huge) master, the rest from that:
            # as sharp to the eye and several times quicker.
            source = largest or image
            resized = source.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        largest = largest or resized
        for kind in ("webp", fallback):
            fmt, options = RENDITION_ENCODING[kind]
            encoded.append((target, kind, _encode(resized, fmt, options)))
    return encoded


def write_renditions(storage, master_name, image):
    """Store every rendition of image (a PreparedImage's) for master_name and
    return the record that describes them."""
    width, height = image.size
    files = {}
    for target, kind, data in encode_renditions(image):
        name = rendition_name(master_name, target, kind)
        # The name is derived, not chosen by storage: a file left there (by a
        # crash, or an older master of the same name) is stale.
        storage.delete(name)
        saved = storage.save(name, ContentFile(data))
        files.setdefault(kind, []).append([target, saved])
    for entries in files.values():
        entries.sort()
    return {
        "source": master_name,
        "width": width,
        "height": height,
        "fallback": next(kind for kind in files if kind != "webp"),
        "files": files,
    }


def renditions_from_storage(storage, master_name):
    """Make the renditions of a master already in storage (a new upload, an
    older one, a restored revision or backup) and return the record.

    Raises what reading it raises: OSError for a missing or unreadable file,
    Pillow's errors for one that is not an image. The upload checks are not
    applied again (Pillow's decompression-bomb limit still is): the site
    stored the file itself, and re-encoding may have made it larger in bytes
    than the upload the limit allowed (a PNG stored without optimisation)."""
    with storage.open(master_name, "rb") as master:
        prepared = _decode(master)
    return write_renditions(storage, master_name, prepared.image)


def rendition_names(record):
    files = (record or {}).get("files", {})
    return [name for entries in files.values() for _, name in entries]


def delete_renditions(storage, names):
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("Could not delete the rendition %s.", name, exc_info=True)


# --- Markup -----------------------------------------------------------------------


@dataclass(frozen=True)
class Picture:
    """What a page needs to show one image, all of it strings and numbers."""

    src: str
    width: int | None = None
    height: int | None = None
    srcset: str = ""
    sources: tuple = ()  # ({"type": "image/webp", "srcset": "…"},)


def picture_for(file):
    """Return a Picture for file (a FieldFile) from its renditions record.

    Only string work: no storage, database or file access, so it can run
    for every image on every page. A file without a current record (an upload
    older than renditions) is shown as it is."""
    record = getattr(file, "renditions_record", None) or {}
    storage = file.storage
    if record.get("source") != file.name or not record.get("files"):
        width, height = getattr(file, "stored_dimensions", (None, None))
        return Picture(src=file.url, width=width, height=height)

    def srcset(entries):
        return ", ".join(f"{storage.url(name)} {width}w" for width, name in entries)

    fallback = record["files"][record["fallback"]]
    src = next(
        (name for width, name in reversed(fallback) if width <= FALLBACK_SRC_WIDTH),
        fallback[0][1],
    )
    return Picture(
        src=storage.url(src),
        width=record["width"],
        height=record["height"],
        srcset=srcset(fallback),
        sources=(
            {"type": CONTENT_TYPES["webp"], "srcset": srcset(record["files"]["webp"])},
        ),
    )


THUMBNAIL_WIDTH = 64


def thumbnail_for(file):
    """Return (url, width, height) for showing file about THUMBNAIL_WIDTH
    pixels wide: its smallest rendition, or the file itself before it has
    renditions. Only string work, like picture_for()."""
    picture = picture_for(file)
    record = getattr(file, "renditions_record", None) or {}
    url = picture.src
    if record.get("source") == file.name and record.get("files"):
        url = file.storage.url(record["files"][record["fallback"]][0][1])
    if not (picture.width and picture.height):
        return url, THUMBNAIL_WIDTH, None
    height = max(1, round(picture.height * THUMBNAIL_WIDTH / picture.width))
    return url, THUMBNAIL_WIDTH, height


def thumbnail_html(file, *, empty=False):
    """A small <img> for admin lists (the smallest rendition); without a
    file, "—", or an empty box of the same width when empty is true."""
    if not file:
        return mark_safe('<span class="admin-thumbnail"></span>') if empty else "—"
    url, width, height = thumbnail_for(file)
    return format_html(
        '<img src="{}" width="{}"{} alt="" class="admin-thumbnail" loading="lazy">',
        url,
        width,
        format_html(' height="{}"', height) if height else "",
    )
