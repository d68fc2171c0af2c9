"""The parts of `make bench` that need no server: reading wrk, ratios to the
ceiling, the issue's targets, and the ceiling page itself."""

import pytest

from bench import report
from bench.ceiling import ceiling_page

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


def test_a_ratio_is_the_share_of_the_ceilings_throughput():
    assert report.ratio(1500, 3000) == 0.5
    assert report.ratio(3000, 3000) == 1.0
    assert report.ratio(1500, 0) is None
    assert report.ratio(1500, None) is None


def result(name, kind, rps, p50=5.0, p99=20.0, status=200, expected=200, **wrk):
    figures = {
        "requests": int(rps * 10),
        "requests_per_second": rps,
        "p50_ms": p50,
        "p99_ms": p99,
        "non_2xx_3xx": 0,
        "socket_errors": {"connect": 0, "read": 0, "write": 0, "timeout": 0},
        **wrk,
    }
    return report.Result(
        name, f"/{name}/", kind, expected_status=expected, status=status, wrk=figures
    )


def test_without_neighbours_ratios_are_against_the_mean_of_the_ceiling_runs():
    results = [
        result("ceiling", "ceiling", 4200),
        result("news", "list", 1900),
        result("ceiling again", "ceiling", 3800),
    ]

    ceiling = report.apply_ratios(results)

    assert ceiling == 4000
    assert [r.ratio for r in results] == [1.05, 0.475, 0.95]


def test_each_page_is_compared_with_the_ceiling_runs_beside_it():
    # The machine slowed down between the two pages.
    home, news = result("home", "home", 1500), result("news", "list", 500)
    home.nearby_ceilings, news.nearby_ceilings = [4000, 2000], [2000, 1000]
    results = [
        result("ceiling", "ceiling", 4000),
        home,
        news,
        result("ceiling again", "ceiling", 1000),
    ]

    ceiling = report.apply_ratios(results, interleaved_ceilings=[2000])

    assert ceiling == 7000 / 3
    assert home.ratio == 0.5
    assert news.ratio == 500 / 1500
    assert "| 4,000 / 2,000 | 0.50 |" in report.table(results)


def test_a_page_that_answers_as_expected_has_no_problems():
    good = result("news", "list", 2000)
    probe = result("bad date", "probe", 900, status=400, expected=400, non_2xx_3xx=9000)

    assert good.check() == []
    assert probe.check() == []


def test_a_wrong_status_failed_responses_and_socket_errors_are_problems():
    missing = result("feed", "feed", 900, status=404, non_2xx_3xx=9000)
    flaky = result(
        "news",
        "list",
        2000,
        non_2xx_3xx=3,
        socket_errors={"connect": 0, "read": 0, "write": 0, "timeout": 2},
    )
    idle = result("sitemap", "sitemap", 0)

    assert missing.check() == [
        "answered 404, expected 200",
        "9000 responses were 4xx/5xx under load",
    ]
    assert flaky.check() == [
        "2 socket errors {'connect': 0, 'read': 0, 'write': 0, 'timeout': 2}",
        "3 responses were 4xx/5xx under load",
    ]
    assert idle.check() == ["no request completed within the run"]


def verdicts_for(*results, rss=()):
    report.apply_ratios(results)
    for r in results:
        r.check()
    return {target: ok for target, _, ok in report.target_verdicts(results, rss)}


def test_targets_pass_at_the_issues_floors_and_fail_below_them():
    verdicts = verdicts_for(
        result("ceiling", "ceiling", 1000),
        result("news", "list", 400),
        result("article", "article", 499),
        result("search", "search", 250, p99=100.0),
    )

    assert verdicts["news: ≥ 0.40 of the ceiling"] is True
    assert verdicts["article: ≥ 0.50 of the ceiling"] is False
    assert verdicts["search: ≥ 0.25 of the ceiling"] is True
    assert verdicts["news: p99 < 100 ms"] is True
    assert verdicts["search: p99 < 100 ms"] is False


def test_the_deep_page_may_be_at_most_twice_as_slow_as_the_first():
    deep = result("news deep page", "list", 500, p50=10.0)
    deep.path = "/news/?page=2000"
    slower = result("news deep page", "list", 500, p50=10.1)
    slower.path = "/news/?page=2000"
    target = "/news/?page=2000 p50 within 2× of page 1"

    assert verdicts_for(result("news", "list", 900, p50=5.0), deep)[target] is True
    assert verdicts_for(result("news", "list", 900, p50=5.0), slower)[target] is False


def test_worker_memory_is_held_to_150_mb():
    ceiling = result("ceiling", "ceiling", 1000)

    assert verdicts_for(ceiling, rss=[80, 149.9])["worker memory < 150 MB"] is True
    assert verdicts_for(ceiling, rss=[80, 150])["worker memory < 150 MB"] is False


def test_a_page_with_problems_gets_no_target_verdict():
    verdicts = verdicts_for(
        result("ceiling", "ceiling", 1000), result("feed", "feed", 900, status=500)
    )

    assert verdicts == {}


def test_the_table_shows_each_page_its_status_and_share_of_the_ceiling():
    results = [
        result("ceiling", "ceiling", 4000),
        result("feed", "feed", 1000, status=404, non_2xx_3xx=10000),
    ]
    results[1].queries_first, results[1].queries_again = 3, 1
    results[1].bytes = 2048
    report.apply_ratios(results)

    lines = report.table(results).splitlines()

    assert lines[0].startswith("| page | URL | status")
    assert lines[2].startswith("| ceiling | `/ceiling/` | 200 |")
    assert "| feed | `/feed/` | 404 (want 200) | 2.0 | 1,000 |" in lines[3]
    assert lines[3].endswith("| 10000 | 0 | 3/1 | – | 0.25 |")


@pytest.mark.parametrize("size", [900, 29_470, 30_001])
def test_the_ceiling_page_is_exactly_as_big_as_asked(size):
    page = ceiling_page(size)

    assert len(page) == size
    assert page.startswith(b"<!DOCTYPE html>")
    assert page.endswith(b"</html>\n")


@pytest.fixture
def bench_urls(settings):
    settings.ROOT_URLCONF = "bench.urls"


def test_the_ceiling_is_served_without_touching_the_database(
    bench_urls, client, db, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/__ceiling__/")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response.content.endswith(b"</html>\n")


def test_the_site_is_still_there_beside_the_ceiling(bench_urls, client, db):
    assert client.get("/healthz").status_code == 200
    assert client.get("/news/").status_code == 200


def test_only_the_bench_serves_the_ceiling(client, db):
    assert client.get("/__ceiling__/").status_code == 404


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
