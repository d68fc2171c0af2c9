"""Concurrency without loss, on PostgreSQL: readers viewing one story at the
same moment are each counted once, two editors saving one story at the same
moment leave one winner and tell the other, and two editors creating stories
with one title both succeed. Each thread has its own client and its own
database connection, as gunicorn's workers do. On SQLite (a file, as `make
run` has it) two editors saving at once both succeed."""

import os
import subprocess
import sys
import textwrap
import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test import Client

from articles import view_counts
from articles.models import Article
from articles.services import articles_add_views
from tests.articles.test_admin import ADD_URL, article_data, change_url

from .public_pages import ROOT

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the test database is SQLite in memory; the SQLite file test below",
)
# Editors need the "Editors" group its data migration made; keep it.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

READERS = 20
VIEWS_EACH = 10


def all_at_once(count, work):
    """Run work(i) in `count` threads released together; return the results
    in thread order, and re-raise the first failure in any thread."""
    barrier = threading.Barrier(count)
    results = [None] * count
    failures = []

    def run(i):
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except BaseException as error:  # reported below, on the test's thread
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if failures:
        raise failures[0]
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results


def views_counted(article):
    """The stored count, once the views still waiting (added by the job
    worker every few seconds) are added."""
    view_counts.flush()
    article.refresh_from_db(fields=["view_count"])
    return article.view_count


def reader_client(i):
    """Reader i: a client from an address of its own (readers are told apart
    by address and browser)."""
    return Client(REMOTE_ADDR=f"10.0.{i // 250}.{i % 250 + 1}")


@postgres_only
def test_a_reader_is_counted_while_a_flush_adds_to_the_same_story(make_article):
    story = make_article(view_count=169)
    flushing, finish = threading.Event(), threading.Event()

    def flush_left_open():
        try:
            with transaction.atomic():
                articles_add_views(views={story.pk: 1})
                flushing.set()
                finish.wait(timeout=30)
        finally:
            connection.close()

    def read():
        try:
            reader_client(1).get(f"/views/{story.pk}/")
        finally:
            connection.close()

    flush = threading.Thread(target=flush_left_open)
    flush.start()
    try:
        assert flushing.wait(timeout=30)
        reader = threading.Thread(target=read)
        reader.start()
        # The view's row refers to the story the flush has locked; it must
        # not wait for the flush to end.
        reader.join(timeout=10)
        counted_during_flush = not reader.is_alive()
    finally:
        finish.set()
        flush.join(timeout=30)
        reader.join(timeout=30)
    assert counted_during_flush
    assert views_counted(story) == 171


@postgres_only
def test_readers_viewing_one_story_at_once_are_each_counted_once(make_article):
    story = make_article(title="Council meets in Almaty", view_count=169)
    url = story.get_absolute_url()

    def reader_or_flusher(i):
        if i == READERS:
            # The job worker adds views to the count while readers read.
            return [view_counts.flush() >= 0 for _ in range(VIEWS_EACH)]
        client = reader_client(i)
        return [client.get(url).status_code for _ in range(VIEWS_EACH)]

    statuses = all_at_once(READERS + 1, reader_or_flusher)

    assert statuses == [[200] * VIEWS_EACH] * READERS + [[True] * VIEWS_EACH]
    assert views_counted(story) == 169 + READERS
    page = reader_client(READERS).get(url).content.decode()
    assert f"{169 + READERS + 1} views" in page


@postgres_only
def test_readers_viewing_while_an_editor_saves_lose_no_views(editor, make_article):
    story = make_article(lead="Old lead.")
    url = story.get_absolute_url()
    form = article_data(story.organization, story, lead="New lead.")

    def reader_or_editor(i):
        client = reader_client(i)
        if i == 0:
            client.force_login(editor)
            return [client.post(change_url(story), form).status_code]
        return [client.get(url).status_code for _ in range(VIEWS_EACH)]

    statuses = all_at_once(READERS, reader_or_editor)

    assert statuses[0] == [302]
    story.refresh_from_db()
    assert story.lead == "New lead."
    assert views_counted(story) == READERS - 1


@pytest.fixture
def second_editor(django_user_model):
    user = django_user_model.objects.create_user(
        "second", "second@example.org", "second-pass-123", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@postgres_only
@pytest.mark.parametrize("round", range(5))
def test_two_editors_saving_one_story_at_once_leave_one_winner(
    editor, second_editor, make_article, round
):
    story = make_article(lead="Old lead.")
    editors = [editor, second_editor]
    leads = ["Lead by the first editor.", "Lead by the second editor."]

    clients, forms = [], []
    for user, lead in zip(editors, leads, strict=True):
        # Both open the story at the same version...
        client = Client()
        client.force_login(user)
        opened = client.get(change_url(story)).content.decode()
        assert f'name="opened_version" value="{story.version}"' in opened
        clients.append(client)
        forms.append(article_data(story.organization, story, lead=lead))

    def save(i):
        # ...and press Save together.
        return clients[i].post(change_url(story), forms[i])

    responses = all_at_once(2, save)

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200, 302], "exactly one save wins"
    winner = next(i for i, r in enumerate(responses) if r.status_code == 302)
    loser = responses[1 - winner]
    winner_name = editors[winner].get_username()
    assert f"changed by {winner_name}" in loser.content.decode()
    assert leads[1 - winner] in loser.content.decode()  # their text is kept
    saved = Article.objects.get(pk=story.pk)
    assert (saved.lead, saved.version) == (leads[winner], story.version + 1)


@postgres_only
@pytest.mark.parametrize("round", range(3))
def test_two_editors_creating_stories_with_one_title_at_once_both_succeed(
    editor, second_editor, organization, round
):
    clients = []
    for user in (editor, second_editor):
        client = Client()
        client.force_login(user)
        clients.append(client)
    form = article_data(organization, title="Council meets in Almaty", slug="")

    responses = all_at_once(2, lambda i: clients[i].post(ADD_URL, form))

    assert [response.status_code for response in responses] == [302, 302]
    assert sorted(Article.objects.values_list("slug", flat=True)) == [
        "council-meets-in-almaty",
        "council-meets-in-almaty-2",
    ]


# Two writers on a SQLite file, each reading before it writes, as the admin
# does: under SQLite's default deferred transactions one of the two could not
# turn its read lock into a write lock and failed with "database is locked".
SQLITE_WRITERS = textwrap.dedent(
    """
    import threading, time
    import django
    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from articles.models import Article, Organization

    call_command("migrate", verbosity=0)
    source = Organization.objects.create(name="BelTA", short_name="BelTA",
                                         slug="belta", kind="news_agency")
    barrier, failures = threading.Barrier(2), []

    def editor(i):
        try:
            barrier.wait(timeout=30)
            with transaction.atomic():
                Article.objects.filter(slug="story").exists()
                time.sleep(0.3)  # both have read before either writes
                Article.objects.create(title=f"Story {i}", body="<p>Text.</p>",
                                       organization=source)
        except Exception as error:
            failures.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=editor, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print("failures:", failures, "stories:", Article.objects.count())
    """
)


def test_two_editors_saving_at_once_on_a_sqlite_file_both_succeed(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "REDIS_"))
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DJANGO_SECRET_KEY="x",
    )

    result = subprocess.run(
        [sys.executable, "-c", SQLITE_WRITERS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert "failures: [] stories: 2" in result.stdout
