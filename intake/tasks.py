"""The job worker's share of intake: every five minutes (NEWSROOM_PERIODIC_JOBS)
one job per active feed; a feed already being fetched is left to that fetch."""

from django.utils import timezone
from django_tasks import task

from .models import SourceFeed
from .services import FETCH_STALE_AFTER, feed_fetch


@task()
def fetch_source(feed_id: int) -> str:
    feed = SourceFeed.objects.select_related("organization").filter(pk=feed_id).first()
    if feed is None or not feed.active:
        return "gone"
    return str(feed_fetch(feed=feed).status)


def enqueue_due_fetches(previous=None):
    """Enqueue a fetch of every active feed that is not being fetched."""
    feeds = SourceFeed.objects.active().claimable(
        now=timezone.now(), stale_after=FETCH_STALE_AFTER
    )
    for feed_id in feeds.values_list("pk", flat=True):
        fetch_source.enqueue(feed_id)
