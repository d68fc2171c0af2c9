"""The intake in the admin: source feeds with their last fetch, the intake
queue with one-click decisions, and the source health page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from intake.models import IntakeItem, SourceFeed

from .feeds import rss, story

QUEUE_URL = reverse("admin:intake_intakeitem_changelist")
HEALTH_URL = reverse("admin:intake_sourcefeed_health")
FEEDS_URL = reverse("admin:intake_sourcefeed_changelist")


def action_url(item, action):
    return reverse(f"admin:intake_intakeitem_{action}", args=[item.pk])


@pytest.fixture
def feed(make_feed):
    return make_feed("https://belta.example/rss")


@pytest.fixture
def queued(make_intake_item, make_article, make_organization, feed):
    """Two drafts from the feed, the newer one suggesting another source's
    report of the same event."""
    other = make_article(
        title="SCO RATS on the border meeting",
        organization=make_organization(short_name="SCO RATS"),
    )
    now = timezone.now()
    older = make_intake_item(
        feed=feed,
        article=make_article(status="draft", title="Older draft"),
        first_fetched_at=now - timedelta(hours=1),
    )
    newer = make_intake_item(
        feed=feed,
        article=make_article(status="draft", title="Newer draft"),
        first_fetched_at=now,
        same_event_suggestions=[{"article": other.pk, "score": 0.52}],
    )
    return older, newer


def test_the_queue_shows_drafts_from_feeds_newest_first(editor_client, queued):
    older, newer = queued

    response = editor_client.get(QUEUE_URL)

    assert response.status_code == 200
    assert "admin/intake/queue.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert html.index("Newer draft") < html.index("Older draft")
    assert "https://belta.example/rss" in html  # the source
    assert f'href="{newer.source_url}"' in html  # the original
    assert newer.guid in html  # provenance
    assert "Also reported by:" in html and "SCO RATS on the border meeting" in html
    assert action_url(newer, "publish") in html
    assert action_url(newer, "discard") in html
    assert reverse("admin:articles_article_change", args=[newer.article.pk]) in html


def test_the_queue_costs_the_same_queries_for_two_drafts_or_twenty(
    editor_client, queued, make_intake_item, django_assert_num_queries
):
    # session, user, the editor's permissions (user and group), the count,
    # the page's items, the suggested stories, and the site's name in the
    # header (its surrogate key's check, and its row the first time)
    with django_assert_num_queries(9):
        editor_client.get(QUEUE_URL)
    for _ in range(18):
        make_intake_item(same_event_suggestions=queued[1].same_event_suggestions)

    with django_assert_num_queries(8):
        response = editor_client.get(QUEUE_URL)

    assert response.content.decode().count('class="intake-item"') == 20


def test_published_and_discarded_items_leave_the_queue(
    editor_client, queued, make_intake_item
):
    older, newer = queued
    Article.objects.filter(pk=older.article.pk).update(status="published")
    newer.article.delete()

    response = editor_client.get(QUEUE_URL)

    assert "Nothing waits in the intake queue." in response.content.decode()


def test_offered_updates_and_withdrawals_keep_a_published_story_in_the_queue(
    editor_client, queued
):
    older, newer = queued
    Article.objects.update(status="published")
    IntakeItem.objects.filter(pk=older.pk).update(
        offered_update={"title": "The source's new title", "lead": "New lead."}
    )
    IntakeItem.objects.filter(pk=newer.pk).update(withdrawn_at=timezone.now())

    html = editor_client.get(QUEUE_URL).content.decode()

    assert "The source&#x27;s new title" in html
    assert "Withdrawn by the source" in html
    assert action_url(older, "apply_update") in html
    assert action_url(newer, "dismiss") in html


def test_publish_makes_the_draft_public(editor_client, queued, editor):
    _, newer = queued

    response = editor_client.post(action_url(newer, "publish"))

    assert response.status_code == 302 and response.url == QUEUE_URL
    newer.article.refresh_from_db()
    assert newer.article.is_published()
    assert newer.article.updated_by == editor


def test_discard_deletes_the_draft_and_remembers_the_item(editor_client, queued):
    _, newer = queued
    article_pk = newer.article.pk

    response = editor_client.post(action_url(newer, "discard"))

    assert response.status_code == 302
    assert not Article.objects.filter(pk=article_pk).exists()
    newer.refresh_from_db()
    assert newer.article is None and newer.discarded_at is not None


def test_a_published_story_cannot_be_discarded_from_the_queue(editor_client, queued):
    _, newer = queued
    Article.objects.filter(pk=newer.article.pk).update(status="published")

    response = editor_client.post(action_url(newer, "discard"), follow=True)

    assert "unpublish it first" in response.content.decode()
    assert Article.objects.filter(pk=newer.article.pk).exists()


def test_applying_an_offered_update_writes_it_over_the_article(editor_client, queued):
    older, _ = queued
    payload = {
        "title": "Corrected by the source",
        "lead": "A new lead.",
        "body": "<p>A new body.</p>",
        "source_url": "https://belta.example/news/1/",
        "published_at": "2023-07-06T09:30:00+00:00",
        "language": "ru",
    }
    IntakeItem.objects.filter(pk=older.pk).update(offered_update=payload)

    editor_client.post(action_url(older, "apply_update"))

    older.refresh_from_db()
    older.article.refresh_from_db()
    assert older.article.title == "Corrected by the source"
    assert older.article.language == "ru"
    assert older.offered_update is None


def test_dismissing_keeps_the_article_as_it_is(editor_client, queued):
    older, _ = queued
    IntakeItem.objects.filter(pk=older.pk).update(
        offered_update={"title": "Corrected"}, withdrawn_at=timezone.now()
    )

    editor_client.post(action_url(older, "dismiss"))

    older.refresh_from_db()
    older.article.refresh_from_db()
    assert older.offered_update is None and older.withdrawal_seen
    assert older.article.title == "Older draft"


def test_the_actions_refuse_get(editor_client, queued):
    _, newer = queued

    assert editor_client.get(action_url(newer, "publish")).status_code == 405
    newer.article.refresh_from_db()
    assert newer.article.status == "draft"


@pytest.mark.parametrize(
    ("persona", "status"), [("contact_staff", 403), ("reader", 302), ("editor", 200)]
)
def test_only_editors_open_the_queue_and_the_health_page(
    client, request, queued, persona, status
):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(QUEUE_URL).status_code == status
    assert client.get(HEALTH_URL).status_code == status


def test_staff_without_article_rights_cannot_publish(client, contact_staff, queued):
    _, newer = queued
    client.force_login(contact_staff)

    assert client.post(action_url(newer, "publish")).status_code == 403
    newer.article.refresh_from_db()
    assert newer.article.status == "draft"


def test_the_feed_list_shows_each_feeds_last_fetch(editor_client, feed):
    SourceFeed.objects.update(
        last_fetched_at=timezone.now(),
        last_status=SourceFeed.Status.FAILED,
        last_error="HTTP 500",
        last_item_count=7,
    )

    html = editor_client.get(FEEDS_URL).content.decode()

    assert "https://belta.example/rss" in html
    assert "Failed" in html and "HTTP 500" in html
    assert HEALTH_URL in html


def test_fetch_now_fetches_the_selected_feeds(editor_client, feed_server, make_feed):
    feed = make_feed(feed_server.serve("/rss", rss([story(1)])))

    response = editor_client.post(
        FEEDS_URL, {"action": "fetch_now", "_selected_action": [feed.pk]}
    )

    assert response.status_code == 302
    feed.refresh_from_db()
    assert feed.last_status == SourceFeed.Status.FETCHED
    assert Article.objects.filter(status="draft").count() == 1


def test_source_health_flags_a_feed_quiet_for_longer_than_usual(
    editor_client, make_feed, make_intake_item, django_assert_num_queries
):
    now = timezone.now()
    quiet = make_feed("https://quiet.example/rss", last_success_at=now)
    lively = make_feed("https://lively.example/rss", last_error="")
    # Quiet: an item a day, then nothing for ten days. Lively: an item an
    # hour, the last one an hour ago.
    for days in (10, 11, 12, 13):
        make_intake_item(feed=quiet, first_fetched_at=now - timedelta(days=days))
    for hours in (1, 2, 3, 4):
        make_intake_item(feed=lively, first_fetched_at=now - timedelta(hours=hours))

    # (Two of them for the site's name in the header: its surrogate key's
    # check, and its row the first time.)
    with django_assert_num_queries(7):
        response = editor_client.get(HEALTH_URL)

    rows = dict((feed.url, flagged) for feed, flagged in response.context["rows"])
    assert rows == {
        "https://quiet.example/rss": True,
        "https://lively.example/rss": False,
    }
    assert "Quiet for longer than usual" in response.content.decode()
    assert response.context["rows"][0][0].items_per_day == round(4 / 30, 2)


def test_a_feed_silent_for_longer_than_the_health_window_is_flagged(
    editor_client, make_feed, make_intake_item
):
    now = timezone.now()
    feed = make_feed("https://gone.example/rss")
    for days in (40, 41, 42):
        make_intake_item(feed=feed, first_fetched_at=now - timedelta(days=days))

    response = editor_client.get(HEALTH_URL)

    [(row, flagged)] = response.context["rows"]
    assert flagged and row.items_per_day == 0


def test_a_new_feed_is_not_called_quiet(editor_client, make_feed, make_intake_item):
    feed = make_feed("https://new.example/rss")
    make_intake_item(feed=feed, first_fetched_at=timezone.now() - timedelta(days=20))

    [(_, flagged)] = editor_client.get(HEALTH_URL).context["rows"]

    assert not flagged


def test_an_items_provenance_page_shows_where_it_came_from(editor_client, queued):
    _, newer = queued

    response = editor_client.get(
        reverse("admin:intake_intakeitem_change", args=[newer.pk])
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert newer.guid in html and newer.source_url in html
    assert "https://belta.example/rss" in html


def test_a_suggested_report_is_linked_as_the_same_event_in_one_click(
    editor_client, queued
):
    _, newer = queued
    other_pk = newer.same_event_suggestions[0]["article"]
    html = editor_client.get(QUEUE_URL).content.decode()
    link_url = reverse(
        "admin:articles_article_same_event_link", args=[newer.article.pk]
    )
    assert link_url in html

    editor_client.post(link_url, {"article": other_pk})

    newer.article.refresh_from_db()
    assert newer.article.event is not None
    assert Article.objects.get(pk=other_pk).event == newer.article.event


def test_an_intake_item_cannot_be_deleted_so_its_copy_is_not_taken_in_again(
    client, superuser, queued
):
    _, newer = queued
    client.force_login(superuser)

    response = client.post(
        reverse("admin:intake_intakeitem_delete", args=[newer.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert IntakeItem.objects.filter(pk=newer.pk).exists()
