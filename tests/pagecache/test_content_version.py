"""The content version: moved on by every change readers could see, once per
transaction at its commit, by time when a scheduled story comes out, and
shared by the processes of one machine through a file."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from articles.models import Organization
from pagecache import content_version

pytestmark = pytest.mark.django_db


def test_saving_a_story_moves_the_version_on(make_article):
    story = make_article()
    before = content_version.current().token

    story.title = "A new title"
    story.save()

    assert content_version.current().token != before


def test_deleting_a_photo_moves_the_version_on(make_photo):
    photo = make_photo()
    before = content_version.current().token

    photo.delete()

    assert content_version.current().token != before


def scheduled_bumps():
    return [
        callback
        for _, callback, _ in transaction.get_connection().run_on_commit
        if callback is content_version.bump
    ]


def test_many_changes_in_one_transaction_schedule_one_bump_at_its_commit(
    make_article,
):
    make_article()
    make_article()
    make_article()

    assert len(scheduled_bumps()) == 1


def test_a_rolled_back_change_leaves_no_bump_behind(db):
    try:
        with transaction.atomic():
            Organization.objects.create(name="Gone", short_name="G", slug="gone")
            assert len(scheduled_bumps()) == 1
            raise RuntimeError("the editor's save failed")
    except RuntimeError:
        pass
    assert scheduled_bumps() == []

    Organization.objects.create(name="Kept", short_name="K", slug="kept")

    assert len(scheduled_bumps()) == 1


def test_it_knows_when_the_next_scheduled_story_comes_out(make_article, now):
    coming = make_article(published_at=now + timedelta(hours=2))
    make_article(
        published_at=now - timedelta(hours=1), expires_at=now + timedelta(hours=5)
    )

    version = content_version.bump()

    assert version.next_change_at == pytest.approx(coming.published_at.timestamp())
    assert not version.is_due


def test_a_version_whose_next_change_has_passed_is_not_served(make_article):
    make_article(published_at=timezone.now() + timedelta(hours=1))
    version = content_version.bump()
    content_version._write(
        content_version.ContentVersion(
            version.token, version.changed_at, timezone.now().timestamp() - 1
        )
    )

    assert content_version.peek() is None
    assert content_version.current().token != version.token


def test_another_process_sees_a_bump_through_the_file(settings, db):
    settings.REDIS_URL = ""  # the file is the local-memory setup's version
    first = content_version.current()
    # Another worker wrote a new version: this process has only the file.
    content_version._file_memo.__dict__.clear()
    other = content_version.bump()
    content_version._file_memo.__dict__.clear()

    assert content_version.current() == other != first
    assert settings.NEWSROOM_CONTENT_VERSION_FILE.exists()


def test_keys_change_with_the_version(make_article):
    key = content_version.versioned_key("articles:count")
    assert content_version.versioned_key("articles:count") == key

    make_article()

    assert content_version.versioned_key("articles:count") != key


def test_a_request_reads_the_version_once_and_keeps_it(settings, db):
    settings.REDIS_URL = ""
    started_with = content_version.current()
    with content_version.pinned_for_request():
        assert content_version.current() == started_with
        # Another worker's bump lands mid-request: this page's fragments stay
        # filed under the version it began with.
        content_version._write(content_version._new_version())
        assert content_version.current() == started_with

    assert content_version.current() != started_with


def test_a_save_inside_a_request_moves_its_kept_version_on(make_article):
    with content_version.pinned_for_request():
        before = content_version.current()
        make_article()
        assert content_version.current() != before


def test_memoized_values_are_made_once_per_version(make_article):
    made = []

    def count():
        made.append(1)
        return len(made)

    assert content_version.memoized("test:count", count, 60) == 1
    assert content_version.memoized("test:count", count, 60) == 1

    make_article()

    assert content_version.memoized("test:count", count, 60) == 2


def test_memoized_values_in_other_processes_come_from_the_shared_cache(db):
    assert content_version.memoized("test:answer", lambda: 42, 60) == 42
    content_version.forget_local_values()  # as a new worker would start

    assert content_version.memoized("test:answer", lambda: 0, 60) == 42
