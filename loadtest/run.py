"""`make loadtest`: a bounded load run against `make serve` on loopback.

Starts `make serve` (Varnish in front of gunicorn, debug off, a generated
secret key, the demo content) on a free 127.0.0.1 port, gunicorn on another,
with its own SQLite database, media and static folders in a temporary
directory (DATABASE_URL and REDIS_URL are honoured when set), checks that
every public page it will hit answers 200, then runs wrk (Debian's `wrk`
package) with a Lua script that walks round those pages. It prints requests,
errors, statuses and latency, stops the server, and exits 1 on any socket
error, timeout or response that is not 2xx/3xx (every page answered 200
beforehand, so any other status is a fault).

Knobs: LOADTEST_DURATION (seconds, default 60), LOADTEST_CONNECTIONS (50),
LOADTEST_THREADS (wrk threads, default 2)."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import closing, contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent

# The public pages of PRODUCT.md; the article pages and the vCard are found on
# the running site. Filters are included: they are the expensive queries.
FIXED_PATHS = [
    "/",
    "/news/",
    "/news/?organization=belta",
    "/news/?organization=belta&organization=sco-rats&language=en",
    "/news/?q=security",
    "/news/?date_from=2023-07-01&date_to=2023-07-31",
    "/news/2023/",
    "/news/2023/07/",
    "/news/2023/07/06/",
    "/organizations/",
    "/organizations/belta/",
    "/organizations/sco-rats/",
    "/news/feed/",
    "/news/feed/atom/",
    "/news/feed/?organization=sco-rats",
    "/contacts/",
    "/gallery/",
    "/sitemap.xml",
    "/robots.txt",
    "/healthz",
    "/ru/",
    "/ru/news/",
    "/be/",
    "/be/gallery/",
]


def env_int(name, default):
    return int(os.environ.get(name) or default)


def free_port():
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url, timeout=10):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except OSError:
        return None, ""


@contextmanager
def make_serve(port, workdir):
    """`make serve` in its own process group, stopped (the whole group) on
    the way out; its output goes to workdir/server.log."""
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get("DATABASE_URL")
        or f"sqlite:///{workdir / 'loadtest.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
    }
    log_path = workdir / "server.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [
                "make",
                "--no-print-directory",
                "serve",
                "HOST=127.0.0.1",
                f"PORT={port}",
                f"BACKEND_PORT={free_port()}",
                f"COUNTING_PORT={free_port()}",
            ],
            cwd=PROJECT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield server, log_path
        finally:
            stop(server)


def stop(server):
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def wait_for(base, server, timeout=300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            return False
        if fetch(f"{base}/healthz", timeout=2)[0] == 200:
            return True
        time.sleep(0.5)
    return False


def discover(base):
    """The fixed pages, every article in the RSS feed, and each office's
    vCard, as paths."""
    paths = list(FIXED_PATHS)
    _, feed = fetch(f"{base}/news/feed/")
    for link in re.findall(r"<link>([^<]+)</link>", feed):
        path = re.sub(r"^https?://[^/]+", "", link)
        if re.fullmatch(r"/news/\d{4}/\d{2}/\d{2}/[^/]+/", path):
            paths.append(path)
    _, contacts = fetch(f"{base}/contacts/")
    paths += sorted(set(re.findall(r'href="(/contacts/[^"]+\.vcf)"', contacts)))
    return paths


def main():
    duration = env_int("LOADTEST_DURATION", 60)
    connections = env_int("LOADTEST_CONNECTIONS", 50)
    threads = env_int("LOADTEST_THREADS", 2)
    wrk = shutil.which("wrk")
    if not wrk:
        sys.exit("wrk is not installed: sudo apt-get install wrk")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-loadtest-"))
    with make_serve(port, workdir) as (server, log_path):
        print(f"Starting `make serve` on {base} (log: {log_path}) ...", flush=True)
        if not wait_for(base, server):
            sys.exit(f"The server did not come up; see {log_path}")

        paths = discover(base)
        if not any(
            path.startswith("/news/20") and path.count("/") == 6 for path in paths
        ):
            sys.exit("No article pages found in the feed: is the demo content loaded?")
        broken = [(path, fetch(base + path)[0]) for path in paths]
        broken = [(path, status) for path, status in broken if status != 200]
        if broken:
            sys.exit(f"Pages that do not answer 200 before the run: {broken}")
        paths_file = workdir / "paths.txt"
        paths_file.write_text("\n".join(paths) + "\n")

        print(
            f"wrk: {duration} s, {connections} connections, {threads} threads, "
            f"round {len(paths)} pages",
            flush=True,
        )
        run = subprocess.run(
            [
                wrk,
                f"--threads={threads}",
                f"--connections={connections}",
                f"--duration={duration}s",
                "--timeout=10s",
                "--latency",
                f"--script={HERE / 'rotate.lua'}",
                base,
                "--",
                str(paths_file),
            ],
            capture_output=True,
            text=True,
        )
        print(run.stdout, run.stderr, sep="", end="")
        # The server must still be healthy after the run.
        healthy_after = fetch(f"{base}/healthz")[0] == 200
    server_errors = sum(
        1 for line in log_path.read_text().splitlines() if re.search(r'" 5\d\d ', line)
    )

    match = re.search(r"^LOADTEST_RESULT (.*)$", run.stdout, re.MULTILINE)
    if run.returncode != 0 or not match:
        sys.exit(f"wrk failed (exit {run.returncode})")
    result = json.loads(match.group(1))
    report(result, server_errors, healthy_after)
    errors = result["errors"]
    failed = (
        sum(errors.values()) > 0
        or server_errors > 0
        or not healthy_after
        or result["requests"] == 0
    )
    if failed:
        print(f"FAILED (server log kept in {log_path})")
        sys.exit(1)
    shutil.rmtree(workdir, ignore_errors=True)
    print("PASSED: no errors, no 5xx")


def report(result, server_errors, healthy_after):
    seconds = result["duration_us"] / 1e6
    latency = {name: us / 1000 for name, us in result["latency_us"].items()}
    errors = result["errors"]
    statuses = ", ".join(
        f"{status}: {count}" for status, count in sorted(result["statuses"].items())
    )
    print()
    print(
        f"requests      {result['requests']} in {seconds:.1f} s "
        f"({result['requests'] / seconds:.1f}/s, "
        f"{result['bytes'] / seconds / 1e6:.2f} MB/s)"
    )
    print(f"statuses      {statuses}")
    print(f"non-2xx/3xx   {errors['non_2xx_3xx']}")
    print(
        f"socket errors connect {errors['connect']}, read {errors['read']}, "
        f"write {errors['write']}, timeout {errors['timeout']}"
    )
    print(
        f"5xx in the server's access log: {server_errors}; "
        f"/healthz after the run: {'200' if healthy_after else 'NOT 200'}"
    )
    print(
        f"latency ms    mean {latency['mean']:.1f}, p50 {latency['p50']:.1f}, "
        f"p90 {latency['p90']:.1f}, p99 {latency['p99']:.1f}, "
        f"max {latency['max']:.1f}"
    )


if __name__ == "__main__":
    main()
