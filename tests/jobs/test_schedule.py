import pytest

from jobs import schedule
from jobs.models import PeriodicJob

calls = []


def succeeding(*, previous=None):
    calls.append(previous)


def failing(*, previous=None):
    raise RuntimeError("the feed server is down")


@pytest.fixture(autouse=True)
def _fresh_calls():
    calls.clear()


def test_a_due_job_runs_and_is_given_its_previous_start(db):
    turn = schedule.Turn("tests.jobs.test_schedule.succeeding", every=10)

    schedule.run_due([turn], now=0)
    schedule.run_due([turn], now=5)  # not due yet
    schedule.run_due([turn], now=10)

    assert len(calls) == 2
    assert calls[0] is None and calls[1] is not None


def test_a_failing_job_is_recorded_for_the_operator_and_runs_again(db):
    turn = schedule.Turn("tests.jobs.test_schedule.failing", every=1)

    schedule.run_due([turn], now=0)
    schedule.run_due([turn], now=1)

    job = PeriodicJob.objects.get(name="tests.jobs.test_schedule.failing")
    assert job.failures_in_a_row == 2
    assert job.is_failing
    assert "the feed server is down" in job.last_error


def test_a_job_that_recovers_is_recorded_as_well(db, monkeypatch):
    turn = schedule.Turn("tests.jobs.test_schedule.failing", every=1)
    schedule.run_due([turn], now=0)

    turn.name = "tests.jobs.test_schedule.succeeding"
    schedule.run_due([turn], now=1)

    assert PeriodicJob.objects.get(name=turn.name).failures_in_a_row == 0


def test_the_site_schedules_purges_scheduled_stories_and_view_counts(settings):
    names = {name for name, _every in settings.NEWSROOM_PERIODIC_JOBS}

    assert {
        "caching.services.purge_pending_at_edge",
        "articles.purges.purge_due_changes",
        "articles.view_counts.flush",
    } <= names
