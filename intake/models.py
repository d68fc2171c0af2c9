from datetime import timedelta

from django.db import models
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Language, Organization

# The stretch of intake that items per day are counted over.
HEALTH_WINDOW = timedelta(days=30)
# A feed is quiet when its newest item is older than this many of its usual
# gaps between items (and at least QUIET_MINIMUM old).
QUIET_GAPS = 3
QUIET_MINIMUM = timedelta(hours=6)


class SourceFeedQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def claimable(self, *, now, stale_after):
        """Feeds no fetch is running for (or whose fetch was abandoned)."""
        return self.filter(
            Q(fetching_since__isnull=True) | Q(fetching_since__lt=now - stale_after)
        )

    def with_item_counts(self):
        return self.annotate(item_total=Count("intake_items"))

    def with_health(self, *, now):
        """Each feed with what its health is read from: its items over
        HEALTH_WINDOW (items per day), and all its items, the first and the
        newest (its usual pace, and whether it has gone quiet)."""
        recent = Q(intake_items__first_fetched_at__gte=now - HEALTH_WINDOW)
        return self.select_related("organization").annotate(
            recent_items=Count("intake_items", filter=recent),
            item_total=Count("intake_items"),
            first_item_at=Min("intake_items__first_fetched_at"),
            newest_item_at=Max("intake_items__first_fetched_at"),
        )


class SourceFeed(models.Model):
    """A feed of an organization's stories (RSS, Atom, JSON Feed or ninjs)
    whose new items become draft articles (intake.services)."""

    class Status(models.TextChoices):
        FETCHED = "fetched", _("Fetched")
        NOT_MODIFIED = "not_modified", _("Not modified")
        UNCHANGED = "unchanged", _("Unchanged")
        FAILED = "failed", _("Failed")

    url = models.URLField(_("URL"), max_length=500)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="source_feeds",
        verbose_name=_("organization"),
        help_text=_("Its items become draft articles of this organization."),
    )
    active = models.BooleanField(_("active"), default=True)
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=Language,
        blank=True,
        help_text=_(
            "For items that do not name their language. Empty: the site's "
            "default language."
        ),
    )
    # Bookkeeping of the last fetch, shown on the feed's row.
    last_fetched_at = models.DateTimeField(_("last fetched"), null=True, blank=True)
    last_status = models.CharField(
        _("last status"), max_length=20, choices=Status, blank=True
    )
    last_error = models.TextField(_("last error"), blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_item_count = models.PositiveIntegerField(_("items in feed"), default=0)
    last_new_count = models.PositiveIntegerField(_("new items"), default=0)
    last_updated_count = models.PositiveIntegerField(_("updated items"), default=0)
    # Conditional GET: what the server said last time, and a digest of the
    # body for servers that answer every request in full.
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    body_hash = models.CharField(max_length=64, blank=True, editable=False)
    # Set while a fetch runs, so that two workers never fetch one feed at once.
    fetching_since = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SourceFeedQuerySet.as_manager()

    class Meta:
        ordering = ("organization__name", "url")
        verbose_name = _("source feed")
        verbose_name_plural = _("source feeds")
        get_latest_by = "created_at"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "url"], name="intake_feed_unique_url"
            ),
        ]

    def __str__(self):
        return self.url

    # Read from with_health()'s annotations.
    @property
    def items_per_day(self):
        return round(self.recent_items / HEALTH_WINDOW.days, 2)

    @property
    def usual_gap(self):
        """The mean time between the feed's new items (None with fewer than
        three items: too few to know what is usual)."""
        if self.item_total < 3:
            return None
        return (self.newest_item_at - self.first_item_at) / (self.item_total - 1)

    def is_quiet(self, *, now):
        """Return True if no new item came for longer than usual."""
        gap = self.usual_gap
        if gap is None:
            return False
        return now - self.newest_item_at > max(gap * QUIET_GAPS, QUIET_MINIMUM)


class IntakeItemQuerySet(models.QuerySet):
    def of_organization(self, organization):
        return self.filter(organization=organization)

    def matching(self, *, organization, keys):
        """The organization's items that share one of `keys` (field -> value;
        empty values match nothing), in the order of the keys' strength."""
        found = []
        items = self.of_organization(organization)
        for field, value in keys.items():
            if value:
                found.extend(items.filter(**{field: value}).order_by("pk")[:1])
        return found

    def in_queue(self):
        """What the editor has to look at: drafts from feeds not yet
        published or discarded, and any story whose source has since sent an
        update or withdrawn it. Newest first."""
        waiting = (
            Q(article__status=Article.Status.DRAFT)
            | Q(offered_update__isnull=False)
            | Q(withdrawn_at__isnull=False, withdrawal_seen=False)
        )
        return (
            self.filter(article__isnull=False)
            .filter(waiting)
            .select_related("article", "feed", "organization")
            .order_by("-first_fetched_at", "-pk")
        )


class IntakeItem(models.Model):
    """Where an article came from: one item of a source feed, with the keys
    that recognise it when it comes again (in any feed of the organization)."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="intake_items",
        verbose_name=_("organization"),
    )
    # Kept when a feed is removed: its items still recognise their articles.
    feed = models.ForeignKey(
        SourceFeed,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="intake_items",
        verbose_name=_("source feed"),
    )
    # Emptied when an editor discards the draft; the item stays, so the
    # source's copy is not taken in again.
    article = models.OneToOneField(
        Article,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="intake",
        verbose_name=_("article"),
    )
    guid = models.CharField(_("GUID"), max_length=500, blank=True)
    source_url = models.URLField(_("original link"), max_length=2000, blank=True)
    # De-duplication keys (intake.parsing.identity_keys), strongest first.
    url_key = models.CharField(max_length=64, blank=True, editable=False)
    title_date_key = models.CharField(max_length=64, blank=True, editable=False)
    body_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    source_published_at = models.DateTimeField(
        _("published by the source"), null=True, blank=True
    )
    first_fetched_at = models.DateTimeField(_("fetched"), default=timezone.now)
    last_changed_at = models.DateTimeField(
        _("last changed by the source"), default=timezone.now
    )
    # A digest of the item as the source last sent it: a different one
    # means the source changed it.
    item_hash = models.CharField(max_length=64, editable=False)
    # A digest of the article's text as intake last wrote it: a different one
    # means someone changed the article since (admin, shell or API alike).
    article_hash = models.CharField(max_length=64, blank=True, editable=False)
    # The source's newer version, when it could not be applied.
    offered_update = models.JSONField(_("offered update"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(
        _("withdrawn by the source"), null=True, blank=True
    )
    withdrawal_seen = models.BooleanField(default=False, editable=False)
    discarded_at = models.DateTimeField(_("discarded"), null=True, blank=True)
    # Other sources' stories that may report the same event, found when the
    # item came in: [{"article": pk, "score": 0.5}, ...], most alike first.
    same_event_suggestions = models.JSONField(default=list, blank=True)

    objects = IntakeItemQuerySet.as_manager()

    class Meta:
        ordering = ("-first_fetched_at", "-pk")
        verbose_name = _("intake item")
        verbose_name_plural = _("intake queue")
        get_latest_by = "first_fetched_at"
        indexes = [
            models.Index(fields=["organization", "guid"], name="intake_item_guid_idx"),
            models.Index(
                fields=["organization", "url_key"], name="intake_item_url_idx"
            ),
            models.Index(
                fields=["organization", "title_date_key"],
                name="intake_item_title_date_idx",
            ),
            models.Index(
                fields=["organization", "body_fingerprint"],
                name="intake_item_body_idx",
            ),
            models.Index(
                fields=["feed", "first_fetched_at"], name="intake_item_feed_time_idx"
            ),
        ]

    def __str__(self):
        return self.guid or self.source_url or f"#{self.pk}"
