from django import template

from caching import keys, services

register = template.Library()


@register.simple_tag
def changed_at(*names):
    """When what the surrogate keys `names` show last changed, as one text.

    For the vary-on of Django's `{% cache %}`: a piece of every page kept
    there (the header, the footer) is then used only while none of its keys
    has changed since it was kept, as `services.remember` does for values.
    The stamps come with the request's first read of them, at no query of
    their own."""
    return " ".join(services.stamps({*names, keys.SITE}).values())
