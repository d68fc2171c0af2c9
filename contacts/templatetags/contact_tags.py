from django import template

from contacts import selectors

register = template.Library()


@register.inclusion_tag("includes/office_contact.html")
def primary_office():
    """The primary office's contact details, or nothing when none is marked."""
    return {"office": selectors.primary_office()}
