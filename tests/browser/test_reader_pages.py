"""A reader on a 360-px-wide phone: the pages render, fit the screen and
raise no console errors."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_site(live_server):
    call_command("load_demo", verbosity=0)
    return live_server.url


@pytest.mark.parametrize(
    "path", ["/", "/news/", "/organizations/", "/gallery/", "/contacts/"]
)
def test_page_fits_a_phone_screen_without_errors(page, demo_site, path):
    response = page.goto(demo_site + path)

    assert response.status == 200
    assert page.console_errors == []
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 360


def test_reader_filters_news_by_organization_with_the_form(page, demo_site):
    page.goto(demo_site + "/news/")

    page.get_by_label(
        "Executive Committee of the SCO Regional Anti-Terrorist Structure"
    ).check()
    page.get_by_role("button", name="Filter").click()

    assert "organization=sco-rats" in page.url
    titles = page.locator("main article h2").all_inner_texts()
    assert titles == [
        "Delegation of the Executive Committee of the SCO RATS takes part in the "
        "meeting of heads of the border services"
    ]


def test_reader_opens_a_story_and_sees_its_views_counted(page, demo_site):
    page.goto(demo_site + "/news/")
    page.get_by_role("link", name="Delegation of the Executive Committee").first.click()

    assert page.locator("h1").inner_text().startswith("Delegation of the Executive")
    assert page.get_by_text("170 views").is_visible()
    assert page.get_by_text("Исполнительный комитет РАТС ШОС").first.is_visible()
