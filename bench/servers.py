"""The processes `make bench` runs for readers: gunicorn with the site and the
ceiling, the job worker, Varnish in front of gunicorn, and nginx serving
static files as big as the pages. Each is a context manager that waits until
its server answers and stops it (and only it) on the way out."""

import getpass
import http.client
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from edge import serve

ROOT = Path(__file__).resolve().parent.parent


def fetch(port, path, timeout=60, headers=None):
    """(status, body, headers) of one plain GET, redirects not followed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        conn.close()


class Process:
    """A server process with its output in `log_path`, up once `path`
    answers 200 on `port`."""

    name = "server"
    health_path = "/"

    def __init__(self, command, *, port, log_path, env=None, cwd=ROOT):
        self.command, self.port, self.log_path = command, port, log_path
        self.env, self.cwd = env, cwd
        self.process = None

    def __enter__(self):
        self.log_file = open(self.log_path, "w")  # noqa: SIM115 (closed in __exit__)
        self.process = subprocess.Popen(
            self.command,
            cwd=self.cwd,
            env=self.env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )
        if self.health_path is None:
            return self
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if fetch(self.port, self.health_path, timeout=5)[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        self.__exit__(None, None, None)
        sys.exit(f"bench: {self.name} did not come up; see {self.log_path}")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()


class Gunicorn(Process):
    name = "gunicorn"
    health_path = "/healthz"

    def __init__(self, env, *, port, log_path, workers=None):
        if workers:
            env = {**env, "GUNICORN_WORKERS": str(workers)}
        super().__init__(
            serve.gunicorn_command(f"127.0.0.1:{port}"),
            port=port,
            log_path=log_path,
            env=env,
        )


class JobWorker(Process):
    """`manage.py run_worker`: it resends purges the edge did not confirm."""

    name = "job worker"
    health_path = None

    def __init__(self, env, *, log_path):
        super().__init__(
            [sys.executable, "manage.py", "run_worker"],
            port=None,
            log_path=log_path,
            env=env,
        )


class Varnish(Process):
    """varnishd in the foreground with the edge's own VCL and backends, as
    `make serve` runs it (edge/serve.py), in front of the bench's gunicorn."""

    name = "varnishd"
    health_path = "/healthz"

    def __init__(self, *, port, backend_port, counting_port, log_path, memory):
        self.workdir = serve.prepare_edge_dir(
            [("127.0.0.1", backend_port)], [("127.0.0.1", counting_port)]
        )
        super().__init__(
            serve.varnishd_command(
                shutil.which("varnishd") or "/usr/sbin/varnishd",
                self.workdir,
                [f"127.0.0.1:{port}"],
                cache_size=memory,
            ),
            port=port,
            log_path=log_path,
        )

    def __exit__(self, *exc):
        try:
            return super().__exit__(*exc)
        finally:
            shutil.rmtree(self.workdir, ignore_errors=True)


# Workers run as the user running the bench (nginx ignores `user` unless
# started by root), so they can read the files wherever the bench wrote them.
NGINX_CONF = """\
daemon off;
user {user};
worker_processes auto;
pid {root}/nginx.pid;
error_log {root}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    default_type text/html;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root}/www;
        location = /healthz {{ return 200 "ok"; }}
    }}
}}
"""


class Nginx(Process):
    """nginx serving files from `workdir`/www; `static_file(size)` writes one
    of exactly that many bytes and returns its path on the server."""

    name = "nginx"
    health_path = "/healthz"

    def __init__(self, *, port, workdir, log_path):
        self.root = Path(workdir) / "nginx"
        (self.root / "www").mkdir(parents=True, exist_ok=True)
        conf = self.root / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(root=self.root, port=port, user=getpass.getuser())
        )
        super().__init__(
            [
                shutil.which("nginx") or "/usr/sbin/nginx",
                "-p",
                str(self.root),
                "-c",
                str(conf),
                "-e",
                str(self.root / "nginx-error.log"),
            ],  # fmt: skip
            port=port,
            log_path=log_path,
        )

    def static_file(self, page):
        name = f"page-{len(page)}.html"
        (self.root / "www" / name).write_bytes(page)
        return f"/{name}"
