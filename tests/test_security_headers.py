"""The headers every response carries: a Content-Security-Policy that lets no
inline script run, frame and sniffing protection, and, over HTTPS, HSTS and
cookies that never travel in clear or reach scripts."""

from html.parser import HTMLParser

import pytest

PAGES = ["/", "/contacts/", "/gallery/", "/admin/login/", "/healthz"]


def csp_directives(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


class InlineCode(HTMLParser):
    """Collects what the policy would block: inline scripts and styles,
    style attributes and event-handler attributes."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        script_type = attrs.get("type") or "text/javascript"
        if tag == "script" and "src" not in attrs and "json" not in script_type:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        self.found += [f"{name}= on <{tag}>" for name in attrs if name == "style"]
        self.found += [f"{name}= on <{tag}>" for name in attrs if name.startswith("on")]


@pytest.fixture
def site(db, make_article, make_photo, make_contact):
    """Enough content that each page renders its real parts."""
    make_article()
    make_photo()
    make_contact(is_primary=True, numbers=[("phone", "8 (02155) 3-10-14")])


@pytest.mark.parametrize("url", PAGES)
def test_every_page_has_a_policy_that_runs_only_our_own_scripts(client, site, url):
    response = client.get(url)

    assert response.status_code == 200
    policy = csp_directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_forbids_sniffing_framing_and_leaking_the_referrer(
    client, site, url
):
    response = client.get(url)

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize("url", [url for url in PAGES if url != "/healthz"])
def test_pages_hold_no_inline_code_the_policy_would_block(client, site, url):
    parser = InlineCode()
    parser.feed(client.get(url).content.decode())

    assert parser.found == []


def test_a_missing_page_carries_the_same_headers(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert csp_directives(response)["script-src"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("url", PAGES)
def test_https_responses_tell_browsers_to_stay_on_https(client, site, url):
    response = client.get(url, secure=True)

    assert (
        response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    )


def test_https_behind_the_reverse_proxy_counts_as_https(client, site):
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})

    assert "Strict-Transport-Security" in response


def test_plain_http_responses_carry_no_hsts(client, site):
    """HSTS over plain HTTP is ignored by browsers and would pin a host that
    may not serve HTTPS at all (a developer's machine)."""
    response = client.get("/")

    assert "Strict-Transport-Security" not in response


def test_the_csrf_cookie_is_secure_and_hidden_from_scripts(client, db):
    response = client.get("/admin/login/", secure=True)

    cookie = response.cookies["csrftoken"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_the_session_cookie_is_secure_and_hidden_from_scripts(client, editor):
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "editor", "password": "editor-pass-123"},
        secure=True,
    )

    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
