"""Items become drafts: de-duplicated, updated while untouched, offered when
edited, flagged when withdrawn; a failing feed touches nothing else."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from intake.models import IntakeItem, SourceFeed
from intake.services import feed_fetch

from .feeds import (
    ENTITY_BOMB,
    HOSTILE_ITEM,
    QUADRATIC_BLOWUP,
    atom,
    json_feed,
    ninjs,
    rss,
    story,
)


@pytest.mark.parametrize(
    ("build", "language"),
    [(rss, "en"), (atom, "ru"), (json_feed, "be"), (ninjs, "en")],
)
def test_new_items_become_drafts_of_the_feeds_organization(
    feed_server, make_feed, organization, build, language
):
    feed = make_feed(feed_server.serve("/feed", build([story(1), story(2)])))

    result = feed_fetch(feed=feed)

    assert (result.status, result.new, result.updated) == ("fetched", 2, 0)
    article = Article.objects.get(source_url="https://belta.example/news/1/")
    assert article.status == Article.Status.DRAFT
    assert article.organization == organization
    assert article.title == "Border services meet in Almaty, part 1"
    assert article.lead == "The heads of border services met for the 1th time."
    assert "<p>Story 1: the heads" in article.body
    assert article.published_at == story(1)["published"]
    assert article.language == language
    item = article.intake
    assert item.feed == feed
    assert item.guid in ("urn:belta:1", "https://belta.example/news/1/")
    assert item.first_fetched_at is not None
    feed.refresh_from_db()
    assert feed.last_status == SourceFeed.Status.FETCHED
    assert (feed.last_item_count, feed.last_new_count) == (2, 2)
    assert feed.last_success_at is not None


def test_an_item_with_no_language_takes_the_feeds_then_the_sites(
    feed_server, make_feed, settings
):
    body = json_feed([story(1)], language="de")
    first = make_feed(feed_server.serve("/a", body), language="ru")
    feed_fetch(feed=first)
    first.delete()
    second = make_feed(feed_server.serve("/b", json_feed([story(2)], language="")))
    feed_fetch(feed=second)

    assert Article.objects.get(title__endswith="part 1").language == "ru"
    assert Article.objects.get(title__endswith="part 2").language == "en"


def test_hostile_markup_never_reaches_the_article(feed_server, make_feed):
    feed = make_feed(feed_server.serve("/feed", rss([HOSTILE_ITEM])))

    feed_fetch(feed=feed)

    article = Article.objects.get()
    assert article.title == "Hostile story"
    assert "script" not in article.body and "javascript:" not in article.body
    assert "onclick" not in article.body and "<iframe" not in article.body


def test_fetching_again_makes_no_second_article(feed_server, make_feed):
    # No ETag or Last-Modified: the body's digest tells it is unchanged.
    feed = make_feed(feed_server.serve("/feed", rss([story(1), story(2)])))
    feed_fetch(feed=feed)

    result = feed_fetch(feed=feed)

    assert result.status == SourceFeed.Status.UNCHANGED and result.skipped
    assert Article.objects.count() == 2
    feed.refresh_from_db()
    assert feed.last_status == SourceFeed.Status.UNCHANGED


def test_a_server_honouring_conditional_get_answers_304_the_second_time(
    feed_server, make_feed
):
    feed = make_feed(feed_server.serve("/feed", rss([story(1)]), etag='"v1"'))
    feed_fetch(feed=feed)

    result = feed_fetch(feed=feed)

    assert result.status == SourceFeed.Status.NOT_MODIFIED
    assert feed_server.requests[-1][1]["If-None-Match"] == '"v1"'
    assert Article.objects.count() == 1


def test_a_reordered_feed_with_the_same_items_makes_no_new_article(
    feed_server, make_feed
):
    feed = make_feed(feed_server.serve("/feed", rss([story(1), story(2)])))
    feed_fetch(feed=feed)
    feed_server.serve("/feed", rss([story(2), story(1)]))

    result = feed_fetch(feed=feed)

    assert (result.status, result.new, result.updated) == ("fetched", 0, 0)
    assert Article.objects.count() == 2


@pytest.mark.parametrize(
    "change",
    [
        {"id": "urn:new-guid"},  # same link, title, date and body
        {"id": "urn:new-guid", "link": "http://www.belta.example/news/1?utm_source=x"},
        {"id": "urn:new-guid", "link": "https://belta.example/moved/1/"},
        {
            "id": "urn:new-guid",
            "link": "https://belta.example/moved/1/",
            "title": "Another title entirely",
        },
    ],
    ids=["guid", "normalised-url", "title-and-date", "body-fingerprint"],
)
def test_an_item_is_recognised_when_its_guid_or_link_changes(
    feed_server, make_feed, change
):
    feed = make_feed(feed_server.serve("/feed", rss([story(1)])))
    feed_fetch(feed=feed)
    feed_server.serve("/feed", rss([story(1, **change)]))

    feed_fetch(feed=feed)

    assert Article.objects.count() == 1


def test_the_same_item_in_two_feeds_of_one_organization_makes_one_article(
    feed_server, make_feed
):
    rss_feed = make_feed(feed_server.serve("/rss", rss([story(1)])))
    ninjs_feed = make_feed(feed_server.serve("/ninjs", ninjs([story(1)])))

    feed_fetch(feed=rss_feed)
    result = feed_fetch(feed=ninjs_feed)

    assert (result.new, result.updated) == (0, 0)
    assert Article.objects.count() == 1


def test_two_organizations_each_get_their_own_article(
    feed_server, make_feed, make_organization
):
    make_feed(feed_server.serve("/a", rss([story(1)])))
    make_feed(
        feed_server.serve("/b", rss([story(1)])), organization=make_organization()
    )

    for feed in SourceFeed.objects.all():
        feed_fetch(feed=feed)

    assert Article.objects.count() == 2


def test_a_changed_item_updates_its_untouched_draft(feed_server, make_feed):
    feed = make_feed(feed_server.serve("/feed", ninjs([story(1)])))
    feed_fetch(feed=feed)
    feed_server.serve("/feed", ninjs([story(1, title="Corrected title")]))

    result = feed_fetch(feed=feed)

    assert result.updated == 1
    article = Article.objects.get()
    assert article.title == "Corrected title"
    assert article.intake.offered_update is None


def test_a_changed_item_is_offered_not_applied_when_the_draft_was_edited(
    feed_server, make_feed
):
    feed = make_feed(feed_server.serve("/feed", rss([story(1)])))
    feed_fetch(feed=feed)
    # The shell path, not the admin: any change counts.
    Article.objects.update(lead="An editor's lead.")
    feed_server.serve("/feed", rss([story(1, title="Corrected title")]))

    result = feed_fetch(feed=feed)

    assert result.updated == 1
    article = Article.objects.get()
    assert (article.title, article.lead) == (
        "Border services meet in Almaty, part 1",
        "An editor's lead.",
    )
    assert article.intake.offered_update["title"] == "Corrected title"


def test_a_published_story_is_never_overwritten(feed_server, make_feed):
    feed = make_feed(feed_server.serve("/feed", rss([story(1)])))
    feed_fetch(feed=feed)
    article = Article.objects.get()
    article.status = Article.Status.PUBLISHED
    article.save()
    feed_server.serve("/feed", rss([story(1, title="Corrected title")]))

    feed_fetch(feed=feed)

    article.refresh_from_db()
    assert article.title == "Border services meet in Almaty, part 1"
    assert article.intake.offered_update["title"] == "Corrected title"


def test_a_withdrawn_item_flags_its_article(feed_server, make_feed):
    feed = make_feed(feed_server.serve("/feed", ninjs([story(1)])))
    feed_fetch(feed=feed)
    feed_server.serve("/feed", ninjs([story(1, pubstatus="canceled")]))

    result = feed_fetch(feed=feed)

    assert result.updated == 1
    item = IntakeItem.objects.get()
    assert item.withdrawn_at is not None
    assert item.article.title == "Border services meet in Almaty, part 1"


def test_an_item_withdrawn_before_it_was_seen_is_not_taken_in(feed_server, make_feed):
    feed = make_feed(
        feed_server.serve("/feed", ninjs([story(1, pubstatus="canceled")]))
    )

    feed_fetch(feed=feed)

    assert not Article.objects.exists()


def test_a_discarded_item_is_not_taken_in_again(feed_server, make_feed):
    from intake.services import intake_item_discard

    feed = make_feed(feed_server.serve("/feed", rss([story(1)])))
    feed_fetch(feed=feed)
    intake_item_discard(item=IntakeItem.objects.get())
    feed_server.serve("/feed", rss([story(1, title="Changed again")]))

    feed_fetch(feed=feed)

    assert not Article.objects.exists()
    assert IntakeItem.objects.get().discarded_at is not None


def test_a_report_of_an_event_already_covered_is_suggested(
    feed_server, make_feed, make_article, make_organization
):
    other = make_article(
        title="Heads of border services of the SCO meet in Almaty",
        lead="The ninth meeting of the heads of border services in Almaty.",
        organization=make_organization(short_name="SCO RATS"),
        published_at=story(1)["published"],
    )
    feed = make_feed(
        feed_server.serve(
            "/feed",
            rss(
                [
                    story(
                        1,
                        title="SCO border services heads meet in Almaty",
                        summary="Heads of border services hold ninth meeting, Almaty.",
                    )
                ]
            ),
        )
    )

    feed_fetch(feed=feed)

    suggestions = IntakeItem.objects.get().same_event_suggestions
    assert [entry["article"] for entry in suggestions] == [other.pk]


@pytest.mark.parametrize(
    ("serve", "error"),
    [
        ({"body": b"<rss><channel><<<", "status": 200}, "malformed"),
        ({"body": b'[{"uri": ', "status": 200}, "malformed JSON"),
        ({"body": b"oops", "status": 500}, "HTTP 500"),
    ],
    ids=["malformed-xml", "malformed-json", "server-error"],
)
def test_a_failing_feed_is_reported_on_its_row_and_others_go_on(
    feed_server, make_feed, serve, error
):
    bad = make_feed(feed_server.serve("/bad", **serve))
    good = make_feed(feed_server.serve("/good", rss([story(1)])))

    results = [feed_fetch(feed=bad), feed_fetch(feed=good)]

    assert [r.status for r in results] == ["failed", "fetched"]
    bad.refresh_from_db()
    assert bad.last_status == SourceFeed.Status.FAILED
    assert error in bad.last_error
    assert bad.last_success_at is None
    assert Article.objects.count() == 1


def test_a_failing_feed_is_retried_in_full_next_time(feed_server, make_feed):
    feed = make_feed(feed_server.serve("/feed", b"oops", status=500))
    feed_fetch(feed=feed)
    feed_server.serve("/feed", rss([story(1)]))

    assert feed_fetch(feed=feed).new == 1


def test_a_feed_being_fetched_is_not_fetched_again_at_once(feed_server, make_feed):
    feed = make_feed(feed_server.serve("/feed", rss([story(1)])))
    SourceFeed.objects.update(fetching_since=timezone.now())

    result = feed_fetch(feed=feed)

    assert result.status == "busy" and result.skipped
    assert not Article.objects.exists()
    assert feed_server.requests == []


def test_an_abandoned_fetch_does_not_block_the_feed_for_ever(feed_server, make_feed):
    feed = make_feed(feed_server.serve("/feed", rss([story(1)])))
    SourceFeed.objects.update(fetching_since=timezone.now() - timedelta(hours=1))

    assert feed_fetch(feed=feed).new == 1
    feed.refresh_from_db()
    assert feed.fetching_since is None


def test_an_item_that_cannot_make_an_article_is_noted_and_the_rest_taken_in(
    feed_server, make_feed
):
    empty = story(2, title="", summary="", body="", link="")
    feed = make_feed(feed_server.serve("/feed", json_feed([story(1), empty])))

    result = feed_fetch(feed=feed)

    assert (result.status, result.new) == ("fetched", 1)
    feed.refresh_from_db()
    assert feed.last_error.startswith("1 items refused:")
    assert "urn:belta:2" in feed.last_error


def test_an_item_listed_twice_in_one_feed_is_taken_once(feed_server, make_feed):
    feed = make_feed(
        feed_server.serve("/feed", rss([story(1), story(1, title="Second copy")]))
    )
    feed_fetch(feed=feed)

    result = feed_fetch(feed=feed)  # the same bytes: the digest skips it
    feed_server.serve("/feed", rss([story(1), story(1, title="Second copy"), story(2)]))
    again = feed_fetch(feed=feed)

    assert result.skipped and (again.new, again.updated) == (1, 0)
    assert Article.objects.get(source_url=story(1)["link"]).title.endswith("part 1")


def test_an_update_without_a_date_keeps_the_articles_time(feed_server, make_feed):
    undated = {
        "uri": "https://belta.example/news/7/",
        "headlines": [{"value": "A"}],
        "body_text": "Text.",
    }
    feed = make_feed(feed_server.serve("/feed", json.dumps([undated])))
    feed_fetch(feed=feed)
    taken_in_at = Article.objects.get().published_at
    undated["headlines"] = [{"value": "B"}]
    feed_server.serve("/feed", json.dumps([undated]))

    feed_fetch(feed=feed)

    article = Article.objects.get()
    assert (article.title, article.published_at) == ("B", taken_in_at)


def test_an_item_the_source_puts_back_is_no_longer_withdrawn(feed_server, make_feed):
    feed = make_feed(
        feed_server.serve("/feed", ninjs([story(1, pubstatus="canceled")]))
    )
    feed_server.serve("/feed", ninjs([story(1)]))
    feed_fetch(feed=feed)
    feed_server.serve("/feed", ninjs([story(1, pubstatus="canceled")]))
    feed_fetch(feed=feed)
    feed_server.serve("/feed", ninjs([story(1)]))

    feed_fetch(feed=feed)

    assert IntakeItem.objects.get().withdrawn_at is None


@pytest.mark.parametrize(
    ("body", "error"),
    [(ENTITY_BOMB, "declares XML entities"), (QUADRATIC_BLOWUP, "declares XML")],
    ids=["billion-laughs", "quadratic-blowup"],
)
def test_an_entity_bomb_fails_its_feed_only(feed_server, make_feed, body, error):
    bomb = make_feed(feed_server.serve("/bomb", body))
    good = make_feed(feed_server.serve("/good", rss([story(1)])))

    assert feed_fetch(feed=bomb).failed and not feed_fetch(feed=good).failed

    bomb.refresh_from_db()
    assert error in bomb.last_error
    assert Article.objects.count() == 1


def test_an_article_an_editor_made_of_the_item_is_recognised_not_copied(
    feed_server, make_feed, make_article
):
    by_hand = make_article(title="Typed in by an editor", source_url=story(1)["link"])
    feed = make_feed(feed_server.serve("/feed", rss([story(1)])))

    result = feed_fetch(feed=feed)
    feed_server.serve("/feed", rss([story(1, title="Corrected title")]))
    feed_fetch(feed=feed)

    assert result.new == 0
    assert Article.objects.get() == by_hand
    by_hand.refresh_from_db()
    assert by_hand.title == "Typed in by an editor"
    assert by_hand.intake.offered_update["title"] == "Corrected title"
