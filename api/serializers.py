"""What the read API says about stories and their sources: plain JSON
(ArticleSerializer, OrganizationSerializer) and IPTC ninjs 2.1
(NinjsItemSerializer). Addresses are absolute, on the host the request
came to; times are ISO 8601 with their offset."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles.models import Article, Organization


def absolute_url(serializer, path):
    return serializer.context["request"].build_absolute_uri(path)


# --- JSON ---------------------------------------------------------------------


class OrganizationSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The source's page.")
    source_name = serializers.CharField(
        read_only=True,
        help_text="The name shown as the source: its own-language name first.",
    )
    logo = serializers.SerializerMethodField()

    class Meta:
        model = Organization
        fields = [
            "id",
            "slug",
            "name",
            "short_name",
            "native_name",
            "source_name",
            "kind",
            "country",
            "website",
            "url",
            "logo",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, organization):
        return absolute_url(self, organization.get_absolute_url())

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_logo(self, organization):
        return absolute_url(self, organization.logo.url) if organization.logo else None


class ArticleOrganizationSerializer(OrganizationSerializer):
    class Meta(OrganizationSerializer.Meta):
        fields = ["id", "slug", "name", "short_name", "source_name", "url"]


class HeroImageSerializer(serializers.Serializer):
    url = serializers.SerializerMethodField()
    width = serializers.IntegerField(source="hero_width", allow_null=True)
    height = serializers.IntegerField(source="hero_height", allow_null=True)
    caption = serializers.CharField(source="hero_caption")
    credit = serializers.CharField(source="hero_credit")
    alt_text = serializers.CharField(source="hero_alt_text")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, article):
        return absolute_url(self, article.hero_image.url)


class ArticleSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The story's public page.")
    organization = ArticleOrganizationSerializer(help_text="The story's source.")
    hero_image = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "id",
            "url",
            "title",
            "slug",
            "lead",
            "body",
            "language",
            "dateline",
            "byline",
            "organization",
            "source_url",
            "published_at",
            "updated_at",
            "expires_at",
            "is_featured",
            "hero_image",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, article):
        return absolute_url(self, article.get_absolute_url())

    @extend_schema_field(HeroImageSerializer(allow_null=True))
    def get_hero_image(self, article):
        if not article.hero_image:
            return None
        return HeroImageSerializer(article, context=self.context).data


# --- IPTC ninjs 2.1 -------------------------------------------------------------

NINJS_STANDARD = {
    "name": "ninjs",
    "version": "2.1",
    "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json",
}
# IPTC's Information Source Role NewsCodes: the party the story came from.
ORIGINATING_SOURCE = "http://cv.iptc.org/newscodes/infosourcerole/originfo"


class NinjsTextSerializer(serializers.Serializer):
    """One headline, description or body."""

    role = serializers.CharField()
    contenttype = serializers.CharField()
    value = serializers.CharField()


class NinjsInfosourceSerializer(serializers.Serializer):
    name = serializers.CharField()
    uri = serializers.URLField(help_text="The source's website, else its page here.")
    role = serializers.URLField()
    literal = serializers.CharField(help_text="The source's slug here.")


class NinjsAltidSerializer(serializers.Serializer):
    role = serializers.CharField()
    value = serializers.CharField()


class NinjsStandardSerializer(serializers.Serializer):
    name = serializers.CharField()
    version = serializers.CharField()
    schema = serializers.URLField()


class NinjsItemSerializer(serializers.Serializer):
    """A published story as an IPTC ninjs 2.1 news item
    (http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json)."""

    # Present only when the story has one.
    OPTIONAL = ("located", "expires")

    uri = serializers.SerializerMethodField(help_text="The story's public page.")
    type = serializers.SerializerMethodField()
    representationtype = serializers.SerializerMethodField()
    version = serializers.CharField(help_text="Goes up with every save.")
    firstcreated = serializers.DateTimeField(source="published_at")
    versioncreated = serializers.DateTimeField(source="updated_at")
    expires = serializers.DateTimeField(source="expires_at", required=False)
    pubstatus = serializers.SerializerMethodField()
    language = serializers.CharField()
    headlines = serializers.SerializerMethodField()
    descriptions = serializers.SerializerMethodField()
    bodies = serializers.SerializerMethodField()
    by = serializers.SerializerMethodField()
    located = serializers.CharField(source="dateline", required=False)
    infosources = serializers.SerializerMethodField()
    altids = serializers.SerializerMethodField()
    standard = serializers.SerializerMethodField()

    def to_representation(self, article):
        item = super().to_representation(article)
        for name in self.OPTIONAL:
            if not item.get(name):
                del item[name]
        return item

    @extend_schema_field(OpenApiTypes.URI)
    def get_uri(self, article):
        return absolute_url(self, article.get_absolute_url())

    @extend_schema_field({"type": "string", "enum": ["text"]})
    def get_type(self, article):
        return "text"

    @extend_schema_field({"type": "string", "enum": ["full"]})
    def get_representationtype(self, article):
        return "full"

    @extend_schema_field({"type": "string", "enum": ["usable"]})
    def get_pubstatus(self, article):
        # Only public stories are served: a withdrawn one is simply gone.
        return "usable"

    @extend_schema_field(NinjsTextSerializer(many=True))
    def get_headlines(self, article):
        return [{"role": "main", "contenttype": "text/plain", "value": article.title}]

    @extend_schema_field(NinjsTextSerializer(many=True))
    def get_descriptions(self, article):
        if not article.lead:
            return []
        return [{"role": "summary", "contenttype": "text/plain", "value": article.lead}]

    @extend_schema_field(NinjsTextSerializer(many=True))
    def get_bodies(self, article):
        return [{"role": "main", "contenttype": "text/html", "value": article.body}]

    @extend_schema_field(OpenApiTypes.STR)
    def get_by(self, article):
        # As the story's page says it: "Written by BelTA" when no one signed.
        return article.byline or article.organization.short_name

    @extend_schema_field(NinjsInfosourceSerializer(many=True))
    def get_infosources(self, article):
        organization = article.organization
        return [
            {
                "name": organization.source_name,
                "uri": organization.website
                or absolute_url(self, organization.get_absolute_url()),
                "role": ORIGINATING_SOURCE,
                "literal": organization.slug,
            }
        ]

    @extend_schema_field(NinjsAltidSerializer(many=True))
    def get_altids(self, article):
        """Other names of the story: the address it was first published at.
        The intake's item GUID belongs here too, once stories keep their
        provenance (issue 12's feed intake)."""
        if not article.source_url:
            return []
        return [{"role": "source-url", "value": article.source_url}]

    @extend_schema_field(NinjsStandardSerializer)
    def get_standard(self, article):
        return NINJS_STANDARD
