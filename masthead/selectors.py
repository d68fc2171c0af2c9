"""The site's name as pages and the admin read it."""

from caching import keys
from caching.services import last_remembered, remember

from .models import DEFAULT_SITE_NAME, Masthead

KEPT_AS = "masthead"
# Kept until the name is saved (which purges keys.SITE); this only bounds how
# long it lingers in the cache.
MASTHEAD_CACHE_SECONDS = 24 * 60 * 60


def site_name() -> str:
    """The site's name in the active language: the saved one (its English
    where the language has none), else the default. Kept in the cache until
    the name is saved, so a page reads no row for it."""
    masthead = remember(
        KEPT_AS, (keys.SITE,), Masthead.objects.current, MASTHEAD_CACHE_SECONDS
    )
    return _name(masthead)


def site_name_without_database() -> str:
    """The name for the error pages, which render when something (often the
    database) has already failed: the one last kept in the cache, unchecked,
    else the default."""
    return _name(last_remembered(KEPT_AS))


def _name(masthead):
    return str(DEFAULT_SITE_NAME) if masthead is None else masthead.name
