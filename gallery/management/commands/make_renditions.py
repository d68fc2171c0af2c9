from django.core.management.base import BaseCommand

from gallery.services import renditions_refresh


class Command(BaseCommand):
    help = (
        "Make the responsive renditions (several widths, WebP and JPEG or PNG) "
        "of every stored photo, hero image and logo that lacks them: images "
        "uploaded before renditions existed, restored without them, or whose "
        "job failed. The job worker makes each upload's; this is for what "
        "came another way."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            dest="everything",
            help="Make them again for every image, e.g. after the widths changed.",
        )

    def handle(self, *args, everything=False, **options):
        count = renditions_refresh(everything=everything)
        self.stdout.write(f"Renditions made for {count} image(s).")
