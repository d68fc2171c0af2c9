"""`make bench`: the production path under load, beside the Django ceiling.

1. Migrates, collects static files and seeds BENCH_ARTICLES articles (skipped
   when enough bench articles exist) in DATABASE_URL, or in bench/bench.sqlite3
   so the demo database is never touched.
2. Counts SQL queries per page with Django's test client against that database
   (first request, then the same request again), with the page cache off.
3. Twice, once with the anonymous page cache off and once with it on (PHASES):
   starts gunicorn with the committed gunicorn.conf.py, debug off, on a free
   127.0.0.1 port, with bench.settings: the site plus the ceiling page, a
   prebuilt string as big as /news/ served by a view with no database; then
   drives every page with wrk (warm-up, then BENCH_DURATION seconds at
   BENCH_CONNECTIONS connections), the ceiling first, last and between
   every two pages (each page is compared with the ceiling runs beside it).
4. Prints the tables and writes them to bench/results/<time>-<vendor>.md and
   .json. The cache is Redis when REDIS_URL is set, else local memory.

Settings (environment): BENCH_ARTICLES (100000), BENCH_DURATION (10),
BENCH_WARMUP (2), BENCH_CONNECTIONS (16), BENCH_THREADS (2), BENCH_TIMEOUT
(10 seconds per request), DATABASE_URL.
Exits 1 if any page answered other than expected or any request failed.
"""

import calendar
import copy
import http.client
import json
import math
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from django.utils.text import slugify

from bench import report

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent


def setting(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def log(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)


# --- Preparing ------------------------------------------------------------------


def ensure_wrk():
    """wrk's path; installs Debian's package when run as root with apt."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log("installing wrk from Debian's packages")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = [
            "apt-get", "install", "-y", "-qq", "-o", "DPkg::Lock::Timeout=300", "wrk"
        ]  # fmt: skip
        done = subprocess.run(install, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True)
            done = subprocess.run(install, env=env, capture_output=True, text=True)
        found = shutil.which("wrk")
        if found:
            return found
        log(done.stderr.strip())
    sys.exit(
        "bench: wrk is not installed and could not be installed here.\n"
        "Install it and run again: `sudo apt-get install wrk` (Debian, Ubuntu) "
        "or `brew install wrk` (macOS)."
    )


def server_env(database_url):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        # Its own content version, apart from a `make run` on the same checkout.
        "NEWSROOM_CONTENT_VERSION_FILE": str(ROOT / "var" / "bench-content-version"),
        # gunicorn still formats each access line, as in production, but
        # millions of them would only fill the disk.
        "GUNICORN_ACCESS_LOG": "/dev/null",
    }


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- Inside Django: what to fetch, and how many queries each costs ---------------


def choose_pages():
    """The pages to drive, with real values from the bench content."""
    from django.conf import settings
    from django.db.models import Count
    from django.utils import timezone

    from articles.bench_content import BENCH_SLUG_PREFIX, SEARCH_WORD
    from articles.models import Article, Organization

    bench = Article.objects.published().filter(
        organization__slug__startswith=BENCH_SLUG_PREFIX
    )
    biggest = (
        Organization.objects.filter(slug__startswith=BENCH_SLUG_PREFIX)
        .annotate(n=Count("articles"))
        .order_by("-n")
        .first()
    )
    # A story from the middle of the archive: neither the newest nor the oldest.
    article = bench.order_by("-published_at")[bench.count() // 2 :].first()
    if biggest is None or article is None:
        sys.exit("bench: no published bench articles; did seed_bench run?")
    local_now = timezone.localtime()
    last_month = (local_now.replace(day=1) - timedelta(days=1)).date()
    month_end = last_month.replace(
        day=calendar.monthrange(last_month.year, last_month.month)[1]
    )
    month = {"date_from": last_month.replace(day=1), "date_to": month_end}
    # Page 2000 at 100,000 articles; the last page when there are fewer.
    deep_page = max(
        1, min(2000, math.ceil(bench.count() / settings.NEWSROOM_PAGE_SIZE))
    )
    return [
        ("ceiling", "/__ceiling__/", "ceiling", 200),
        ("home", "/", "list", 200),
        ("news", "/news/", "list", 200),
        ("news deep page", f"/news/?page={deep_page}", "list", 200),
        ("news by organization", f"/news/?organization={biggest.slug}", "list", 200),
        ("news in a month", f"/news/?{urlencode(month)}", "list", 200),
        ("search", f"/news/?q={SEARCH_WORD}", "search", 200),
        ("article", article.get_absolute_url(), "article", 200),
        ("RSS feed", "/news/feed/", "feed", 200),
        ("sitemap index", "/sitemap.xml", "sitemap", 200),
        ("page past the end", "/news/?page=999999", "probe", 404),
        ("invalid date", "/news/?date_from=2023-13-45", "probe", 400),
        ("ceiling again", "/__ceiling__/", "ceiling", 200),
    ]


def count_queries(path):
    """(status, bytes, queries on the first request, queries on the next)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="127.0.0.1", raise_request_exception=False)
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        counts.append(len(queries))
    return response.status_code, len(response.content), *counts


def inspect_site(env):
    """Run Django in this process, against the bench database, to choose the
    pages and count their queries before gunicorn starts."""
    # Queries are what a request costs when it runs its view.
    os.environ.update({**env, "NEWSROOM_PAGE_CACHE_SECONDS": "0"})
    import django

    django.setup()
    from django.db import connection, connections

    pages = choose_pages()
    results = []
    for name, path, kind, expected in pages:
        result = report.Result(name, path, kind, expected_status=expected)
        if kind != "ceiling":
            status, size, result.queries_first, result.queries_again = count_queries(
                path
            )
            log(
                f"{name}: {status}, {size:,} bytes, queries "
                f"{result.queries_first}/{result.queries_again}"
            )
        results.append(result)
    news = next(r for r in results if r.name == "news")
    ceiling_bytes = count_queries(news.path)[1]
    vendor = connection.vendor
    from articles.bench_content import BENCH_SLUG_PREFIX
    from articles.models import Article

    counts = {
        "articles": Article.objects.count(),
        "published": Article.objects.published().count(),
        "bench_articles": Article.objects.filter(
            organization__slug__startswith=BENCH_SLUG_PREFIX
        ).count(),
    }
    connections.close_all()
    return results, ceiling_bytes, vendor, counts


# --- Under gunicorn ---------------------------------------------------------------


def fetch(port, path, timeout=60):
    """(status, body bytes) of one plain GET, redirects not followed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        response = conn.getresponse()
        return response.status, len(response.read())
    finally:
        conn.close()


def drain(port, limit=120):
    """Wait for requests wrk left in flight to finish, so a slow page's
    backlog is not charged to the next page: until the ceiling answers fast."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            fetch(port, "/__ceiling__/", timeout=limit)
        except OSError:
            continue
        if time.monotonic() - started < 0.2:
            return


class Gunicorn:
    def __init__(self, env, port, log_path):
        self.env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
        self.port = port
        self.log_path = log_path
        self.process = None

    def __enter__(self):
        self.log_file = open(self.log_path, "w")  # noqa: SIM115 (closed in __exit__)
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if fetch(self.port, "/healthz")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        self.__exit__(None, None, None)
        sys.exit(f"bench: gunicorn did not come up; see {self.log_path}")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()

    def workers_rss_mb(self):
        """{pid: resident MB} of the master's worker processes right now."""
        done = subprocess.run(
            ["ps", "-o", "pid=,rss=", "--ppid", str(self.process.pid)],
            capture_output=True,
            text=True,
        )
        rows = (line.split() for line in done.stdout.splitlines() if line.strip())
        return {int(pid): int(rss) / 1024 for pid, rss in rows}


class MemoryWatch(threading.Thread):
    """Samples worker memory once a second while the load runs."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.server, self.peak, self.pids = server, 0.0, set()
        self.stop = threading.Event()

    def run(self):
        while not self.stop.wait(1):
            sample = self.server.workers_rss_mb()
            self.pids |= set(sample)
            self.peak = max([self.peak, *sample.values()])


def run_wrk(wrk, port, path, seconds, connections, threads, timeout):
    # wrk leaves requests slower than --timeout out of the latency figures, so
    # the timeout is generous: a slow page must show in p99, not vanish.
    url = f"http://127.0.0.1:{port}{path}"
    command = [
        wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s",
        f"--timeout={timeout}s", "--latency", url,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return done.stdout


# --- The run -----------------------------------------------------------------------


def main():
    articles = setting("BENCH_ARTICLES", 100_000)
    duration = setting("BENCH_DURATION", 10)
    warmup = setting("BENCH_WARMUP", 2)
    connections = setting("BENCH_CONNECTIONS", 16)
    threads = setting("BENCH_THREADS", 2)
    timeout = setting("BENCH_TIMEOUT", 10)
    database_url = os.environ.get("DATABASE_URL") or (
        f"sqlite:///{ROOT / 'bench' / 'bench.sqlite3'}"
    )
    wrk = ensure_wrk()
    env = server_env(database_url)
    started = datetime.now(UTC)
    load_at_start = os.getloadavg()[0]
    if load_at_start > (os.cpu_count() or 1):
        log(
            f"the machine is busy (load {load_at_start:.1f} on {os.cpu_count()} CPUs):"
            " absolute figures will be low and ratios noisy"
        )

    log(f"preparing {database_url.split('@')[-1]}")
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    seeding = time.monotonic()
    manage(env, "seed_bench", "--articles", str(articles))
    seeding = time.monotonic() - seeding

    results, ceiling_bytes, vendor, counts = inspect_site(env)
    env["BENCH_CEILING_BYTES"] = str(ceiling_bytes)

    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = f"{started:%Y%m%dT%H%M%SZ}-{vendor}"
    load = (connections, threads, timeout)
    phases = []
    for title, description, overrides, ratio_targets in PHASES:
        log(f"phase: {title}")
        phase_results = [copy.deepcopy(result) for result in results]
        phases.append(
            run_phase(
                title,
                description,
                {**env, **overrides},
                phase_results,
                ratio_targets,
                wrk=wrk,
                load=load,
                durations=(warmup, duration),
                log_path=RESULTS / f"{stem}-{slugify(title)}-gunicorn.log",
            )
        )

    meta = {
        "started": f"{started:%Y-%m-%d %H:%M:%S} UTC",
        "vendor": vendor,
        "database": database_url.split("@")[-1],
        "articles": f"{counts['articles']:,} ({counts['published']:,} published, "
        f"{counts['bench_articles']:,} from bench organizations)",
        "seed_bench": f"{seeding:.0f}s (it skips when enough bench articles exist)",
        "cache": "Redis (REDIS_URL)" if env.get("REDIS_URL") else "local memory",
        "load": f"wrk -t{threads} -c{connections} --timeout {timeout}s, {warmup}s "
        f"warm-up, {duration}s measured per page",
        "ceiling": f"{ceiling_bytes:,} bytes (as /news/), run first, last and "
        "between every two pages; each page's ratio is against the mean of the "
        "ceiling runs just before and after it",
        "machine": f"{os.cpu_count()} CPUs, {platform.platform()}, "
        f"load average {load_at_start:.2f} at the start, "
        f"{os.getloadavg()[0]:.2f} at the end",
        "commit": _git_commit(),
    }
    text = report.markdown(meta, phases)
    (RESULTS / f"{stem}.md").write_text(text)
    (RESULTS / f"{stem}.json").write_text(
        json.dumps(
            {
                "meta": meta,
                "phases": [
                    {
                        "title": phase.title,
                        "results": [r.as_dict() for r in phase.results],
                        "targets": [
                            {"target": t, "measured": m, "passed": ok}
                            for t, m, ok in phase.verdicts
                        ],
                        "memory": phase.memory,
                    }
                    for phase in phases
                ],
            },
            indent=2,
            default=str,
        )
    )
    print(text)
    log(f"written to {(RESULTS / stem).relative_to(ROOT)}.md and .json")
    return 1 if any(phase.failed for phase in phases) else 0


# Each phase is a fresh gunicorn; the ceiling runs first, last and between pages.
PHASES = [
    (
        "Page cache off",
        "NEWSROOM_PAGE_CACHE_SECONDS=0: every request runs its view; fragment "
        "caches (head and header, a list's filter form and results, an "
        "article's text around its live view count, sidebar, footer) and "
        "cached counts stay on.",
        {"NEWSROOM_PAGE_CACHE_SECONDS": "0"},
        report.RATIO_TARGETS,
    ),
    (
        "Page cache on",
        "The anonymous page cache as in production: pages come from the cache; "
        "article pages still count each view (one cache round trip).",
        {},
        report.CACHED_RATIO_TARGETS,
    ),
]


def run_phase(
    title, description, env, results, ratio_targets, *, wrk, load, durations, log_path
):
    """Start gunicorn with `env`, drive every page, stop it; the Phase."""
    warmup, duration = durations
    port = free_port()
    ceiling_path = next(r.path for r in results if r.kind == "ceiling")
    interleaved = []

    def drive(path, name):
        run_wrk(wrk, port, path, warmup, *load)
        figures = report.parse_wrk(run_wrk(wrk, port, path, duration, *load))
        drain(port)
        log(
            f"{name}: {figures['requests_per_second']:,.0f} req/s, "
            f"p99 {figures['p99_ms']:.1f} ms"
        )
        return figures

    with Gunicorn(env, port, log_path) as server:
        log(f"gunicorn on 127.0.0.1:{port}, workers {sorted(server.workers_rss_mb())}")
        watch = MemoryWatch(server)
        watch.start()
        # The ceiling runs between every two pages: each page is compared with
        # the ceiling just before and just after it.
        previous_ceiling, waiting = None, None
        for result in results:
            if result.kind != "ceiling" and waiting is not None:
                previous_ceiling = drive(ceiling_path, "ceiling between")[
                    "requests_per_second"
                ]
                interleaved.append(previous_ceiling)
                waiting.nearby_ceilings.append(previous_ceiling)
            try:
                result.status, result.bytes = fetch(port, result.path)
            except OSError as error:
                log(f"{result.name}: no answer ({error})")
                drain(port)
            result.wrk = drive(result.path, f"{result.name} ({result.status})")
            if result.kind == "ceiling":
                previous_ceiling = result.wrk["requests_per_second"]
                if waiting is not None:
                    waiting.nearby_ceilings.append(previous_ceiling)
                waiting = None
            else:
                if previous_ceiling is not None:
                    result.nearby_ceilings = [previous_ceiling]
                waiting = result
        watch.stop.set()
        watch.join()
        final_rss = server.workers_rss_mb()

    ceiling = report.apply_ratios(results, interleaved)
    ceiling_runs = [
        r.wrk["requests_per_second"] for r in results if r.kind == "ceiling" and r.wrk
    ] + interleaved
    if ceiling and max(ceiling_runs) > 1.2 * min(ceiling_runs):
        log(
            f"{title}: the ceiling ran at {min(ceiling_runs):,.0f} to "
            f"{max(ceiling_runs):,.0f} req/s: the machine's speed changed during "
            "the run; each page is compared with the ceiling runs beside it"
        )
    for result in results:
        result.check()
    server_log = report.server_log_summary(log_path.read_text(errors="replace"))
    memory = {
        "ceiling (req/s)": f"mean {ceiling:,.0f} of {len(ceiling_runs)} runs, "
        f"from {min(ceiling_runs):,.0f} to {max(ceiling_runs):,.0f}"
        if ceiling
        else "none",
        "workers now (MB)": ", ".join(f"{mb:.0f}" for mb in sorted(final_rss.values())),
        "largest worker seen during the run (MB)": f"{watch.peak:.0f}",
        "worker processes seen (max_requests recycles them)": len(watch.pids),
        "server log": str(log_path.relative_to(ROOT)),
        **server_log,
    }
    return report.Phase(
        title=title,
        description=description,
        results=results,
        verdicts=report.target_verdicts(
            results, [watch.peak, *final_rss.values()], ratio_targets
        ),
        memory=memory,
        server_problems=report.server_log_problems(server_log),
    )


def _git_commit():
    done = subprocess.run(
        ["git", "describe", "--always", "--dirty"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip() or "unknown"


if __name__ == "__main__":
    sys.exit(main())
