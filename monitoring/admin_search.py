from django.utils.text import smart_split

# Each word of an admin search is matched against every search field, and
# the database refuses an expression tree past a certain depth (SQLite's
# limit is 1,000): a pasted paragraph must not turn the list into an error.
MAX_SEARCH_WORDS = 12


class BoundedSearchMixin:
    """Admin lists search for the first MAX_SEARCH_WORDS words only."""

    def get_search_results(self, request, queryset, search_term):
        words = list(smart_split(search_term))[:MAX_SEARCH_WORDS]
        bounded = " ".join(words)
        return super().get_search_results(request, queryset, bounded)
