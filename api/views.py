"""The read API: published stories and their sources, anonymous and
read-only. Every answer names what it shows (caching.views.tag), so shared
caches keep it until one of those things changes."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from articles.filters import ArticleFilter
from articles.models import Article, Organization
from caching import keys
from caching.views import tag

from .pagination import ArticleCursorPagination, NinjsCursorPagination
from .serializers import ArticleSerializer, NinjsItemSerializer, OrganizationSerializer


def article_keys(articles):
    """Each story shown, and the source named beside it."""
    return {
        key
        for article in articles
        for key in (
            keys.article(article.pk),
            keys.organization(article.organization_id),
        )
    }


# The answers that are not the thing asked for, as the schema describes them.
DETAIL = inline_serializer("Detail", {"detail": serializers.CharField()})
FIELD_ERRORS = OpenApiResponse(
    {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
        "example": {"date_from": ["Enter a valid date."]},
    },
    description="A parameter's value is wrong: the messages by parameter name.",
)
NOT_FOUND = OpenApiResponse(DETAIL, description="No such public item.")
TOO_MANY = OpenApiResponse(
    DETAIL,
    description="Too many requests from this address: try again after Retry-After.",
)
RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    int,
    location=OpenApiParameter.HEADER,
    response=[429],
    description="Seconds to wait before the next request.",
)
LINK = OpenApiParameter(
    "Link",
    location=OpenApiParameter.HEADER,
    response=[200],
    description='The next and previous pages: `<url>; rel="next"`, `rel="prev"`.',
)


ONE_ITEM = (
    "One item by its id or slug; 404 where none is public (drafts, scheduled "
    "and expired stories)."
)


def documented(serializer, *, many=False, header=None, description=""):
    """The schema of a list (`many`) or detail action with its error answers."""
    errors = {400: FIELD_ERRORS} if many else {404: NOT_FOUND}
    return extend_schema(
        description=None if many else ONE_ITEM,
        parameters=[RETRY_AFTER, *([header] if header else [])],
        responses={
            200: OpenApiResponse(serializer(many=many), description=description),
            **errors,
            429: TOO_MANY,
        },
    )


class ArticleViewSetMixin:
    """Published stories (Article.objects.published()), filtered by the
    FilterSet of /news/ (articles.filters.ArticleFilter): the same parameters,
    and a wrong value answers 400 naming the field. With `q` the stories
    that match come newest first, not best match first: a cursor needs an
    order that a story keeps while others are published."""

    filter_backends = [DjangoFilterBackend]
    filterset_class = ArticleFilter

    # Any id or slug reaches the view, which answers 404 in JSON.
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return Article.objects.published().whole()

    def filter_queryset(self, queryset):
        # A story's own address ignores the list's filters.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        shown = {keys.ARTICLE_LISTS, *article_keys(self.paginator.page)}
        if request.query_params.get("q", "").strip():
            shown.add(keys.ARTICLE_SEARCHES)
        return tag(response, shown)

    def retrieve(self, request, *args, **kwargs):
        article = self.get_object()
        response = Response(self.get_serializer(article).data)
        return tag(response, article_keys([article]))


@extend_schema_view(
    list=documented(ArticleSerializer, many=True),
    retrieve=documented(ArticleSerializer),
)
@extend_schema(tags=["articles"])
class ArticleViewSet(ArticleViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ArticleSerializer
    pagination_class = ArticleCursorPagination


@extend_schema_view(
    list=documented(
        NinjsItemSerializer,
        many=True,
        header=LINK,
        description="A page of items, newest first: a ninjs feed.",
    ),
    retrieve=documented(NinjsItemSerializer),
)
@extend_schema(tags=["ninjs"])
class NinjsViewSet(ArticleViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The same stories as IPTC ninjs 2.1 news items."""

    serializer_class = NinjsItemSerializer
    pagination_class = NinjsCursorPagination


@extend_schema_view(
    list=extend_schema(
        parameters=[RETRY_AFTER],
        responses={200: OrganizationSerializer(many=True), 429: TOO_MANY},
    ),
    retrieve=documented(OrganizationSerializer),
)
@extend_schema(tags=["organizations"])
class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    """The sources of the stories, by name."""

    queryset = Organization.objects.all()
    serializer_class = OrganizationSerializer
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"
    pagination_class = None

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        shown = {keys.organization(item["id"]) for item in response.data}
        return tag(response, {keys.ORGANIZATIONS, *shown})

    def retrieve(self, request, *args, **kwargs):
        organization = self.get_object()
        response = Response(self.get_serializer(organization).data)
        return tag(response, {keys.organization(organization.pk)})
