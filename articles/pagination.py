"""Pages of long story lists whose cost does not grow with the archive.

A plain Paginator counts every matching row on every request and reaches
page n by OFFSET, reading and discarding all the rows before it: at 100,000
stories /news/?page=2000 read 40,000 rows. Here the count, and what deep
pages need, are computed once and kept in Django's cache until a story
joins, leaves or moves in the lists (caching.services.remember under the
`articles` surrogate key):

- NewestFirstPaginator, for lists in the order (-published_at, -pk): the
  (published_at, pk) of the first row of every `pages_per_anchor`-th page,
  found by one query over article_public_newest_idx. Page n starts from its
  nearest anchor by a keyset condition and skips at most pages_per_anchor - 1
  pages of rows. /news/?page=2000 then costs what page 1 does.
- RankedPaginator, for search results (best match first): the ids of the
  first `max_ranked` matches in rank order and the number of all matches;
  a page then fetches its rows by id.

The cache key names the list (ArticleFilter.cache_key and the view's own
arguments), never the SQL: that holds the moment the request began.
"""

import datetime

from django.core.paginator import Paginator
from django.db.models import ExpressionWrapper, F, IntegerField, Q, Window
from django.db.models.functions import RowNumber
from django.utils.functional import SimpleLazyObject, cached_property

from caching import keys
from caching.services import remember

from . import search

EARLIEST = datetime.datetime.min.replace(tzinfo=datetime.UTC)

# A purge of the lists makes them stale at once; this only bounds how long
# they linger in a cache that does not evict them by itself.
CACHE_SECONDS = 60 * 60


class CachedCountPaginator(Paginator):
    """A Paginator whose count is computed once until the lists change."""

    # What makes the count stale: any story joining or leaving the lists.
    surrogate_keys = (keys.ARTICLE_LISTS,)

    def __init__(self, object_list, per_page, *, cache_key, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cache_key = cache_key

    def cached(self, name, compute):
        return remember(
            f"articles:{name}:{self.cache_key}",
            self.surrogate_keys,
            compute,
            CACHE_SECONDS,
        )

    @cached_property
    def count(self):
        return self.cached("count", lambda: Paginator.count.func(self))

    def _check_object_list_is_ordered(self):
        # These lists know their order (newest first, or best match first),
        # and asking the queryset would build it when nothing else needs it.
        pass

    def lazy_page(self, rows, number):
        """The page, its rows read by rows() only when something looks at
        them: a page whose rendering comes from the cache needs no query."""
        return self._get_page(SimpleLazyObject(rows), number, self)

    def page_bounds(self, number):
        """The validated number and the positions of the page's first row and
        of the row after its last."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return number, bottom, top


class NewestFirstPaginator(CachedCountPaginator):
    """Pages of a queryset ordered newest first, (-published_at, -pk), each
    as cheap as the first (see the module docstring)."""

    # Pages 1 to 10 need no anchors; a deeper page skips at most 9 pages of
    # rows past its anchor. 100,000 stories at 20 a page keep 500 anchors.
    pages_per_anchor = 10

    def __init__(self, object_list, per_page, *, pages_per_anchor=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        if pages_per_anchor is not None:
            self.pages_per_anchor = pages_per_anchor

    def page(self, number):
        number, bottom, top = self.page_bounds(number)
        return self.lazy_page(lambda: self.rows(bottom, top), number)

    def rows(self, bottom, top):
        step = self.per_page * self.pages_per_anchor
        anchor_index, skip = divmod(bottom, step)
        anchors = self.anchors() if anchor_index else ()
        if not anchor_index or anchor_index >= len(anchors):
            return self.object_list[bottom:top]
        published_at, pk = anchors[anchor_index]
        # The page lies between its anchor and the next one: one BETWEEN, as
        # the index's range. SQLite (no statistics) takes the first of several
        # bounds on a column, here published()'s `published_at <= now`, and
        # scanned from the newest story down to the anchor; a BETWEEN it
        # prefers, but not in a join, so related rows come by prefetch
        # (SQLite, 100,000 stories: page 2000 8 -> 2 ms, page 4750 21 -> 2).
        if anchor_index + 1 < len(anchors) and skip + top - bottom <= step:
            lowest = anchors[anchor_index + 1][0]
        else:
            lowest = EARLIEST
        return _without_joins(self.object_list).filter(
            # (published_at, pk) <= the anchor's, in the order of the index.
            Q(published_at__lt=published_at) | Q(pk__lte=pk),
            published_at__range=(lowest, published_at),
        )[skip : skip + top - bottom]

    def anchors(self):
        """[(published_at, pk)] of the rows at positions 0, step, 2 * step, …
        newest first, where step is pages_per_anchor pages."""
        return self.cached(
            f"anchors:{self.per_page * self.pages_per_anchor}", self._find_anchors
        )

    def _find_anchors(self):
        step = self.per_page * self.pages_per_anchor
        position = Window(
            RowNumber(), order_by=[F("published_at").desc(), F("pk").desc()]
        )
        rows = (
            self.object_list.order_by()
            .annotate(position=position)
            .annotate(
                offset=ExpressionWrapper(
                    (F("position") - 1) % step, output_field=IntegerField()
                )
            )
            .filter(offset=0)
            .values_list("published_at", "pk")
        )
        return sorted(rows, reverse=True)


def _without_joins(queryset):
    """`queryset` with its select_related() joins made prefetches instead."""
    related = queryset.query.select_related
    if not isinstance(related, dict):
        return queryset  # none, or select_related() of every relation
    return queryset.select_related(None).prefetch_related(*_paths(related))


def _paths(related, prefix=""):
    for name, further in related.items():
        yield prefix + name
        yield from _paths(further, f"{prefix}{name}__")


class RankedPaginator(CachedCountPaginator):
    """Pages of search results (articles.search), best match first.

    `object_list` is the searched queryset; `words` the reader's query, used
    to highlight the page's titles and leads."""

    # Rankings follow the stories' words as well as the lists.
    surrogate_keys = (keys.ARTICLE_LISTS, keys.ARTICLE_SEARCHES)

    # Fifty pages of results: readers rarely go further, and a longer list
    # of a common word would weigh on every worker's cache. Pages beyond it
    # are read from the ranked query itself, by OFFSET.
    max_ranked = 1000

    def __init__(self, object_list, per_page, *, cache_key, words, **kwargs):
        super().__init__(object_list, per_page, cache_key=cache_key, **kwargs)
        self.words = words

    def ranking(self):
        """(ids of the first max_ranked matches best first, number of matches)."""
        return self.cached(
            f"ranking:{self.max_ranked}",
            lambda: search.ranked_ids(self.object_list, limit=self.max_ranked),
        )

    @cached_property
    def count(self):
        return self.ranking()[1]

    def page(self, number):
        number, bottom, top = self.page_bounds(number)
        return self.lazy_page(lambda: self.rows(bottom, top), number)

    def rows(self, bottom, top):
        ids, _total = self.ranking()
        if top <= len(ids):
            return search.highlighted_by_id(
                self.object_list.model.objects.for_cards(), ids[bottom:top], self.words
            )
        return self.object_list[bottom:top]
