"""What a reader sees around the stories: the lead, thumbnails, the header's
search box, feed links carrying the page's filters, the folding filter form,
the slider's controls, and no repeated menu or office block."""

import re

import pytest
from django.urls import reverse

from contacts.models import ContactNumber


def html(response):
    return response.content.decode()


def head(response):
    page = html(response)
    return page[: page.index("</head>")]


def feed_links_in_head(response):
    """{type: href} of the head's feed links, with &amp; read as &."""
    return {
        kind: href.replace("&amp;", "&")
        for kind, href in re.findall(
            r'<link rel="alternate" type="(application/(?:rss|atom)\+xml)"'
            r'[^>]*href="([^"]*)"',
            head(response),
        )
    }


def visible_feed_links(response):
    page = html(response)
    block = page[page.index('class="feed-links"') :]
    block = block[: block.index("</p>")]
    return [href.replace("&amp;", "&") for href in re.findall(r'href="([^"]*)"', block)]


@pytest.fixture
def hero_article(make_article, image_upload):
    return make_article(
        title="The embankment reopens",
        lead="Residents can walk by the river again.",
        hero_image=image_upload("hero.png", size=(1200, 800)),
        hero_alt_text="The new footpath along the river",
        hero_caption="The new footpath",
        hero_credit="Anna Photographer",
    )


@pytest.fixture
def postavy(make_contact):
    return make_contact(
        name="Postavy District Executive Committee",
        slug="postavy",
        is_primary=True,
        numbers=[(ContactNumber.Kind.PHONE, "8 (02155) 3-10-14")],
    )


# --- The article page --------------------------------------------------------------


def test_the_article_page_shows_the_lead_below_the_title(client, make_article):
    article = make_article(lead="A short standfirst.", body="<p>The story itself.</p>")

    page = html(client.get(article.get_absolute_url()))

    title = page.index("<h1")
    lead = page.index('<p class="article-lead" lang="en">A short standfirst.</p>')
    assert title < lead < page.index("The story itself.")


def test_the_article_page_shows_no_empty_lead(client, make_article):
    article = make_article(lead="")

    assert 'class="article-lead"' not in html(client.get(article.get_absolute_url()))


def test_the_body_keeps_an_opening_paragraph_that_differs_from_the_lead(
    make_article,
):
    article = make_article(
        lead="The Council met.", body="<p>The Council met in Almaty.</p><p>More.</p>"
    )

    assert article.body_after_lead == article.body


def test_the_hero_image_shows_with_its_caption_and_credit(client, hero_article):
    page = html(client.get(hero_article.get_absolute_url()))

    figure = page[page.index('<figure class="article-hero">') :]
    figure = figure[: figure.index("</figure>")]
    assert 'alt="The new footpath along the river"' in figure
    assert 'width="1200" height="800"' in figure
    assert '<span class="article-hero-caption">The new footpath</span>' in figure
    assert "Photo: Anna Photographer" in figure


# --- Cards ---------------------------------------------------------------------------


def test_a_card_shows_the_heros_small_rendition_lazily_with_its_size(
    client, hero_article
):
    page = html(client.get("/news/"))

    card = page[page.index('<article class="card card-with-image">') :]
    card = card[: card.index("</article>")]
    image = re.search(r"<img [^>]*>", card).group(0)
    assert 'class="card-image"' in image
    assert 'loading="lazy"' in image
    assert 'width="1200" height="800"' in image
    assert 'sizes="(min-width: 40rem) 9rem, 6rem"' in image
    assert " 320w" in image


def test_a_card_without_a_hero_has_no_image(client, make_article):
    make_article()

    page = html(client.get("/news/"))

    assert '<article class="card">' in page
    assert "card-image" not in page


# --- The header's search box ---------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "label"), [("", "Search the news"), ("/ru", "Поиск по новостям")]
)
def test_every_page_has_a_labelled_search_box_sending_q_to_the_news_list(
    client, db, prefix, label
):
    page = html(client.get(f"{prefix}/gallery/"))

    form = page[page.index('<form class="site-search"') :]
    form = form[: form.index("</form>")]
    assert f'action="{prefix}/news/"' in form
    assert 'method="get"' in form
    assert f'<label for="site-search-words">{label}</label>' in form
    assert 'name="q"' in form and 'id="site-search-words"' in form


# --- Feed links ----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/gallery/", "/contacts/", "/organizations/"])
def test_every_page_links_the_feeds_in_its_head(client, db, path):
    links = feed_links_in_head(client.get(path))

    assert links == {
        "application/rss+xml": "/news/feed/",
        "application/atom+xml": "/news/feed/atom/",
    }


def test_the_news_lists_feed_links_carry_its_filters(client, organization):
    response = client.get(
        "/news/?organization=belta&q=border&language=en&page=1&utm_source=x"
    )

    query = "q=border&organization=belta&language=en"
    assert feed_links_in_head(response) == {
        "application/rss+xml": f"/news/feed/?{query}",
        "application/atom+xml": f"/news/feed/atom/?{query}",
    }
    assert visible_feed_links(response) == [
        f"/news/feed/?{query}",
        f"/news/feed/atom/?{query}",
    ]


def test_a_rejected_filter_links_the_whole_feed(client, db):
    response = client.get("/news/?date_from=2023-13-45")

    assert response.status_code == 400
    assert visible_feed_links(response) == ["/news/feed/", "/news/feed/atom/"]


@pytest.mark.parametrize(
    ("path", "dates"),
    [
        ("/news/2024/", "date_from=2024-01-01&date_to=2024-12-31"),
        ("/news/2024/02/", "date_from=2024-02-01&date_to=2024-02-29"),
        ("/news/2024/02/10/", "date_from=2024-02-10&date_to=2024-02-10"),
        (
            "/news/2024/02/?date_from=2024-02-05&organization=belta",
            "organization=belta&date_from=2024-02-05&date_to=2024-02-29",
        ),
    ],
)
def test_an_archives_feed_links_carry_its_period(client, organization, path, dates):
    response = client.get(path)

    assert feed_links_in_head(response)["application/rss+xml"] == (
        f"/news/feed/?{dates}"
    )
    assert visible_feed_links(response)[1] == f"/news/feed/atom/?{dates}"


def test_an_organizations_feed_links_carry_its_slug(client, organization):
    response = client.get(reverse("articles:organization-detail", args=["belta"]))

    assert feed_links_in_head(response)["application/atom+xml"] == (
        "/news/feed/atom/?organization=belta"
    )
    assert visible_feed_links(response) == [
        "/news/feed/?organization=belta",
        "/news/feed/atom/?organization=belta",
    ]


def test_the_feed_a_list_links_lists_what_the_list_shows(
    client, organization, make_organization, make_article
):
    other = make_organization()
    make_article(title="BelTA story")
    make_article(title="Other story", organization=other)

    feed = client.get(visible_feed_links(client.get("/news/?organization=belta"))[0])

    assert b"BelTA story" in feed.content
    assert b"Other story" not in feed.content


# --- The filter form -----------------------------------------------------------------


def test_the_filter_form_folds_away_and_opens_itself_for_an_error(client, db):
    folded = html(client.get("/news/"))
    rejected = html(client.get("/news/?date_from=2023-13-45"))

    assert '<details class="filter-panel" data-open-on-wide-screens>' in folded
    assert '<details class="filter-panel" data-open-on-wide-screens open>' in rejected


def test_the_filter_forms_summary_names_the_active_filters(client, organization):
    page = html(client.get("/news/?organization=belta"))

    assert '<span class="filter-panel-summary">: BelTA</span>' in page


def test_fifty_organizations_are_one_labelled_checkbox_list_with_a_search_label(
    client, make_organization
):
    for n in range(50):
        make_organization(name=f"Source {n:02d}", slug=f"source-{n:02d}")

    page = html(client.get("/news/"))

    assert page.count('type="checkbox" name="organization"') == 50
    assert 'data-search-label="Type to filter the organizations"' in page


# --- Navigation and the office -------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/news/", "/organizations/", "/news/2024/"])
def test_no_sidebar_repeats_the_main_menu(client, db, path):
    page = html(client.get(path))

    main_and_sidebar = page[page.index("<main") : page.index("<footer")]
    assert 'href="/organizations/"' not in main_and_sidebar or path == "/organizations/"
    assert ">All news<" not in main_and_sidebar or path == "/"
    assert ">Browse<" not in page


def test_the_lists_keep_the_archive_months(client, make_article):
    make_article()

    page = html(client.get("/news/"))

    assert '<nav class="archive-months"' in page


def test_the_contacts_page_shows_the_office_once(client, postavy):
    page = html(client.get("/contacts/"))

    assert page.count("8 (02155) 3-10-14") == 1
    assert page.count("Postavy District Executive Committee") == 1


def test_other_pages_show_the_office_in_the_footer(client, postavy):
    page = html(client.get("/gallery/"))

    footer = page[page.index('<footer class="site-footer">') :]
    assert "8 (02155) 3-10-14" in footer


# --- The slider ----------------------------------------------------------------------


def test_the_slider_is_a_labelled_carousel_with_previous_next_and_pause(
    client, make_photo
):
    make_photo(caption="Embankment")
    make_photo(caption="Church")

    page = html(client.get("/"))

    assert 'aria-roledescription="carousel"' in page
    assert page.count('aria-roledescription="slide"') == 2
    assert 'aria-label="1 of 2"' in page and 'aria-label="2 of 2"' in page
    for name in ["Pause", "Previous", "Next"]:
        assert re.search(rf'<button type="button"[^>]*>{name}</button>', page)
    assert '<script src="/static/js/site.js" defer></script>' in page
    assert "style=" not in page
