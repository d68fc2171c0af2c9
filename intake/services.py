"""Taking in source feeds: each new item becomes a draft article of the
feed's organization, recognised when it comes again (intake.parsing's keys),
updated while nobody has touched it, and never published by a machine."""

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.events import same_event_suggestions
from articles.models import Article, Language, Organization
from articles.services import BulkChange, articles_publish

from . import fetching, parsing
from .models import IntakeItem, SourceFeed

logger = logging.getLogger(__name__)

# A fetch that started longer ago than this is taken to have died: the feed
# may be claimed again.
FETCH_STALE_AFTER = timedelta(minutes=5)
SUGGESTIONS_KEPT = 5
LANGUAGES = set(Language.values)


class Outcome:
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class FeedResult:
    feed: SourceFeed
    status: str  # a SourceFeed.Status, or BUSY
    new: int = 0
    updated: int = 0
    error: str = ""

    BUSY = "busy"

    @property
    def skipped(self):
        return self.status in (
            SourceFeed.Status.NOT_MODIFIED,
            SourceFeed.Status.UNCHANGED,
            self.BUSY,
        )

    @property
    def failed(self):
        return self.status == SourceFeed.Status.FAILED

    def describe(self):
        """One line for the command's progress (in English, like its summary)."""
        if self.failed:
            return f"failed: {self.error}"
        if self.status == self.BUSY:
            return "skipped: another fetch of it is running"
        if self.status == SourceFeed.Status.NOT_MODIFIED:
            return "skipped: not modified"
        if self.status == SourceFeed.Status.UNCHANGED:
            return "skipped: unchanged"
        return f"{self.new} new, {self.updated} updated"


@dataclass
class FetchSummary:
    feeds: int = 0
    new: int = 0
    updated: int = 0
    skipped: int = 0
    failed: int = 0

    def add(self, result: FeedResult) -> None:
        self.feeds += 1
        self.new += result.new
        self.updated += result.updated
        self.skipped += result.skipped
        self.failed += result.failed

    def __str__(self):
        return (
            f"fetch_sources: {self.feeds} feeds, {self.new} new, "
            f"{self.updated} updated, {self.skipped} skipped, {self.failed} failed"
        )


# --- Fetching a feed --------------------------------------------------------------


def feed_fetch(*, feed: SourceFeed, now: datetime | None = None) -> FeedResult:
    """Fetch `feed` and take in its items, unless another fetch of it is
    running. Any failure is recorded on the feed's row and returned; it is
    never raised, so one feed cannot stop the others."""
    now = now or timezone.now()
    claimed = (
        SourceFeed.objects.filter(pk=feed.pk)
        .claimable(now=now, stale_after=FETCH_STALE_AFTER)
        .update(fetching_since=now)
    )
    if not claimed:
        return FeedResult(feed=feed, status=FeedResult.BUSY)
    try:
        return _fetch_claimed(feed, now=now)
    except Exception as error:  # a bug or an outage must not stop other feeds
        logger.exception("Fetching source feed %s failed", feed.pk)
        return _record_failure(feed, now=now, error=f"{type(error).__name__}: {error}")
    finally:
        SourceFeed.objects.filter(pk=feed.pk, fetching_since=now).update(
            fetching_since=None
        )


def _record(feed, **fields):
    # update(), not save(): an editor's change to the feed's own fields
    # during the fetch is kept.
    SourceFeed.objects.filter(pk=feed.pk).update(**fields)
    for name, value in fields.items():
        setattr(feed, name, value)


def _record_failure(feed, *, now, error):
    _record(
        feed,
        last_fetched_at=now,
        last_status=SourceFeed.Status.FAILED,
        last_error=error[:2000],
        last_new_count=0,
        last_updated_count=0,
    )
    return FeedResult(feed=feed, status=SourceFeed.Status.FAILED, error=error)


def _fetch_claimed(feed, *, now):
    try:
        response = fetching.fetch(
            feed.url, etag=feed.etag, last_modified=feed.last_modified
        )
        skipped = {
            "last_fetched_at": now,
            "last_success_at": now,
            "last_error": "",
            "last_new_count": 0,
            "last_updated_count": 0,
        }
        if response.not_modified:
            _record(feed, last_status=SourceFeed.Status.NOT_MODIFIED, **skipped)
            return FeedResult(feed=feed, status=SourceFeed.Status.NOT_MODIFIED)
        body_hash = hashlib.sha256(response.body).hexdigest()
        validators = {"etag": response.etag, "last_modified": response.last_modified}
        if body_hash == feed.body_hash:
            _record(
                feed, last_status=SourceFeed.Status.UNCHANGED, **skipped, **validators
            )
            return FeedResult(feed=feed, status=SourceFeed.Status.UNCHANGED)
        parsed = parsing.parse_feed(response.body)
    except (fetching.FetchError, parsing.FeedError) as error:
        return _record_failure(feed, now=now, error=str(error))

    counts = {Outcome.NEW: 0, Outcome.UPDATED: 0, Outcome.UNCHANGED: 0}
    refused = []
    seen = set()
    for item in parsed.items:
        if item.guid and item.guid in seen:
            continue  # listed twice in one feed: its first version is taken
        seen.add(item.guid)
        try:
            outcome = item_take_in(
                feed=feed, item=item, feed_language=parsed.language, now=now
            )
        except ValidationError as error:
            refused.append(f"{item.guid[:100]}: {'; '.join(error.messages)}")
            continue
        counts[outcome] += 1
    _record(
        feed,
        last_fetched_at=now,
        last_success_at=now,
        last_status=SourceFeed.Status.FETCHED,
        last_error="\n".join([f"{len(refused)} items refused:", *refused])[:2000]
        if refused
        else "",
        last_item_count=len(parsed.items),
        last_new_count=counts[Outcome.NEW],
        last_updated_count=counts[Outcome.UPDATED],
        body_hash=body_hash,
        **validators,
    )
    return FeedResult(
        feed=feed,
        status=SourceFeed.Status.FETCHED,
        new=counts[Outcome.NEW],
        updated=counts[Outcome.UPDATED],
    )


# --- Taking in one item -----------------------------------------------------------


def article_hash(article: Article) -> str:
    """A digest of what intake writes to an article: it differs from the one
    taken at intake once anyone changes the story (or publishes it)."""
    parts = [
        article.title,
        article.lead,
        article.body,
        article.source_url,
        article.published_at.astimezone(UTC).isoformat(),
        article.language,
        article.status,
        str(article.organization_id),
        article.byline,
        article.dateline,
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _language(item, *, feed, feed_language):
    for candidate in (item.language, feed_language, feed.language):
        if candidate in LANGUAGES:
            return candidate
    return settings.LANGUAGE_CODE


def _payload(item, *, feed, feed_language):
    """The article's fields from `item`, as JSON can hold them. An item
    without a date leaves the article's publication time as it is."""
    payload = {
        "title": item.title,
        "lead": item.lead,
        "body": item.body,
        # An address longer than the article's field is kept on the item only.
        "source_url": item.link if len(item.link) <= 500 else "",
        "language": _language(item, feed=feed, feed_language=feed_language),
    }
    if item.published_at is not None:
        payload["published_at"] = item.published_at.isoformat()
    return payload


def _apply(article, payload):
    for name, value in payload.items():
        setattr(article, name, value)
    if "published_at" in payload:
        article.published_at = datetime.fromisoformat(payload["published_at"])
    article.full_clean(exclude=["slug"])
    article.save()


@transaction.atomic
def item_take_in(
    *, feed: SourceFeed, item: parsing.Item, feed_language: str, now: datetime
) -> str:
    """Make a draft of `item`, or update the draft it made before; return
    Outcome.NEW, UPDATED or UNCHANGED. Raise ValidationError if the item
    cannot make a valid article."""
    organization = feed.organization
    # One item at a time per organization: the same item arriving through two
    # feeds at once must still make a single article.
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    keys = parsing.identity_keys(item, zone=timezone.get_default_timezone())
    matches = IntakeItem.objects.matching(organization=organization, keys=keys)
    payload = _payload(item, feed=feed, feed_language=feed_language)
    if not matches:
        if item.withdrawn:
            return Outcome.UNCHANGED  # withdrawn before we ever saw it
        written = _written_by_hand(organization, item)
        if written is not None:
            _create_record(feed=feed, item=item, keys=keys, article=written, now=now)
            return Outcome.UNCHANGED
        _create(feed=feed, item=item, keys=keys, payload=payload, now=now)
        return Outcome.NEW

    record = matches[0]
    adopted = record.feed_id is None
    if adopted:
        record.feed = feed  # its feed was removed; this one takes it over
    # Another feed of the organization carrying the same story: the feed that
    # brought it keeps it, so two versions never overwrite each other.
    if record.feed_id != feed.pk:
        return Outcome.UNCHANGED
    if record.item_hash == item.digest:
        if adopted:
            record.save(update_fields=["feed"])
        return Outcome.UNCHANGED
    record.item_hash = item.digest
    record.last_changed_at = now
    for field, value in keys.items():
        setattr(record, field, value or getattr(record, field))
    if item.withdrawn:
        record.withdrawn_at = record.withdrawn_at or now
        record.withdrawal_seen = False
        record.save()
        return Outcome.UPDATED
    record.withdrawn_at = None  # the source put it back
    if record.article_id is None:  # discarded by an editor
        record.save()
        return Outcome.UNCHANGED
    article = Article.objects.select_for_update().get(pk=record.article_id)
    if article.status == Article.Status.DRAFT and article_hash(article) == (
        record.article_hash
    ):
        _apply(article, payload)
        record.article_hash = article_hash(article)
        record.offered_update = None
    else:
        record.offered_update = payload
    record.source_url = item.link
    record.source_published_at = item.published_at
    record.save()
    return Outcome.UPDATED


def _written_by_hand(organization, item):
    """The organization's article an editor already made of `item` (its
    source URL is the item's link), if intake has not taken it in yet."""
    if not item.link:
        return None
    links = {item.link, item.link.rstrip("/"), item.link.rstrip("/") + "/"}
    return (
        Article.objects.filter(organization=organization, source_url__in=links)
        .filter(intake__isnull=True)
        .order_by("pk")
        .first()
    )


def _create(*, feed, item, keys, payload, now):
    article = Article(
        organization=feed.organization, status=Article.Status.DRAFT, published_at=now
    )
    _apply(article, payload)
    _create_record(
        feed=feed,
        item=item,
        keys=keys,
        article=article,
        now=now,
        article_hash=article_hash(article),
        same_event_suggestions=[
            {"article": suggestion.article.pk, "score": suggestion.score}
            for suggestion in same_event_suggestions(
                article=article, limit=SUGGESTIONS_KEPT
            )
        ],
    )


def _create_record(*, feed, item, keys, article, now, **fields):
    """The item's provenance. Without an `article_hash` (an article written
    by hand) the source's updates are only ever offered."""
    IntakeItem.objects.create(
        organization=feed.organization,
        feed=feed,
        article=article,
        source_url=item.link,
        source_published_at=item.published_at,
        first_fetched_at=now,
        last_changed_at=now,
        item_hash=item.digest,
        **keys,
        **fields,
    )


# --- The editor's decisions ---------------------------------------------------------


def intake_item_publish(*, item: IntakeItem, by: AbstractBaseUser) -> BulkChange:
    """Publish the item's draft now: the one way an intake story goes public."""
    return articles_publish(articles=[item.article], at=timezone.now(), by=by)


@transaction.atomic
def intake_item_discard(*, item: IntakeItem) -> None:
    """Delete the item's draft; the item is kept, so the source's copy is
    recognised and not taken in again."""
    article = Article.objects.select_for_update().get(pk=item.article_id)
    if article.status != Article.Status.DRAFT:
        raise ValidationError(
            _("A published story is not discarded: unpublish it first."),
            code="published",
        )
    item.article = None
    item.discarded_at = timezone.now()
    item.offered_update = None
    item.save()
    article.delete()


@transaction.atomic
def intake_item_apply_update(
    *, item: IntakeItem, by: AbstractBaseUser | None = None
) -> None:
    """Write the source's offered update over the item's article."""
    if not item.offered_update:
        raise ValidationError(_("The source offers no update."), code="no_update")
    article = Article.objects.select_for_update().get(pk=item.article_id)
    if by is not None:
        article.updated_by = by
        article._history_user = by
    _apply(article, item.offered_update)
    item.article_hash = article_hash(article)
    item.offered_update = None
    item.save()


def intake_item_dismiss(*, item: IntakeItem) -> None:
    """Keep the article as it is: drop the offered update and the
    withdrawal flag from the queue."""
    item.offered_update = None
    item.withdrawal_seen = True
    item.save(update_fields=["offered_update", "withdrawal_seen"])
