"""Article views, counted in the database.

A reader is the client's address plus its browser (User-Agent), hashed with
the site's secret; no cookie, since pages are shared by caches. Each reader
is counted once per article within NEWSROOM_VIEW_DEDUP_SECONDS (30 minutes),
self-declared crawlers not at all. A counted view is a row (`ArticleView`),
written by the request that counts it: the edge's uncached include
(`articles:views`) behind Varnish, the article page itself without an edge.
No worker keeps views in its memory, so a worker's death or a cache restart
loses none, and every worker and machine sees the same number.

The job worker adds the waiting rows to `Article.view_count` in batches
(`flush`, every NEWSROOM_VIEW_FLUSH_SECONDS), so the article's own row is
not written on every view; the number shown is that count plus the views
still waiting, read in one query, so it is never behind."""

import functools
import hashlib
import re
import weakref
from datetime import UTC, datetime, timedelta

from crawleruseragents import CRAWLER_USER_AGENTS_DATA
from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import Count, Exists, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import localize
from django.utils.translation import ngettext

from monitoring.addresses import client_ip_address

from .models import Article, ArticleView
from .services import articles_add_views

USER_AGENT_MATCH_LENGTH = 512

# Generic HTTP clients and headless browsers appear in the crawler list, but
# behind them are people's scripts, apps, feed readers and browser tests, not
# self-declared crawlers: every pattern that matches one of these is dropped,
# so they are counted.
HTTP_CLIENTS = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/130.0.0.0 Safari/537.36",
    "curl/8.5.0",
    "Wget/1.21.4",
    "python-requests/2.32.3",
    "python-httpx/0.27.0",
    "Python/3.12 aiohttp/3.9.5",
    "Python-urllib/3.12",
    "Go-http-client/2.0",
    "okhttp/4.12.0",
    "Java/21.0.2",
    "Apache-HttpClient/4.5.14 (Java/17.0.2)",
    "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
    "axios/1.7.2",
    "libwww-perl/6.72",
    "HTTPie/3.2.2",
)


# --- Who is reading ---------------------------------------------------------------


@functools.cache
def _crawler_pattern():
    patterns = [
        entry["pattern"]
        for entry in CRAWLER_USER_AGENTS_DATA
        if not any(re.search(entry["pattern"], client) for client in HTTP_CLIENTS)
    ]
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns))


@functools.lru_cache(maxsize=4096)
def _matches_crawler(user_agent):
    return _crawler_pattern().search(user_agent) is not None


def is_crawler(user_agent: str) -> bool:
    """Return True if `user_agent` declares a crawler (Googlebot, bingbot,
    facebookexternalhit...). HTTP libraries and an empty header are not."""
    return bool(user_agent) and _matches_crawler(user_agent[:USER_AGENT_MATCH_LENGTH])


def primary(model):
    """The model's rows where views are written: a replica that lags would
    forget a reader just counted, or show a count behind."""
    return model.objects.db_manager(router.db_for_write(model))


def reader_of(request) -> str:
    user_agent = request.headers.get("User-Agent", "")[:USER_AGENT_MATCH_LENGTH]
    # Keyed with the secret, so the stored hashes cannot be matched against
    # every IPv4 address to learn who read what.
    secret = hashlib.blake2b(
        settings.SECRET_KEY.encode(), digest_size=32, person=b"newsroom-views"
    ).digest()
    reader = f"{client_ip_address(request) or ''}\n{user_agent}".encode()
    return hashlib.blake2b(reader, digest_size=16, key=secret).hexdigest()


# Placeholders for the parameters of the counting query (see _counting_sql).
_ARTICLE = -7_294_310_553
_READER = "reader-placeholder"
_NOW = datetime(1970, 1, 2, 3, 4, 5, 678_901, tzinfo=UTC)
_SINCE = datetime(1970, 1, 1, 2, 3, 4, 567_890, tzinfo=UTC)


def with_total_views(queryset):
    """Annotate `total_views`: the stored count plus the views waiting."""
    waiting = (
        ArticleView.objects.filter(article=OuterRef("pk"), added_to_count=False)
        .order_by()
        .values("article")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(
        total_views=F("view_count") + Coalesce(Subquery(waiting), Value(0))
    )


@functools.cache
def _counting_sql(alias):
    """The SQL of one query answering, for a public article, its total views
    and whether a reader was counted since a moment, with the positions of its
    parameters. Every view runs it, and building it through the ORM costs
    several times more than running it, so the ORM builds it once per process
    and database, from placeholders found again among its parameters as the
    database's own adapters wrote them."""
    connection = connections[alias]
    seen = ArticleView.objects.filter(
        article=OuterRef("pk"), reader=_READER, viewed_at__gte=_SINCE
    )
    queryset = (
        with_total_views(
            Article.objects.db_manager(alias).published(at=_NOW).filter(pk=_ARTICLE)
        )
        .annotate(seen=Exists(seen))
        .order_by()
        .values_list("total_views", "seen")
    )
    sql, params = queryset.query.get_compiler(alias).as_sql()
    adapt = connection.ops.adapt_datetimefield_value
    placeholders = {
        _ARTICLE: "article",
        _READER: "reader",
        adapt(_NOW): "now",
        adapt(_SINCE): "since",
    }
    slots = tuple(placeholders.get(param) for param in params)
    return sql, params, slots


def _count_and_seen(article_id, reader, *, now):
    """(total views, whether `reader` was counted in the dedup window) of a
    public article; None when the public cannot see it. On the primary: a
    replica that lags would forget a reader just counted, or show a count
    behind."""
    alias = router.db_for_write(ArticleView)
    operations = connections[alias].ops
    # An id the column cannot hold names no article (the ORM's own lookups
    # answer nothing for it; the database would refuse it).
    low, high = operations.integer_field_range(Article._meta.pk.get_internal_type())
    if not low <= article_id <= high:
        return None
    adapt = operations.adapt_datetimefield_value
    since = now - timedelta(seconds=settings.NEWSROOM_VIEW_DEDUP_SECONDS)
    values = {
        "article": article_id,
        "reader": reader,
        "now": adapt(now),
        "since": adapt(since),
    }
    row = _run_counting(connections[alias], values)
    return None if row is None else (row[0], bool(row[1]))


# The counting query's name on a PostgreSQL connection, and the connections
# (the driver's own, which a reconnection replaces) where it is prepared.
PREPARED_COUNTING = "newsroom_count_views"
_prepared_on = weakref.WeakSet()


def _run_counting(connection, values):
    """The counting query's row for `values`. PostgreSQL plans a query anew
    each time it is sent, which for this one costs more than running it, so
    there it is prepared once per connection and then executed by name;
    SQLite's driver keeps its statements prepared itself."""
    sql, params, slots = _counting_sql(connection.alias)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(
                sql,
                [
                    values[slot] if slot else param
                    for param, slot in zip(params, slots, strict=True)
                ],
            )
            return cursor.fetchone()
        from psycopg2.extensions import AsIs

        numbers = {}
        # The fixed parameters written in; each variable one becomes $n.
        written = [
            param
            if slot is None
            else AsIs(f"${numbers.setdefault(slot, len(numbers) + 1)}")
            for param, slot in zip(params, slots, strict=True)
        ]
        if connection.connection not in _prepared_on:
            statement = connection.ops.compose_sql(sql, written)
            cursor.execute(f"PREPARE {PREPARED_COUNTING} AS {statement}")
            _prepared_on.add(connection.connection)
        cursor.execute(
            f"EXECUTE {PREPARED_COUNTING}({', '.join(['%s'] * len(numbers))})",
            [values[slot] for slot in numbers],
        )
        return cursor.fetchone()


def count_view(request, article_id: int) -> int | None:
    """Count this reader's view of a public article, unless it is a
    crawler's or the reader was counted within the dedup window. Return the
    number to show, this view included; None when the public cannot see the
    article."""
    now = timezone.now()
    reader = reader_of(request)
    found = _count_and_seen(article_id, reader, now=now)
    if found is None:
        return None
    total, seen = found
    if seen or is_crawler(request.headers.get("User-Agent", "")):
        return total
    primary(ArticleView).create(article_id=article_id, reader=reader, viewed_at=now)
    return total + 1


def total_views(article_id: int) -> int | None:
    """The number to show for a public article; None when there is none."""
    found = _count_and_seen(article_id, "", now=timezone.now())
    return None if found is None else found[0]


# Views added to the counts per transaction: small enough that, on SQLite,
# readers' counted views waiting for the write lock get it between batches.
FLUSH_BATCH = 1_000


def flush(*, previous=None) -> int:
    """Add the waiting views to their articles' counts, a batch per
    transaction; forget views older than the dedup window. Return how many
    were added. Run by the job worker's clock; two at once count each view
    once (rows are locked and skipped on PostgreSQL, writes serialised on
    SQLite)."""
    added = 0
    while True:
        with transaction.atomic():
            ids = list(
                ArticleView.objects.select_for_update(skip_locked=True)
                .filter(added_to_count=False)
                .order_by("pk")
                .values_list("pk", flat=True)[:FLUSH_BATCH]
            )
            batch = ArticleView.objects.filter(pk__in=ids, added_to_count=False)
            per_article = dict(
                batch.order_by()
                .values("article_id")
                .annotate(n=Count("pk"))
                .values_list("article_id", "n")
            )
            batch.update(added_to_count=True)
            added += articles_add_views(views=per_article)
        if len(ids) < FLUSH_BATCH:
            break
    forget_before = timezone.now() - timedelta(
        seconds=settings.NEWSROOM_VIEW_DEDUP_SECONDS
    )
    ArticleView.objects.filter(
        added_to_count=True, viewed_at__lt=forget_before
    ).delete()
    return added


def view_count_label(count: int) -> str:
    """The "N views" text of an article page, translated."""
    return ngettext("%(counter)s view", "%(counter)s views", count) % {
        "counter": localize(count)
    }
