"""`make serve`'s processes, started and stopped together.

With the edge (EDGE=1, the default): Varnish with edge/default.vcl on
HOST:PORT in front of gunicorn on 127.0.0.1:BACKEND_PORT (PORT + 1), a second
gunicorn for the view-count includes on 127.0.0.1:COUNTING_PORT
(BACKEND_PORT + 1), and the job worker.
EDGE=0: gunicorn alone on HOST:PORT, compressing pages itself
(NEWSROOM_GZIP=1), and the job worker.

All of them stop when this process gets Ctrl-C or SIGTERM, and as soon as
one of them exits: half a site looks alive but never purges, or never
answers."""

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EDGE_DIR = ROOT / "edge"
VARNISHD_PATHS = ("varnishd", "/usr/sbin/varnishd")
STOP_SECONDS = 25  # gunicorn's graceful_timeout is 20 s

BACKENDS = """\
# The app servers behind the edge, and who may purge it: this machine and the
# app servers. `make serve` (edge/serve.py) renders its own copy with the
# ports it chose; this one, for gunicorn on 127.0.0.1:8001 and its view
# counts on 127.0.0.1:8002, lets
# `varnishd -C -f edge/default.vcl -p vcl_path=$PWD/edge` check the VCL.
import directors;
{backends}
sub vcl_init {{
    new app = directors.round_robin();
{added}    new counting = directors.round_robin();
{counting_added}}}

sub app_backend {{
    set req.backend_hint = app.backend();
}}

# The view-count includes, asked on every article reading.
sub counting_backend {{
    set req.backend_hint = counting.backend();
}}

acl purgers {{
{purgers}}}
"""

BACKEND = """
backend {name} {{
    .host = "{host}";
    .port = "{port}";
    .connect_timeout = 1s;
    .first_byte_timeout = 60s;
}}
"""

LOOPBACK = ("127.0.0.1", "::1")


def render_backends(addresses, counting=()):
    """VCL for the app servers at `addresses` ((host, port) pairs) and the
    view-count servers at `counting` (the app servers themselves when there
    are none), each group taken in turn: the backends, `sub app_backend` and
    `sub counting_backend` that pick one, and `acl purgers`."""
    apps = {f"app{number}": address for number, address in enumerate(addresses, 1)}
    counters = {
        f"counting{number}": address for number, address in enumerate(counting, 1)
    }
    hosts = dict.fromkeys([*LOOPBACK, *(host for host, _ in [*addresses, *counting])])
    return BACKENDS.format(
        backends="".join(
            BACKEND.format(name=name, host=host, port=port)
            for name, (host, port) in {**apps, **counters}.items()
        ),
        added="".join(f"    app.add_backend({name});\n" for name in apps),
        counting_added="".join(
            f"    counting.add_backend({name});\n" for name in counters or apps
        ),
        purgers="".join(f'    "{host}";\n' for host in hosts),
    )


def find_varnishd():
    for candidate in VARNISHD_PATHS:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def prepare_edge_dir(addresses, counting=()):
    """A working folder for one varnishd: the VCL with its backends (see
    render_backends). Readable by the unprivileged users varnishd drops to
    when started as root."""
    folder = Path(tempfile.mkdtemp(prefix="newsroom-edge-"))
    folder.chmod(0o755)
    shutil.copy(EDGE_DIR / "default.vcl", folder / "default.vcl")
    (folder / "backends.vcl").write_text(render_backends(addresses, counting))
    return folder


def varnishd_command(varnishd, folder, listen, *, cache_size="256m"):
    """varnishd in the foreground with the folder's VCL, answering on each
    `listen` address ("host:port")."""
    command = [varnishd, "-F", "-n", str(folder / "varnish")]
    for address in listen:
        command += ["-a", address]
    return command + [
        "-f",
        str(folder / "default.vcl"),
        "-p",
        f"vcl_path={folder}",
        "-s",
        f"malloc,{cache_size}",
    ]


def gunicorn_command(bind):
    """gunicorn with gunicorn.conf.py, answering on `bind` ("host:port")."""
    command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"]
    return [*command, "--bind", bind]


def counting_workers():
    """Workers for the view-count includes (GUNICORN_COUNTING_WORKERS, else one
    per core). Apart from the page workers so that an include, which every
    article reading waits for, never queues behind pages rendered after a
    purge: each is a moment's work, so a few workers keep up with many."""
    return int(os.environ.get("GUNICORN_COUNTING_WORKERS") or os.cpu_count() or 2)


def wait_for_port(host, port, process, seconds=60):
    """True once something accepts connections on host:port; False if
    `process` exits first or time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def _die_with_parent():
    """Children get SIGTERM if this supervisor is killed outright (Linux;
    varnishd started as root forgets it when it changes user)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PDEATHSIG


class Supervisor:
    def __init__(self):
        self.processes = {}

    def start(self, name, command, env):
        self.processes[name] = subprocess.Popen(
            command, cwd=ROOT, env=env, preexec_fn=_die_with_parent
        )
        return self.processes[name]

    def exited(self):
        for name, process in self.processes.items():
            if process.poll() is not None:
                return name, process.returncode
        return None

    def stop(self):
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + STOP_SECONDS
        for process in self.processes.values():
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def main():
    host = os.environ.get("HOST") or "127.0.0.1"
    port = int(os.environ.get("PORT") or 8000)
    edge = os.environ.get("EDGE", "1") != "0"
    env = dict(os.environ)
    varnishd = find_varnishd() if edge else None
    if edge and not varnishd:
        sys.exit(
            "make serve: varnishd not found. Install Varnish and its modules "
            "(apt-get install varnish varnish-modules), or serve through "
            "gunicorn alone: EDGE=0 make serve"
        )

    if edge:
        backend_port = int(os.environ.get("BACKEND_PORT") or port + 1)
        counting_port = int(os.environ.get("COUNTING_PORT") or backend_port + 1)
        gunicorn_bind = f"127.0.0.1:{backend_port}"
        # The app purges the edge after each change and reads the reader's
        # address from the entry Varnish appends to X-Forwarded-For.
        env.setdefault("NEWSROOM_EDGE_PURGE_URL", f"http://127.0.0.1:{port}/")
        env.setdefault("NEWSROOM_PROXY_COUNT", "1")
    else:
        gunicorn_bind = f"{host}:{port}"
        env.setdefault("NEWSROOM_GZIP", "1")

    supervisor = Supervisor()
    folder = None

    def stop_on_signal(signum, frame):
        raise KeyboardInterrupt

    # Also SIGINT: a shell starting `make serve` in the background ignores it.
    signal.signal(signal.SIGINT, stop_on_signal)
    signal.signal(signal.SIGTERM, stop_on_signal)
    try:
        gunicorn = supervisor.start("gunicorn", gunicorn_command(gunicorn_bind), env)
        if edge:
            counting = supervisor.start(
                "gunicorn (view counts)",
                gunicorn_command(f"127.0.0.1:{counting_port}"),
                {**env, "GUNICORN_WORKERS": str(counting_workers())},
            )
        supervisor.start("job worker", [sys.executable, "manage.py", "run_worker"], env)
        gunicorn_host, gunicorn_port = gunicorn_bind.rsplit(":", 1)
        if not wait_for_port(gunicorn_host, int(gunicorn_port), gunicorn):
            sys.exit("make serve: gunicorn did not start (see its messages above).")
        if edge:
            if not wait_for_port("127.0.0.1", counting_port, counting):
                sys.exit(
                    "make serve: gunicorn (view counts) did not start (see its "
                    "messages above)."
                )
            folder = prepare_edge_dir(
                [("127.0.0.1", backend_port)], [("127.0.0.1", counting_port)]
            )
            listen = [f"{host}:{port}"]
            if host not in ("127.0.0.1", "localhost", "0.0.0.0"):
                listen.append(f"127.0.0.1:{port}")  # where the app's purges arrive
            cache_size = os.environ.get("EDGE_CACHE_SIZE") or "256m"
            varnish = supervisor.start(
                "varnishd",
                varnishd_command(varnishd, folder, listen, cache_size=cache_size),
                env,
            )
            if not wait_for_port(
                "127.0.0.1" if host == "0.0.0.0" else host, port, varnish
            ):
                sys.exit("make serve: varnishd did not start (see its messages above).")
            print(
                f"Serving http://{host}:{port}/ through Varnish (varnishlog -n "
                f"{folder / 'varnish'}), gunicorn on {gunicorn_bind}, its view "
                f"counts on 127.0.0.1:{counting_port}, and the job worker. Ctrl-C "
                "stops them all.",
                flush=True,
            )
        else:
            print(
                f"Serving http://{host}:{port}/ through gunicorn alone, and the job "
                "worker. Ctrl-C stops them all.",
                flush=True,
            )
        while True:
            stopped = supervisor.exited()
            if stopped:
                name, status = stopped
                sys.exit(f"make serve: {name} exited (status {status}); stopping.")
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("make serve: stopping.", flush=True)
    finally:
        # A second Ctrl-C must not cut the stopping short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        supervisor.stop()
        if folder:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
