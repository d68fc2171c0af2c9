import calendar
import datetime

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.generic import (
    DayArchiveView,
    DetailView,
    ListView,
    MonthArchiveView,
    TemplateView,
    YearArchiveView,
)
from django.views.generic.detail import SingleObjectMixin

from caching import keys
from caching.services import remember
from caching.views import SharedCacheMixin
from gallery.body_images import library_image_names

from . import view_counts
from .filters import ArticleFilter
from .models import Article, ArticleRedirect, Organization
from .pagination import NewestFirstPaginator, RankedPaginator
from .purges import next_scheduled_change

# Without the job worker's purge, the kept moment is looked up again this
# often: lists are then kept no longer than it.
NEXT_CHANGE_CACHE_SECONDS = 60


def card_keys(articles):
    """What a list of story cards shows: each story and its source's name."""
    return {keys.article(article.pk) for article in articles} | {
        keys.organization(article.organization_id) for article in articles
    }


def seconds_until_next_scheduled_change():
    """How long a list stays right: until a scheduled story comes out or a
    public one expires (None when nothing is due). The job worker purges the
    lists at that moment, which also forgets the moment kept here."""
    due = remember(
        "articles:next-scheduled-change",
        (keys.ARTICLE_LISTS,),
        next_scheduled_change,
        NEXT_CHANGE_CACHE_SECONDS,
    )
    return None if due is None else (due - timezone.now()).total_seconds()


class StoryListMixin(SharedCacheMixin):
    """Lists of story cards: tagged with their cards, kept by shared caches
    until the next scheduled story is due at most."""

    def get_surrogate_keys(self, context):
        return {keys.ARTICLE_LISTS} | card_keys(context["object_list"])

    def get_shared_max_age(self):
        return seconds_until_next_scheduled_change()


class ArticleListMixin(StoryListMixin):
    """What every filtered list of stories shares: published stories newest
    first, the page size, the filter form, and status 400 with no results
    when the form rejects a filter. Counts and deep pages cost the same at
    any archive size (articles.pagination)."""

    template_name = "articles/article_list.html"
    context_object_name = "article_list"
    allow_empty = True

    def get_filterset(self):
        if not hasattr(self, "filterset"):
            self.filterset = ArticleFilter(
                self.request.GET,
                queryset=Article.objects.published().for_cards(),
                request=self.request,
            )
        return self.filterset

    def search_words(self):
        return self.get_filterset().form.cleaned_data.get("q") or ""

    def get_queryset(self):
        filterset = self.get_filterset()
        if not filterset.is_valid():
            return filterset.queryset.none()
        return filterset.qs

    def get_paginate_by(self, queryset):
        # A rejected filter has no results to page through, so `page=2` next
        # to a bad date is still answered with the form and its error.
        if not self.get_filterset().is_valid():
            return None
        return settings.NEWSROOM_PAGE_SIZE

    def get_paginator(self, queryset, per_page, **kwargs):
        # The list's name: the view, its period (archives) and the filters.
        key = ":".join(
            [
                type(self).__name__,
                *(f"{name}={value}" for name, value in sorted(self.kwargs.items())),
                self.get_filterset().cache_key(),
            ]
        )
        if words := self.search_words():
            return RankedPaginator(
                queryset, per_page, cache_key=key, words=words, **kwargs
            )
        return NewestFirstPaginator(queryset, per_page, cache_key=key, **kwargs)

    def get_feed_filters(self):
        """The filters the page's feed links carry: the reader's own, as
        (name, value) pairs; none when the form rejected them."""
        filterset = self.get_filterset()
        if not filterset.is_valid():
            return []
        return [
            (name, value)
            for name in filterset.filters
            for value in filterset.data.getlist(name)
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.get_filterset()
        context["feed_filters"] = self.get_feed_filters()
        return context

    def get_surrogate_keys(self, context):
        # The filter form lists every source.
        stale = super().get_surrogate_keys(context) | {keys.ORGANIZATIONS}
        if self.get_filterset().is_valid() and self.search_words():
            stale.add(keys.ARTICLE_SEARCHES)
        return stale

    def render_to_response(self, context, **response_kwargs):
        if not self.get_filterset().is_valid():
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

    def get_period(self):
        """The first and last day of the archive's year, month or day."""
        year = int(self.kwargs["year"])
        if "day" in self.kwargs:
            day = datetime.date(
                year, int(self.kwargs["month"]), int(self.kwargs["day"])
            )
            return day, day
        if "month" in self.kwargs:
            month = int(self.kwargs["month"])
            last = calendar.monthrange(year, month)[1]
            return datetime.date(year, month, 1), datetime.date(year, month, last)
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)

    def get_feed_filters(self):
        # The feeds have no archives: the period becomes their date filters,
        # narrowed further by the reader's own dates where those fall inside.
        filters = super().get_feed_filters()
        if not self.get_filterset().is_valid():
            return filters
        first, last = self.get_period()
        chosen = self.get_filterset().form.cleaned_data
        date_from = max(first, chosen.get("date_from") or first)
        date_to = min(last, chosen.get("date_to") or last)
        if date_from > date_to:
            date_from, date_to = first, last
        return [
            (name, value)
            for name, value in filters
            if name not in ("date_from", "date_to")
        ] + [("date_from", date_from.isoformat()), ("date_to", date_to.isoformat())]

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        # Left unevaluated: no page shows the period's days or months (the
        # sidebar reads the cached month counts), and Django's version runs
        # the grouping query just to check for emptiness, which we allow.
        if date_type is None:
            date_type = self.get_date_list_period()
        return queryset.datetimes(self.get_date_field(), date_type, ordering)


class HomeView(StoryListMixin, TemplateView):
    template_name = "articles/home.html"
    featured_count = 3
    latest_count = 10

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        featured = list(
            Article.objects.published().for_cards().featured()[: self.featured_count]
        )
        # A featured story is already at the top; listing it twice wastes space.
        context["featured"] = featured
        context["latest"] = list(
            Article.objects.published()
            .for_cards()
            .exclude(pk__in=[article.pk for article in featured])[: self.latest_count]
        )
        context["object_list"] = featured + context["latest"]
        return context

    def get_surrogate_keys(self, context):
        return super().get_surrogate_keys(context) | {keys.GALLERY}


class ArticleListView(ArticleListMixin, ListView):
    pass


class ArticleYearArchiveView(ArticleArchiveMixin, YearArchiveView):
    pass


class ArticleMonthArchiveView(ArticleArchiveMixin, MonthArchiveView):
    pass


class ArticleDayArchiveView(ArticleArchiveMixin, DayArchiveView):
    pass


def counts_at_edge(request):
    """True when the edge cache in front (Varnish) processes edge-side
    includes: the page then leaves the view count to an include, which is
    never cached, and is itself kept at the edge. The edge sets this header
    itself and drops any a client sends."""
    return "ESI/1.0" in request.headers.get("Surrogate-Capability", "")


class ArticleDetailView(SharedCacheMixin, DetailView):
    """One article. Staff also see drafts, scheduled and expired articles, as
    previews that are not counted, cached or indexed.

    Every reader's request counts a view (once per reader in the dedup
    window): behind an edge that processes includes, through the include of
    `articles:views`; otherwise here, so the page is not kept in Django's
    cache."""

    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        if self.request.user.is_staff:
            articles = Article.objects.visible_to(self.request.user)
        else:
            articles = Article.objects.published()
        return articles.whole()

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
        article = super().get_object(queryset)
        published_on = timezone.localtime(
            article.published_at, timezone.get_default_timezone()
        ).date()
        if published_on != url_date:
            raise Http404(_("No article at this date."))
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
        count_at_edge = is_public and counts_at_edge(request)
        view_count = article.view_count
        if is_public and not count_at_edge and request.method == "GET":
            total = view_counts.count_view(request, article.pk)
            if total is not None:
                view_count = total
        context = self.get_context_data(
            object=article,
            is_preview=not is_public,
            count_at_edge=count_at_edge,
            view_count=view_count,
        )
        response = self.render_to_response(context)
        if count_at_edge:
            response["Surrogate-Control"] = 'content="ESI/1.0"'
        elif is_public:
            # Each answer carries this reader's count: for nobody else.
            response.surrogate_keys = None
            add_never_cache_headers(response)
        else:
            add_never_cache_headers(response)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # One query, and none for a story no other source reported.
        context["also_reported_by"] = (
            list(
                Article.objects.published()
                .reporting_the_same_event_as(self.object)
                .for_cards()
            )
            if self.object.event_id is not None
            else []
        )
        return context

    def get_surrogate_keys(self, context):
        article = context["article"]
        # Body images shown before their renditions exist gain them when
        # the job worker records them (gallery.services.renditions_make).
        body_images = {keys.image(name) for name in library_image_names(article.body)}
        return {
            keys.article(article.pk),
            keys.organization(article.organization_id),
            *body_images,
        } | card_keys(context["also_reported_by"])

    def get_shared_max_age(self):
        if self.object.expires_at is None:
            return None
        return (self.object.expires_at - timezone.now()).total_seconds()


@require_safe
def view_count(request, pk):
    """The edge's include on an article page: counts this reader's view and
    answers the "N views" text. Never cached, so every reading counts."""
    if request.method == "GET":
        total = view_counts.count_view(request, pk)
    else:
        total = view_counts.total_views(pk)
    if total is None:
        raise Http404(_("No article at this address."))
    response = HttpResponse(view_counts.view_count_label(total))
    add_never_cache_headers(response)
    return response


class OrganizationListView(SharedCacheMixin, ListView):
    model = Organization
    template_name = "articles/organization_list.html"
    context_object_name = "organizations"
    surrogate_keys = (keys.ORGANIZATIONS,)


class OrganizationDetailView(StoryListMixin, SingleObjectMixin, ListView):
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
        context["feed_filters"] = [("organization", self.object.slug)]
        return context

    def get_surrogate_keys(self, context):
        # Its own list, not every list: another source's story leaves it be.
        return card_keys(context["object_list"]) | {
            keys.organization(self.object.pk),
            keys.organization_articles(self.object.pk),
        }
