import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand

from jobs import schedule


class Command(BaseCommand):
    help = (
        "The job worker: periodic jobs (edge purges, scheduled stories, view "
        "counts, source feeds) on a clock, and django-tasks' queue of one-off "
        "jobs (image renditions, one feed's fetch)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=0.5,
            help="Seconds between looks at an empty task queue (default 0.5).",
        )

    def handle(self, *args, interval, **options):
        stop = threading.Event()
        clock = threading.Thread(
            target=schedule.run_forever, args=(stop,), name="periodic-jobs", daemon=True
        )
        clock.start()
        try:
            # No autoreload: it would run a second clock in a parent process.
            call_command(
                "db_worker",
                interval=interval,
                reload=False,
                queue_name="*",
                verbosity=options["verbosity"],
            )
        finally:
            stop.set()
            clock.join(timeout=10)
