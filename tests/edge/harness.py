"""A real Varnish with the committed VCL in front of a real gunicorn serving
the app (with tests/edge/urls.py's contract pages), as `make serve` runs
them; requests made byte for byte, from any loopback address."""

import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from edge import serve

ROOT = Path(__file__).resolve().parent.parent.parent
VARNISHD = serve.find_varnishd()


def why_no_edge():
    """Why the edge tests cannot run here, or None."""
    if VARNISHD is None:
        return (
            "varnishd is not installed (apt-get install varnish varnish-modules): "
            "the edge tests are skipped"
        )
    with tempfile.TemporaryDirectory() as folder:
        Path(folder).chmod(0o755)  # read by varnishd's own user under root
        vcl = Path(folder) / "xkey.vcl"
        vcl.write_text("vcl 4.1;\nimport xkey;\nbackend default none;\n")
        compiled = subprocess.run(
            [VARNISHD, "-C", "-n", f"{folder}/varnish", "-f", str(vcl)],
            capture_output=True,
            timeout=120,
        )
    if compiled.returncode != 0:
        return (
            "Varnish's xkey module is not installed (apt-get install "
            "varnish-modules): the edge tests are skipped"
        )
    return None


NO_EDGE = why_no_edge()
needs_varnish = pytest.mark.skipif(NO_EDGE is not None, reason=str(NO_EDGE))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self):
        return self.body.decode()

    @property
    def cache(self):
        return self.headers.get("X-Cache")


class Server:
    """A process answering on 127.0.0.1:port, its output in a log file."""

    def __init__(self, name, command, folder, port, env=None):
        self.port = port
        self.log = folder / f"{name}.log"
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        if not serve.wait_for_port("127.0.0.1", port, self.process):
            self.stop()
            pytest.fail(f"{name} did not start:\n{self.log.read_text()}")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def request(self, path, method="GET", headers=None, source="127.0.0.1"):
        """One request on its own connection from `source`; Host is
        127.0.0.1 unless `headers` say otherwise, and nothing else is added."""
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=20, source_address=(source, 0)
        )
        try:
            connection.putrequest(
                method, path, skip_host=True, skip_accept_encoding=True
            )
            for name, value in {"Host": "127.0.0.1", **(headers or {})}.items():
                connection.putheader(name, value)
            connection.endheaders()
            response = connection.getresponse()
            return Answer(response.status, response.headers, response.read())
        finally:
            connection.close()


def app_environment(folder, edge_port=None):
    """The app as `make serve` runs it behind the edge (on `edge_port`), on
    its own SQLite, static and media folders."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("DJANGO_", "DATABASE_", "REDIS_", "NEWSROOM_", "GUNICORN_")
        )
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.edge.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="edge-tests-only",
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        DJANGO_STATIC_ROOT=str(folder / "static"),
        DJANGO_MEDIA_ROOT=str(folder / "media"),
        GUNICORN_WORKERS="1",
        GUNICORN_THREADS="4",
    )
    if edge_port:
        env.update(
            NEWSROOM_EDGE_PURGE_URL=f"http://127.0.0.1:{edge_port}/",
            NEWSROOM_PROXY_COUNT="1",
        )
    return env


def prepare_app(folder):
    """make serve's steps before it starts anything: static files, the
    database, the demo content."""
    for command in (
        ["collectstatic", "--noinput", "--verbosity", "0"],
        ["migrate", "--noinput", "--verbosity", "0"],
        ["load_demo"],
    ):
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=app_environment(folder),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def start_app(folder, port, edge_port):
    command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"]
    return Server(
        "gunicorn",
        command + ["--bind", f"127.0.0.1:{port}"],
        folder,
        port,
        app_environment(folder, edge_port),
    )


def start_edge(folder, port, app_ports, counting_ports=()):
    workdir = serve.prepare_edge_dir(
        [("127.0.0.1", app) for app in app_ports],
        [("127.0.0.1", counting) for counting in counting_ports],
    )
    command = serve.varnishd_command(
        VARNISHD, workdir, [f"127.0.0.1:{port}"], cache_size="64m"
    )
    try:
        edge = Server(f"varnishd-{port}", command, folder, port)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    edge.workdir = workdir
    return edge


def until(predicate, seconds):
    """Seconds taken until predicate() held, or None past `seconds`."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if predicate():
            return time.monotonic() - started
        time.sleep(0.05)
    return None
