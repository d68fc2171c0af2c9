import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from articles.models import Article
from monitoring import replica
from monitoring.replica import PrimaryReplicaRouter, ReplicaReadsMiddleware

ROOT = Path(__file__).resolve().parent.parent.parent
router = PrimaryReplicaRouter()


@pytest.fixture(autouse=True)
def _a_replica_that_has_caught_up(monkeypatch):
    monkeypatch.setattr(replica, "replica_configured", lambda: True)
    monkeypatch.setattr(replica, "replica_is_current", lambda: True)


def database_read_during(request):
    """Which database the router picks for a read while serving request."""
    seen = {}

    def view(request):
        seen["read"] = router.db_for_read(Article)
        seen["write"] = router.db_for_write(Article)
        return HttpResponse()

    ReplicaReadsMiddleware(view)(request)
    return seen


def test_anonymous_readers_pages_read_from_the_replica():
    seen = database_read_during(RequestFactory().get("/news/?organization=belta"))

    assert seen == {"read": "replica", "write": "default"}


@pytest.mark.parametrize(
    "request_",
    [
        RequestFactory().get("/admin/articles/article/"),
        RequestFactory().post("/news/"),
        RequestFactory().get("/news/", HTTP_COOKIE="sessionid=abc"),
    ],
    ids=["admin", "post", "logged-in"],
)
def test_the_admin_writes_and_logged_in_users_use_the_primary(request_):
    assert database_read_during(request_) == {"read": "default", "write": "default"}


def test_readers_use_the_primary_while_the_replica_lags(monkeypatch):
    monkeypatch.setattr(replica, "replica_is_current", lambda: False)

    seen = database_read_during(RequestFactory().get("/news/"))

    assert seen == {"read": "default", "write": "default"}


def test_outside_a_request_reads_use_the_primary():
    database_read_during(RequestFactory().get("/news/"))

    assert router.db_for_read(Article) == "default"


def test_migrations_run_only_on_the_primary():
    assert router.allow_migrate("default", "articles") is True
    assert router.allow_migrate("replica", "articles") is False


def test_the_replica_is_configured_only_by_its_variable():
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps([sorted(settings.DATABASES), "
        "getattr(settings, 'DATABASE_ROUTERS', []), "
        "settings.DATABASES.get('replica', {}).get('HOST')]))"
    )
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": "x",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/primary",
        "DATABASE_REPLICA_URL": "postgres://reader@127.0.0.2:5432/primary",
    }

    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "newsroom.settings"},
        capture_output=True,
        text=True,
        check=True,
    )

    databases, routers, host = json.loads(result.stdout)
    assert databases == ["default", "replica"]
    assert routers == ["monitoring.replica.PrimaryReplicaRouter"]
    assert host == "127.0.0.2"
