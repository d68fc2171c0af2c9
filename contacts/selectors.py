"""The primary office as every page's footer reads it."""

from caching import keys
from caching.services import remember

from .models import OfficeContact

# Kept until the office changes (which purges keys.OFFICE); this only bounds
# how long it lingers in the cache.
OFFICE_CACHE_SECONDS = 24 * 60 * 60


def primary_office():
    """The primary office with its numbers, or None. Kept in the cache until
    the office changes, so a page reads no row for it; its translated fields
    answer in the language active when they are read."""
    return remember(
        "primary-office",
        (keys.OFFICE,),
        OfficeContact.objects.primary,
        OFFICE_CACHE_SECONDS,
    )
