import shutil

import pytest

from .harness import VARNISHD, free_port, start_app, start_edge


@pytest.fixture(scope="session")
def edge(tmp_path_factory):
    """Varnish with edge/default.vcl on a free port, in front of gunicorn
    serving the app with the demo content."""
    if VARNISHD is None:
        pytest.skip("varnishd is not installed")
    folder = tmp_path_factory.mktemp("edge")
    app_port, edge_port = free_port(), free_port()
    app = start_app(folder, app_port, edge_port)
    try:
        edge = start_edge(folder, edge_port, [app_port])
        edge.app_folder, edge.app_port = folder, app_port
        yield edge
        edge.stop()
        shutil.rmtree(edge.workdir, ignore_errors=True)
    finally:
        app.stop()
