"""The names of what a page shows, shared by the views that tag their answers
and the code that purges them. Keys travel in `Surrogate-Key` (and `xkey`,
`Cache-Tag`) headers, so they are short and contain no spaces."""

import hashlib

# Every answer: purged when the site's name changes (pages show it) or the
# whole site's content is replaced (a restored backup, benchmark data).
SITE = "site"
# Every page's footer shows the primary office.
OFFICE = "office"
# What every page shows: their stamps are read together, with the first a
# request reads, so the values kept under them cost no query of their own.
ON_EVERY_PAGE = (SITE, OFFICE)
# The home page's slider and /gallery/.
GALLERY = "gallery"
# Which stories are public and in what order: every list, feed and sitemap.
ARTICLE_LISTS = "articles"
# Lists chosen by words: they change when any story's text does.
ARTICLE_SEARCHES = "articles-search"
# The list of sources (/organizations/, the filter form's choices).
ORGANIZATIONS = "organizations"


def article(pk):
    """Anything showing this story: its page, and every card or item of it."""
    return f"article-{pk}"


def organization(pk):
    """Anything showing this source's name or details."""
    return f"organization-{pk}"


def organization_articles(pk):
    """This source's own list of stories (/organizations/<slug>/)."""
    return f"organization-{pk}-articles"


def image(name):
    """Anything showing the stored image `name` by its address: the story
    bodies it was inserted in. A digest, as a name may be long or not ASCII."""
    return "image-" + hashlib.blake2b(name.encode(), digest_size=8).hexdigest()
