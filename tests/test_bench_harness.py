"""The parts of `make bench` that need no full run: reading wrk, ratios to
the runs beside each page, the issue's targets, the ceiling page, the VCL
pointed at the bench's gunicorn, nginx's static file, wrk's walk of a list
of paths, and the saves made during the run."""

import http.server
import itertools
import shutil
import socket
import subprocess
import threading
import time

import pytest
from django.db import connection

from bench import report, run
from bench.ceiling import ceiling_page
from bench.servers import Nginx, fetch
from caching import keys
from caching.models import SurrogateKey

SBIN = "/usr/sbin:/usr/bin:/sbin:/bin"

# Real wrk 4.1 output, one run against an error page, one against a good page
# under trouble (a timeout, big counts and a latency in seconds).
WRK_ERRORS = """\
Running 1s test @ http://127.0.0.1:8765/nope
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     7.00ms    6.90ms  48.21ms   87.65%
    Req/Sec   689.90    236.70     1.20k    80.00%
  Latency Distribution
     50%    4.78ms
     75%    8.83ms
     90%   15.35ms
     99%   34.61ms
  687 requests in 1.00s, 348.87KB read
  Non-2xx or 3xx responses: 687
Requests/sec:    685.08
Transfer/sec:    347.89KB
"""

WRK_SLOW = """\
Running 10s test @ http://127.0.0.1:8000/news/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   850.12us    1.20ms   2.00s    97.10%
    Req/Sec     3.12k   200.00     3.50k    70.00%
  Latency Distribution
     50%  712.00us
     75%    1.02ms
     90%    1.50ms
     99%    1.20s
  62345 requests in 10.02s, 1.20GB read
  Socket errors: connect 0, read 2, write 0, timeout 3
Requests/sec:   6222.06
Transfer/sec:    122.67MB
"""


def test_it_reads_throughput_percentiles_and_failed_responses():
    figures = report.parse_wrk(WRK_ERRORS)

    assert figures["requests"] == 687
    assert figures["seconds"] == pytest.approx(1.0)
    assert figures["requests_per_second"] == pytest.approx(685.08)
    assert figures["p50_ms"] == pytest.approx(4.78)
    assert figures["p99_ms"] == pytest.approx(34.61)
    assert figures["non_2xx_3xx"] == 687
    assert figures["socket_errors"] == {
        "connect": 0,
        "read": 0,
        "write": 0,
        "timeout": 0,
    }


def test_it_converts_microseconds_and_seconds_to_milliseconds():
    figures = report.parse_wrk(WRK_SLOW)

    assert figures["p50_ms"] == pytest.approx(0.712)
    assert figures["p75_ms"] == pytest.approx(1.02)
    assert figures["p99_ms"] == pytest.approx(1200.0)
    assert figures["non_2xx_3xx"] == 0
    assert figures["socket_errors"] == {
        "connect": 0,
        "read": 2,
        "write": 0,
        "timeout": 3,
    }


def test_it_refuses_output_without_a_latency_distribution():
    without = "\n".join(
        line for line in WRK_SLOW.splitlines() if "%" not in line or "Stdev" in line
    )

    with pytest.raises(report.WrkOutputError, match="--latency"):
        report.parse_wrk(without)
    with pytest.raises(report.WrkOutputError):
        report.parse_wrk("unable to connect to 127.0.0.1:8000 Connection refused")


@pytest.mark.parametrize(
    ("text", "ms"),
    [("850.00us", 0.85), ("1.50ms", 1.5), ("2.01s", 2010.0), ("1.00m", 60_000.0)],
)
def test_durations_become_milliseconds(text, ms):
    assert report.duration_ms(text) == pytest.approx(ms)


WRK_WALK = """\
Running 1s test @ http://127.0.0.1:8600/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.00ms    1.00ms  20.00ms   90.00%
    Req/Sec     2.00k   100.00     2.20k    80.00%
  Latency Distribution
     50%    2.50ms
     75%    3.00ms
     90%    4.00ms
     99%    9.00ms
  4000 requests in 1.00s, 40.00MB read
Requests/sec:   4000.00
Transfer/sec:     40.00MB
Requests past the end of the list: 12
"""


def test_it_reads_how_many_requests_went_past_the_end_of_a_walked_list():
    assert report.parse_wrk(WRK_WALK)["past_end"] == 12
    assert report.parse_wrk(WRK_SLOW)["past_end"] is None


def test_a_ratio_is_the_share_of_the_references_throughput():
    assert report.ratio(1500, 3000) == 0.5
    assert report.ratio(3000, 3000) == 1.0
    assert report.ratio(1500, 0) is None
    assert report.ratio(1500, None) is None


def test_the_median_of_an_even_count_is_between_the_middle_two():
    assert report.median([3, 1, 2]) == 2
    assert report.median([4, 1, 3, 2]) == 2.5
    assert report.median([]) is None


def figures(rps, p50=5.0, p99=20.0, **overrides):
    return {
        "requests": int(rps * 10),
        "requests_per_second": rps,
        "p50_ms": p50,
        "p99_ms": p99,
        "non_2xx_3xx": 0,
        "socket_errors": {"connect": 0, "read": 0, "write": 0, "timeout": 0},
        "past_end": None,
        "load": [1.0, 1.5],
        **overrides,
    }


def compared(rps, references, *, reference="nginx", floor=0.5, **fields):
    return report.Comparison(
        name="news",
        path="/news/",
        reference=reference,
        floor=floor,
        status=200,
        bytes=2048,
        figures=figures(rps) if isinstance(rps, int | float) else rps,
        references=[figures(r) for r in references],
        **fields,
    )


def test_a_page_is_compared_with_the_mean_of_the_runs_beside_it():
    # The machine slowed down between the two static-file runs.
    news = compared(3000, [8000, 4000])

    assert news.reference_rps == 6000
    assert news.ratio == 0.5


def verdicts(comparison):
    return {target: ok for target, _, ok in comparison.verdicts()}


def test_a_page_passes_at_its_floor_and_fails_below_it():
    assert verdicts(compared(3000, [6000])) == {
        "news: ≥ 0.5 of the static file (nginx)": True
    }
    assert verdicts(compared(2999, [6000])) == {
        "news: ≥ 0.5 of the static file (nginx)": False
    }


def test_the_long_tail_is_held_to_its_share_of_the_ceiling_and_its_p99():
    fast = compared(
        figures(300, p99=99.9), [1000], reference="ceiling", floor=0.3,
        p99_limit_ms=100.0,
    )  # fmt: skip
    slow = compared(
        figures(299, p99=100.0), [1000], reference="ceiling", floor=0.3,
        p99_limit_ms=100.0,
    )  # fmt: skip

    assert verdicts(fast) == {
        "news: ≥ 0.3 of the Django ceiling": True,
        "news: p99 < 100 ms": True,
    }
    assert set(verdicts(slow).values()) == {False}


def test_a_page_without_a_floor_has_no_verdict():
    assert compared(100, [6000], floor=None).verdicts() == []


def test_wrong_statuses_failed_requests_and_socket_errors_are_problems():
    broken = compared(
        figures(
            900,
            non_2xx_3xx=3,
            socket_errors={"connect": 0, "read": 0, "write": 0, "timeout": 2},
        ),
        [1000],
    )
    broken.status = 503
    broken.references = [figures(0)]

    assert broken.problems() == [
        "answered 503, not 200",
        "2 socket errors {'connect': 0, 'read': 0, 'write': 0, 'timeout': 2}",
        "3 responses were 4xx/5xx",
        "nginx run: no request completed within the run",
    ]
    assert compared(900, [1000]).problems() == []


def test_going_past_the_end_of_the_list_is_a_problem_only_where_each_path_counts_once():
    walked = figures(900, past_end=7)

    assert compared(walked, [1000]).problems() == []
    assert compared(walked, [1000], each_once=True).problems() == [
        "7 requests went past the end of the list (those paths were asked twice)"
    ]


def test_the_table_shows_each_page_beside_its_reference_runs():
    lines = report.comparison_table([compared(3000, [8000, 4000])]).splitlines()

    assert lines[0].startswith("| page | URL | status | KiB | req/s")
    assert lines[2] == (
        "| news | `/news/` | 200 | 2.0 | 3,000 | 5.0 | 20.0 | static file (nginx) "
        "| 8,000 / 4,000 | 0.50 | ≥ 0.5 | 1.0 → 1.5 |"
    )


def test_a_save_fresh_at_the_edge_within_a_second_passes():
    delays = [{"/a/": 0.2, "/news/": 0.4}, {"/a/": 1.0, "/news/": 0.3}]

    assert report.freshness_verdicts(delays) == [
        ("a save shows through the edge within 1 s", "max 1.000 s", True)
    ]
    assert report.freshness_table(delays).splitlines()[2] == (
        "| `/a/` | 0.200 | 1.000 | 0.600 | 1.000 |"
    )


def test_a_save_late_or_never_seen_at_the_edge_fails():
    late = [{"/a/": 1.01}]
    never = [{"/a/": 0.2}, {"/a/": None}]

    assert report.freshness_verdicts(late)[0][2] is False
    assert report.freshness_verdicts(never) == [
        ("a save shows through the edge within 1 s", "1 never fresh", False)
    ]
    assert report.freshness_table(never).splitlines()[2] == (
        "| `/a/` | 0.200 | stale | 0.200 | stale |"
    )


def test_the_report_puts_every_target_and_problem_before_the_tables():
    text = report.markdown(
        {"started": "2026-12-06 08:00:00 UTC", "vendor": "sqlite", "commands": ["wrk"]},
        [("Freshness", "Seconds.", "| table |")],
        [("mix: p99 < 50 ms", "61.0 ms", False)],
        ["mix: 3 responses were 4xx/5xx"],
    )

    assert text.index("| mix: p99 < 50 ms | 61.0 ms | FAIL |") < text.index(
        "- mix: 3 responses were 4xx/5xx"
    )
    assert text.index("## Problems") < text.index("## Freshness")
    assert text.rstrip().endswith("wrk\n```")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.skipif(not shutil.which("nginx", path=SBIN), reason="nginx not installed")
def test_nginx_serves_a_static_file_exactly_as_big_as_the_page(tmp_path):
    page = ceiling_page(12_345)
    nginx = Nginx(port=free_port(), workdir=tmp_path, log_path=tmp_path / "log")

    with nginx:
        status, body, _ = fetch(nginx.port, nginx.static_file(page))

    assert status == 200
    assert body == page


class PathsHeard(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    heard = []

    def do_GET(self):  # noqa: N802 (the standard library's name)
        self.heard.append(self.path)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.mark.skipif(not shutil.which("wrk"), reason="wrk not installed")
def test_wrk_walks_the_list_in_order_and_counts_the_requests_past_its_end(tmp_path):
    paths = tmp_path / "paths.txt"
    paths.write_text("/a/\n/b/\n/c/\n")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), PathsHeard)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    driver = run.Driver("wrk", 1, 1, 5, 0, 1)

    try:
        output = subprocess.run(
            driver.wrk_command(server.server_port, "/", 1, paths),
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        server.shutdown()

    # wrk asks the script for one request to check it before sending any, so
    # the walk may start at the second path; after that it follows the list.
    order = ["/a/", "/b/", "/c/"]
    steps = {
        (order.index(after) - order.index(before)) % 3
        for before, after in itertools.pairwise(PathsHeard.heard)
    }
    assert len(PathsHeard.heard) > 3
    assert steps == {1}
    answered = report.parse_wrk(output)["requests"]
    assert report.parse_wrk(output)["past_end"] >= answered - 3 > 0


@pytest.mark.django_db(transaction=True)
def test_a_bench_save_commits_a_new_title_and_purges_the_storys_keys(make_article):
    story = make_article(title="Bridge reopens")
    editor = run.Editor([story.pk])

    word, committed = editor.save(editor.stories[0])

    story.refresh_from_db()
    assert story.title == f"Bridge reopens {word}"
    assert committed <= time.monotonic()
    assert SurrogateKey.objects.filter(key=keys.article(story.pk)).exists()
    editor.restore()
    story.refresh_from_db()
    assert story.title == "Bridge reopens"


@pytest.mark.parametrize("size", [900, 29_470, 30_001])
def test_the_ceiling_page_is_exactly_as_big_as_asked(size):
    page = ceiling_page(size)

    assert len(page) == size
    assert page.startswith(b"<!DOCTYPE html>")
    assert page.endswith(b"</html>\n")


@pytest.fixture
def bench_urls(settings):
    settings.ROOT_URLCONF = "bench.urls"


def test_the_ceiling_is_served_at_the_size_asked_without_touching_the_database(
    bench_urls, client, db, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/__ceiling__/20480/")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert len(response.content) == 20480


def test_the_site_is_still_there_beside_the_ceiling(bench_urls, client, db):
    assert client.get("/healthz").status_code == 200
    assert client.get("/news/").status_code == 200


def test_only_the_bench_serves_the_ceiling(client, db):
    assert client.get("/__ceiling__/20480/").status_code == 404


def test_worker_timeouts_and_server_errors_in_the_log_are_problems():
    log = (
        "[INFO] Booting worker with pid: 11\n"
        "[INFO] Booting worker with pid: 12\n"
        "[CRITICAL] WORKER TIMEOUT (pid:11)\n"
        "Internal Server Error: /news/\n"
        "Not Found: /news/\n"
    )

    summary = report.server_log_summary(log)

    assert summary["workers booted"] == 2
    assert report.server_log_problems(summary) == [
        "1 worker timeouts (killed by gunicorn)",
        "1 500 responses logged",
    ]
    assert report.server_log_problems(report.server_log_summary("Not Found: /x")) == []


# --- The database's upkeep ---------------------------------------------------------


def test_the_bench_leaves_a_sqlite_database_as_it_is(tmp_path):
    assert run.vacuum(f"sqlite:///{tmp_path / 'bench.sqlite3'}") is None


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"
)
@pytest.mark.django_db
def test_the_bench_vacuums_a_postgresql_database_and_reports_autovacuum():
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
        f"/{database['NAME']}"
    )

    assert run.vacuum(url) in {"on", "off"}
