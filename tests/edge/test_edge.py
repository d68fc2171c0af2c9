"""Varnish with edge/default.vcl in front of the app: what it keeps, what it
passes, how the app purges it by key, and that nothing a reader sends
changes what another reader is served."""

import gzip
import json
import re
import shutil
import time
import uuid

import pytest

from .harness import free_port, needs_varnish, start_edge, until

pytestmark = needs_varnish


@pytest.fixture
def name():
    """A page address no other test asks for."""
    return uuid.uuid4().hex[:12]


def tagged(name, keys=None):
    return f"/edge-test/tagged/{name}/" + (f"?keys={keys}" if keys else "")


def test_a_tagged_page_is_a_miss_then_a_hit_with_its_keys_and_age(edge, name):
    first = edge.request(tagged(name))
    second = edge.request(tagged(name))

    assert (first.status, first.cache) == (200, "MISS")
    assert (second.status, second.cache) == (200, "HIT")
    assert second.body == first.body
    assert "Age" in second.headers
    # The page still names what it shows.
    for header in ("Surrogate-Key", "xkey", "Cache-Tag"):
        assert second.headers[header] == name


def test_a_hard_purge_by_key_drops_exactly_the_pages_with_that_key(edge, name):
    one, other = (
        tagged(f"{name}-1", f"{name}-one+{name}-both"),
        tagged(f"{name}-2", f"{name}-two+{name}-both"),
    )
    kept_one, kept_other = edge.request(one), edge.request(other)

    purged = edge.request("/", "PURGE", {"xkey-purge-hard": f"{name}-one"})

    assert (purged.status, purged.text) == (200, "Purged 1 objects\n")
    assert edge.request(one).body != kept_one.body
    assert edge.request(other).cache == "HIT"
    both = edge.request("/", "PURGE", {"xkey-purge-hard": f"{name}-both {name}-absent"})
    assert both.text == "Purged 2 objects\n"
    assert edge.request(other).body != kept_other.body


def test_a_purge_by_key_renews_its_pages_without_making_readers_wait(edge, name):
    one, other = tagged(f"{name}-1"), tagged(f"{name}-2")
    kept_one, kept_other = edge.request(one), edge.request(other)

    purged = edge.request("/", "PURGE", {"xkey-purge": f"{name}-1"})
    # The reader who comes first is answered from the copy at hand while the
    # edge fetches the new one; the next reader gets the new one.
    first = edge.request(one)
    renewed = until(lambda: edge.request(one).body != kept_one.body, 2)

    assert (purged.status, purged.text) == (200, "Purged 1 objects\n")
    assert (first.cache, first.body) == ("HIT-STALE", kept_one.body)
    assert renewed is not None
    assert edge.request(one).cache == "HIT"
    assert edge.request(other).body == kept_other.body


def test_a_purge_from_another_address_is_refused_and_drops_nothing(edge, name):
    edge.request(tagged(name))

    refused = edge.request("/", "PURGE", {"xkey-purge": name}, source="127.0.0.2")

    assert refused.status == 403
    assert edge.request(tagged(name)).cache == "HIT"


def test_a_purge_without_keys_is_refused(edge):
    assert edge.request("/", "PURGE").status == 400


def test_purge_keys_sent_with_a_readers_request_do_nothing(edge, name):
    kept = edge.request(tagged(name))

    again = edge.request(tagged(name), headers={"xkey-purge": name})
    echoed = json.loads(
        edge.request("/edge-test/echo/", headers={"xkey-purge": name}).body
    )

    assert (again.cache, again.body) == ("HIT", kept.body)
    assert echoed["headers"]["xkey-purge"] is None


def test_a_page_rendered_while_its_content_changed_is_not_kept_but_the_next_is(
    edge, name
):
    address = f"{tagged(name)}?settled-at={time.time() + 1.5}"
    settling = [edge.request(address) for _ in range(2)]
    time.sleep(1.6)

    settled = [edge.request(address) for _ in range(2)]

    assert "s-maxage=0" in settling[0].headers["Cache-Control"]
    assert [answer.cache for answer in settling + settled] == ["MISS"] * 3 + ["HIT"]
    assert settling[0].body != settling[1].body


def test_the_first_reader_after_a_quiet_half_second_gets_the_new_page(edge, name):
    kept = edge.request(tagged(name))

    edge.request("/", "PURGE", {"xkey-purge": name})
    time.sleep(0.6)
    after = edge.request(tagged(name))

    assert after.cache == "MISS"
    assert after.body != kept.body


def test_readers_keep_the_purged_copy_until_a_settled_page_replaces_it(edge, name):
    start = time.time()
    settled_at = start + 1.5
    address = f"{tagged(name)}?settling-from={start + 1}&settled-at={settled_at}"
    kept = edge.request(address)
    time.sleep(max(start + 1.1 - time.time(), 0))

    edge.request("/", "PURGE", {"xkey-purge": name})
    purged_at = time.time()
    while_settling = []
    # Within the half second a purged page may still be served, and before
    # the app's answers settle.
    while time.time() < min(settled_at - 0.05, purged_at + 0.4):
        while_settling.append(edge.request(address))
        time.sleep(0.02)
    renewed = until(lambda: edge.request(address).body != kept.body, 2)

    # Never sent to the app to wait for a page (MISS), and never a page
    # rendered while it was changing.
    assert while_settling
    assert {answer.cache for answer in while_settling} == {"HIT-STALE"}
    assert {answer.body for answer in while_settling} == {kept.body}
    assert renewed is not None
    assert edge.request(address).cache == "HIT"


def test_an_untagged_answer_is_never_kept(edge, name):
    first = edge.request(f"/edge-test/untagged/{name}/")
    second = edge.request(f"/edge-test/untagged/{name}/")

    assert (first.cache, second.cache) == ("MISS", "MISS")
    assert first.body != second.body


def test_an_answer_that_sets_a_cookie_is_never_kept(edge, name):
    first = edge.request(f"/edge-test/cookie/{name}/")
    second = edge.request(f"/edge-test/cookie/{name}/")

    assert "csrftoken=" in first.headers["Set-Cookie"]
    assert second.cache == "MISS"
    assert first.body != second.body


@pytest.mark.parametrize("cookie", ["sessionid=abc", "csrftoken=x; messages=abc"])
def test_a_reader_with_a_session_or_a_message_waiting_is_passed_to_the_app(
    edge, name, cookie
):
    kept = edge.request(tagged(name))

    own = edge.request(tagged(name), headers={"Cookie": cookie})

    assert own.cache == "PASS"
    assert own.body != kept.body
    assert edge.request(tagged(name)).body == kept.body


def test_other_cookies_are_dropped_so_the_page_is_still_shared(edge, name):
    kept = edge.request(tagged(name))

    again = edge.request(
        tagged(name), headers={"Cookie": "csrftoken=x; django_language=ru"}
    )
    echoed = json.loads(
        edge.request("/edge-test/echo/", headers={"Cookie": "csrftoken=x"}).body
    )

    assert (again.cache, again.body) == ("HIT", kept.body)
    assert echoed["headers"]["Cookie"] is None


@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_writes_are_passed_to_the_app(edge, name, method):
    edge.request(tagged(name))

    assert edge.request(tagged(name), method).cache == "PASS"


def test_an_unknown_method_is_refused(edge):
    assert edge.request("/", "BREW").status == 405


def test_the_admin_is_passed_with_the_editors_language(edge):
    answer = edge.request("/admin/login/", headers={"Accept-Language": "ru"})

    assert answer.cache == "PASS"
    assert answer.status == 200


@pytest.mark.parametrize("prefix", ["", "/ru", "/be"])
def test_the_view_count_includes_are_always_passed(edge, prefix):
    assert edge.request(f"{prefix}/views/1/").cache == "PASS"


def test_the_app_is_told_that_the_edge_processes_esi_whatever_the_reader_said(edge):
    echoed = json.loads(
        edge.request(
            "/edge-test/echo/", headers={"Surrogate-Capability": 'reader="ESI/1.0"'}
        ).body
    )

    assert echoed["headers"]["Surrogate-Capability"] == 'varnish="ESI/1.0"'


def test_esi_includes_are_processed_and_the_fragment_is_fetched_each_time(edge, name):
    first = edge.request(f"/edge-test/esi/{name}/")
    second = edge.request(f"/edge-test/esi/{name}/")

    page = re.compile(r"<p>(.+)</p><span>fragment (.+)</span>")
    (first_page, first_fragment), (second_page, second_fragment) = (
        page.fullmatch(first.text).groups(),
        page.fullmatch(second.text).groups(),
    )
    assert second.cache == "HIT"
    assert second_page == first_page
    assert second_fragment != first_fragment
    assert "Surrogate-Control" not in second.headers


def test_includes_see_the_readers_address_and_browser(edge, name):
    answer = edge.request(
        f"/edge-test/esi-echo/{name}/",
        headers={"User-Agent": "Reader/1.0", "X-Forwarded-For": "203.0.113.9"},
        source="127.0.0.4",
    )

    echoed = json.loads(answer.text.split("</p>", 1)[1])
    assert echoed["headers"]["User-Agent"] == "Reader/1.0"
    assert echoed["headers"]["X-Forwarded-For"].split(", ")[-1] == "127.0.0.4"


def test_a_page_with_includes_is_never_answered_not_modified(edge, name):
    first = edge.request(f"/edge-test/esi/{name}/")
    again = edge.request(
        f"/edge-test/esi/{name}/",
        headers={"If-None-Match": first.headers.get("ETag", "*")},
    )

    assert "ETag" not in first.headers
    assert again.status == 200


def test_text_is_compressed_for_readers_who_take_gzip(edge, name):
    plain = edge.request(tagged(name))
    zipped = edge.request(tagged(name), headers={"Accept-Encoding": "gzip, br"})
    zipped_again = edge.request(tagged(name), headers={"Accept-Encoding": "gzip"})

    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.body).startswith(f"{name} ".encode())
    assert len(zipped.body) < len(plain.body) / 4
    # A copy for each, kept apart: neither is converted on each delivery.
    assert (zipped_again.cache, zipped_again.body) == ("HIT", zipped.body)
    assert edge.request(tagged(name)).body == plain.body


@pytest.mark.parametrize("accepts", ["gzip;q=0", "deflate, br", "identity"])
def test_readers_who_refuse_gzip_get_the_plain_copy(edge, name, accepts):
    plain = edge.request(tagged(name))

    again = edge.request(tagged(name), headers={"Accept-Encoding": accepts})

    assert "Content-Encoding" not in again.headers
    assert (again.cache, again.body) == ("HIT", plain.body)


def test_the_language_a_browser_asks_for_does_not_split_the_cache(edge, name):
    kept = edge.request(tagged(name), headers={"Accept-Language": "ru"})

    again = edge.request(tagged(name), headers={"Accept-Language": "be"})
    echoed = json.loads(
        edge.request("/edge-test/echo/", headers={"Accept-Language": "ru"}).body
    )

    assert (again.cache, again.body) == ("HIT", kept.body)
    assert echoed["headers"]["Accept-Language"] is None


def test_odd_hosts_never_reach_another_readers_page(edge, name):
    kept = edge.request(tagged(name))

    refused = edge.request(tagged(name), headers={"Host": "evil.example"})
    absolute = edge.request("http://evil.example" + tagged(name))
    shouting = edge.request(tagged(name), headers={"Host": "127.0.0.1".upper()})
    forwarded = edge.request(tagged(name), headers={"X-Forwarded-Host": "evil.example"})

    assert (refused.status, absolute.status) == (400, 400)
    assert (shouting.cache, shouting.body) == ("HIT", kept.body)
    assert (forwarded.cache, forwarded.body) == ("HIT", kept.body)
    assert b"evil" not in edge.request(tagged(name)).body


def test_a_reader_claiming_https_gets_a_copy_of_their_own(edge, name):
    claimed = edge.request(tagged(name), headers={"X-Forwarded-Proto": "https"})

    plain = edge.request(tagged(name))

    assert "https://127.0.0.1" in claimed.text
    assert plain.cache == "MISS"
    assert "http://127.0.0.1" in plain.text


@pytest.mark.parametrize(
    "header",
    ["X-Forwarded-Ssl: on", "X-Forwarded-Protocol: ssl", "Forwarded: proto=https"],
)
def test_other_scheme_headers_never_reach_the_app(edge, header):
    name, value = header.split(": ")

    echoed = json.loads(edge.request("/edge-test/echo/", headers={name: value}).body)

    assert echoed["scheme"] == "http"
    assert echoed["headers"]["X-Forwarded-Ssl"] is None


def test_the_app_sees_the_readers_address_not_one_the_reader_wrote(edge):
    echoed = json.loads(
        edge.request(
            "/edge-test/echo/",
            headers={"X-Forwarded-For": "203.0.113.9"},
            source="127.0.0.3",
        ).body
    )

    # With NEWSROOM_PROXY_COUNT=1 the app reads the last entry.
    forwarded = [
        entry.strip() for entry in echoed["headers"]["X-Forwarded-For"].split(",")
    ]
    assert forwarded[-1] == "127.0.0.3"


def test_static_files_are_kept_with_their_long_lifetime(edge):
    manifest = json.loads((edge.app_folder / "static" / "staticfiles.json").read_text())
    stylesheet = next(
        hashed for name, hashed in manifest["paths"].items() if name.endswith(".css")
    )

    first = edge.request(f"/static/{stylesheet}", headers={"Accept-Encoding": "gzip"})
    second = edge.request(f"/static/{stylesheet}", headers={"Accept-Encoding": "gzip"})

    assert first.status == 200
    assert "immutable" in first.headers["Cache-Control"]
    assert second.cache == "HIT"
    assert second.headers["Content-Encoding"] == "gzip"


def test_uploaded_media_are_served_and_kept_with_a_long_lifetime(edge):
    photo = next(
        path
        for path in (edge.app_folder / "media" / "gallery").rglob("*.jpg")
        if path.is_file()
    )
    address = "/media/" + photo.relative_to(edge.app_folder / "media").as_posix()

    first = edge.request(address)
    second = edge.request(address)

    assert first.status == 200
    assert first.body == photo.read_bytes()
    assert first.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert second.cache == "HIT"
    assert "Set-Cookie" not in second.headers


def test_a_missing_media_file_is_not_kept(edge):
    first = edge.request("/media/gallery/none-such.jpg")
    second = edge.request("/media/gallery/none-such.jpg")

    assert (first.status, second.status) == (404, 404)
    assert second.cache == "MISS"


def test_a_read_that_finds_one_app_server_down_is_answered_by_the_next(
    edge, tmp_path, name
):
    down = free_port()
    # Taken in turn: every other request goes first to the one that is down.
    two = start_edge(tmp_path, free_port(), [down, edge.app_port])
    try:
        answers = [two.request(tagged(f"{name}-{number}")) for number in range(4)]
    finally:
        two.stop()
        shutil.rmtree(two.workdir, ignore_errors=True)

    assert [answer.status for answer in answers] == [200] * 4


def test_view_count_includes_are_answered_by_their_own_servers(edge, tmp_path, name):
    # The app server stands in for the view counts' own; pages go to a port
    # where nothing answers, so only an include can reach the app.
    apart = start_edge(tmp_path, free_port(), [free_port()], [edge.app_port])
    try:
        include = apart.request("/views/1/")
        page = apart.request(tagged(name))
    finally:
        apart.stop()
        shutil.rmtree(apart.workdir, ignore_errors=True)

    assert include.status in (200, 404)  # the app's answer: a count, or no story
    assert page.status == 503


def test_a_view_count_that_cannot_be_had_leaves_its_place_empty(edge, tmp_path, name):
    # Pages from the app; includes from a view-count server that is down.
    apart = start_edge(tmp_path, free_port(), [edge.app_port], [free_port()])
    try:
        page = apart.request(f"/edge-test/esi-count/{name}/")
    finally:
        apart.stop()
        shutil.rmtree(apart.workdir, ignore_errors=True)

    assert page.status == 200
    assert re.fullmatch(r"<p>[^<]+</p>", page.text)
