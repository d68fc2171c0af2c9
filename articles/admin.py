import datetime
import hashlib
import json

from csp.constants import NONCE
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList, IncorrectLookupParameters
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy
from django.views.decorators.http import require_POST
from js_asset import Media
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from gallery.images import thumbnail_html
from monitoring.admin_search import BoundedSearchMixin

from . import services
from .events import CANDIDATE_FIELDS, WINDOW, same_event_suggestions
from .forms import ArticleAdminForm, OrganizationAdminForm
from .models import Article, Organization
from .similarity import SAME_EVENT_THRESHOLD
from .slugs import CYRILLIC_TO_LATIN, LANGUAGE_OVERRIDES

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


def preview_digest(article):
    content = json.dumps(article.draft_content(), cls=DjangoJSONEncoder, sort_keys=True)
    return "preview-" + hashlib.blake2b(content.encode(), digest_size=16).hexdigest()


class LocalTimesHistoryHelper(HistoricalRecordContextHelper):
    """Times in "what changed" as editors read them (Europe/Minsk, in the
    admin's date format), not as the database's UTC."""

    def prepare_delta_change_value(self, change, value):
        if isinstance(value, datetime.datetime):
            return date_format(timezone.localtime(value), "DATETIME_FORMAT")
        return super().prepare_delta_change_value(change, value)


class LocalTimesInHistoryMixin:
    def get_historical_record_context_helper(self, request, historical_record):
        return LocalTimesHistoryHelper(self.model, historical_record)


HISTORY_LIST_TEMPLATE = "admin/object_history_list_with_changes.html"


def with_csp_nonce(request, response, media):
    """Let the body editor's import map run: it is an inline script, so the
    policy gets a nonce for this response only, and the media carries it."""
    response.context_data["media"] = Media.from_media(media, nonce=request.csp_nonce)
    response._csp_update = {"script-src": NONCE}
    return response


# Translated fields (articles/translation.py) are edited one language under
# another: "name [en]", "name [ru]", "name [be]". modeltranslation's tabbed
# variant would load jQuery UI from a CDN, which the admin's CSP forbids.
@admin.register(Organization)
class OrganizationAdmin(
    BoundedSearchMixin, LocalTimesInHistoryMixin, TranslationAdmin, SimpleHistoryAdmin
):
    form = OrganizationAdminForm
    formfield_overrides = HTTPS_URLS
    list_display = ("name", "short_name", "kind", "country", "slug")
    list_filter = ("kind",)
    search_fields = (
        *(
            f"{field}_{language}"
            for field in ("name", "short_name")
            for language in ("en", "ru", "be")
        ),
        "native_name",
        "slug",
    )
    prepopulated_fields = {"slug": ("short_name",)}
    object_history_list_template = HISTORY_LIST_TEMPLATE

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
            _("“%(title)s” is no longer linked to the event.") % {"title": other.title},
            messages.SUCCESS,
        )
        return redirect("admin:articles_article_change", article.pk)


@admin.register(Article)
class ArticleAdmin(
    BoundedSearchMixin,
    SameEventAdminMixin,
    LocalTimesInHistoryMixin,
    SimpleHistoryAdmin,
):
    form = ArticleAdminForm
    formfield_overrides = HTTPS_URLS
    # Fits beside the filters at 1280 px: the language and featured flag are
    # filters, the source its short name (css/admin/lists.css sets widths).
    list_display = ("story", "source", "state", "published", "view_count")
    list_display_links = ("story",)
    list_filter = (StateListFilter, "organization", "language", "is_featured")
    list_select_related = ("organization",)
    date_hierarchy = "published_at"
    search_fields = ("title", "lead", "body")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("organization",)
    readonly_fields = ("state", "view_count")
    actions = ("publish_now", "unpublish", "feature", "unfeature")
    object_history_list_template = HISTORY_LIST_TEMPLATE
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
                    "state",
                    "published_at",
                    "expires_at",
                    "is_featured",
                    "view_count",
                    "opened_version",
                ),
                "description": _(
                    "Publish makes the story public at its publication time: "
                    "at once, or scheduled when the time is in the future (a "
                    "draft whose time was left as it is is published now). "
                    "Save draft keeps changes without making them public: a "
                    "published story stays as readers know it until you "
                    "publish. After its expiry time a story is hidden again."
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
        if getattr(article, "has_pending_draft", article.pending_draft is not None):
            return _("%(state)s, draft pending") % {"state": article.state}
        return article.state

    @admin.display(description=_("title"), ordering="title")
    def story(self, article):
        return format_html(
            '<span class="list-row-with-thumbnail">{}<span>{}</span></span>',
            thumbnail_html(article.hero_image, empty=True),
            article.title,
        )

    @admin.display(description=_("source"), ordering="organization__short_name")
    def source(self, article):
        organization = article.organization
        return format_html(
            '<span title="{}">{}</span>', organization.name, organization.short_name
        )

    @admin.display(description=_("publication time"), ordering="published_at")
    def published(self, article):
        return date_format(
            timezone.localtime(article.published_at), "SHORT_DATETIME_FORMAT"
        )

    def get_queryset(self, request):
        return super().get_queryset(request).with_pending_draft_flag()

    def get_changelist(self, request, **kwargs):
        return ForgivingChangeList

    class Media:
        # Spells Cyrillic titles in Latin in the slug preview, as the server
        # does; it wraps Django's URLify, so it comes after it.
        js = ("admin/js/urlify.js", "js/admin/transliterate.js")
        css = {"all": ("css/admin/lists.css",)}

    # --- Preview, Save draft, Publish ----------------------------------------
    # The change form's three buttons (templates/admin/articles/article/
    # change_form.html). A post naming none of them saves a draft, the safe
    # reading; the revisions page's Revert saves the old version as it was.

    def _action(self, request):
        if "_publish" in request.POST:
            return "publish"
        if request.resolver_match.url_name.endswith("_simple_history"):
            return "restore"
        return "draft"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and "_preview" in request.POST:
            return self.preview_view(request, object_id, form_url, extra_context)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def preview_view(self, request, object_id, form_url, extra_context):
        """The form's content as its public page would show it, saving
        nothing; a form with errors comes back with them."""
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        if object_id and obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        allowed = (
            self.has_change_permission(request, obj)
            if obj
            else self.has_add_permission(request)
        )
        if not allowed:
            raise PermissionDenied
        form_class = self.get_form(request, obj, change=obj is not None)
        form = form_class(request.POST, request.FILES, instance=obj)
        form.checks_version = False
        if not form.is_valid():
            return super().changeform_view(request, object_id, form_url, extra_context)
        article = form.save(commit=False)
        # A new story has no times of its own yet; the page shows them.
        article.created_at = article.created_at or timezone.now()
        article.updated_at = timezone.now()
        notes = []
        if "hero_image" in request.FILES:
            # Not stored by a preview, so there is nothing to show yet.
            article.hero_image = obj.hero_image if obj else None
            notes.append(
                _("The newly chosen hero image shows once the story is saved.")
            )
        response = TemplateResponse(
            request,
            "articles/article_detail.html",
            {
                "article": article,
                "object": article,
                # Its fragments are the unsaved content's own, never the
                # stored story's: the digest names what is shown.
                "is_preview": preview_digest(article),
                "unsaved_preview": True,
                "preview_notes": notes,
                "view_count": obj.view_count if obj else 0,
                "also_reported_by": (),
            },
        )
        add_never_cache_headers(response)
        return response

    def save_model(self, request, obj, form, change):
        # form.clean() set the version to the locked row's; save() bumps it.
        action = self._action(request)
        if action == "restore":
            obj.updated_by = request.user
            super().save_model(request, obj, form, change)
        elif action == "publish":
            # A draft whose time the editor left alone goes out now, not at
            # the moment the form was opened or the draft first saved.
            never_public = not obj.has_public_version
            at = (
                timezone.now()
                if never_public and "published_at" not in form.changed_data
                else None
            )
            services.article_publish(article=obj, at=at, by=request.user)
        else:
            services.article_save_draft(article=obj, by=request.user)

    def response_add(self, request, obj, post_url_continue=None):
        return self._response_after_save(request, obj) or super().response_add(
            request, obj, post_url_continue
        )

    def response_change(self, request, obj):
        return self._response_after_save(request, obj) or super().response_change(
            request, obj
        )

    def _response_after_save(self, request, obj):
        action = self._action(request)
        if action == "restore":
            return None
        stored = Article.objects.get(pk=obj.pk)
        title = obj.title
        if action == "publish":
            if stored.published_at > timezone.now():
                message = _("“%(title)s” is scheduled for %(time)s.") % {
                    "title": title,
                    "time": date_format(
                        timezone.localtime(stored.published_at), "DATETIME_FORMAT"
                    ),
                }
            else:
                message = _("“%(title)s” is published.") % {"title": title}
            self.message_user(request, message, messages.SUCCESS)
            return redirect(
                self._preserved_filters_url(
                    request, "admin:articles_article_changelist"
                )
            )
        if stored.pending_draft is not None:
            message = _(
                "Your changes to “%(title)s” are saved as a draft. Readers "
                "still see the published version until you publish."
            ) % {"title": title}
        else:
            message = _("“%(title)s” is saved as a draft; readers cannot see it.") % {
                "title": title
            }
        self.message_user(request, message, messages.SUCCESS)
        return redirect(
            self._preserved_filters_url(
                request, "admin:articles_article_change", obj.pk
            )
        )

    def _preserved_filters_url(self, request, name, *args):
        return add_preserved_filters(
            {
                "preserved_filters": self.get_preserved_filters(request),
                "opts": self.opts,
            },
            reverse(name, args=args),
        )

    def render_change_form(self, request, context, *args, **kwargs):
        obj = kwargs.get("obj")
        context["pending_draft"] = obj is not None and obj.pending_draft is not None
        context["slug_transliteration"] = {
            "table": CYRILLIC_TO_LATIN,
            "overrides": LANGUAGE_OVERRIDES,
        }
        response = super().render_change_form(request, context, *args, **kwargs)
        return with_csp_nonce(request, response, context["media"])

    def render_history_view(self, request, template, context, **kwargs):
        restoring = "adminform" in context
        if restoring:
            # The restore form shows the body editor too.
            context["media"] = Media.from_media(
                self.media + context["adminform"].form.media, nonce=request.csp_nonce
            )
        response = super().render_history_view(request, template, context, **kwargs)
        if restoring:
            response._csp_update = {"script-src": NONCE}
        return response

    # --- Bulk actions ----------------------------------------------------------

    def _report(self, request, result, done, already):
        message = done % {"count": result.changed}
        if result.unchanged:
            message += "; " + already % {"count": result.unchanged}
        level = messages.SUCCESS if result.changed else messages.WARNING
        self.message_user(request, f"{message}.", level)

    @admin.action(description=_("Publish now"), permissions=["change"])
    def publish_now(self, request, queryset):
        result = services.articles_publish(
            articles=queryset, at=timezone.now(), by=request.user
        )
        self._report(
            request,
            result,
            ngettext_lazy(
                "%(count)d article published", "%(count)d articles published", "count"
            ),
            ngettext_lazy(
                "%(count)d was already published",
                "%(count)d were already published",
                "count",
            ),
        )

    @admin.action(description=_("Unpublish (back to draft)"), permissions=["change"])
    def unpublish(self, request, queryset):
        result = services.articles_unpublish(articles=queryset, by=request.user)
        self._report(
            request,
            result,
            ngettext_lazy(
                "%(count)d article unpublished",
                "%(count)d articles unpublished",
                "count",
            ),
            ngettext_lazy(
                "%(count)d was already a draft",
                "%(count)d were already drafts",
                "count",
            ),
        )

    @admin.action(description=_("Feature"), permissions=["change"])
    def feature(self, request, queryset):
        result = services.articles_feature(
            articles=queryset, featured=True, by=request.user
        )
        self._report(
            request,
            result,
            ngettext_lazy(
                "%(count)d article featured", "%(count)d articles featured", "count"
            ),
            ngettext_lazy(
                "%(count)d was already featured",
                "%(count)d were already featured",
                "count",
            ),
        )

    @admin.action(description=_("Stop featuring"), permissions=["change"])
    def unfeature(self, request, queryset):
        result = services.articles_feature(
            articles=queryset, featured=False, by=request.user
        )
        self._report(
            request,
            result,
            ngettext_lazy(
                "%(count)d article no longer featured",
                "%(count)d articles no longer featured",
                "count",
            ),
            ngettext_lazy(
                "%(count)d was not featured", "%(count)d were not featured", "count"
            ),
        )
