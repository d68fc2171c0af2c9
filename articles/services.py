from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from .models import Article, Event


def article_record_view(*, article: Article) -> None:
    """Count one reader's view of `article`.

    The database adds the one, so simultaneous readers are all counted; the
    in-memory copy is bumped too, so the page that counted the view shows it."""
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)
    article.view_count += 1


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
    if Article.objects.filter(event_id=event_id).count() < 2:
        # The foreign key's SET_NULL frees the last report.
        Event.objects.filter(pk=event_id).delete()
