from django.core.management.base import BaseCommand, CommandError

from articles.models import Organization
from intake.models import SourceFeed
from intake.services import FetchSummary, feed_fetch


class Command(BaseCommand):
    help = (
        "Fetch every active source feed (or one organization's) and take in "
        "their new and changed items as draft articles. Ends with the line "
        "'fetch_sources: F feeds, N new, U updated, S skipped, E failed': "
        "items new and updated, feeds skipped (not modified, unchanged or "
        "being fetched) and failed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--organization", metavar="SLUG", help="Only this organization's feeds."
        )

    def handle(self, *args, organization=None, **options):
        feeds = SourceFeed.objects.active().select_related("organization")
        if organization is not None:
            if not Organization.objects.filter(slug=organization).exists():
                raise CommandError(f"No organization with the slug {organization!r}.")
            feeds = feeds.filter(organization__slug=organization)
        summary = FetchSummary()
        for feed in feeds.order_by("organization__slug", "pk"):
            result = feed_fetch(feed=feed)
            summary.add(result)
            style = self.style.ERROR if result.failed else str
            self.stdout.write(
                style(f"{feed.organization.slug} {feed.url}: {result.describe()}")
            )
        self.stdout.write(str(summary))
