from unittest import mock

import pytest
from django.db.utils import OperationalError


@pytest.mark.django_db
def test_it_reports_database_and_cache_as_json(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == "ok"
    assert response.json()["database"]["ok"] is True
    assert response.json()["cache"]["ok"] is True


@pytest.mark.django_db
def test_it_answers_503_when_the_database_is_unreachable(client):
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.cursor",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == {"ok": False, "error": "OperationalError"}


@pytest.mark.django_db
def test_it_stays_up_when_the_cache_fails(client):
    with mock.patch("django.core.cache.cache.set", side_effect=ConnectionError):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["cache"] == {"ok": False, "error": "ConnectionError"}


@pytest.mark.django_db
def test_it_is_never_cached(client):
    response = client.get("/healthz")

    assert "no-cache" in response["Cache-Control"]


def test_it_names_a_failing_periodic_job_and_waiting_edge_purges(client, db):
    from django.utils import timezone

    from caching.models import SurrogateKey
    from caching.services import NEVER
    from jobs.models import PeriodicJob

    PeriodicJob.objects.create(
        name="intake.tasks.enqueue_due_fetches", failures_in_a_row=3
    )
    SurrogateKey.objects.create(
        key="article-1", changed_at=timezone.now(), edge_purged_at=NEVER
    )

    body = client.get("/healthz").json()

    assert body["status"] == "ok"
    assert body["jobs"] == {
        "ok": False,
        "failing": ["intake.tasks.enqueue_due_fetches"],
        "edge_purges_waiting": 1,
    }
