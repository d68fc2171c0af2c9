from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from caching import keys
from caching.services import purge

from .models import Article, Event

# Article ids per statement when adding views (SQLite caps a query's variables).
ADD_VIEWS_CHUNK = 500


def articles_add_views(*, views: Mapping[int, int]) -> int:
    """Add `views` (article id -> views) to the articles' stored counts in one
    transaction; return how many were added (a deleted article's are dropped).

    The database does the adding, so flushes from several workers at once all
    count. Articles given the same number are updated by one statement, not
    one each: on SQLite the transaction holds the only write lock, which
    every reader's counted view waits for. Where rows can be locked, they
    are locked in id order first, so two flushes cannot deadlock; the lock
    is the one UPDATE takes (no key), so readers' counted views, whose rows
    refer to these, do not wait for it."""
    ids_by_count = defaultdict(list)
    for article_id, count in views.items():
        if count > 0:
            ids_by_count[count].append(article_id)
    articles = Article.objects.using(router.db_for_write(Article))
    added = 0
    with transaction.atomic(using=articles.db):
        if connections[articles.db].features.has_select_for_update:
            counted = sorted(pk for ids in ids_by_count.values() for pk in ids)
            for chunk in _chunks(counted):
                list(
                    articles.select_for_update(no_key=True)
                    .filter(pk__in=chunk)
                    .order_by("pk")
                    .values_list("pk", flat=True)
                )
        for count, ids in sorted(ids_by_count.items()):
            for chunk in _chunks(ids):
                updated = articles.filter(pk__in=chunk).update(
                    view_count=F("view_count") + count
                )
                added += count * updated
    return added


def _chunks(items):
    items = list(items)
    return [
        items[start : start + ADD_VIEWS_CHUNK]
        for start in range(0, len(items), ADD_VIEWS_CHUNK)
    ]


@transaction.atomic
def articles_link_as_same_event(*, articles: Iterable[Article]) -> Event:
    """Record that `articles` report the same event, and return the event.

    An article already linked brings its event's other reports along: linking
    A with B, where B reports an event with C, makes one event of A, B and C.
    When the articles belong to several events, these merge into the oldest."""
    articles = list(articles)
    # Locked, so two editors linking at once cannot leave an event behind.
    rows = Article.objects.select_for_update().filter(
        pk__in={article.pk for article in articles}
    )
    linked = dict(rows.values_list("pk", "event_id"))
    if len(linked) < 2:
        raise ValidationError(
            _("Choose at least two articles to link as the same event."),
            code="too_few",
        )
    event_ids = sorted({event_id for event_id in linked.values() if event_id})
    if event_ids:
        event, merged = Event.objects.get(pk=event_ids[0]), event_ids[1:]
    else:
        event, merged = Event.objects.create(), []
    Article.objects.filter(Q(pk__in=linked) | Q(event_id__in=merged)).update(
        event=event
    )
    # update() signals nothing, and every linked page now lists the others.
    purge(
        keys.article(pk)
        for pk in Article.objects.filter(event=event).values_list("pk", flat=True)
    )
    Event.objects.filter(pk__in=merged).delete()
    for article in articles:
        article.event = event
    return event


@transaction.atomic
def article_unlink_from_event(*, article: Article) -> None:
    """Take `article` out of the event it reports, if any.

    An event left with a single report is removed too: one source alone is not
    "also reported by" anyone."""
    event_id = (
        Article.objects.select_for_update()
        .filter(pk=article.pk)
        .values_list("event_id", flat=True)
        .first()
    )
    article.event = None
    if event_id is None:
        return
    Article.objects.filter(pk=article.pk).update(event=None)
    # As when linking: the other reports' pages change.
    others = Article.objects.filter(event_id=event_id).values_list("pk", flat=True)
    purge({keys.article(article.pk), *(keys.article(pk) for pk in others)})
    if Article.objects.filter(event_id=event_id).count() < 2:
        # The foreign key's SET_NULL frees the last report.
        Event.objects.filter(pk=event_id).delete()


@dataclass(frozen=True)
class BulkChange:
    """What a bulk action did: how many articles it changed, and how many
    were already as asked."""

    changed: int
    unchanged: int


def _bulk_change(articles, change, *, by) -> BulkChange:
    changed = unchanged = 0
    with transaction.atomic():
        # Locked, so a bulk action and an editor's save do not cross: the
        # editor whose form is now stale is told (see ArticleAdminForm).
        locked = (
            Article.objects.select_for_update()
            .filter(pk__in=[article.pk for article in articles])
            .order_by("pk")
        )
        for article in locked:
            if not change(article):
                unchanged += 1
                continue
            if by is not None:
                article.updated_by = by
                article._history_user = by
            article.full_clean()
            article.save()
            changed += 1
    return BulkChange(changed=changed, unchanged=unchanged)


def articles_publish(
    *, articles: Iterable[Article], at: datetime, by: AbstractBaseUser | None = None
) -> BulkChange:
    """Make articles public at `at`: drafts and scheduled stories get `at` as
    their publication time, and an expiry that has passed is cleared."""

    def publish(article: Article) -> bool:
        if article.is_published(at=at):
            return False
        if article.status == Article.Status.DRAFT or article.published_at > at:
            article.published_at = at
        article.status = Article.Status.PUBLISHED
        if article.expires_at is not None and article.expires_at <= at:
            article.expires_at = None
        return True

    return _bulk_change(articles, publish, by=by)


def articles_unpublish(
    *, articles: Iterable[Article], by: AbstractBaseUser | None = None
) -> BulkChange:
    """Take articles back to draft; their publication time is kept."""

    def unpublish(article: Article) -> bool:
        if article.status == Article.Status.DRAFT:
            return False
        article.status = Article.Status.DRAFT
        return True

    return _bulk_change(articles, unpublish, by=by)


def articles_feature(
    *, articles: Iterable[Article], featured: bool, by: AbstractBaseUser | None = None
) -> BulkChange:
    """Mark articles as featured (featured=True) or not (featured=False)."""

    def feature(article: Article) -> bool:
        if article.is_featured == featured:
            return False
        article.is_featured = featured
        return True

    return _bulk_change(articles, feature, by=by)


@transaction.atomic
def article_save_draft(*, article: Article, by: AbstractBaseUser | None) -> Article:
    """Keep `article`'s unsaved changes without making them public, and return
    the row as stored.

    A story that was never published is saved as a draft. A published or
    scheduled story keeps its public version untouched; the changes are kept
    beside it as its pending draft (a new hero image is stored, unused, until
    published). Either way the version moves on, so an editor's form opened
    before is refused."""
    if not article.has_public_version:
        article.status = Article.Status.DRAFT
        article.pending_draft = None
        _save_edit(article, by=by)
        return article
    if article.hero_image and not article.hero_image._committed:
        upload = article.hero_image
        upload.save(upload.name, upload.file, save=False)
    stored = Article.objects.select_for_update().get(pk=article.pk)
    stored.pending_draft = article.draft_content()
    stored.version = article.version
    stored.updated_by = by
    # The public text did not change: no revision of it to record.
    stored.skip_history_when_saving = True
    stored.save(update_fields=["pending_draft", "updated_by", "updated_at"])
    return stored


@transaction.atomic
def article_publish(
    *, article: Article, at: datetime | None, by: AbstractBaseUser | None
) -> Article:
    """Make `article`'s content (saved or not) its public version, replacing
    any pending draft: at `at` when given, else at its own publication time
    (scheduled when that is in the future)."""
    article.status = Article.Status.PUBLISHED
    if at is not None:
        article.published_at = at
    article.pending_draft = None
    _save_edit(article, by=by)
    return article


def _save_edit(article: Article, *, by: AbstractBaseUser | None) -> None:
    if by is not None:
        article.updated_by = by
        article._history_user = by
        if article.pk is None:
            article.created_by = by
    # A new story's slug is kept free by save() itself, which moves on to the
    # next one when another story saved at the same moment took it (two
    # editors, one title): checking it here first would refuse the second.
    article.full_clean(validate_unique=False)
    article.validate_unique(exclude=["slug"] if article._state.adding else None)
    article.save()
