import copy
import datetime
import html
import re

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, router, transaction
from django.db.models import Count, F, Max, Min, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from caching import keys
from gallery.fields import ResponsiveImageField

from .fields import SanitizedHTMLField
from .search import PostgresGinIndex
from .slugs import next_free_slug, slug_from_title, unique_slug


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    RUSSIAN = "ru", _("Russian")
    BELARUSIAN = "be", _("Belarusian")


class Organization(models.Model):
    """A source of news: an agency, a government body, a press office."""

    class Kind(models.TextChoices):
        NEWS_AGENCY = "news_agency", _("News agency")
        GOVERNMENT_BODY = "government_body", _("Government body")
        INTERNATIONAL = "international_organization", _("International organization")
        LOCAL_OFFICE = "local_office", _("Local office")

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(
        _("short name"), max_length=60, help_text=_("Shown in bylines, e.g. BelTA.")
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    native_name = models.CharField(
        _("name in its own language"),
        max_length=200,
        blank=True,
        help_text=_("Shown as the source, e.g. Исполнительный комитет РАТС ШОС."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind)
    country = models.CharField(_("country"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = ResponsiveImageField(
        _("logo"),
        upload_to="organizations/",
        blank=True,
        renditions_field="logo_renditions",
        help_text=_("Optional. PNG or JPEG, at most 10 MB."),
    )
    # Filled in by the logo field: the sizes and formats pages show.
    logo_renditions = models.JSONField(default=dict, blank=True, editable=False)
    # `history` (its revisions) is added in articles/translation.py, after the
    # name's languages, so that each revision keeps all three.

    class Meta:
        ordering = ("name",)
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        get_latest_by = "pk"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:organization-detail", kwargs={"slug": self.slug})

    @classmethod
    def surrogate_keys_for(cls, pks):
        """What shows these sources' logos, for shared caches (caching.keys):
        their own pages."""
        return {keys.organization(pk) for pk in pks}

    @property
    def source_name(self):
        """The name readers see as the source: its own-language name first."""
        return self.native_name or self.name


class Event(models.Model):
    """One happening told by several sources: its articles are their reports.

    Editors link reports in the admin (articles.services); each article page
    lists the other published reports under "Also reported by"."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("event")
        verbose_name_plural = _("events")
        get_latest_by = "created_at"

    def __str__(self):
        return _("Event %(number)s") % {"number": self.pk}


class ArticleQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Article.Status.PUBLISHED)

    def published(self, at=None):
        """Articles the public may see: published, due and not expired."""
        now = at or timezone.now()
        return self.filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now),
            status=Article.Status.PUBLISHED,
            published_at__lte=now,
        )

    def visible_to(self, user):
        """Staff also see drafts, scheduled and expired articles (as previews)."""
        if user.is_authenticated and user.is_staff:
            return self.all()
        return self.published()

    def newest_first(self):
        return self.order_by("-published_at", "-pk")

    def for_cards(self):
        """What a list card shows, in one query with its organization."""
        # The search vectors are the database's business, and large; a card
        # shows the lead, never the body (kilobytes a row, often out of line).
        return (
            self.select_related("organization")
            .defer("body", "search_vector", "search_rank_vector")
            .newest_first()
        )

    def whole(self):
        """Whole stories with their organization, for a story's page and the
        read API: everything but the search vectors, which are the
        database's (on PostgreSQL as large as the body, and parsed on
        every read)."""
        return self.select_related("organization").defer(
            "search_vector", "search_rank_vector"
        )

    def count_by_month(self, tz):
        """[(year, month, count)] for each calendar month in `tz` holding
        stories of this queryset, newest first, in two queries.

        Each row finds its month among the months' first moments by halving
        (a few comparisons in the database), where grouping by
        TruncMonth(tz) would call Python for every row on SQLite. The
        halving's SQL grows with the months spanned, so beyond
        MONTHS_FOUND_BY_HALVING (a story dated centuries back) the database
        groups by TruncMonth itself."""
        span = self.aggregate(first=Min("published_at"), last=Max("published_at"))
        if span["first"] is None:
            return []
        months = _months_between(
            timezone.localtime(span["first"], tz), timezone.localtime(span["last"], tz)
        )
        if len(months) > MONTHS_FOUND_BY_HALVING:
            month = TruncMonth("published_at", tzinfo=tz)

            def label(value):
                return value.year, value.month
        else:
            starts = [
                datetime.datetime(year, month, 1, tzinfo=tz) for year, month in months
            ]
            month = _month_holding_published_at(starts, 0, len(starts))
            label = months.__getitem__
        rows = (
            self.order_by()
            .annotate(month=month)
            .values("month")
            .annotate(n=Count("pk"))
            .values_list("month", "n")
            .order_by("-month")
        )
        return [(*label(value), n) for value, n in rows]

    def featured(self):
        return self.filter(is_featured=True)

    def with_pending_draft_flag(self):
        """Annotate has_pending_draft, so a list need not load the drafts."""
        return self.annotate(
            has_pending_draft=models.ExpressionWrapper(
                Q(pending_draft__isnull=False), output_field=models.BooleanField()
            )
        )

    def reporting_the_same_event_as(self, article):
        """The other reports of `article`'s event (none, and no query, when it
        is not linked to an event)."""
        if article.event_id is None:
            return self.none()
        return self.filter(event_id=article.event_id).exclude(pk=article.pk)

    def same_event_candidates(self, article, *, window):
        """Stories that may report the same event as `article`: told by other
        organizations, published within `window` of it, and not linked to it
        yet."""
        candidates = self.exclude(organization_id=article.organization_id).filter(
            published_at__range=(
                article.published_at - window,
                article.published_at + window,
            )
        )
        if article.event_id is not None:
            candidates = candidates.exclude(event_id=article.event_id)
        return candidates


# Months spanned up to which halving costs less than TruncMonth (on SQLite,
# at 100,000 stories); past it the halving's SQL would keep growing.
MONTHS_FOUND_BY_HALVING = 600


def _months_between(first, last):
    """[(year, month)] from `first`'s month to `last`'s, oldest first."""
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append((year, month))
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    return months


def _month_holding_published_at(starts, low, high):
    """The index in `starts[low:high]` of the last month starting at or
    before a row's published_at, as nested CASEs halving the range."""
    if high - low == 1:
        return models.Value(low)
    middle = (low + high) // 2
    return models.Case(
        models.When(
            published_at__gte=starts[middle],
            then=_month_holding_published_at(starts, middle, high),
        ),
        default=_month_holding_published_at(starts, low, middle),
        output_field=models.IntegerField(),
    )


# Inserts tried with successive slugs when other stories take them meanwhile.
SLUG_ATTEMPTS = 10

# The body's opening paragraph, as the sanitiser leaves it.
FIRST_PARAGRAPH = re.compile(r"\s*<p>(.*?)</p>", re.DOTALL)


def _plain_words(text):
    return " ".join(html.unescape(strip_tags(text)).split())


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(
        _("slug"),
        max_length=255,
        unique=True,
        help_text=_("The last part of the article's address; filled from the title."),
    )
    lead = models.TextField(
        _("lead"), blank=True, help_text=_("A one-paragraph summary.")
    )
    body = SanitizedHTMLField(
        _("body"),
        help_text=_(
            "Paragraphs of HTML; scripts and unknown tags are removed on save."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publication time"),
        default=timezone.now,
        help_text=_("A time in the future schedules the article."),
    )
    expires_at = models.DateTimeField(
        _("expiry time"),
        null=True,
        blank=True,
        help_text=_("Optional. The article is hidden from the public after this time."),
    )
    byline = models.CharField(
        _("written by"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty to credit the organization's short name."),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="articles",
        verbose_name=_("organization"),
        help_text=_("The source of the story."),
        # article_org_newest_idx (Meta.indexes) leads with this column.
        db_index=False,
    )
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    # Set only through articles.services, never by the edit form: an editor's
    # save must not undo a link made while the form was open.
    event = models.ForeignKey(
        Event,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="articles",
        verbose_name=_("event"),
        help_text=_("Reports of the same event by other sources."),
        # article_event_idx (Meta.indexes) leads with this column.
        db_index=False,
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language, default=Language.ENGLISH
    )
    dateline = models.CharField(
        _("dateline place"), max_length=100, blank=True, help_text=_("E.g. Almaty.")
    )
    hero_image = ResponsiveImageField(
        _("hero image"),
        upload_to="articles/%Y/%m/",
        blank=True,
        renditions_field="hero_renditions",
        width_field="hero_width",
        height_field="hero_height",
        help_text=_("JPEG, PNG or WebP, at most 10 MB."),
    )
    hero_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_caption = models.CharField(_("hero caption"), max_length=300, blank=True)
    hero_credit = models.CharField(_("hero credit"), max_length=200, blank=True)
    hero_alt_text = models.CharField(
        _("hero alt text"),
        max_length=300,
        blank=True,
        help_text=_("Describes the image for readers who cannot see it."),
    )
    # Filled in by the hero image field: the sizes and formats pages show.
    hero_renditions = models.JSONField(default=dict, blank=True, editable=False)
    view_count = models.PositiveIntegerField(_("views"), default=0, editable=False)
    is_featured = models.BooleanField(_("featured"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("last changed by"),
    )
    # Bumped by every save(); an edit form carries the version it was opened
    # at, so a save over someone else's newer save is refused, not lost.
    version = models.PositiveIntegerField(default=1, editable=False)
    # Derived by the database from the title, lead and body: a trigger keeps
    # it current on PostgreSQL, whatever Django writes here; SQLite leaves it
    # empty and searches an FTS5 table instead (see articles/search.py).
    search_vector = SearchVectorField(null=True, editable=False)
    # The title and lead alone, small enough to stay in the row: ranking
    # thousands of matches reads it without fetching the large vector above.
    search_rank_vector = SearchVectorField(null=True, editable=False)
    # An editor's saved changes to a story that already has a public (or
    # scheduled) version: the DRAFT_FIELDS' values, kept beside the public
    # ones until Publish applies them. None when there are none.
    pending_draft = models.JSONField(
        _("pending draft"),
        null=True,
        blank=True,
        editable=False,
        encoder=DjangoJSONEncoder,
    )

    # Who changed what, and when; an old revision can be restored. Counters,
    # bookkeeping, the search index and event links are not the story's
    # text: a restore keeps the current ones.
    history = HistoricalRecords(
        verbose_name=_("article revision"),
        excluded_fields=[
            "view_count",
            "version",
            "updated_at",
            "updated_by",
            "event",
            "search_vector",
            "search_rank_vector",
            "pending_draft",
        ],
    )

    objects = ArticleQuerySet.as_manager()

    # What an editor writes, and so what a pending draft holds.
    DRAFT_FIELDS = (
        "title",
        "slug",
        "lead",
        "body",
        "byline",
        "organization",
        "source_url",
        "dateline",
        "language",
        "published_at",
        "expires_at",
        "is_featured",
        "hero_image",
        "hero_caption",
        "hero_credit",
        "hero_alt_text",
    )

    class Meta:
        ordering = ("-published_at", "-pk")
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        get_latest_by = "published_at"
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True)
                | Q(expires_at__gt=F("published_at")),
                name="articles_expiry_after_publication",
                violation_error_message=_(
                    "The expiry time must be after the publication time."
                ),
            ),
        ]
        # Each index serves named public queries; the figures are EXPLAIN
        # ANALYZE at 100,000 stories (95,000 public), PostgreSQL 15 / SQLite
        # 3.40, before -> after. SQLite has no statistics, so it takes the
        # index with the most equality terms: leading columns are chosen for it.
        indexes = [
            # published() newest first: /news/ and its date ranges, the
            # archives, the home page's latest, the feed, the sitemap, and the
            # keyset seeks of deep pages. id settles ties without a sort
            # (SQLite sorted every page by it); expires_at makes it covering,
            # so counts and page anchors read no table rows. Count: SQLite
            # 161 -> 5 ms; PG seq scan 41 -> 9 ms index only (once VACUUM has
            # set the visibility map; a seq scan until then).
            models.Index(
                fields=["status", "-published_at", "-id", "expires_at"],
                name="article_public_newest_idx",
            ),
            # The sitemap index's last change: the public story changed last,
            # read from the newest end of this index alone.
            models.Index(
                fields=["status", "-updated_at", "published_at", "expires_at"],
                name="article_public_updated_idx",
            ),
            # An organization's stories (its page, ?organization=). Page 1 of
            # a small source: SQLite walked the index above, 8.6 -> 1.5 ms; PG
            # sorted a bitmap scan, 1.2 -> 0.1 ms. Count: SQLite 224 -> 1 ms,
            # PG 13 -> 2 ms.
            models.Index(
                fields=["organization", "status", "-published_at", "-id", "expires_at"],
                name="article_org_newest_idx",
            ),
            # ?language=: count SQLite 206 -> 1 ms, PG seq scan 46 -> 10 ms
            # (2 ms index only once vacuumed).
            models.Index(
                fields=["language", "status", "-published_at", "-id", "expires_at"],
                name="article_language_newest_idx",
            ),
            # The home page's featured stories, however few and old: with
            # three featured among 95,000 the query walked every public story
            # to find them (PG 57 ms, SQLite 184 ms -> about 1 ms). Partial,
            # so it holds only the featured rows.
            models.Index(
                fields=["status", "-published_at", "-id"],
                condition=Q(is_featured=True),
                name="article_featured_newest_idx",
            ),
            # "Also reported by" on every article page of a linked story.
            # SQLite preferred article_public_newest_idx (it gives the order)
            # to the foreign key's one-column index and scanned every public
            # story: 166 -> 0.5 ms. With id it gives the order too.
            models.Index(
                fields=["event", "status", "-published_at", "-id"],
                name="article_event_idx",
            ),
            PostgresGinIndex(
                fields=["search_vector"], name="article_search_vector_idx"
            ),
            # The next expiry, which bounds how long shared caches keep lists.
            models.Index(
                fields=["expires_at"],
                condition=Q(expires_at__isnull=False),
                name="article_expiring_idx",
            ),
        ]

    # What decides where a story shows: which lists, at which address.
    PUBLIC_FIELDS = (
        "slug",
        "status",
        "published_at",
        "expires_at",
        "organization_id",
        "language",
        "is_featured",
        "event_id",
        "title",
        "lead",
        "body",
    )

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(
                slug_from_title(self.title, self.language), taken=self._slug_taken
            )
        if self._state.adding:
            self._before_save = None  # a new story: nothing was shown before
            self._insert_with_a_free_slug(*args, **kwargs)
            return
        # Every save is a new version, whatever path it takes (the admin, a
        # service, a restored revision), so an editor's open form that
        # predates it is refused.
        self.version += 1
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        before = Article.objects.filter(pk=self.pk).values(*self.PUBLIC_FIELDS).first()
        # What readers saw before, for the purge after the save
        # (articles.purges).
        self._before_save = before
        super().save(*args, **kwargs)
        if before is not None:
            ArticleRedirect.remember(article=self, before=before)

    def get_absolute_url(self):
        local = timezone.localtime(self.published_at)
        return reverse(
            "articles:detail",
            kwargs={
                "year": local.year,
                "month": f"{local.month:02d}",
                "day": f"{local.day:02d}",
                "slug": self.slug,
            },
        )

    @classmethod
    def surrogate_keys_for(cls, pks):
        """What shows these stories, for shared caches (caching.keys)."""
        return {keys.ARTICLE_LISTS} | {keys.article(pk) for pk in pks}

    @property
    def body_after_lead(self):
        """The body as the article page shows it under the lead: without
        its opening paragraph when that paragraph is the lead itself, as
        editors and source feeds often write it."""
        opening = FIRST_PARAGRAPH.match(self.body)
        if (
            opening
            and self.lead
            and (_plain_words(opening.group(1)) == _plain_words(self.lead))
        ):
            return self.body[opening.end() :]
        return self.body

    @cached_property
    def summary(self):
        """What link previews and search engines show of the story: its lead
        (else its title), cut to 200 characters. Its page reads it three
        times."""
        return Truncator(self.lead or self.title).chars(200)

    @property
    def byline_display(self):
        return self.byline or self.organization.short_name

    @property
    def state(self):
        """Draft, Scheduled, Published or Expired, as editors read it."""
        now = timezone.now()
        if self.status == self.Status.DRAFT:
            return _("Draft")
        if self.published_at > now:
            return _("Scheduled")
        if self.expires_at and self.expires_at <= now:
            return _("Expired")
        return _("Published")

    def is_published(self, at=None):
        """Return True if the public may see this article (mirrors published())."""
        now = at or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at <= now
            and (self.expires_at is None or self.expires_at > now)
        )

    is_published.boolean = True
    is_published.short_description = _("public")

    @property
    def has_public_version(self):
        """Return True if the stored row is published or scheduled: its saved
        changes then wait as a pending draft instead of replacing it."""
        if self.pk is None:
            return False
        stored = (
            Article.objects.filter(pk=self.pk).values_list("status", flat=True).first()
        )
        return stored == self.Status.PUBLISHED

    def draft_content(self):
        """This article's DRAFT_FIELDS as JSON-ready values (files by name)."""
        content = {}
        for name in self.DRAFT_FIELDS:
            field = self._meta.get_field(name)
            value = field.value_from_object(self)
            if name == "hero_image":
                value = value.name
            elif isinstance(value, datetime.datetime):
                value = value.isoformat()  # to the microsecond, unlike JSON's
            content[field.attname] = value
        return content

    def with_pending_draft(self):
        """An unsaved copy of this article showing its pending draft, if any."""
        if self.pending_draft is None:
            return self
        draft = copy.copy(self)
        for name in self.DRAFT_FIELDS:
            field = self._meta.get_field(name)
            if field.attname in self.pending_draft:
                value = self.pending_draft[field.attname]
                setattr(
                    draft,
                    field.attname,
                    None if value is None else field.to_python(value),
                )
        return draft

    def _slug_taken(self, slug):
        return Article.objects.filter(slug=slug).exclude(pk=self.pk).exists()

    def _insert_with_a_free_slug(self, *args, **kwargs):
        """Insert the row. A slug found free can be taken by another story
        saved at the same moment (two editors, one title): then the insert
        is retried, in a savepoint, with the next free suffix."""
        using = kwargs.get("using") or router.db_for_write(Article, instance=self)
        for attempt in range(SLUG_ATTEMPTS):
            try:
                with transaction.atomic(using=using):
                    return super().save(*args, **kwargs)
            except IntegrityError:
                # Committed by the other transaction by now (its insert made
                # ours wait): anything else is not a slug race.
                if attempt + 1 == SLUG_ATTEMPTS or not self._slug_taken(self.slug):
                    raise
                self.slug = next_free_slug(self.slug, taken=self._slug_taken)


class ArticleRedirect(models.Model):
    """An address a published article had before its slug or date changed;
    the article page answers it with a permanent redirect to the new one."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="redirects"
    )
    published_on = models.DateField(_("publication date"))
    slug = models.SlugField(_("slug"), max_length=255)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("old article address")
        verbose_name_plural = _("old article addresses")
        get_latest_by = "created_at"
        constraints = [
            models.UniqueConstraint(
                fields=["published_on", "slug"], name="articles_redirect_unique_address"
            ),
        ]

    def __str__(self):
        return f"{self.published_on:%Y/%m/%d}/{self.slug}"

    @classmethod
    def remember(cls, *, article, before):
        """Keep the old address of `article` if saving it moved a published
        story; `before` holds the slug, published_at and status it had."""
        if before["status"] != Article.Status.PUBLISHED:
            return  # a draft's address was never public
        # Addresses carry the day in the site's time zone (Europe/Minsk).
        zone = timezone.get_default_timezone()
        old_day = timezone.localtime(before["published_at"], zone).date()
        new_day = timezone.localtime(article.published_at, zone).date()
        if (old_day, before["slug"]) == (new_day, article.slug):
            return
        cls.objects.update_or_create(
            published_on=old_day, slug=before["slug"], defaults={"article": article}
        )


class ArticleView(models.Model):
    """One reader's counted view of a story, waiting to be added to its
    `view_count` (articles.view_counts). Kept after that for the dedup window,
    so the same reader is not counted again within it."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # A keyed hash of the reader's address and browser: no address is stored.
    reader = models.CharField(max_length=32)
    viewed_at = models.DateTimeField(default=timezone.now)
    added_to_count = models.BooleanField(default=False)

    class Meta:
        ordering = ("-viewed_at",)
        get_latest_by = "viewed_at"
        verbose_name = _("article view")
        verbose_name_plural = _("article views")
        indexes = [
            models.Index(
                fields=["article", "reader", "viewed_at"], name="articleview_reader_idx"
            ),
            models.Index(
                fields=["article"],
                condition=models.Q(added_to_count=False),
                name="articleview_pending_idx",
            ),
            models.Index(fields=["viewed_at"], name="articleview_viewed_idx"),
        ]

    def __str__(self):
        return f"{self.article_id} @ {self.viewed_at:%Y-%m-%d %H:%M}"
