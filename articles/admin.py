from django.contrib import admin
from django.contrib.admin.views.main import ChangeList, IncorrectLookupParameters
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .forms import ArticleAdminForm, OrganizationAdminForm
from .models import Article, Organization

# Editors type "www.belta.by"; read it as https:// (Django 6's default).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class ForgivingChangeList(ChangeList):
    """Django's change list, but a lookup the database cannot take (the year
    after 9999 in the date drill-down, year 1 moved to UTC, a NUL byte on
    PostgreSQL) is treated like any other wrong lookup: the plain list with
    a warning, not a server error."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error

    def get_results(self, request):
        try:
            super().get_results(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error


class StateListFilter(admin.SimpleListFilter):
    """Filter by what readers see (Article.state), not by the stored status."""

    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("draft", _("Draft")),
            ("scheduled", _("Scheduled")),
            ("published", _("Published")),
            ("expired", _("Expired")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "draft":
            return queryset.filter(status=Article.Status.DRAFT)
        if self.value() == "scheduled":
            return queryset.active().filter(published_at__gt=now)
        if self.value() == "published":
            return queryset.published(at=now)
        if self.value() == "expired":
            return queryset.active().filter(
                Q(published_at__lte=now) & Q(expires_at__lte=now)
            )
        return queryset


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    form = OrganizationAdminForm
    formfield_overrides = HTTPS_URLS
    list_display = ("name", "short_name", "kind", "country", "slug")
    list_filter = ("kind",)
    search_fields = ("name", "short_name", "native_name", "slug")
    prepopulated_fields = {"slug": ("short_name",)}

    def get_changelist(self, request, **kwargs):
        return ForgivingChangeList


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    formfield_overrides = HTTPS_URLS
    list_display = (
        "title",
        "organization",
        "state",
        "published_at",
        "language",
        "is_featured",
        "view_count",
    )
    list_filter = (StateListFilter, "organization", "language", "is_featured")
    list_select_related = ("organization",)
    date_hierarchy = "published_at"
    search_fields = ("title", "lead", "body")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("organization",)
    readonly_fields = ("view_count",)
    fieldsets = (
        (_("Text"), {"fields": ("title", "slug", "lead", "body")}),
        (
            _("Attribution"),
            {
                "fields": (
                    "byline",
                    "organization",
                    "source_url",
                    "dateline",
                    "language",
                ),
                "description": _(
                    "Where the story comes from. Readers see “Written by” with the "
                    "byline, or the organization's short name when it is empty."
                ),
            },
        ),
        (
            _("Publishing"),
            {
                "fields": (
                    "status",
                    "published_at",
                    "expires_at",
                    "is_featured",
                    "view_count",
                    "opened_version",
                ),
                "description": _(
                    "A published story with a future publication time is "
                    "scheduled; after its expiry time it is hidden again."
                ),
            },
        ),
        (
            _("Hero image"),
            {
                "fields": (
                    "hero_image",
                    "hero_caption",
                    "hero_credit",
                    "hero_alt_text",
                ),
            },
        ),
    )

    @admin.display(description=_("state"))
    def state(self, article):
        return article.state

    def get_changelist(self, request, **kwargs):
        return ForgivingChangeList

    def save_model(self, request, obj, form, change):
        if change:
            # form.clean() set version to the locked row's; this save is the next.
            obj.version += 1
        else:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
