"""A site spread over several machines, run on this one: app servers
(gunicorn), the edge (Varnish), the job worker, sharing the test's PostgreSQL
database and a Redis, each a real process talking over loopback.

Ports are any free ones; set NEWSROOM_TEST_PORTS (say "8700-8799") and
NEWSROOM_TEST_REPLICA_PORTS (the replica's, see replica.py) to keep them within
ranges on a shared machine."""

import http.cookiejar
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from edge import serve

ROOT = Path(settings.BASE_DIR)
VARNISHD = "/usr/sbin/varnishd"
_ports_handed_out = set()


def free_port(range_variable="NEWSROOM_TEST_PORTS"):
    """A loopback port nobody listens on, never the same twice in a run."""
    spec = os.environ.get(range_variable, "")
    if spec:
        first, last = (int(end) for end in spec.split("-"))
        candidates = range(first, last + 1)
    else:
        candidates = [0] * 20
    for port in candidates:
        if port in _ports_handed_out:
            continue
        with closing(socket.socket()) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            port = probe.getsockname()[1]
        if port not in _ports_handed_out:
            _ports_handed_out.add(port)
            return port
    raise RuntimeError(f"no free port in {spec or 'the ephemeral range'}")


def wait_until(predicate, timeout=30.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


@dataclass
class Answer:
    status: int | None
    headers: dict
    text: str

    @property
    def from_edge_cache(self):
        # Varnish names two transactions (this one, the stored one's) on a hit.
        return len(self.headers.get("x-varnish", "").split()) == 2


class Browser:
    """One reader or editor: its own cookies and User-Agent."""

    def __init__(self, user_agent="Mozilla/5.0 (scale-out test)"):
        self.user_agent = user_agent
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirects
        )

    def get(self, url):
        return self.request(url)

    def post(self, url, fields, referer):
        body = urllib.parse.urlencode(fields).encode()
        return self.request(url, body, {"Referer": referer})

    def request(self, url, body=None, headers=None):
        request = urllib.request.Request(
            url, data=body, headers={"User-Agent": self.user_agent, **(headers or {})}
        )
        try:
            with self.opener.open(request, timeout=20) as response:
                return Answer(
                    response.status,
                    {k.lower(): v for k, v in response.headers.items()},
                    response.read().decode(),
                )
        except urllib.error.HTTPError as error:
            return Answer(
                error.code,
                {k.lower(): v for k, v in error.headers.items()},
                error.read().decode(errors="replace"),
            )
        except OSError:
            return Answer(None, {}, "")


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """A 302 after the admin's save is the answer we check, not a page to follow."""

    def redirect_request(self, *args, **kwargs):
        return None


def test_database_url():
    """The test's own database (pytest-django's), for the processes we start."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}"
        f":{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: app servers on two ports share one database "
            "(set DATABASE_URL=postgres://…)"
        )


@pytest.fixture
def redis_url():
    """The machine's Redis (REDIS_URL, or 127.0.0.1:6379); our processes use
    their own key prefix, so nothing of anyone else's is read or flushed."""
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_timeout=1).ping()
    except redis.exceptions.RedisError as error:
        pytest.skip(f"needs Redis at {url}: {error}")
    return url


@pytest.fixture(scope="session")
def static_root():
    """Hashed static files, as `make serve` collects them: app servers run
    with debug off."""
    folder = Path(tempfile.mkdtemp(prefix="newsroom-static-"))
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_STATIC_ROOT": str(folder), "DJANGO_DEBUG": "0"},
        check=True,
    )
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def site_environment(postgresql, redis_url, static_root):
    """What every process of one site shares: its database, its Redis (under
    a key prefix of its own), its secret."""
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "DATABASE_CONN_MAX_AGE": "60",
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": f"newsroom-scaleout-{uuid.uuid4().hex}",
        "DJANGO_SECRET_KEY": "scale-out-test-only",
        "DJANGO_DEBUG": "0",
        "DJANGO_STATIC_ROOT": str(static_root),
        # Plain HTTP on loopback: the editor's session cookie must travel.
        "DJANGO_SECURE_COOKIES": "0",
        "NEWSROOM_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    for name in ("DATABASE_REPLICA_URL", "NEWSROOM_EDGE_PURGE_URL"):
        env.pop(name, None)
    yield env
    prefix = env["CACHE_KEY_PREFIX"]
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match=f"{prefix}:*", count=1000):
        client.delete(key)


@dataclass
class Process:
    name: str
    process: subprocess.Popen
    log: Path
    ready: object = None

    def output(self):
        return self.log.read_text(errors="replace")

    def wait_until_serving(self, timeout=60):
        exited = self.process.poll
        if self.ready is not None and not wait_until(
            lambda: exited() is not None or self.ready(), timeout
        ):
            raise AssertionError(f"{self.name} did not start:\n{self.output()}")
        if exited() is not None:
            raise AssertionError(f"{self.name} exited:\n{self.output()}")
        return self


@contextmanager
def started(name, command, env, log_folder, ready=None):
    """`command` running until the block ends; `ready()` says when it serves
    (Process.wait_until_serving), so several can start side by side."""
    log = log_folder / f"{name}.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        yield Process(name, process, log, ready)
    finally:
        # Quick shutdown (gunicorn's SIGINT): nothing is left to finish.
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def answers(url):
    return Browser().get(url).status == 200


@pytest.fixture
def app_server(site_environment, tmp_path):
    """Start a gunicorn (two sync workers) on a port of its own: one machine."""

    @contextmanager
    def start(name, port=None, wait=True, **variables):
        port = port or free_port()
        env = {
            **site_environment,
            "GUNICORN_WORKERS": "2",
            "GUNICORN_ACCESS_LOG": str(tmp_path / f"{name}-access.log"),
            **variables,
        }
        command = [
            os.path.join(os.path.dirname(sys.executable), "gunicorn"),
            "--config",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
        ]
        base = f"http://127.0.0.1:{port}"
        with started(
            name, command, env, tmp_path, lambda: answers(f"{base}/healthz")
        ) as process:
            process.base = base
            process.port = port
            process.access_log = Path(env["GUNICORN_ACCESS_LOG"])
            yield process.wait_until_serving() if wait else process

    return start


@pytest.fixture
def job_worker(site_environment, tmp_path):
    @contextmanager
    def start(**variables):
        command = [sys.executable, "manage.py", "run_worker", "--interval", "0.2"]
        with started(
            "worker", command, {**site_environment, **variables}, tmp_path
        ) as process:
            yield process.wait_until_serving()

    return start


@pytest.fixture
def varnish(tmp_path):
    """Varnish in front of the given app servers ((host, port) pairs), with
    the committed edge (edge/default.vcl, as make serve runs it)."""
    if not os.access(VARNISHD, os.X_OK):
        pytest.skip(f"needs Varnish ({VARNISHD}, Debian's varnish and varnish-modules)")

    @contextmanager
    def start(backends, port=None, wait=True):
        port = port or free_port()
        # The committed edge, with the test's app servers as its backends.
        folder = serve.prepare_edge_dir(backends)
        command = serve.varnishd_command(
            VARNISHD, folder, [f"127.0.0.1:{port}"], cache_size="64m"
        )
        base = f"http://127.0.0.1:{port}"
        try:
            with started(
                "varnish", command, os.environ, tmp_path, lambda: port_open(port)
            ) as process:
                process.base = base
                yield process.wait_until_serving() if wait else process
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    return start


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False
