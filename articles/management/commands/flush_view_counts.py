from django.core.management.base import BaseCommand, CommandError

from articles import view_counts


class Command(BaseCommand):
    help = (
        "Write the article views counted in Redis but not yet in the database. "
        "The site does this itself every NEWSROOM_VIEW_FLUSH_SECONDS; run it "
        "before a Redis restart or from cron on a quiet site. Without "
        "REDIS_URL, views are held by each server process, which flushes its "
        "own, so there is nothing here to write."
    )

    def handle(self, *args, **options):
        try:
            written = view_counts.flush()
        except Exception as error:
            # The views stay pending; the next flush writes them.
            raise CommandError(f"Could not write the view counts: {error}") from error
        noun = "view" if written == 1 else "views"
        self.stdout.write(f"Wrote {written} {noun} to the database.")
