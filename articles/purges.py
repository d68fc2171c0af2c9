"""What a change to stories or their sources makes stale, by surrogate key
(caching.keys): purged in the transaction of the change, at the edge once
it commits. Editing one story leaves every other story's page cached."""

from datetime import timedelta

from django.db.models import F, Q
from django.utils import timezone

from caching import keys
from caching.services import purge

from .models import Article

# Fields whose change moves a story between lists or within them.
LIST_FIELDS = (
    "status",
    "published_at",
    "expires_at",
    "organization_id",
    "language",
    "is_featured",
    "event_id",
    "slug",
)
TEXT_FIELDS = ("title", "lead", "body")


def _shows_publicly(values, now):
    """True when readers see the story now or will at a scheduled time."""
    return values["status"] == Article.Status.PUBLISHED and (
        values["expires_at"] is None or values["expires_at"] > now
    )


def article_keys(article, before=None, *, deleted=False):
    """The keys whose pages change when `article` changes from `before` (its
    PUBLIC_FIELDS as they were; None for a new story) to what it is now."""
    now = timezone.now()
    after = {field: getattr(article, field) for field in Article.PUBLIC_FIELDS}
    stale = {keys.article(article.pk)}
    shown_before = before is not None and _shows_publicly(before, now)
    shown_after = not deleted and _shows_publicly(after, now)
    if not (shown_before or shown_after):
        return stale  # a draft: readers never saw it, and will not yet
    changed = (
        set(Article.PUBLIC_FIELDS)
        if before is None or deleted
        else {field for field in Article.PUBLIC_FIELDS if before[field] != after[field]}
    )
    if shown_before != shown_after or changed & set(LIST_FIELDS):
        stale |= {keys.ARTICLE_LISTS, keys.ARTICLE_SEARCHES}
        for values in (before, after):
            if values is not None:
                stale.add(keys.organization_articles(values["organization_id"]))
    if changed & set(TEXT_FIELDS):
        stale.add(keys.ARTICLE_SEARCHES)
    # Other reports of the same event list this one under "Also reported by".
    events = {values["event_id"] for values in (before, after) if values} - {None}
    if events:
        others = Article.objects.filter(event_id__in=events).exclude(pk=article.pk)
        stale |= {keys.article(pk) for pk in others.values_list("pk", flat=True)}
    return stale


def article_saved(sender, instance, **kwargs):
    purge(article_keys(instance, getattr(instance, "_before_save", None)))


def article_deleted(sender, instance, **kwargs):
    before = {field: getattr(instance, field) for field in Article.PUBLIC_FIELDS}
    purge(article_keys(instance, before, deleted=True))


def organization_changed(sender, instance, **kwargs):
    purge(
        {
            keys.organization(instance.pk),
            keys.organization_articles(instance.pk),
            keys.ORGANIZATIONS,
        }
    )


def articles_changed(article_ids):
    """For writes that bypass save() (update()): purge these stories and
    every list."""
    purge(
        {keys.ARTICLE_LISTS, keys.ARTICLE_SEARCHES}
        | {keys.article(pk) for pk in article_ids}
    )


def purge_due_changes(*, previous=None):
    """Purge the stories whose scheduled publication or expiry came since
    `previous` (the last run; a minute back after a restart). Run by the job
    worker's clock, so they appear and disappear at their moment."""
    now = timezone.now()
    since = previous or now - timedelta(minutes=1)
    # Only moments after a story's last save: a save at or after its moment
    # purged what it changed already.
    due = Article.objects.filter(
        Q(
            status=Article.Status.PUBLISHED,
            published_at__gt=since,
            published_at__lte=now,
        )
        & Q(published_at__gt=F("updated_at"))
        | Q(expires_at__gt=since, expires_at__lte=now)
        & Q(expires_at__gt=F("updated_at"))
    ).values_list("pk", "organization_id")
    due = list(due)
    if due:
        purge(
            {keys.ARTICLE_LISTS, keys.ARTICLE_SEARCHES}
            | {keys.article(pk) for pk, _ in due}
            | {keys.organization_articles(org) for _, org in due}
        )
    return len(due)


def next_scheduled_change(queryset=None):
    """When the next scheduled story appears or a public one expires (None
    when nothing is due): shared caches keep lists no longer than that."""
    queryset = Article.objects.all() if queryset is None else queryset
    now = timezone.now()
    coming = (
        queryset.filter(status=Article.Status.PUBLISHED, published_at__gt=now)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    expiring = (
        queryset.published()
        .filter(expires_at__isnull=False)
        .order_by("expires_at")
        .values_list("expires_at", flat=True)
        .first()
    )
    return min(filter(None, (coming, expiring)), default=None)
