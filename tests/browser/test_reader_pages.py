"""A reader on a 360-px-wide phone: the pages render, fit the screen and
raise no console errors."""

import pytest
from django.core.management import call_command

from articles.models import Organization

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

    # Folded away on a phone until the reader opens it.
    page.get_by_text("Filter the news").click()
    page.get_by_label(
        "Executive Committee of the SCO Regional Anti-Terrorist Structure"
    ).check()
    page.get_by_role("button", name="Filter", exact=True).click()

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


def test_reader_steps_through_the_slider_with_buttons_and_arrow_keys(page, demo_site):
    page.goto(demo_site + "/")
    strip = page.locator(".gallery-slider")
    slides = page.locator(".gallery-slide")

    def shown():
        # The slide whose left edge is nearest the strip's.
        return page.evaluate(
            """() => {
              const strip = document.querySelector('.gallery-slider');
              const slides = [...strip.querySelectorAll('.gallery-slide')];
              const gaps = slides.map(
                (s) => Math.abs(s.offsetLeft - strip.offsetLeft - strip.scrollLeft)
              );
              return gaps.indexOf(Math.min(...gaps));
            }"""
        )

    def settles_on(index):
        # The strip scrolls smoothly: wait (the CSP forbids Playwright's
        # string-evaluating waits) until it comes to rest on a slide.
        for _ in range(40):
            if shown() == index:
                page.wait_for_timeout(300)
                if shown() == index:
                    return True
            page.wait_for_timeout(100)
        return False

    page.get_by_role("button", name="Pause", exact=True).click()
    assert page.get_by_role("button", name="Play", exact=True).is_visible()
    assert strip.get_attribute("aria-live") == "polite"

    page.get_by_role("button", name="Next", exact=True).click()
    assert settles_on(1)

    strip.focus()
    page.keyboard.press("ArrowRight")
    assert settles_on(2)
    page.keyboard.press("ArrowLeft")
    assert settles_on(1)

    page.get_by_role("button", name="Previous", exact=True).click()
    assert settles_on(0)
    page.get_by_role("button", name="Previous", exact=True).click()
    assert settles_on(slides.count() - 1)
    assert page.console_errors == []


def test_the_filter_form_is_folded_on_a_phone_and_open_on_a_desktop(page, demo_site):
    page.goto(demo_site + "/news/")
    assert not page.locator("details.filter-panel").evaluate("d => d.open")
    assert not page.get_by_label("Words").is_visible()

    page.get_by_text("Filter the news").click()
    assert page.get_by_label("Words").is_visible()

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(demo_site + "/news/")
    assert page.get_by_label("Words").is_visible()


def test_a_reader_finds_one_of_fifty_organizations_by_typing(page, live_server):
    for n in range(50):
        Organization.objects.create(
            name=f"Source number {n:02d}",
            short_name=f"S{n:02d}",
            slug=f"source-{n:02d}",
            kind=Organization.Kind.NEWS_AGENCY,
        )
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/news/")
    box = page.locator(".choice-list")
    assert box.evaluate("b => b.scrollHeight > b.clientHeight")

    page.get_by_label("Type to filter the organizations").fill("number 42")

    assert [
        text.strip()
        for text in page.locator(".choice-list label:visible").all_inner_texts()
    ] == ["Source number 42"]
    page.get_by_label("Source number 42").check()
    page.get_by_role("button", name="Filter", exact=True).click()
    assert "organization=source-42" in page.url
    assert page.console_errors == []


def test_the_header_search_box_searches_the_news(page, demo_site):
    page.goto(demo_site + "/gallery/")

    page.get_by_label("Search the news").fill("Almaty")
    page.get_by_role("button", name="Search", exact=True).click()

    assert page.url.endswith("/news/?q=Almaty")
    assert page.locator("main article").count() == 2


def test_the_footer_sits_at_the_bottom_of_a_short_page(page, demo_site):
    page.set_viewport_size({"width": 1280, "height": 2000})
    page.goto(demo_site + "/organizations/")

    bottom = page.evaluate(
        "document.querySelector('.site-footer').getBoundingClientRect().bottom"
    )
    assert bottom == 2000
