from django.core.management.base import BaseCommand, CommandError

from articles import view_counts


class Command(BaseCommand):
    help = (
        "Add the article views waiting in the database to the articles' "
        "counts now. The job worker does this every "
        "NEWSROOM_VIEW_FLUSH_SECONDS; pages show waiting views already."
    )

    def handle(self, *args, **options):
        try:
            written = view_counts.flush()
        except Exception as error:
            # The views stay pending; the next flush writes them.
            raise CommandError(f"Could not write the view counts: {error}") from error
        noun = "view" if written == 1 else "views"
        self.stdout.write(f"Wrote {written} {noun} to the database.")
