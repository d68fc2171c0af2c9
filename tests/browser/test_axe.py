"""axe-core in chromium: every public page type, in all three languages, on
a 360-px-wide phone and at desktop width, has no accessibility violation of
any impact (minor included), no console error (a CSP block would be one) and
nothing wider than the screen."""

import pytest
from django.core.management import call_command

from tests.public_pages import AXE_JS, LANGUAGE_PREFIXES, page_paths, require_checker

pytestmark = pytest.mark.django_db(transaction=True)

# Records what the Content-Security-Policy blocks; an init script runs before
# the page's own code and is not itself subject to the page's CSP.
CSP_LISTENER = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""

RUN_AXE = """
async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(" ")).slice(0, 5),
    }));
}
"""


@pytest.fixture
def axe_source():
    require_checker(AXE_JS, "axe-core")
    return AXE_JS.read_text()


@pytest.fixture
def demo_site(live_server):
    call_command("load_demo", verbosity=0)
    return live_server.url


def axe_violations(page, axe_source):
    # Evaluated through the browser's debugging protocol, so the page's CSP
    # (no inline or injected scripts) does not stop it.
    page.evaluate(axe_source)
    return page.evaluate(RUN_AXE)


@pytest.mark.parametrize("width", [360, 1280], ids=["phone", "desktop"])
@pytest.mark.parametrize("language", ["en", "ru", "be"])
def test_every_page_type_passes_axe_at_phone_and_desktop_width(
    page, demo_site, axe_source, language, width
):
    page.set_viewport_size({"width": width, "height": 900})
    page.add_init_script(CSP_LISTENER)
    problems = {}
    for name, path, status in page_paths():
        response = page.goto(demo_site + LANGUAGE_PREFIXES[language] + path)
        assert response.status == status, path

        found = {
            "violations": axe_violations(page, axe_source),
            "csp": page.evaluate("window.cspViolations"),
            "console": list(page.console_errors),
            "scroll_width": page.evaluate("document.documentElement.scrollWidth"),
        }
        page.console_errors.clear()
        # A page that answers 400 or 404 logs that status as a console error;
        # the status itself is asserted above.
        found["console"] = [
            message
            for message in found["console"]
            if status == 200 or "status of" not in message
        ]
        if (
            found["violations"]
            or found["csp"]
            or found["console"]
            or found["scroll_width"] > width
        ):
            problems[name] = found

    assert problems == {}


def test_the_article_pages_json_ld_is_not_blocked_by_the_csp(page, demo_site):
    page.add_init_script(CSP_LISTENER)
    path = dict((name, path) for name, path, _ in page_paths())["article"]
    page.goto(demo_site + path)

    data = page.evaluate(
        "JSON.parse(document.querySelector('script[type=\"application/ld+json\"]')"
        ".textContent)"
    )
    assert data["@type"] == "NewsArticle"
    assert page.evaluate("window.cspViolations") == []
    assert page.console_errors == []


def test_axe_reports_a_serious_violation_when_there_is_one(page, demo_site, axe_source):
    """The checks above cannot pass by checking nothing."""
    page.goto(demo_site + "/contacts/")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend',"
        " '<img src=\"/static/img/logo.png\">')"
    )

    ids = [violation["id"] for violation in axe_violations(page, axe_source)]

    assert "image-alt" in ids


def test_axe_reports_a_moderate_violation_too(page, demo_site, axe_source):
    """Every impact counts: two unnamed navigation landmarks are "moderate"."""
    page.goto(demo_site + "/contacts/")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend',"
        ' \'<nav><a href="/">a</a></nav><nav><a href="/">b</a></nav>\')'
    )

    ids = [violation["id"] for violation in axe_violations(page, axe_source)]

    assert "landmark-unique" in ids
