"""The job worker's share: one job per active feed, every five minutes."""

from types import SimpleNamespace

from django.conf import settings
from django.utils import timezone

from articles.models import Article
from intake import tasks
from intake.models import SourceFeed

from .feeds import rss, story


def test_the_worker_runs_the_enqueuer_every_five_minutes():
    assert ("intake.tasks.enqueue_due_fetches", 300) in settings.NEWSROOM_PERIODIC_JOBS


def test_it_enqueues_one_job_per_active_feed(feed_server, make_feed, monkeypatch):
    first = make_feed(feed_server.serve("/a", rss([story(1)])))
    second = make_feed(feed_server.serve("/b", rss([story(2)])))
    make_feed(feed_server.serve("/c", rss([story(3)])), active=False)
    enqueued = []
    monkeypatch.setattr(tasks, "fetch_source", SimpleNamespace(enqueue=enqueued.append))

    tasks.enqueue_due_fetches(previous=None)

    assert sorted(enqueued) == sorted([first.pk, second.pk])


def test_the_jobs_take_in_the_feeds(feed_server, make_feed):
    make_feed(feed_server.serve("/a", rss([story(1)])))
    make_feed(feed_server.serve("/b", rss([story(2)])))

    tasks.enqueue_due_fetches(previous=None)

    assert Article.objects.count() == 2
    assert set(SourceFeed.objects.values_list("last_status", flat=True)) == {"fetched"}


def test_a_feed_being_fetched_gets_no_second_job(feed_server, make_feed, monkeypatch):
    make_feed(feed_server.serve("/a", rss([story(1)])))
    SourceFeed.objects.update(fetching_since=timezone.now())
    enqueued = []
    monkeypatch.setattr(tasks, "fetch_source", SimpleNamespace(enqueue=enqueued.append))

    tasks.enqueue_due_fetches(previous=None)

    assert enqueued == []


def test_a_job_for_a_feed_removed_meanwhile_does_nothing(db):
    assert tasks.fetch_source.call(12345) == "gone"
