"""DATABASE_REPLICA_URL against a real streaming replica of the machine's
PostgreSQL, five seconds behind: a page rendered while the replica lags
never shows, or is kept with, the row as it was before a save; once the
replica has caught up, anonymous readers' pages are read from it."""

import threading
import time

import pytest
from django.db import connection, transaction

from articles.models import ArticleView
from contacts.models import OfficeContact

from .conftest import Browser, free_port
from .replica import primary_wal_position, streaming_replica

pytestmark = [pytest.mark.scaleout, pytest.mark.django_db(transaction=True)]

# Long enough for a loaded machine to read two pages twice, a second apart,
# before the replica replays the save.
APPLY_DELAY_SECONDS = 5
OLD_TITLE = "Council meets in Almaty"
NEW_TITLE = "Council meets in Tashkent"
# In the replica's query log: a read of the stories themselves (not just of
# the surrogate keys the app compares to decide whether it may use it).
STORY_READ = '"articles_article"'


def title_shown(answer):
    return next(
        (title for title in (OLD_TITLE, NEW_TITLE) if title in answer.text), None
    )


def shows(answer, title, instead_of):
    return (
        answer.status == 200 and title in answer.text and instead_of not in answer.text
    )


@pytest.fixture
def story(make_article):
    return make_article(title=OLD_TITLE)


@pytest.fixture(scope="module")
def replica(django_db_setup, django_db_blocker):
    """One replica for the module's tests (a base backup takes a while); it
    streams the test database whatever the tests write to it."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://…)")
    db = connection.settings_dict
    primary = {
        "host": db["HOST"] or "127.0.0.1",
        "port": int(db["PORT"] or 5432),
        "user": db["USER"],
        "dbname": db["NAME"],
    }
    with (
        django_db_blocker.unblock(),
        streaming_replica(
            primary,
            free_port("NEWSROOM_TEST_REPLICA_PORTS"),
            apply_delay=f"{APPLY_DELAY_SECONDS}s",
        ) as replica,
    ):
        yield replica


def replica_url(replica):
    db = connection.settings_dict
    return f"postgres://{db['USER']}@127.0.0.1:{replica.port}/{db['NAME']}"


def test_pages_rendered_while_the_replica_lags_show_the_save_and_later_read_from_it(
    story, replica, app_server
):
    pages = ("/news/", story.get_absolute_url())
    reader = Browser()

    with app_server("app", DATABASE_REPLICA_URL=replica_url(replica)) as app:
        assert replica.catches_up_with(primary_wal_position(connection))
        before = replica.log_size()
        for path in pages:
            assert shows(reader.get(f"{app.base}{path}"), OLD_TITLE, NEW_TITLE)
        assert STORY_READ in replica.statements_since(before)

        story.title = NEW_TITLE
        story.save()
        saved = primary_wal_position(connection)
        during_lag = replica.log_size()
        at_once = [reader.get(f"{app.base}{path}") for path in pages]
        # Past the settle margin: what is rendered now is kept in the cache.
        time.sleep(1.2)
        kept = [reader.get(f"{app.base}{path}") for path in pages]
        still_lagging = replica.replayed() < saved
        read_from_replica_during_lag = STORY_READ in replica.statements_since(
            during_lag
        )

        assert still_lagging, "the replica caught up too soon to show anything"
        for answer in (*at_once, *kept):
            assert shows(answer, NEW_TITLE, OLD_TITLE)
        assert not read_from_replica_during_lag

        assert replica.catches_up_with(saved)
        caught_up = replica.log_size()
        for path in pages:
            assert shows(reader.get(f"{app.base}{path}"), NEW_TITLE, OLD_TITLE)
        assert STORY_READ in replica.statements_since(caught_up)


def test_a_save_committed_after_a_later_stamped_one_is_not_read_stale_from_replica(
    story, make_contact, replica, app_server
):
    office = make_contact()
    office_saved_at = {}

    def office_edited_meanwhile():
        # Another editor's save with other keys (the office), committed first.
        OfficeContact.objects.get(pk=office.pk).save()
        office_saved_at["position"] = primary_wal_position(connection)
        connection.close()

    with app_server("app", DATABASE_REPLICA_URL=replica_url(replica)) as app:
        with transaction.atomic():
            story.title = NEW_TITLE
            story.save()  # its keys' changed_at: now, before the office's
            other = threading.Thread(target=office_edited_meanwhile)
            other.start()
            other.join()
            time.sleep(4)  # a slow save: its commit comes 4 s after the office's
        saved = primary_wal_position(connection)

        # The replica has the office's change, not yet the story's.
        assert replica.catches_up_with(office_saved_at["position"])
        answers = [
            Browser().get(f"{app.base}{path}")
            for path in (story.get_absolute_url(), "/news/")
        ]
        if replica.replayed() >= saved:
            pytest.skip(
                "the replica replayed the story's save before the pages were read"
            )

    assert [title_shown(answer) for answer in answers] == [NEW_TITLE, NEW_TITLE]


def test_a_reader_reloading_while_the_replica_lags_is_counted_once(
    story, replica, app_server
):
    reader = Browser()

    with app_server("app", DATABASE_REPLICA_URL=replica_url(replica)) as app:
        assert replica.catches_up_with(primary_wal_position(connection))
        for _ in range(2):
            assert reader.get(f"{app.base}{story.get_absolute_url()}").status == 200

    assert ArticleView.objects.filter(article=story).count() == 1
