"""make serve's supervisor (edge/serve.py): the VCL it renders, and the
processes it runs stopping together."""

import shutil
import subprocess
import sys
import time

import pytest

from edge import serve

from .harness import ROOT, VARNISHD, needs_varnish


def test_the_committed_backends_are_those_make_serve_renders_for_one_app_server():
    committed = (ROOT / "edge" / "backends.vcl").read_text()

    assert committed == serve.render_backends(
        [("127.0.0.1", 8001)], [("127.0.0.1", 8002)]
    )


def test_view_count_includes_go_to_their_own_servers_or_else_to_the_app_servers():
    apart = serve.render_backends([("10.0.0.1", 8001)], [("10.0.0.1", 8002)])
    shared = serve.render_backends([("10.0.0.1", 8001)])

    assert "counting.add_backend(counting1);" in apart
    assert '.port = "8002";' in apart
    assert "counting.add_backend(app1);" in shared
    assert "counting1" not in shared


@needs_varnish
def test_the_vcl_compiles_in_front_of_several_app_servers_who_may_all_purge(tmp_path):
    folder = serve.prepare_edge_dir(
        [("127.0.0.1", 8401), ("10.0.0.2", 8000)],
        [("127.0.0.1", 8402), ("10.0.0.2", 8001)],
    )
    try:
        backends = (folder / "backends.vcl").read_text()
        result = subprocess.run(
            [VARNISHD, "-C", "-n", str(tmp_path / "varnish")]
            + ["-f", str(folder / "default.vcl"), "-p", f"vcl_path={folder}"],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        shutil.rmtree(folder)

    assert result.returncode == 0, result.stderr
    assert '.host = "10.0.0.2";' in backends
    assert "app.add_backend(app2);" in backends
    assert "counting.add_backend(counting2);" in backends
    assert 'acl purgers {\n    "127.0.0.1";\n    "::1";\n    "10.0.0.2";\n}' in backends


def test_when_one_process_exits_the_others_are_stopped():
    supervisor = serve.Supervisor()
    lasting = supervisor.start("lasting", ["sleep", "60"], None)
    supervisor.start("brief", [sys.executable, "-c", "raise SystemExit(3)"], None)

    deadline = time.monotonic() + 10
    while not supervisor.exited() and time.monotonic() < deadline:
        time.sleep(0.05)
    stopped = supervisor.exited()
    supervisor.stop()

    assert stopped == ("brief", 3)
    assert lasting.poll() is not None


def test_without_varnishd_make_serve_says_what_to_install(monkeypatch):
    monkeypatch.setattr(serve, "VARNISHD_PATHS", ("no-such-varnishd",))
    monkeypatch.setenv("EDGE", "1")

    with pytest.raises(SystemExit, match="apt-get install varnish varnish-modules"):
        serve.main()
