"""`make serve`'s last step (python -m edge.serve) as an operator runs it:
Varnish in front of gunicorn, or gunicorn alone with EDGE=0, each with the
job worker; SIGTERM stops them all."""

import gzip
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps

from .harness import Server, app_environment, free_port, needs_varnish

pytestmark = pytest.mark.skipif(
    not apps.is_installed("jobs"),
    reason="the job worker (jobs app) is not installed yet",
)


def serving(app_folder, log_folder, **variables):
    """edge.serve on the edge tests' database, static and media folders."""
    port = free_port()
    env = app_environment(app_folder)
    env.update(
        HOST="127.0.0.1", PORT=str(port), BACKEND_PORT=str(free_port()), **variables
    )
    server = Server(
        "serve", [sys.executable, "-m", "edge.serve"], log_folder, port, env
    )
    children = subprocess.run(
        ["pgrep", "-P", str(server.process.pid)], capture_output=True, text=True
    ).stdout.split()
    server.children = {
        int(pid): Path(f"/proc/{pid}/cmdline")
        .read_bytes()
        .replace(b"\0", b" ")
        .decode()
        for pid in children
    }
    return server


def stop(server):
    """SIGTERM; its exit status and whichever of its processes outlived it."""
    server.process.send_signal(signal.SIGTERM)
    status = server.process.wait(timeout=60)
    alive = []
    for pid in server.children:
        try:
            os.kill(pid, 0)
            alive.append(server.children[pid])
        except ProcessLookupError:
            pass
    return status, alive


def answers(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


@needs_varnish
def test_the_site_is_served_through_the_edge_until_sigterm_stops_everything(
    app_folder, tmp_path
):
    counting_port = free_port()
    server = serving(app_folder, tmp_path, COUNTING_PORT=str(counting_port))
    try:
        home = server.request("/", headers={"Accept-Encoding": "gzip"})
        robots = server.request("/robots.txt")
        story = re.search(r'href="(/news/[0-9/]{11}[^"]+/)"', server.request("/").text)
        article = server.request(story[1])
        counting_answered = answers(counting_port)
    finally:
        status, alive = stop(server)

    assert home.status == 200
    assert home.headers["X-Cache"] in {"MISS", "PASS", "HIT"}
    assert home.headers["Content-Encoding"] == "gzip"
    assert "Sitemap: http://127.0.0.1" in robots.text
    # The story's view count, from the include its own workers answer.
    assert re.search(r'<span class="article-views">[0-9,]+ views?</span>', article.text)
    assert counting_answered
    commands = " | ".join(server.children.values())
    assert all(name in commands for name in ("varnishd", "gunicorn", "run_worker"))
    assert f"--bind 127.0.0.1:{counting_port}" in commands
    assert (status, alive) == (0, [])
    assert not answers(server.port)
    assert not answers(counting_port)


def test_without_the_edge_gunicorn_serves_compressed_pages_itself(app_folder, tmp_path):
    server = serving(app_folder, tmp_path, EDGE="0")
    try:
        home = server.request("/", headers={"Accept-Encoding": "gzip"})
    finally:
        status, alive = stop(server)

    assert home.status == 200
    assert "X-Cache" not in home.headers
    assert b"<html" in gzip.decompress(home.body)
    commands = " | ".join(server.children.values())
    assert "varnishd" not in commands
    assert "run_worker" in commands
    assert (status, alive) == (0, [])
