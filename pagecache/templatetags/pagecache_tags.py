from django import template

from pagecache import content_version as versions

register = template.Library()


@register.simple_tag
def content_version():
    """The content version's token, for {% cache %} fragments that must be
    made again whenever what they show changes:
    {% content_version as version %}{% cache 600 "sidebar" version %}."""
    return versions.current().token
