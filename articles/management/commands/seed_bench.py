"""Fill the database with synthetic news for benchmarks and load tests."""

import argparse
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from articles.bench_content import BENCH_SLUG_PREFIX, ArticleWriter, organization_rows
from articles.models import Article, Organization
from caching import keys
from caching.services import purge


def positive_int(text):
    try:
        value = int(text)
    except (TypeError, ValueError):
        raise argparse.ArgumentTypeError(
            f"expected a whole number of at least 1, not {text!r}"
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(
            f"expected a whole number of at least 1, not {value}"
        )
    return value


def bench_articles():
    return Article.objects.filter(organization__slug__startswith=BENCH_SLUG_PREFIX)


class Progress:
    """A one-line progress bar on a command's OutputWrapper (one line per
    tenth of the work when it is not a terminal, e.g. in CI logs)."""

    def __init__(self, total, stream, width=30):
        self.total, self.stream, self.width = total, stream, width
        self.started = time.monotonic()
        self.tty = stream.isatty()
        self.next_tenth = 1

    def update(self, done):
        elapsed = time.monotonic() - self.started
        rate = done / elapsed if elapsed else 0
        eta = (self.total - done) / rate if rate else 0
        filled = self.width * done // self.total
        line = (
            f"[{'#' * filled}{'.' * (self.width - filled)}] "
            f"{done:,}/{self.total:,} articles, {rate:,.0f}/s, "
            f"{elapsed:.0f}s elapsed, ~{eta:.0f}s left"
        )
        if self.tty:
            self.stream.write("\r" + line, ending="\n" if done == self.total else "")
        elif done * 10 >= self.next_tenth * self.total:
            self.stream.write(line)
            self.next_tenth = done * 10 // self.total + 1
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Create synthetic articles for benchmarks: N articles in three languages "
        "from about 50 organizations (slugs start with 'bench-'), ten years of "
        "dates, 3% drafts, 2% scheduled, 2% featured. Tops up to N: bench "
        "articles already there count, so running it twice adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--articles",
            type=positive_int,
            required=True,
            help="How many bench articles there should be.",
        )
        parser.add_argument(
            "--organizations",
            type=positive_int,
            default=50,
            help="How many bench organizations to spread them over (default 50).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=2023,
            help="Random seed: the same seed gives the same text (default 2023).",
        )
        parser.add_argument(
            "--batch-size",
            type=positive_int,
            default=2000,
            help="Articles built and inserted per transaction (default 2000).",
        )
        parser.add_argument(
            "--fresh",
            action="store_true",
            help="Delete existing bench articles and organizations first.",
        )

    def handle(self, *args, **options):
        wanted = options["articles"]
        if options["fresh"]:
            deleted, _ = bench_articles().delete()
            Organization.objects.filter(slug__startswith=BENCH_SLUG_PREFIX).delete()
            self.stdout.write(f"Deleted {deleted:,} bench rows.")
        existing = bench_articles().count()
        if existing >= wanted:
            self.stdout.write(
                f"{existing:,} bench articles already exist; nothing to do."
            )
            return

        organizations = self._organizations(options["organizations"], options["seed"])
        to_make = wanted - existing
        started = time.monotonic()
        try:
            self._create(
                organizations,
                start=existing,
                stop=wanted,
                seed=options["seed"],
                batch_size=options["batch_size"],
            )
        except IntegrityError as error:
            raise CommandError(
                f"Could not insert bench articles ({error}). Bench articles were "
                "probably deleted by hand; run again with --fresh."
            ) from error
        self._analyze()
        # bulk_create signals nothing: cached pages must learn of the news.
        purge({keys.SITE})
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {to_make:,} bench articles in {elapsed:.1f}s "
                f"({to_make / elapsed:,.0f}/s); {wanted:,} in total."
            )
        )

    def _analyze(self):
        """Refresh PostgreSQL's planner statistics and visibility map after
        the bulk load.

        Without statistics the planner still believes the table is as small
        as before and picks plans that crawl at 100,000 rows; without the
        visibility map no count can be answered from an index alone.
        Autovacuum would catch up eventually, or never on a server where it
        is switched off."""
        if connection.vendor != "postgresql":
            return
        tables = (Article._meta.db_table, Organization._meta.db_table)
        # VACUUM cannot run inside a transaction (a caller's, or a test's).
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        with connection.cursor() as cursor:
            cursor.execute(
                f"{command} " + ", ".join(connection.ops.quote_name(t) for t in tables)
            )

    def _organizations(self, count, seed):
        rows = organization_rows(count, random.Random(seed))
        have = set(
            Organization.objects.filter(
                slug__in=[row["slug"] for row in rows]
            ).values_list("slug", flat=True)
        )
        Organization.objects.bulk_create(
            Organization(**row) for row in rows if row["slug"] not in have
        )
        by_slug = Organization.objects.in_bulk(
            [row["slug"] for row in rows], field_name="slug"
        )
        # Keep the generated order: it decides which source publishes most.
        return [by_slug[row["slug"]] for row in rows]

    def _create(self, organizations, *, start, stop, seed, batch_size):
        # Seeded by the starting point too, so a top-up does not repeat text.
        writer = ArticleWriter(f"{seed}:{start}", timezone.now(), organizations)
        progress = Progress(stop - start, self.stderr)
        for batch_start in range(start, stop, batch_size):
            batch_stop = min(batch_start + batch_size, stop)
            # One batch of instances at a time keeps memory flat at any N.
            batch = [
                Article(**writer.article(index))
                for index in range(batch_start, batch_stop)
            ]
            with transaction.atomic():
                Article.objects.bulk_create(batch)
            progress.update(batch_stop - start)
