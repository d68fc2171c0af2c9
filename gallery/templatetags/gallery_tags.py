from django import template

from gallery.models import Photo

register = template.Library()


@register.inclusion_tag("gallery/_slider.html")
def gallery_slider():
    """The home page's strip of captioned photos, in the editors' order."""
    return {"photos": list(Photo.objects.in_gallery().in_order())}
