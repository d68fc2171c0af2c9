"""DATABASE_REPLICA_URL against a real streaming replica of the machine's
PostgreSQL, three seconds behind: a page rendered while the replica lags
never shows, or is kept with, the row as it was before a save; once the
replica has caught up, anonymous readers' pages are read from it."""

import time

import pytest
from django.db import connection

from .conftest import Browser, free_port, wait_until
from .replica import primary_wal_position, streaming_replica

pytestmark = [pytest.mark.scaleout, pytest.mark.django_db(transaction=True)]

OLD_TITLE = "Council meets in Almaty"
NEW_TITLE = "Council meets in Tashkent"
# In the replica's query log: a read of the stories themselves (not just of
# the surrogate keys the app compares to decide whether it may use it).
STORY_READ = '"articles_article"'


def shows(answer, title, instead_of):
    return (
        answer.status == 200 and title in answer.text and instead_of not in answer.text
    )


@pytest.fixture
def story(make_article):
    return make_article(title=OLD_TITLE)


@pytest.fixture
def replica(postgresql, story):
    db = connection.settings_dict
    primary = {
        "host": db["HOST"] or "127.0.0.1",
        "port": int(db["PORT"] or 5432),
        "user": db["USER"],
        "dbname": db["NAME"],
    }
    with streaming_replica(
        primary, free_port("NEWSROOM_TEST_REPLICA_PORTS"), apply_delay="3s"
    ) as replica:
        yield replica


def test_pages_rendered_while_the_replica_lags_show_the_save_and_later_read_from_it(
    story, replica, app_server
):
    db = connection.settings_dict
    replica_url = f"postgres://{db['USER']}@127.0.0.1:{replica.port}/{db['NAME']}"
    pages = ("/news/", story.get_absolute_url())
    reader = Browser()

    with app_server("app", DATABASE_REPLICA_URL=replica_url) as app:
        assert wait_until(
            lambda: replica.replayed(db["NAME"]) >= primary_wal_position(connection),
            timeout=20,
        )
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
        still_lagging = replica.replayed(db["NAME"]) < saved
        read_from_replica_during_lag = STORY_READ in replica.statements_since(
            during_lag
        )

        assert still_lagging, "the replica caught up too soon to show anything"
        for answer in (*at_once, *kept):
            assert shows(answer, NEW_TITLE, OLD_TITLE)
        assert not read_from_replica_during_lag

        assert wait_until(lambda: replica.replayed(db["NAME"]) >= saved, timeout=20)
        caught_up = replica.log_size()
        for path in pages:
            assert shows(reader.get(f"{app.base}{path}"), NEW_TITLE, OLD_TITLE)
        assert STORY_READ in replica.statements_since(caught_up)
