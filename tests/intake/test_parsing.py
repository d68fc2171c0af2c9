"""intake.parsing: the four formats, hostile markup, bombs and malformed
bytes, and the keys that recognise an item again."""

import json
import tracemalloc
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intake.parsing import FeedError, identity_keys, normalise_url, parse_feed

from .feeds import (
    ENTITY_BOMB,
    HOSTILE_ITEM,
    QUADRATIC_BLOWUP,
    SEED_TIME,
    atom,
    json_feed,
    ninjs,
    ninjs_item,
    rss,
    story,
)

MINSK = ZoneInfo("Europe/Minsk")


@pytest.mark.parametrize(
    ("build", "language"),
    [(rss, "en"), (atom, "ru"), (json_feed, "be"), (ninjs, "")],
)
def test_it_reads_each_format_into_the_same_item(build, language):
    feed = parse_feed(build([story(1), story(2)]))

    assert feed.language == language
    first = feed.items[0]
    assert [item.title for item in feed.items] == [
        "Border services meet in Almaty, part 1",
        "Border services meet in Almaty, part 2",
    ]
    assert first.link == "https://belta.example/news/1/"
    assert first.lead == "The heads of border services met for the 1th time."
    assert first.body.startswith("<p>Story 1: the heads of the border services")
    assert first.published_at == SEED_TIME
    assert not first.withdrawn


def test_ninjs_items_take_their_uri_as_guid_and_link_and_name_their_language():
    feed = parse_feed(ninjs([story(1, language="ru")]))

    assert feed.items[0].guid == feed.items[0].link == "https://belta.example/news/1/"
    assert feed.items[0].language == "ru"


def test_a_single_ninjs_item_is_read_as_a_feed_of_one():
    feed = parse_feed(json.dumps(ninjs_item(story(1))).encode())

    assert [item.title for item in feed.items] == [
        "Border services meet in Almaty, part 1"
    ]


def test_a_canceled_ninjs_item_is_withdrawn():
    feed = parse_feed(ninjs([story(1, pubstatus="canceled")]))

    assert feed.items[0].withdrawn


def test_ninjs_1_flat_fields_are_read_too():
    item = {
        "uri": "https://belta.example/news/9/",
        "headline": "An older ninjs",
        "body_text": "First paragraph.\n\nSecond paragraph.",
        "versioncreated": "2023-07-06T09:30:00Z",
    }

    parsed = parse_feed(json.dumps([item]).encode()).items[0]

    assert parsed.title == "An older ninjs"
    assert parsed.body == "<p>First paragraph.</p><p>Second paragraph.</p>"
    assert parsed.published_at == SEED_TIME


@pytest.mark.parametrize("build", [rss, atom, json_feed, ninjs])
def test_it_removes_scripts_handlers_and_javascript_links(build):
    item = parse_feed(build([HOSTILE_ITEM])).items[0]

    assert item.title == "Hostile story"
    assert item.lead == "A lead with markup"
    for text in (item.title, item.lead, item.body):
        assert "script" not in text
        assert "alert" not in text
        assert "javascript:" not in text
        assert "onclick" not in text
        assert "iframe" not in text
        assert "display:none" not in text
    assert 'href="https://example.org/ok"' in item.body


def test_it_refuses_an_entity_bomb_without_expanding_it():
    tracemalloc.start()
    try:
        with pytest.raises(FeedError, match="declares XML entities"):
            parse_feed(ENTITY_BOMB)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 5 * 1024 * 1024


def test_it_refuses_one_large_entity_used_many_times():
    with pytest.raises(FeedError, match="declares XML entities"):
        parse_feed(QUADRATIC_BLOWUP)


def test_it_refuses_an_entity_declared_after_malformed_markup():
    body = b'<rss version="2.0"><channel><<<\n<!DOCTYPE x [<!ENTITY a "b">]>'

    with pytest.raises(FeedError, match="declares XML entities"):
        parse_feed(body)


def test_it_refuses_an_external_entity():
    body = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<rss version="2.0"><channel><title>&x;</title></channel></rss>'
    )

    with pytest.raises(FeedError, match="declares XML entities"):
        parse_feed(body)


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body><p>Not a feed</p></body></html>",
        b"this is not xml at all <<<",
        b"",
    ],
)
def test_it_refuses_bytes_that_are_no_feed(body):
    with pytest.raises(FeedError, match="malformed feed"):
        parse_feed(body)


@pytest.mark.parametrize(
    "body",
    [b'{"version": "https://jsonfeed.org/version/1.1", "items": [', b"[1, 2", b"{}"],
)
def test_it_refuses_malformed_json(body):
    with pytest.raises(FeedError):
        parse_feed(body)


def test_deeply_nested_json_is_refused_not_a_crash():
    with pytest.raises(FeedError, match="malformed JSON"):
        parse_feed(b"[" * 100_000 + b"]" * 100_000)


def test_a_slightly_broken_rss_feed_is_still_read():
    body = rss([story(1)]).replace(b"</channel>", b"<unclosed></channel>")

    assert len(parse_feed(body).items) == 1


def test_urls_are_normalised_for_comparison():
    assert normalise_url(
        "HTTP://www.BelTA.example:80/news/1/?utm_source=x&b=2&a=1#top"
    ) == normalise_url("https://belta.example/news/1?a=1&b=2")
    assert normalise_url("https://belta.example/news/1") != normalise_url(
        "https://belta.example/news/2"
    )


def test_items_are_recognised_by_guid_url_title_and_date_and_body():
    first = parse_feed(rss([story(1)])).items[0]
    moved = parse_feed(
        rss([story(1, id="urn:other", link="https://belta.example/n/1?utm_x=1")])
    ).items[0]

    keys, moved_keys = (identity_keys(i, zone=MINSK) for i in (first, moved))

    assert keys["guid"] != moved_keys["guid"]
    assert keys["url_key"] != moved_keys["url_key"]
    assert keys["title_date_key"] == moved_keys["title_date_key"]
    assert keys["body_fingerprint"] == moved_keys["body_fingerprint"]


def test_a_short_body_gives_no_fingerprint():
    item = parse_feed(rss([story(1, body="<p>Short.</p>")])).items[0]

    assert identity_keys(item, zone=MINSK)["body_fingerprint"] == ""


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "data:text/html,<script>x</script>",
        "/relative",
        "http://[::1",
        "http://belta.example:99999/news/",
        "https://",
    ],
)
def test_an_item_link_that_is_not_http_is_dropped(link):
    item = parse_feed(json_feed([story(1, link=link)])).items[0]

    assert item.link == ""
    assert item.guid == "urn:belta:1"


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=2000),
        st.text(max_size=2000).map(str.encode),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=50),
            lambda inner: (
                st.lists(inner, max_size=5)
                | st.dictionaries(
                    st.sampled_from(
                        ["uri", "version", "items", "headlines", "bodies", "url", "id"]
                    )
                    | st.text(max_size=10),
                    inner,
                    max_size=5,
                )
            ),
            max_leaves=20,
        ).map(lambda value: json.dumps(value).encode()),
        st.builds(
            lambda items, junk: rss(items)[: len(rss(items)) - junk],
            st.lists(
                st.builds(story, st.integers(1, 9), title=st.text(max_size=40)),
                max_size=3,
            ),
            st.integers(0, 200),
        ),
    )
)
def test_any_bytes_give_a_feed_or_a_feed_error(body):
    try:
        feed = parse_feed(body)
    except FeedError:
        return
    for item in feed.items:
        assert "<script" not in item.body
