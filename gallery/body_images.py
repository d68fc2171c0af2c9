"""Images in article bodies served like hero images: each <img> of a media
library image becomes the <picture> of its renditions when the page is made.

Bodies keep plain <img src="…master…"> (what the editor inserts and the
sanitiser allows), so renditions made later (by the job worker, or again by
make_renditions) or an image's alt text edited in the story always show as
they are now. A page showing a body names its images among its keys
(caching.keys.image), so recording their renditions purges it."""

import html
import re
from urllib.parse import unquote

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from .images import picture_for
from .models import Photo

# The sanitiser (articles.fields) writes every attribute double-quoted.
IMG_TAG = re.compile(r"<img\b[^>]*>")
ATTRIBUTE = re.compile(r'([a-zA-Z-]+)="([^"]*)"')
# A body is a column of text: no wider than the article's.
BODY_IMAGE_SIZES = "(min-width: 44rem) 42rem, calc(100vw - 2rem)"


def _library_name(src):
    """The storage name a media URL points at, or None for other addresses."""
    prefix = settings.MEDIA_URL
    if not prefix or not src.startswith(prefix):
        return None
    return unquote(src.removeprefix(prefix))


def _library_images(body):
    """{<img> tag: (storage name, alt text)} for the library images in body."""
    tags = {}
    for tag in set(IMG_TAG.findall(body or "")):
        attributes = {k: html.unescape(v) for k, v in ATTRIBUTE.findall(tag)}
        name = _library_name(attributes.get("src", ""))
        if name:
            tags[tag] = (name, attributes.get("alt", ""))
    return tags


def library_image_names(body):
    """The storage names of the library images body shows, read from its
    markup alone (no query): for the keys of a page showing it."""
    return {name for name, _ in _library_images(body).values()}


def with_renditions(body):
    """Return the sanitised body with each library image as its renditions,
    in one query for all of them (none when the body has no image)."""
    tags = _library_images(body)
    if not tags:
        return mark_safe(body or "")
    photos = {
        photo.image.name: photo
        for photo in Photo.objects.filter(
            image__in={name for name, _ in tags.values()}
        ).only("image", "width", "height", "renditions")
    }

    def picture(match):
        name, alt = tags.get(match.group(0), (None, ""))
        photo = photos.get(name)
        if photo is None:
            return match.group(0)
        return render_to_string(
            "includes/picture.html",
            {
                "picture": picture_for(photo.image),
                "alt": alt,
                "sizes": BODY_IMAGE_SIZES,
                "lazy": True,
            },
        ).strip()

    return mark_safe(IMG_TAG.sub(picture, body))
