import datetime
import hashlib
from typing import NamedTuple

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.generic import (
    DayArchiveView,
    DetailView,
    ListView,
    MonthArchiveView,
    TemplateView,
    YearArchiveView,
)
from django.views.generic.detail import SingleObjectMixin

from pagecache import content_version

from . import view_counts
from .filters import ArticleFilter
from .models import Article, ArticleRedirect, Organization
from .pagination import NewestFirstPaginator, RankedPaginator

# Stands for "no such published article" in the cache (None is a miss).
NOT_FOUND = "not-found"
PUBLIC_ARTICLE_CACHE_SECONDS = 10 * 60


class FilterOutcome(NamedTuple):
    """What a list's filters come to: kept per content version and query, so
    a list whose fragments and counts are cached builds no FilterSet."""

    is_valid: bool
    # ArticleFilter.cache_key() of valid filters; "all" when there are none.
    cache_key: str
    # The search words, "" for none.
    words: str


UNFILTERED = FilterOutcome(is_valid=True, cache_key="all", words="")
FILTER_OUTCOME_CACHE_SECONDS = 10 * 60


class ArticleListMixin:
    """What every filtered list of stories shares: published stories newest
    first, the page size, the filter form, and status 400 with no results
    when the form rejects a filter. Counts and deep pages cost the same at
    any archive size (articles.pagination), and the queryset is built only
    when a page of rows or a count has to be read."""

    template_name = "articles/article_list.html"
    # Named, so that Django need not build the queryset to name it.
    context_object_name = "article_list"
    allow_empty = True

    def get_template_names(self):
        # Django would look at the queryset for a model-named fallback.
        return [self.template_name]

    def get_filterset(self):
        if not hasattr(self, "filterset"):
            self.filterset = ArticleFilter(
                self.request.GET,
                queryset=Article.objects.published().for_cards(),
                request=self.request,
            )
        return self.filterset

    def filter_values(self):
        """The filters the address sets, as given; most readers' lists set
        none."""
        query = self.request.GET
        return [
            (name, values)
            for name in sorted(ArticleFilter.base_filters)
            if (values := [value for value in query.getlist(name) if value.strip()])
        ]

    def filter_outcome(self):
        if not hasattr(self, "_filter_outcome"):
            given = self.filter_values()
            if not given:
                self._filter_outcome = UNFILTERED
            else:
                digest = hashlib.blake2b(repr(given).encode(), digest_size=16)
                self._filter_outcome = content_version.memoized(
                    f"articles:filter-outcome:{digest.hexdigest()}",
                    self._judge_filters,
                    FILTER_OUTCOME_CACHE_SECONDS,
                )
        return self._filter_outcome

    def _judge_filters(self):
        filterset = self.get_filterset()
        if not filterset.is_valid():
            return FilterOutcome(is_valid=False, cache_key="", words="")
        return FilterOutcome(
            is_valid=True,
            cache_key=filterset.cache_key(),
            words=filterset.form.cleaned_data.get("q") or "",
        )

    def get_queryset(self):
        if not self.filter_outcome().is_valid:
            return self.get_filterset().queryset.none()
        return SimpleLazyObject(self._matching_articles)

    def _matching_articles(self):
        if self.filter_outcome() is UNFILTERED:
            return Article.objects.published().for_cards()
        return self.get_filterset().qs

    def get_paginate_by(self, queryset):
        # A rejected filter has no results to page through, so `page=2` next
        # to a bad date is still answered with the form and its error.
        if not self.filter_outcome().is_valid:
            return None
        return settings.NEWSROOM_PAGE_SIZE

    def get_paginator(self, queryset, per_page, **kwargs):
        outcome = self.filter_outcome()
        # The list's name: the view, its period (archives) and the filters.
        key = ":".join(
            [
                type(self).__name__,
                *(f"{name}={value}" for name, value in sorted(self.kwargs.items())),
                outcome.cache_key,
            ]
        )
        if outcome.words:
            return RankedPaginator(
                queryset, per_page, cache_key=key, words=outcome.words, **kwargs
            )
        return NewestFirstPaginator(queryset, per_page, cache_key=key, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Built only if the page uses it: its cached fragments usually do not.
        context["filter"] = SimpleLazyObject(self.get_filterset)
        return context

    def render_to_response(self, context, **response_kwargs):
        if not self.filter_outcome().is_valid:
            response_kwargs.setdefault("status", 400)
        return super().render_to_response(context, **response_kwargs)


class ArticleArchiveMixin(ArticleListMixin):
    """The date archives: periods are calendar days in the site's time zone
    (Europe/Minsk); impossible dates are 404s."""

    date_field = "published_at"
    month_format = "%m"
    day_format = "%d"
    make_object_list = True

    def get_dated_items(self):
        try:
            date_list, items, extra = super().get_dated_items()
        except OverflowError:
            # The neighbours of 9999-12-31 lie outside the calendar.
            raise Http404(_("Date out of range")) from None
        # Addresses begin in year 1000 (articles.urls): no link to year 999.
        for name in ("previous_year", "previous_month", "previous_day"):
            if extra.get(name) and extra[name].year < 1000:
                extra[name] = None
        return date_list, items, extra

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        # Left unevaluated: no page shows the period's days or months (the
        # sidebar reads the cached month counts), and Django's version runs
        # the grouping query just to check for emptiness, which we allow.
        if date_type is None:
            date_type = self.get_date_list_period()
        return queryset.datetimes(self.get_date_field(), date_type, ordering)


class HomeView(TemplateView):
    template_name = "articles/home.html"
    featured_count = 3
    latest_count = 10

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Built only when the template's fragment is made: when it comes from
        # the cache, neither query is even put together.
        context["featured"] = SimpleLazyObject(self.featured_stories)
        context["latest"] = SimpleLazyObject(self.latest_stories)
        return context

    def featured_stories(self):
        return Article.objects.published().for_cards().featured()[: self.featured_count]

    def latest_stories(self):
        # A featured story is already at the top; listing it twice wastes space.
        return (
            Article.objects.published()
            .for_cards()
            .exclude(pk__in=self.featured_stories().values("pk"))[: self.latest_count]
        )


class ArticleListView(ArticleListMixin, ListView):
    pass


class ArticleYearArchiveView(ArticleArchiveMixin, YearArchiveView):
    pass


class ArticleMonthArchiveView(ArticleArchiveMixin, MonthArchiveView):
    pass


class ArticleDayArchiveView(ArticleArchiveMixin, DayArchiveView):
    pass


class ArticleDetailView(DetailView):
    """One article. Staff also see drafts, scheduled and expired articles, as
    previews that are not counted, cached or indexed."""

    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.visible_to(self.request.user).select_related(
            "organization"
        )

    def get_url_date(self):
        try:
            return datetime.date(
                int(self.kwargs["year"]),
                int(self.kwargs["month"]),
                int(self.kwargs["day"]),
            )
        except ValueError:
            raise Http404(_("No article at this date.")) from None

    def get_object(self, queryset=None):
        url_date = self.get_url_date()
        if self.request.user.is_staff:
            article = super().get_object(queryset)
        else:
            article = self.get_public_article()
        published_on = timezone.localtime(
            article.published_at, timezone.get_default_timezone()
        ).date()
        if published_on != url_date:
            raise Http404(_("No article at this date."))
        return article

    def get_public_article(self):
        """The published article with this slug, or 404. The row is kept in
        the cache until the content version moves on (any edit, publication
        or expiry), so readers' requests need no query to find it. It is
        shared by this process's requests: nothing may change it."""
        # Hashed: a slug may be longer than some caches allow a key to be.
        slug_digest = hashlib.blake2b(self.kwargs["slug"].encode()).hexdigest()

        def find():
            self.view_count_is_current = True
            found = (
                Article.objects.published()
                .select_related("organization")
                .filter(slug=self.kwargs["slug"])
                .first()
            )
            # A miss is kept too, so a run of wrong addresses costs one query.
            return found or NOT_FOUND

        article = content_version.memoized(
            f"articles:public-article:{slug_digest}", find, PUBLIC_ARTICLE_CACHE_SECONDS
        )
        if article == NOT_FOUND:
            raise Http404(_("No article at this address."))
        return article

    def get_moved_article(self):
        """The article that had this address before its slug or date changed,
        if the reader may see it, or None."""
        redirect = (
            ArticleRedirect.objects.filter(
                published_on=self.get_url_date(), slug=self.kwargs["slug"]
            )
            .only("article_id")
            .first()
        )
        if redirect is None:
            return None
        return self.get_queryset().filter(pk=redirect.article_id).first()

    def get(self, request, *args, **kwargs):
        try:
            self.object = article = self.get_object()
        except Http404:
            moved = self.get_moved_article()
            if moved is None:
                raise
            return HttpResponsePermanentRedirect(moved.get_absolute_url())
        is_public = article.is_published()
        if is_public and request.method == "GET":
            view_count = self.record_view(article)
        else:
            view_count = article.view_count
        context = self.get_context_data(
            object=article, is_preview=not is_public, view_count=view_count
        )
        response = self.render_to_response(context)
        if is_public:
            # The page cache counts a view when it serves this page again.
            response.counted_article_id = article.pk
        else:
            add_never_cache_headers(response)
        return response

    # True when the article was just read from the database, not the cache.
    view_count_is_current = False

    def record_view(self, article):
        """Count this reader's view; return the total to show."""
        if self.view_count_is_current or self.request.user.is_staff:
            total = view_counts.record(
                self.request, article.pk, stored=article.view_count
            )
        else:
            total = view_counts.record(self.request, article.pk)
        if total is None:
            # The counter lost the total (or never had it), and a cached row's
            # count may be behind the flushed views: read the stored count.
            stored = (
                Article.objects.filter(pk=article.pk)
                .values_list("view_count", flat=True)
                .first()
            )
            total = view_counts.record(self.request, article.pk, stored=stored or 0)
        return total if total is not None else article.view_count

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # One query when the template's fragment is made, none when it comes
        # from the cache, and none for a story no other source reported.
        context["also_reported_by"] = (
            Article.objects.published()
            .reporting_the_same_event_as(self.object)
            .for_cards()
            if self.object.event_id is not None
            else ()
        )
        return context


class OrganizationListView(ListView):
    model = Organization
    template_name = "articles/organization_list.html"
    context_object_name = "organizations"


class OrganizationDetailView(SingleObjectMixin, ListView):
    """An organization and its published stories, newest first, paginated."""

    template_name = "articles/organization_detail.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object(queryset=Organization.objects.all())
        return super().get(request, *args, **kwargs)

    def get_paginate_by(self, queryset):
        return settings.NEWSROOM_PAGE_SIZE

    def get_paginator(self, queryset, per_page, **kwargs):
        return NewestFirstPaginator(
            queryset,
            per_page,
            cache_key=f"{type(self).__name__}:{self.object.pk}",
            **kwargs,
        )

    def get_queryset(self):
        return self.object.articles.published().for_cards()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["organization"] = self.object
        return context
