from dataclasses import dataclass

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from articles.events import CANDIDATE_FIELDS
from articles.models import Article
from monitoring.admin_search import BoundedSearchMixin

from . import services
from .models import IntakeItem, SourceFeed
from .tasks import fetch_source

QUEUE_PAGE_SIZE = 50


@admin.register(SourceFeed)
class SourceFeedAdmin(BoundedSearchMixin, admin.ModelAdmin):
    list_display = (
        "url",
        "source",
        "active",
        "last_fetched_at",
        "last_status",
        "error",
        "last_item_count",
        "last_new_count",
        "last_updated_count",
        "item_total",
    )
    list_filter = ("active", "last_status", "organization")
    list_select_related = ("organization",)
    search_fields = ("url", "organization__name", "organization__short_name")
    autocomplete_fields = ("organization",)
    actions = ("fetch_now",)
    change_list_template = "admin/intake/sourcefeed/change_list.html"
    fieldsets = (
        (None, {"fields": ("url", "organization", "active", "language")}),
        (
            _("Last fetch"),
            {
                "fields": (
                    "last_fetched_at",
                    "last_status",
                    "last_error",
                    "last_success_at",
                    "last_item_count",
                    "last_new_count",
                    "last_updated_count",
                )
            },
        ),
    )
    readonly_fields = (
        "last_fetched_at",
        "last_status",
        "last_error",
        "last_success_at",
        "last_item_count",
        "last_new_count",
        "last_updated_count",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).with_item_counts()

    @admin.display(description=_("organization"), ordering="organization__short_name")
    def source(self, feed):
        return feed.organization.short_name

    @admin.display(description=_("last error"))
    def error(self, feed):
        return Truncator(feed.last_error).chars(120)

    @admin.display(description=_("items taken in"), ordering="item_total")
    def item_total(self, feed):
        return feed.item_total

    @admin.action(description=_("Fetch now"), permissions=["change"])
    def fetch_now(self, request, queryset):
        feed_ids = list(queryset.filter(active=True).values_list("pk", flat=True))
        for feed_id in feed_ids:
            fetch_source.enqueue(feed_id)
        self.message_user(
            request,
            ngettext(
                "%(count)d feed is being fetched; its row shows the outcome.",
                "%(count)d feeds are being fetched; their rows show the outcome.",
                len(feed_ids),
            )
            % {"count": len(feed_ids)},
            messages.SUCCESS,
        )

    def get_urls(self):
        return [
            path(
                "health/",
                self.admin_site.admin_view(self.health_view),
                name="intake_sourcefeed_health",
            ),
            *super().get_urls(),
        ]

    def health_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        now = timezone.now()
        feeds = SourceFeed.objects.with_health(now=now).order_by(
            "organization__name", "url"
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Source health"),
            "opts": self.opts,
            "rows": [(feed, feed.is_quiet(now=now)) for feed in feeds],
        }
        return TemplateResponse(request, "admin/intake/source_health.html", context)


@dataclass(frozen=True)
class QueueRow:
    item: IntakeItem
    suggestions: list  # [(article, score)], most alike first


@admin.register(IntakeItem)
class IntakeItemAdmin(BoundedSearchMixin, admin.ModelAdmin):
    """The intake queue: drafts from source feeds, with their provenance and
    one-click Publish, Edit and Discard. Each item's own page shows its
    provenance, read-only."""

    readonly_fields = (
        "organization",
        "feed",
        "article",
        "guid",
        "source_url",
        "source_published_at",
        "first_fetched_at",
        "last_changed_at",
        "offered_update",
        "withdrawn_at",
        "discarded_at",
    )
    fields = readonly_fields

    # Items come from feeds; deleting one would let its source's copy be
    # taken in again as a second article. Discard removes the draft instead.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        views = {
            "publish": self.publish_view,
            "discard": self.discard_view,
            "apply-update": self.apply_update_view,
            "dismiss": self.dismiss_view,
        }
        return [
            *[
                path(
                    f"<int:item_id>/{action}/",
                    self.admin_site.admin_view(view),
                    name=f"intake_intakeitem_{action.replace('-', '_')}",
                )
                for action, view in views.items()
            ],
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        page = Paginator(IntakeItem.objects.in_queue(), QUEUE_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        items = list(page)
        suggested_ids = {
            entry["article"] for item in items for entry in item.same_event_suggestions
        }
        suggested = (
            Article.objects.filter(pk__in=suggested_ids)
            .select_related("organization")
            .only(*CANDIDATE_FIELDS)
            .in_bulk()
        )
        rows = [
            QueueRow(
                item=item,
                suggestions=[
                    (suggested[entry["article"]], entry["score"])
                    for entry in item.same_event_suggestions
                    if entry["article"] in suggested
                ],
            )
            for item in items
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Intake queue"),
            "opts": self.opts,
            "page": page,
            "rows": rows,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/intake/queue.html", context)

    # --- One-click decisions (small POST views) -------------------------------------

    def _get_item_or_404(self, request, item_id, permission):
        if not request.user.has_perm(f"articles.{permission}_article"):
            raise PermissionDenied
        item = (
            IntakeItem.objects.select_related("article")
            .filter(pk=item_id, article__isnull=False)
            .first()
        )
        if item is None:
            raise Http404(_("No such story in the intake queue."))
        return item

    def _done(self, request, message, level=messages.SUCCESS):
        self.message_user(request, message, level)
        return redirect("admin:intake_intakeitem_changelist")

    @method_decorator(require_POST)
    def publish_view(self, request, item_id):
        item = self._get_item_or_404(request, item_id, "change")
        result = services.intake_item_publish(item=item, by=request.user)
        if not result.changed:
            return self._done(
                request, _("That story was already published."), messages.WARNING
            )
        return self._done(
            request, _("“%(title)s” is published.") % {"title": item.article.title}
        )

    @method_decorator(require_POST)
    def discard_view(self, request, item_id):
        item = self._get_item_or_404(request, item_id, "delete")
        title = item.article.title
        try:
            services.intake_item_discard(item=item)
        except ValidationError as error:
            return self._done(request, error.messages[0], messages.WARNING)
        return self._done(request, _("“%(title)s” is discarded.") % {"title": title})

    @method_decorator(require_POST)
    def apply_update_view(self, request, item_id):
        item = self._get_item_or_404(request, item_id, "change")
        try:
            services.intake_item_apply_update(item=item, by=request.user)
        except ValidationError as error:
            return self._done(request, error.messages[0], messages.WARNING)
        return self._done(
            request,
            _("The source's update is applied to “%(title)s”.")
            % {"title": item.article.title},
        )

    @method_decorator(require_POST)
    def dismiss_view(self, request, item_id):
        item = self._get_item_or_404(request, item_id, "change")
        services.intake_item_dismiss(item=item)
        return self._done(
            request,
            _("“%(title)s” is kept as it is.") % {"title": item.article.title},
        )
