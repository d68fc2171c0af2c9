"""The Content-Security-Policy in a real browser: the admin and the public
pages work with no inline script or style, so the browser blocks nothing."""

import pytest
from django.core.management import call_command

from articles.models import Article
from contacts.models import OfficeContact
from gallery.models import Photo

# Records every violation the browser reports, on every page the tab opens.
LISTEN_FOR_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` in ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


@pytest.fixture
def admin_page(page, live_server, superuser, settings):
    # live_server speaks plain HTTP; secure cookies would never come back.
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    call_command("load_demo", verbosity=0)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.add_init_script(LISTEN_FOR_VIOLATIONS)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "root-pass-123")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    return page


def violations(page):
    return page.evaluate("window.cspViolations")


def test_the_listener_sees_what_the_policy_blocks(admin_page):
    """Guards the tests below: an injected inline style is reported."""
    admin_page.evaluate(
        "document.head.appendChild(document.createElement('style'))"
        ".textContent = 'body { color: red }'"
    )
    admin_page.wait_for_timeout(100)

    assert violations(admin_page)
    assert all(found.startswith("style-src") for found in violations(admin_page))


def test_admin_pages_load_with_nothing_blocked(admin_page, live_server, superuser):
    article = Article.objects.first()
    office = OfficeContact.objects.get()
    photo = Photo.objects.first()
    for path in [
        "/admin/",
        "/admin/articles/article/",
        "/admin/articles/article/?q=Almaty&status__exact=published",
        "/admin/articles/article/add/",
        f"/admin/articles/article/{article.pk}/change/",
        f"/admin/articles/article/{article.pk}/history/",
        f"/admin/articles/article/{article.pk}/delete/",
        "/admin/articles/organization/add/",
        f"/admin/contacts/officecontact/{office.pk}/change/",
        "/admin/gallery/photo/",
        f"/admin/gallery/photo/{photo.pk}/change/",
        f"/admin/auth/user/{superuser.pk}/change/",
        "/admin/auth/group/add/",
        "/admin/axes/accessattempt/",
        "/admin/password_change/",
    ]:
        response = admin_page.goto(f"{live_server.url}{path}")

        assert response.status == 200, path
        assert violations(admin_page) == [], path


def test_admin_scripts_run_under_the_policy(admin_page, live_server):
    admin_page.goto(f"{live_server.url}/admin/articles/article/add/")
    admin_page.locator(".datetimeshortcuts a[id^=calendarlink]").first.click()
    assert admin_page.locator(".calendarbox").first.is_visible()

    admin_page.goto(f"{live_server.url}/admin/articles/article/")
    admin_page.click("#action-toggle")
    assert "2 of 2 selected" in admin_page.locator(".action-counter").inner_text()

    office = OfficeContact.objects.get()
    admin_page.goto(
        f"{live_server.url}/admin/contacts/officecontact/{office.pk}/change/"
    )
    rows = admin_page.locator("tr.dynamic-numbers").count()
    admin_page.locator(".add-row a").first.click()
    assert admin_page.locator("tr.dynamic-numbers").count() == rows + 1

    assert violations(admin_page) == []


def test_an_editor_can_save_an_article_under_the_policy(admin_page, live_server):
    article = Article.objects.first()
    admin_page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    admin_page.fill("#id_title", "A corrected title")
    admin_page.click("input[name=_publish]")

    admin_page.wait_for_url("**/admin/articles/article/")
    assert "is published" in admin_page.locator(".messagelist").inner_text()
    article.refresh_from_db()
    assert article.title == "A corrected title"
    assert violations(admin_page) == []


def test_public_pages_load_with_nothing_blocked(admin_page, live_server):
    article = Article.objects.published().first()
    for path in ["/", "/news/", article.get_absolute_url(), "/gallery/", "/contacts/"]:
        response = admin_page.goto(f"{live_server.url}{path}")

        assert response.status == 200, path
        assert violations(admin_page) == [], path
