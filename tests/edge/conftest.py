import shutil

import pytest

from .harness import NO_EDGE, free_port, prepare_app, start_app, start_edge


@pytest.fixture(scope="session")
def app_folder(tmp_path_factory):
    """The app's database with the demo content, its static files and media."""
    folder = tmp_path_factory.mktemp("app")
    prepare_app(folder)
    return folder


@pytest.fixture(scope="session")
def edge(app_folder):
    """Varnish with edge/default.vcl on a free port, in front of gunicorn
    serving the app."""
    if NO_EDGE:
        pytest.skip(NO_EDGE)
    app_port, edge_port = free_port(), free_port()
    app = start_app(app_folder, app_port, edge_port)
    try:
        edge = start_edge(app_folder, edge_port, [app_port])
        edge.app_folder, edge.app_port = app_folder, app_port
        yield edge
        edge.stop()
        shutil.rmtree(edge.workdir, ignore_errors=True)
    finally:
        app.stop()
