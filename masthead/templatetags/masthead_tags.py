from django import template

from masthead import selectors

register = template.Library()


@register.simple_tag
def site_name(database=True):
    """The site's name in the page's language. The error pages ask with
    database=False: they must render even when the database is down."""
    if database:
        return selectors.site_name()
    return selectors.site_name_without_database()
