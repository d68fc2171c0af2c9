"""Browser tests: Playwright driving Debian's chromium against live_server.

They are skipped, with the reason printed in pytest's summary, where
/usr/bin/chromium is missing; under CI (CI=true) a missing browser fails."""

import os
from importlib import import_module
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection
from playwright.sync_api import Error as PlaywrightError

CHROMIUM = Path(os.environ.get("NEWSROOM_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs Debian's chromium at {CHROMIUM}")
        pytest.skip(
            f"browser tests need Debian's chromium at {CHROMIUM} "
            "(apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls
    # the tests make between browser steps are still plain synchronous ones.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.console_errors = []
    page.on(
        "console",
        lambda message: (
            page.console_errors.append(message.text)
            if message.type == "error"
            else None
        ),
    )
    yield page
    context.close()


# Records every violation of the Content-Security-Policy the browser reports.
LISTEN_FOR_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
  );
});
"""


@pytest.fixture
def site(live_server, settings, organization, make_photo):
    """The live server with one gallery photo, for a logged-in editor."""
    # live_server speaks plain HTTP; secure cookies would never come back.
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    make_photo(caption="Church", alt_text="A white church by the lake")
    return live_server.url


def log_in(page, site, username, password):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.add_init_script(LISTEN_FOR_VIOLATIONS)
    page.goto(f"{site}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def violations(page):
    return page.evaluate("window.cspViolations")


def choose_organization(page, name):
    searches = set()
    page.on("request", lambda r: "/autocomplete/" in r.url and searches.add(r))
    page.on("requestfinished", lambda r: searches.discard(r))
    page.on("requestfailed", lambda r: searches.discard(r))
    page.click("#id_organization + .select2 .select2-selection")
    page.fill(".select2-search__field", name[:4])
    page.click(f".select2-results__option:has-text('{name}')")
    # A search still running when the form is saved can lock the tests'
    # shared in-memory SQLite database against the save (it hung CI once):
    # wait until select2's searches are answered, as a person would.
    for _ in range(100):
        if not searches:
            break
        page.wait_for_timeout(50)
    assert not searches, "select2's searches never finished"


def choose_in_the_picker(page, caption):
    """Open "Browse..." in the image dialog and click the library image with
    this caption. The picker window closes itself on the click, at times
    before Playwright hears back from the click, which it then reports as a
    closed target (microsoft/playwright#26900): the test goes on once the
    window is closed, whichever came first."""
    with page.expect_popup() as opening:
        page.get_by_role("button", name="Browse...").click()
    picker = opening.value
    with picker.expect_event("close"):
        try:
            picker.get_by_role("button", name=caption).click()
        except PlaywrightError as error:
            if error.name != "TargetClosedError":
                raise


@pytest.fixture
def editor_groups(db):
    """The Editors group, as its data migration makes it: an earlier test's
    flush of the live server's database may have removed it."""
    from django.apps import apps

    create_groups = import_module(
        "articles.migrations.0002_editorial_groups"
    ).create_groups
    create_groups(apps, SimpleNamespace(connection=connection))
