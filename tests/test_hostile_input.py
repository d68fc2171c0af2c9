"""Hostile input: thousands of generated query strings and path segments sent
to every public address and to the admin's change lists. Whatever arrives,
the answer is never a server error (5xx); the test client re-raises any
exception a view lets escape, so a crash fails with its traceback."""

from urllib.parse import quote, urlencode

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article

# The demo content's stories (load_demo), at their addresses.
STORY_SLUG = "belarus-discusses-border-security-cooperation-with-sco-countries"
BELTA_STORY = f"/news/2023/07/06/{STORY_SLUG}/"

PUBLIC_URLS = [
    "/",
    "/news/",
    "/news/2023/",
    "/news/2023/07/",
    "/news/2023/07/06/",
    BELTA_STORY,
    "/organizations/",
    "/organizations/belta/",
    "/organizations/sco-rats/",
    "/news/feed/",
    "/news/feed/atom/",
    "/contacts/",
    "/contacts/postavy.vcf",
    "/gallery/",
    "/sitemap.xml",
    "/sitemap-articles.xml",
    "/robots.txt",
    "/healthz",
]
LOCALISED_URLS = [
    f"/{language}{url}"
    for language in ("ru", "be")
    for url in PUBLIC_URLS
    if not url.startswith(("/sitemap", "/robots", "/healthz"))
]
EVERY_PUBLIC_URL = PUBLIC_URLS + LOCALISED_URLS

CHANGELISTS = [
    "/admin/articles/article/",
    "/admin/articles/organization/",
    "/admin/contacts/officecontact/",
    "/admin/gallery/photo/",
]

FILTER_KEYS = ["q", "organization", "date_from", "date_to", "language", "page", "p"]
ADMIN_KEYS = [
    "q",
    "o",
    "p",
    "all",
    "e",
    "_popup",
    "_to_field",
    "_changelist_filters",
    "state",
    "organization__id__exact",
    "language__exact",
    "is_featured__exact",
    "is_primary__exact",
    "kind__exact",
    "published_at__year",
    "published_at__month",
    "published_at__day",
    "published_at__gte",
    "title__regex",
    "created_by__password__startswith",
    "pk__in",
]

# What attackers and unlucky readers type: SQL and tsquery syntax, escapes,
# NUL bytes raw and encoded, invalid UTF-8, edge-of-calendar dates, numbers
# that are not numbers, scripts, right-to-left marks.
PIECES = [
    "'",
    '"',
    "&",
    "|",
    "!",
    ":*",
    "(",
    ")",
    "<->",
    "\\",
    "%",
    "_",
    "\x00",
    "%00",
    "%FF",
    "%C3%28",
    "%%",
    "+",
    "=",
    ";",
    "..",
    "/",
    "\r\n",
    "\u202e",
    "𝕏",
    "İ",
    "ﬀ",
    "' OR '1'='1",
    "'; DROP TABLE articles_article; --",
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "9999-12-31",
    "0001-01-01",
    "1000-01-01",
    "2023-13-45",
    "2023-02-29",
    "-1",
    "0",
    "1.5",
    "1e308",
    "99999999999999999999",
    "NaN",
    "last",
    "belta",
    "sco-rats",
    "en",
    "ru",
    "be",
]

pieces = st.sampled_from(PIECES)
values = st.one_of(
    st.text(max_size=30),
    st.integers(-(10**12), 10**12).map(str),
    st.sampled_from(["1", "9999", "10000", "12", "31", "32"]),
    st.lists(st.one_of(pieces, st.text(max_size=4)), max_size=8).map("".join),
    # Very long values: a pasted article, a scanner's padding.
    st.builds(
        lambda piece, n: piece * n, pieces | st.just("é"), st.integers(500, 3000)
    ),
)


def keys(known):
    return st.one_of(st.sampled_from(known), st.text(max_size=12), pieces)


def query_strings(known):
    """Either properly encoded, or raw as a careless client sends it."""
    pairs = st.lists(st.tuples(keys(known), values), max_size=6)
    encoded = pairs.map(urlencode)
    raw = pairs.map(lambda ps: "&".join(f"{key}={value}" for key, value in ps))
    return st.one_of(encoded, raw)


segments = st.one_of(
    st.text(max_size=30),
    pieces,
    st.from_regex(r"\A[0-9]{1,6}\Z"),
    st.builds(lambda piece, n: piece * n, pieces, st.integers(100, 1000)),
)

PATH_TEMPLATES = [
    "/{}",
    "/{}/",
    "/news/{}/",
    "/news/{}/07/",
    "/news/2023/{}/",
    "/news/2023/07/{}/",
    "/news/2023/07/06/{}/",
    "/news/9999/12/31/{}/",
    "/organizations/{}/",
    "/contacts/{}.vcf",
    "/contacts/{}/",
    "/gallery/{}/",
    "/news/feed/{}/",
    "/sitemap-{}.xml",
    "/ru/news/{}/",
    "/be/organizations/{}/",
    "/ru/contacts/{}.vcf",
    "/admin/articles/article/{}/change/",
]


def paths():
    quoted = segments.map(lambda segment: quote(segment, safe=""))
    return st.builds(
        lambda template, segment: template.format(segment),
        st.sampled_from(PATH_TEMPLATES),
        st.one_of(quoted, segments),
    )


def dated_paths():
    """Archive and article addresses with any digits where the date goes,
    the calendar's edges (years 1000 and 9999) among them."""
    year = st.one_of(
        st.sampled_from(["1000", "9999"]), st.from_regex(r"\A[1-9][0-9]{3}\Z")
    )
    two = st.one_of(st.sampled_from(["01", "12", "31"]), st.from_regex(r"\A[0-9]{2}\Z"))
    return st.one_of(
        st.builds("/news/{}/".format, year),
        st.builds("/news/{}/{}/".format, year, two),
        st.builds("/news/{}/{}/{}/".format, year, two, two),
        st.builds("/ru/news/{}/{}/{}/".format, year, two, two),
        st.builds(
            "/news/{}/{}/{}/{}/".format,
            year,
            two,
            two,
            st.sampled_from([STORY_SLUG, "x"]),
        ),
    )


# Bounded so the whole file runs in about a minute on SQLite.
hostile = settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@pytest.fixture
def demo_site(db, make_article, now, tomorrow):
    """The demo content, plus stories readers must never see."""
    call_command("load_demo", verbosity=0)
    make_article(title="A draft", status=Article.Status.DRAFT)
    make_article(title="Scheduled", published_at=tomorrow)
    make_article(title="Expired", expires_at=now)


def assert_no_server_error(client, url):
    response = client.get(url)
    assert response.status_code < 500, (url, response.status_code)


@settings(hostile, max_examples=1200)
@given(url=st.sampled_from(EVERY_PUBLIC_URL), query=query_strings(FILTER_KEYS))
def test_no_query_string_makes_a_public_page_fail(client, demo_site, url, query):
    assert_no_server_error(client, f"{url}?{query}")


@settings(hostile, max_examples=500)
@given(path=st.one_of(paths(), dated_paths()))
def test_no_path_segment_makes_a_public_page_fail(client, demo_site, path):
    assert_no_server_error(client, path)


@settings(hostile, max_examples=500)
@given(url=st.sampled_from(CHANGELISTS), query=query_strings(ADMIN_KEYS))
def test_no_query_string_makes_an_admin_list_fail(
    client, demo_site, superuser, url, query
):
    client.force_login(superuser)
    assert_no_server_error(client, f"{url}?{query}")


def test_the_demo_addresses_it_attacks_exist(client, demo_site):
    for url in EVERY_PUBLIC_URL:
        assert client.get(url).status_code == 200, url
