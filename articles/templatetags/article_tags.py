from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def site_name():
    """The site's name from settings (NEWSROOM_SITE_NAME); no database, so
    even the error pages can show it."""
    return settings.NEWSROOM_SITE_NAME
