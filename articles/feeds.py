from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from .filters import ArticleFilter
from .models import Article

FEED_LENGTH = 30


class NewsFeed(Feed):
    """RSS 2.0 of the latest published news, narrowed by /news/'s filters:
    /news/feed/?organization=belta is BelTA's own feed."""

    feed_type = Rss201rev2Feed
    item_guid_is_permalink = False

    def __call__(self, request, *args, **kwargs):
        filterset = ArticleFilter(
            request.GET,
            queryset=Article.objects.published().for_cards(),
            request=request,
        )
        if not filterset.is_valid():
            errors = "; ".join(
                f"{field}: {' '.join(messages)}"
                for field, messages in filterset.errors.items()
            )
            return HttpResponseBadRequest(
                _("Invalid filter: %(errors)s") % {"errors": errors},
                content_type="text/plain; charset=utf-8",
            )
        return super().__call__(request, filterset=filterset)

    def get_object(self, request, filterset):
        return filterset

    def title(self, filterset):
        organizations = filterset.form.cleaned_data.get("organization")
        if organizations:
            names = ", ".join(organization.short_name for organization in organizations)
            return _("News from %(names)s") % {"names": names}
        return _("Latest news")

    def link(self, filterset):
        query = filterset.data.urlencode()
        return reverse("articles:list") + (f"?{query}" if query else "")

    def description(self, filterset):
        return _("The latest published stories, newest first.")

    def feed_url(self, filterset):
        query = filterset.data.urlencode()
        return self.own_url() + (f"?{query}" if query else "")

    def own_url(self):
        return reverse("articles:feed")

    def items(self, filterset):
        # Newest first even when searching: a feed reader wants what is new.
        return filterset.qs.newest_first()[:FEED_LENGTH]

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        return article.lead

    def item_guid(self, article):
        # Stable across slug and title changes: the article's primary key.
        return f"tag:newsroom,2023:article/{article.pk}"

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.updated_at

    def item_author_name(self, article):
        return article.byline_display

    def item_categories(self, article):
        return (article.organization.name,)


class NewsAtomFeed(NewsFeed):
    feed_type = Atom1Feed
    subtitle = NewsFeed.description

    def own_url(self):
        return reverse("articles:feed-atom")
