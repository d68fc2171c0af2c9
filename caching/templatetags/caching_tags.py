from django import template

from caching import keys, services

register = template.Library()

# What a piece shared by many pages may show (caching.keys): a misspelt name
# would be a key that never changes.
SHARED_KEYS = {
    keys.SITE,
    keys.OFFICE,
    keys.GALLERY,
    keys.ARTICLE_LISTS,
    keys.ARTICLE_SEARCHES,
    keys.ORGANIZATIONS,
}


@register.simple_tag
def changed_at(*names):
    """When what the surrogate keys `names` show last changed, as one text.

    For the vary-on of Django's `{% cache %}`: a piece of every page kept
    there (the header, the footer) is then used only while none of its keys
    has changed since it was kept, as `services.remember` does for values.
    Each key's stamp is read once per request (with the first stamps read,
    for those every page shows)."""
    unknown = set(names) - SHARED_KEYS
    if unknown:
        raise template.TemplateSyntaxError(f"No such surrogate key: {unknown}")
    return " ".join(services.stamps({*names, keys.SITE}).values())
