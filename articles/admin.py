from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList, IncorrectLookupParameters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from . import services
from .events import CANDIDATE_FIELDS, WINDOW, same_event_suggestions
from .forms import ArticleAdminForm, OrganizationAdminForm
from .models import Article, Organization
from .similarity import SAME_EVENT_THRESHOLD

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


class SameEventAdminMixin:
    """Articles that report the same event: an action on the change list
    links the selected ones; each change page lists the story's linked reports
    and suggests similar ones by other sources, with one-click link and unlink
    buttons (small POST views)."""

    same_event_actions = ("link_as_same_event", "unlink_from_events")

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/same-event/link/",
                self.admin_site.admin_view(self.same_event_link_view),
                name=f"{prefix}_same_event_link",
            ),
            path(
                "<path:object_id>/same-event/unlink/",
                self.admin_site.admin_view(self.same_event_unlink_view),
                name=f"{prefix}_same_event_unlink",
            ),
            *super().get_urls(),
        ]

    def get_actions(self, request):
        # Added here rather than to `actions`, which the admin sets for its own.
        actions = super().get_actions(request)
        if (
            self.actions is not None
            and IS_POPUP_VAR not in request.GET
            and self.has_change_permission(request)
        ):
            for name in self.same_event_actions:
                actions[name] = self.get_action(name)
        return actions

    @admin.action(description=_("Link selected as the same event"))
    def link_as_same_event(self, request, queryset):
        try:
            event = services.articles_link_as_same_event(
                articles=queryset.select_related(None).only("pk")
            )
        except ValidationError as error:
            self.message_user(request, error.messages[0], messages.WARNING)
            return
        count = event.articles.count()
        self.message_user(
            request,
            ngettext(
                "%(count)d article now reports one event.",
                "%(count)d articles now report one event.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Unlink selected from their events"))
    def unlink_from_events(self, request, queryset):
        linked = list(
            queryset.select_related(None).exclude(event=None).only("pk", "event_id")
        )
        for article in linked:
            services.article_unlink_from_event(article=article)
        self.message_user(
            request,
            ngettext(
                "%(count)d article unlinked from its event.",
                "%(count)d articles unlinked from their events.",
                len(linked),
            )
            % {"count": len(linked)},
            messages.SUCCESS,
        )

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        # Only when an editor opens the page: saving costs nothing extra.
        if change and obj is not None and request.method == "GET":
            context["same_event"] = {
                "reports": list(
                    Article.objects.reporting_the_same_event_as(obj)
                    .select_related("organization")
                    .only(*CANDIDATE_FIELDS)
                    .order_by("published_at")
                ),
                "suggestions": same_event_suggestions(article=obj),
                "window_days": WINDOW.days,
                "threshold": SAME_EVENT_THRESHOLD,
            }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _get_article_to_change(self, request, object_id):
        article = self.get_object(request, unquote(object_id or ""))
        if article is None:
            raise Http404(_("No such article."))
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        return article

    @method_decorator(require_POST)
    def same_event_link_view(self, request, object_id):
        article = self._get_article_to_change(request, object_id)
        other = self._get_article_to_change(request, request.POST.get("article"))
        try:
            services.articles_link_as_same_event(articles=[article, other])
        except ValidationError as error:
            self.message_user(request, error.messages[0], messages.WARNING)
        else:
            self.message_user(
                request,
                _("“%(title)s” is now linked as a report of the same event.")
                % {"title": other.title},
                messages.SUCCESS,
            )
        return redirect("admin:articles_article_change", article.pk)

    @method_decorator(require_POST)
    def same_event_unlink_view(self, request, object_id):
        article = self._get_article_to_change(request, object_id)
        other = self._get_article_to_change(request, request.POST.get("article"))
        if article.event_id is None or other.event_id != article.event_id:
            raise Http404(_("That article is not linked with this one."))
        services.article_unlink_from_event(article=other)
        self.message_user(
            request,
            _("“%(title)s” is no longer linked to the event.")
            % {"title": other.title},
            messages.SUCCESS,
        )
        return redirect("admin:articles_article_change", article.pk)


@admin.register(Article)
class ArticleAdmin(SameEventAdminMixin, admin.ModelAdmin):
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
