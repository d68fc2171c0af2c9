"""`make bench`: what readers get, through the edge, in one run on one machine.

1. Migrates, collects static files and seeds BENCH_ARTICLES articles (skipped
   when enough bench articles exist) in DATABASE_URL, or in bench/bench.sqlite3
   so the demo database is never touched.
2. Chooses, inside Django, the pages: home, /news/, the biggest source's
   list, an article from the middle of the archive, a list of article URLs
   nobody asked for yet (the long tail), a mix of public pages, and the
   newest stories, which are saved.
3. Starts gunicorn (gunicorn.conf.py, debug off, bench.settings: the site plus
   the ceiling `/__ceiling__/<bytes>/`, a page of that size with no database),
   a second gunicorn for the view-count includes (as `make serve` runs them),
   the job worker, Varnish with edge/default.vcl in front of both, and nginx
   serving static files as big as the pages, each on a loopback port. The
   site purges the edge (NEWSROOM_EDGE_PURGE_URL) and trusts one proxy.
4. Drives them with wrk (BENCH_CONNECTIONS connections, BENCH_THREADS
   threads; a warm-up, then BENCH_DURATION seconds), each measured run
   between two runs of its reference, so a drift of the machine's speed is
   not charged to the page:
   a. each page through the edge against a static file of its size (nginx);
      the article also against the ceiling at its size (gunicorn);
   b. the long tail: each never-asked article URL once, against the ceiling;
   c. the mix of public pages while a story is saved through the ORM every
      5 seconds (a committed save, purged at the edge), against the same mix
      calm, before and after;
   d. freshness: BENCH_SAVES saves of the newest story, each followed by
      polling the edge until its page and /news/ show the new title.
5. Prints the tables and writes them to bench/results/<time>-<vendor>.md and
   .json; exits 1 if any request failed or any page answered other than 200.

Settings (environment): BENCH_ARTICLES (100000), BENCH_DURATION (10 seconds;
the mix runs three times as long), BENCH_WARMUP (2), BENCH_CONNECTIONS (16),
BENCH_THREADS (2), BENCH_TIMEOUT (10 seconds per request), BENCH_LONG_TAIL
(20000 URLs listed; each is asked at most once), BENCH_SAVES (5),
BENCH_VARNISH_MEMORY (256m), BENCH_PORT (the first of four consecutive
ports for Varnish, gunicorn, nginx and the view counts' gunicorn; free ports
otherwise), DATABASE_URL, REDIS_URL, GUNICORN_COUNTING_WORKERS.
"""

import json
import os
import platform
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import report
from bench.ceiling import ceiling_page
from bench.servers import Gunicorn, JobWorker, Nginx, Varnish, fetch
from edge.serve import counting_workers

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
WALK = ROOT / "bench" / "lua" / "walk.lua"
# The pace of editing during the mix.
SAVE_EVERY_SECONDS = 5
# How long freshness polling waits before calling a page stale.
FRESH_WAIT_SECONDS = 10


def setting(name, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    return type(default)(value)


def log(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)


# --- Preparing ------------------------------------------------------------------


def require(program, package):
    found = shutil.which(program) or shutil.which(program, path="/usr/sbin:/sbin")
    if not found:
        sys.exit(
            f"bench: {program} is not installed. Install it and run again: "
            f"`sudo apt-get install {package}`."
        )
    return found


def server_env(database_url, edge_port):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "NEWSROOM_EDGE_PURGE_URL": f"http://127.0.0.1:{edge_port}/",
        # Varnish appends the reader's address to X-Forwarded-For.
        "NEWSROOM_PROXY_COUNT": "1",
        # gunicorn still formats each access line, as in production, but
        # millions of them would only fill the disk.
        "GUNICORN_ACCESS_LOG": "/dev/null",
    }


def _postgresql(database_url, dbname=None):
    """An autocommit psycopg2 connection to the PostgreSQL database named in
    `database_url` (or to `dbname` on the same server); None for SQLite."""
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(database_url)
    if "postgresql" not in config["ENGINE"]:
        return None
    connection = psycopg2.connect(
        dbname=dbname or config["NAME"],
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
    )
    connection.autocommit = True
    return connection


def create_database_if_missing(database_url):
    """A PostgreSQL database named in DATABASE_URL that does not exist yet is
    created (through the server's own `postgres` database), as SQLite creates
    its file."""
    import dj_database_url
    from psycopg2 import sql

    connection = _postgresql(database_url, dbname="postgres")
    if connection is None:
        return
    name = dj_database_url.parse(database_url)["NAME"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                log(f"creating the database {name}")
                cursor.execute(
                    sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
                )
    finally:
        connection.close()


def vacuum(database_url):
    """PostgreSQL: VACUUM ANALYZE the bench database before measuring, and
    return the server's autovacuum setting (None for SQLite). Every run
    leaves dead rows behind (views counted and flushed, titles saved and
    restored), which autovacuum clears on a production server; where it is
    off, they would slow each run more than the last."""
    connection = _postgresql(database_url)
    if connection is None:
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("SHOW autovacuum")
            return cursor.fetchone()[0]
    finally:
        connection.close()


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def free_ports(count):
    first = setting("BENCH_PORT", 0)
    if first:
        return [first + n for n in range(count)]
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


# --- Inside Django: what to ask for, and what to save ------------------------------


def choose_pages(long_tail):
    """The pages to drive, with real values from the bench content."""
    from django.db.models import Count

    from articles.bench_content import BENCH_SLUG_PREFIX, SEARCH_WORD
    from articles.models import Article, Organization

    bench = Article.objects.published().filter(
        organization__slug__startswith=BENCH_SLUG_PREFIX
    )
    sources = list(
        Organization.objects.filter(slug__startswith=BENCH_SLUG_PREFIX)
        .annotate(n=Count("articles"))
        .order_by("-n")[:10]
    )
    newest = list(bench.order_by("-published_at")[:30])
    total = bench.count()
    # A story from the middle of the archive: neither the newest nor the oldest.
    article = bench.order_by("-published_at")[total // 2 :].first()
    if not sources or article is None or len(newest) < 3:
        sys.exit("bench: no published bench articles; did seed_bench run?")
    pages = {
        "home": "/",
        "news": "/news/",
        "organization's list": sources[0].get_absolute_url(),
    }
    # Stories nobody asks for in this run before the long tail (Varnish starts
    # empty each run): the pages above and the mix show the newest ones.
    taken = {article.pk, *(a.pk for a in newest)}
    tail_ids = [
        pk for pk in bench.order_by().values_list("pk", flat=True) if pk not in taken
    ]
    random.Random(10).shuffle(tail_ids)
    tail = [
        a.get_absolute_url()
        for a in Article.objects.filter(pk__in=tail_ids[:long_tail])
    ]
    random.Random(11).shuffle(tail)
    year = newest[0].published_at.year
    mix = [
        "/",
        "/news/",
        *(f"/news/?page={n}" for n in range(2, 6)),
        "/organizations/",
        *(source.get_absolute_url() for source in sources),
        f"/news/?organization={sources[1].slug}",
        f"/news/?q={SEARCH_WORD}",
        f"/news/{year}/",
        "/news/feed/",
        "/news/feed/atom/",
        "/sitemap.xml",
        "/gallery/",
        *(story.get_absolute_url() for story in newest),
        article.get_absolute_url(),
    ]
    reading = (article.get_absolute_url(), f"/views/{article.pk}/")
    return pages, reading, tail, mix, [story.pk for story in newest[:3]]


def count_queries(paths):
    """{path: queries of a first request}, through Django's test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="127.0.0.1", raise_request_exception=False)
    counts = {}
    for name, path in paths.items():
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        counts[name] = len(queries)
    return counts


def open_django(env):
    """Django in this process, against the bench database, as the site sees
    it: it saves stories and purges the edge as an editor's save would."""
    os.environ.update(env)
    import django

    django.setup()


class Editor:
    """Saves stories through the ORM as the admin does: a new title,
    committed, its keys purged at the edge once the commit is done."""

    def __init__(self, story_ids):
        from articles.models import Article

        self.stories = list(Article.objects.filter(pk__in=story_ids))
        self.titles = {story.pk: story.title for story in self.stories}
        self.saves = 0

    def save(self, story):
        """Give `story` a new title; return (the title's unique word, the
        monotonic time its transaction committed)."""
        from django.db import transaction

        self.saves += 1
        word = f"benchedit{self.saves}x{secrets.token_hex(3)}"
        committed = []
        with transaction.atomic():
            # Registered first, so it runs before the save's own purge.
            transaction.on_commit(lambda: committed.append(time.monotonic()))
            story.title = f"{self.titles[story.pk]} {word}"
            story.save()
        return word, committed[0]

    def restore(self):
        for story in self.stories:
            story.title = self.titles[story.pk]
            story.save()


class SavingEvery(threading.Thread):
    """One save every `seconds` while a run lasts, round the stories."""

    def __init__(self, editor, seconds):
        super().__init__(daemon=True)
        self.editor, self.seconds = editor, seconds
        self.stop = threading.Event()
        self.durations = []

    def run(self):
        from django.db import connection

        turn = 0
        try:
            while not self.stop.wait(self.seconds):
                started = time.monotonic()
                self.editor.save(self.editor.stories[turn % len(self.editor.stories)])
                self.durations.append(time.monotonic() - started)
                turn += 1
        finally:
            connection.close()


# --- Under load -------------------------------------------------------------------


class Driver:
    """Runs wrk and remembers each command."""

    def __init__(self, wrk, connections, threads, timeout, warmup, duration):
        self.wrk, self.connections, self.threads = wrk, connections, threads
        self.timeout, self.warmup, self.duration = timeout, warmup, duration
        self.commands = []
        self.drain_port, self.drain_path = None, None

    def wrk_command(self, port, path, seconds, paths_file=None):
        # wrk leaves requests slower than --timeout out of the latency figures,
        # so the timeout is generous: a slow page must show in p99, not vanish.
        command = [
            self.wrk, f"-t{self.threads}", f"-c{self.connections}", f"-d{seconds}s",
            f"--timeout={self.timeout}s", "--latency",
        ]  # fmt: skip
        if paths_file is None:
            return [*command, f"http://127.0.0.1:{port}{path}"]
        return [
            *command, "-s", str(WALK), f"http://127.0.0.1:{port}/",
            "--", str(paths_file), str(self.threads),
        ]  # fmt: skip

    def run(self, port, path, name, *, seconds=None, warmup=None, paths_file=None):
        """wrk's figures for one measured run (after a warm-up), with the
        machine's load average before and after."""
        warmup = self.warmup if warmup is None else warmup
        if warmup:
            subprocess.run(
                self.wrk_command(port, path, warmup, paths_file),
                capture_output=True,
                check=True,
            )
        seconds = seconds or self.duration
        command = self.wrk_command(port, path, seconds, paths_file)
        self.commands.append(" ".join(command))
        load_before = os.getloadavg()[0]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        figures = report.parse_wrk(done.stdout)
        figures["load"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
        self.drain()
        log(
            f"{name}: {figures['requests_per_second']:,.0f} req/s, "
            f"p50 {figures['p50_ms']:.1f} ms, p99 {figures['p99_ms']:.1f} ms"
            + (f", {figures['non_2xx_3xx']} failed" if figures["non_2xx_3xx"] else "")
        )
        return figures

    def drain(self, limit=120):
        """Wait for requests wrk left in flight to finish, so a slow run's
        backlog is not charged to the next: until the ceiling answers fast."""
        deadline = time.monotonic() + limit
        while self.drain_port and time.monotonic() < deadline:
            started = time.monotonic()
            try:
                fetch(self.drain_port, self.drain_path, timeout=limit)
            except OSError:
                continue
            if time.monotonic() - started < 0.2:
                return


def kept_at_edge(edge_port, path):
    """(status, body, kept): the page through the edge, asked twice; kept
    when Varnish answered the second time from its cache."""
    fetch(edge_port, path)
    status, body, headers = fetch(edge_port, path)
    # X-Varnish carries two ids (this request's and the stored object's) on a hit.
    return status, body, len(headers.get("X-Varnish", "").split()) == 2


def measure_pages(driver, ports, nginx, pages):
    """Each page through the edge between two runs of a static file of its
    size."""
    edge_port, _, static_port = ports
    comparisons = []
    for name, path in pages.items():
        status, body, kept = kept_at_edge(edge_port, path)
        static = nginx.static_file(ceiling_page(len(body)))
        comparison = report.Comparison(
            name=f"{name}{'' if kept else ' (not kept at the edge)'}",
            path=path,
            reference="nginx",
            floor=report.EDGE_LIST_FLOOR,
            status=status,
            bytes=len(body),
        )
        comparison.references.append(
            driver.run(static_port, static, f"static {len(body):,} bytes")
        )
        comparison.figures = driver.run(edge_port, path, f"{name} at the edge")
        comparison.references.append(
            driver.run(static_port, static, f"static {len(body):,} bytes")
        )
        comparisons.append(comparison)
    return comparisons


def measure_article(driver, ports, nginx, path, include):
    """The article through the edge beside the ceiling at its size and a
    static file of its size; then its view-count include alone, through the
    edge (which passes it to gunicorn), beside the ceiling: what each
    article reading costs Django."""
    edge_port, app_port, static_port = ports
    status, body, kept = kept_at_edge(edge_port, path)
    name = f"article{'' if kept else ' (not kept at the edge)'}"
    static = nginx.static_file(ceiling_page(len(body)))
    ceiling_path = f"/__ceiling__/{len(body)}/"
    fields = {"path": path, "status": status, "bytes": len(body)}
    against_ceiling = report.Comparison(
        name=name, reference="ceiling", floor=report.EDGE_ARTICLE_FLOOR, **fields
    )
    against_static = report.Comparison(name=name, reference="nginx", **fields)
    include_status, include_body, _ = fetch(edge_port, include)
    alone = report.Comparison(
        name="its view-count include alone (passed by the edge)",
        path=include,
        reference="ceiling",
        status=include_status,
        bytes=len(include_body),
    )
    against_ceiling.references.append(driver.run(app_port, ceiling_path, "ceiling"))
    against_static.references.append(driver.run(static_port, static, "static"))
    against_ceiling.figures = against_static.figures = driver.run(
        edge_port, path, "article at the edge"
    )
    against_static.references.append(driver.run(static_port, static, "static"))
    between = driver.run(app_port, ceiling_path, "ceiling")
    against_ceiling.references.append(between)
    alone.references.append(between)
    alone.figures = driver.run(edge_port, include, "view-count include")
    alone.references.append(driver.run(app_port, ceiling_path, "ceiling"))
    return [against_ceiling, against_static, alone]


def measure_long_tail(driver, ports, tail, article_bytes, workdir):
    """Never-asked article URLs through the edge, each once, between two
    runs of the ceiling."""
    edge_port, app_port, _ = ports
    paths_file = Path(workdir) / "long-tail.txt"
    paths_file.write_text("\n".join(tail) + "\n")
    ceiling_path = f"/__ceiling__/{article_bytes}/"
    comparison = report.Comparison(
        name=f"long tail ({len(tail):,} article URLs listed, each asked once)",
        path="(each once)",
        reference="ceiling",
        floor=report.LONG_TAIL_FLOOR,
        p99_limit_ms=report.LONG_TAIL_P99_MS,
        status=fetch(edge_port, tail[0])[0],
        bytes=article_bytes,
        each_once=True,
    )
    comparison.references.append(driver.run(app_port, ceiling_path, "ceiling"))
    # No warm-up: it would spend URLs. Started at the second URL, since the
    # first one was asked above to check its status.
    paths_file.write_text("\n".join(tail[1:]) + "\n")
    comparison.figures = driver.run(
        edge_port, "/", "long tail", warmup=0, paths_file=paths_file
    )
    comparison.references.append(driver.run(app_port, ceiling_path, "ceiling"))
    return comparison


def measure_mix(driver, ports, mix, editor, workdir):
    """The mix through the edge, calm, under one save every 5 seconds, calm."""
    edge_port = ports[0]
    paths_file = Path(workdir) / "mix.txt"
    paths_file.write_text("\n".join(mix) + "\n")
    statuses = {path: fetch(edge_port, path)[0] for path in mix}
    seconds = driver.duration * 3
    comparison = report.Comparison(
        name=f"mix of {len(mix)} public pages, one save every {SAVE_EVERY_SECONDS} s",
        path="(the mix)",
        reference="calm",
        floor=report.EDITED_MIX_FLOOR,
        p99_limit_ms=report.EDITED_MIX_P99_MS,
        status=200 if set(statuses.values()) == {200} else max(statuses.values()),
    )
    comparison.references.append(
        driver.run(edge_port, "/", "mix, calm", seconds=seconds, paths_file=paths_file)
    )
    saving = SavingEvery(editor, SAVE_EVERY_SECONDS)
    saving.start()
    comparison.figures = driver.run(
        edge_port, "/", "mix, edited", seconds=seconds, warmup=0, paths_file=paths_file
    )
    saving.stop.set()
    saving.join()
    comparison.references.append(
        driver.run(edge_port, "/", "mix, calm", seconds=seconds, paths_file=paths_file)
    )
    failing = {path: status for path, status in statuses.items() if status != 200}
    return comparison, saving.durations, failing


def measure_freshness(edge_port, editor, saves):
    """For each save of the newest story: seconds from its commit until the
    edge shows the new title on its page and on /news/ (None: never within
    FRESH_WAIT_SECONDS)."""
    story = editor.stories[0]
    pages = [story.get_absolute_url(), "/news/"]
    delays = []
    for _ in range(saves):
        # Past the settling time of the previous save, with both pages kept.
        time.sleep(2)
        for page in pages:
            kept_at_edge(edge_port, page)
        word, committed = editor.save(story)
        waiting, seen = set(pages), {}
        while waiting and time.monotonic() - committed < FRESH_WAIT_SECONDS:
            for page in list(waiting):
                if word.encode() in fetch(edge_port, page)[1]:
                    seen[page] = time.monotonic() - committed
                    waiting.discard(page)
            time.sleep(0.01)
        delays.append({page: seen.get(page) for page in pages})
        log(f"freshness: {delays[-1]}")
    return delays


# --- The run -----------------------------------------------------------------------


def main():
    # Stopped like Ctrl-C, so the servers started below are stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    articles = setting("BENCH_ARTICLES", 100_000)
    duration = setting("BENCH_DURATION", 10)
    long_tail = setting("BENCH_LONG_TAIL", 20_000)
    saves = setting("BENCH_SAVES", 5)
    database_url = os.environ.get("DATABASE_URL") or (
        f"sqlite:///{ROOT / 'bench' / 'bench.sqlite3'}"
    )
    driver = Driver(
        require("wrk", "wrk"),
        connections=setting("BENCH_CONNECTIONS", 16),
        threads=setting("BENCH_THREADS", 2),
        timeout=setting("BENCH_TIMEOUT", 10),
        warmup=setting("BENCH_WARMUP", 2),
        duration=duration,
    )
    require("varnishd", "varnish varnish-modules")
    require("nginx", "nginx-light")
    *ports, counting_port = free_ports(4)
    edge_port, app_port, static_port = ports
    env = server_env(database_url, edge_port)
    started = datetime.now(UTC)
    load_at_start = os.getloadavg()

    log(f"preparing {database_url.split('@')[-1]}")
    create_database_if_missing(database_url)
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    seeding = time.monotonic()
    manage(env, "seed_bench", "--articles", str(articles))
    seeding = time.monotonic() - seeding
    autovacuum = vacuum(database_url)

    open_django(env)
    from django.conf import settings
    from django.db import connection

    from articles.models import Article

    pages, (article, include), tail, mix, story_ids = choose_pages(long_tail)
    queries = count_queries({**pages, "article": article})
    editor = Editor(story_ids)
    vendor = connection.vendor
    published = Article.objects.published().count()
    counts = f"{Article.objects.count():,} ({published:,} published)"
    connection.close()

    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = f"{started:%Y%m%dT%H%M%SZ}-{vendor}"
    logs = ROOT / "var" / "bench" / stem
    logs.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    # Varnish's and nginx's workers run as their own users.
    workdir.chmod(0o755)
    try:
        with (
            Gunicorn(env, port=app_port, log_path=logs / "gunicorn.log") as gunicorn,
            Gunicorn(
                env,
                port=counting_port,
                log_path=logs / "gunicorn-view-counts.log",
                workers=counting_workers(),
            ),
            JobWorker(env, log_path=logs / "worker.log"),
            Varnish(
                port=edge_port,
                backend_port=app_port,
                counting_port=counting_port,
                log_path=logs / "varnish.log",
                memory=setting("BENCH_VARNISH_MEMORY", "256m"),
            ) as varnish,
            Nginx(
                port=static_port, workdir=workdir, log_path=logs / "nginx.log"
            ) as nginx,
        ):
            log(f"edge :{edge_port} → gunicorn :{app_port}; nginx :{static_port}")
            driver.drain_port, driver.drain_path = app_port, "/__ceiling__/1000/"
            try:
                comparisons = measure_pages(driver, ports, nginx, pages)
                reading = measure_article(driver, ports, nginx, article, include)
                comparisons += reading
                article_bytes = reading[0].bytes
                tail_comparison = measure_long_tail(
                    driver, ports, tail, article_bytes, workdir
                )
                mix_comparison, save_seconds, failing = measure_mix(
                    driver, ports, mix, editor, workdir
                )
                delays = measure_freshness(edge_port, editor, saves)
            finally:
                # While the edge is up, so the purge of the old titles reaches
                # it (sent once the saves have settled).
                editor.restore()
                time.sleep(settings.NEWSROOM_CACHE_SETTLE_SECONDS + 1)
            server_commands = [
                " ".join(gunicorn.command),
                " ".join(varnish.command),
                " ".join(nginx.command),
            ]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    all_comparisons = [*comparisons, tail_comparison, mix_comparison]
    verdicts = [v for c in all_comparisons for v in c.verdicts()]
    verdicts += report.freshness_verdicts(delays)
    problems = [f"{c.name}: {p}" for c in all_comparisons for p in c.problems()]
    problems += [f"mix: {path} answered {status}" for path, status in failing.items()]
    server_log = report.server_log_summary((logs / "gunicorn.log").read_text())
    problems += [f"gunicorn: {p}" for p in report.server_log_problems(server_log)]
    meta = {
        "started": f"{started:%Y-%m-%d %H:%M:%S} UTC",
        "vendor": vendor,
        "database": database_url.split("@")[-1],
        "articles": counts,
        "seed_bench": f"{seeding:.0f}s (it skips when enough bench articles exist)",
        **(
            {}
            if autovacuum is None
            else {
                "upkeep": f"VACUUM ANALYZE before measuring (autovacuum: {autovacuum})"
            }
        ),
        "cache": "Redis (REDIS_URL)" if env.get("REDIS_URL") else "local memory",
        "edge": f"Varnish {_version(['varnishd', '-V'])}, VCL `edge/default.vcl`",
        "static files": f"nginx {_version(['nginx', '-v'])}",
        "load": f"wrk -t{driver.threads} -c{driver.connections} --timeout "
        f"{driver.timeout}s, {driver.warmup}s warm-up, {duration}s measured "
        f"({duration * 3}s for the mix)",
        "queries on a miss (Django's test client, no edge)": ", ".join(
            f"{name} {n}" for name, n in queries.items()
        ),
        "saves during the edited mix": f"{len(save_seconds)}, each committed in "
        + ", ".join(f"{s * 1000:.0f}" for s in save_seconds)
        + " ms",
        "machine": f"{os.cpu_count()} CPUs, {platform.platform()}, load average "
        f"{load_at_start[0]:.2f} at the start, {os.getloadavg()[0]:.2f} at the "
        "end (each run's load before and after is in the .json)",
        "logs": str(logs.relative_to(ROOT)),
        "commit": _version(["git", "describe", "--always", "--dirty"]),
        "commands": server_commands + driver.commands,
    }
    sections = [
        (
            "Pages through the edge",
            "Each page through Varnish, between two runs of a static file of the "
            "same size served by nginx; the article also between two runs of the "
            "Django ceiling at its size (gunicorn, no database), and its "
            "view-count include alone, which Varnish passes to gunicorn on every "
            "reading.",
            report.comparison_table(comparisons),
        ),
        (
            "The long tail",
            "Article URLs nobody asked for before, each asked once through the "
            "edge (wrk walking a list), between two runs of the ceiling.",
            report.comparison_table([tail_comparison]),
        ),
        (
            "Mix under edits",
            f"{len(mix)} public pages through the edge, walked in turn; a story "
            f"saved through the ORM every {SAVE_EVERY_SECONDS} s during the "
            "middle run (a committed save that purges its keys at the edge), "
            "against the mix calm before and after.",
            report.comparison_table([mix_comparison]),
        ),
        (
            "Freshness",
            "Seconds from a save's commit until the edge shows the new title "
            "(polled every 10 ms).",
            report.freshness_table(delays),
        ),
    ]
    text = report.markdown(meta, sections, verdicts, problems)
    (RESULTS / f"{stem}.md").write_text(text)
    (RESULTS / f"{stem}.json").write_text(
        json.dumps(
            {
                "meta": meta,
                "comparisons": [c.as_dict() for c in all_comparisons],
                "freshness_seconds": delays,
                "targets": [
                    {"target": t, "measured": m, "passed": ok} for t, m, ok in verdicts
                ],
                "problems": problems,
                "gunicorn_log": server_log,
            },
            indent=2,
        )
    )
    print(text)
    log(f"written to {(RESULTS / stem).relative_to(ROOT)}.md and .json")
    return 1 if problems else 0


def _version(command):
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    output = (done.stdout or done.stderr).strip().splitlines()
    return output[0] if output else "unknown"


if __name__ == "__main__":
    sys.exit(main())
