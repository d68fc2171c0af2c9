from django import template

from articles import search

register = template.Library()


@register.filter
def highlighted(article, field):
    """{{ article|highlighted:"title" }}: the field escaped, with the words a
    search matched in <mark> (plain escaped text outside a search)."""
    return search.highlighted(article, field)
