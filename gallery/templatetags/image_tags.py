from django import template

from gallery.body_images import with_renditions
from gallery.images import picture_for

register = template.Library()


@register.inclusion_tag("includes/picture.html")
def picture(
    file,
    alt="",
    sizes="100vw",
    loading="lazy",
    fetchpriority="",
    css_class="",
    css_height="",
):
    """A responsive <picture> for an image field's file: WebP and JPEG (or
    PNG) renditions in srcset, its width and height, and alt text.

    `sizes` says how wide the image is shown; for an image shown at a fixed
    height instead (a logo), give `css_height` ("4rem") and the width follows
    from its proportions. Above the fold, pass loading="eager" and
    fetchpriority="high". Reads only the renditions' record: no storage,
    file or database access."""
    if not file:
        return {"picture": None}
    picture = picture_for(file)
    if css_height and picture.width and picture.height:
        sizes = f"calc({css_height} * {picture.width / picture.height:.3f})"
    return {
        "picture": picture,
        "alt": alt,
        "sizes": sizes,
        "lazy": loading == "lazy",
        "fetchpriority": fetchpriority,
        "css_class": css_class,
    }


@register.simple_tag
def body_with_renditions(body):
    """An article's sanitised body, its media library images as renditions."""
    return with_renditions(body)
