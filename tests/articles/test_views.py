import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template import loader
from django.urls import reverse

from articles import view_counts
from articles.models import Article
from contacts.models import ContactNumber

MINSK = ZoneInfo("Europe/Minsk")


def minsk(*args):
    return datetime(*args, tzinfo=MINSK)


def html(response):
    return response.content.decode()


def article_elements(response):
    return len(re.findall(r"<article[\s>]", html(response)))


def field_block(response, name):
    """The markup of one filter field's wrapper, from its start to the next."""
    page = html(response)
    start = page.index(f'class="field field-{name}')
    end = page.find('class="field field-', start + 1)
    return page[start : end if end != -1 else page.index("</form>", start)]


@pytest.fixture
def sco_rats(make_organization):
    return make_organization(
        name="Executive Committee of the SCO Regional Anti-Terrorist Structure",
        short_name="SCO RATS",
        slug="sco-rats",
        native_name="Исполнительный комитет РАТС ШОС",
        kind="international_organization",
    )


@pytest.fixture
def site_furniture(make_contact, make_photo):
    """What every page's footer and the home page's slider show."""
    make_photo(caption="Tysenhaus Palace")
    return make_contact(
        name="Postavy District Executive Committee",
        is_primary=True,
        numbers=[
            (ContactNumber.Kind.PHONE, "8 (02155) 3-10-14"),
            (ContactNumber.Kind.FAX, "8 (02155) 4-17-36"),
        ],
    )


@pytest.fixture
def hidden_articles(make_article, now):
    """One article of each kind the public must not see."""
    return {
        "draft": make_article(title="Draft story", status=Article.Status.DRAFT),
        "scheduled": make_article(
            title="Scheduled story", published_at=now + timedelta(days=1)
        ),
        "expired": make_article(
            title="Expired story",
            published_at=now - timedelta(days=3),
            expires_at=now - timedelta(days=1),
        ),
    }


# --- The home page --------------------------------------------------------------------


def test_home_shows_the_latest_and_featured_news(client, make_article, now):
    featured = make_article(
        title="The featured story",
        is_featured=True,
        published_at=now - timedelta(days=5),
    )
    latest = make_article(title="The newest story", published_at=now)

    response = client.get(reverse("articles:home"))

    assert response.status_code == 200
    assert "articles/home.html" in [t.name for t in response.templates]
    page = html(response)
    assert "Featured" in page
    assert page.index(featured.title) < page.index("Latest news")
    assert page.index("Latest news") < page.index(latest.title)


def test_home_lists_ten_latest_stories_and_no_featured_one_twice(
    client, make_article, now
):
    make_article(title="Featured story", is_featured=True, published_at=now)
    for day in range(1, 12):
        make_article(
            title=f"Daily story {day:02d}", published_at=now - timedelta(days=day)
        )

    page = html(client.get("/"))

    assert page.count("Featured story") == 1
    assert "Daily story 10" in page
    assert "Daily story 11" not in page


def test_home_hides_drafts_scheduled_and_expired_articles(
    client, make_article, hidden_articles
):
    make_article(title="Public story")

    page = html(client.get("/"))

    assert "Public story" in page
    for article in hidden_articles.values():
        assert article.title not in page


def test_home_shows_the_gallery_slider_and_the_primary_office(client, site_furniture):
    page = html(client.get("/"))

    assert "Tysenhaus Palace" in page
    assert "Postavy District Executive Committee" in page
    assert "8 (02155) 3-10-14" in page


def test_home_has_one_h1(client, make_article):
    make_article()

    assert html(client.get("/")).count("<h1") == 1


@pytest.mark.parametrize("articles", [3, 25])
def test_home_needs_the_same_few_queries_however_many_articles(
    client, make_article, site_furniture, django_assert_num_queries, articles
):
    for n in range(articles):
        make_article(is_featured=n % 2 == 0)

    # Featured, latest, the slider's photos, the office and its numbers, the
    # site's name (then kept); the next scheduled change (two) and the
    # surrogate keys' checks (before the kept values, and of the page's own
    # when it is done).
    with django_assert_num_queries(10):
        response = client.get("/")
    assert response.status_code == 200


# --- The layout every page shares -----------------------------------------------------


def test_every_page_has_a_skip_link_navigation_and_a_language_switcher(client, db):
    page = html(client.get("/news/"))

    assert 'href="#main"' in page
    assert '<main id="main"' in page
    for label, url in [
        ("News", "/news/"),
        ("Organizations", "/organizations/"),
        ("Gallery", "/gallery/"),
        ("Contacts", "/contacts/"),
    ]:
        assert f'href="{url}"' in page
        assert label in page
    assert '<nav class="language-switcher" aria-label="Language">' in page
    assert 'href="/ru/news/" hreflang="ru" lang="ru">Русский</a>' in page


def test_every_page_names_the_site_and_shows_the_office_in_the_footer(
    client, site_furniture
):
    page = html(client.get("/organizations/"))

    assert "Postavy District Newsroom" in page
    footer = page[page.index("<footer") :]
    assert "Postavy District Executive Committee" in footer
    assert 'href="tel:+375215531014"' in footer


def test_the_page_language_follows_the_address(client, db):
    assert '<html lang="en">' in html(client.get("/news/"))
    assert '<html lang="ru">' in html(client.get("/ru/news/"))
    assert '<html lang="be">' in html(client.get("/be/news/"))


def test_the_language_switcher_takes_the_reader_to_the_same_page_in_russian(client):
    response = client.post(
        reverse("set_language"), {"language": "ru", "next": "/news/?language=en"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/ru/news/?language=en"


# --- /news/ ---------------------------------------------------------------------------


def test_news_lists_published_articles_newest_first(client, make_article, now):
    older = make_article(title="Older story", published_at=now - timedelta(days=2))
    newer = make_article(title="Newer story", published_at=now - timedelta(days=1))

    response = client.get(reverse("articles:list"))

    assert response.status_code == 200
    page = html(response)
    assert page.index(newer.title) < page.index(older.title)


def test_news_hides_drafts_scheduled_and_expired_articles(
    client, make_article, hidden_articles
):
    make_article(title="Public story")

    response = client.get("/news/")

    assert "Public story" in html(response)
    for article in hidden_articles.values():
        assert article.title not in html(response)
    assert article_elements(response) == 1


def test_news_hides_unpublished_articles_from_a_logged_in_reader_too(
    client, reader, hidden_articles
):
    client.force_login(reader)

    response = client.get("/news/")

    for article in hidden_articles.values():
        assert article.title not in html(response)


def test_news_shows_each_result_as_exactly_one_article_element(client, make_article):
    for _ in range(3):
        make_article()

    assert article_elements(client.get("/news/")) == 3


def test_news_has_no_article_element_besides_the_results(
    client, site_furniture, make_article
):
    assert article_elements(client.get("/news/")) == 0


def test_news_pages_by_twenty(client, make_article, now, settings):
    assert settings.NEWSROOM_PAGE_SIZE == 20
    for n in range(25):
        make_article(
            title=f"Story at hour {n:02d}", published_at=now - timedelta(hours=n)
        )

    first = client.get("/news/")
    second = client.get("/news/?page=2")

    assert article_elements(first) == 20
    assert "Story at hour 19" in html(first)
    assert "Story at hour 20" not in html(first)
    assert article_elements(second) == 5
    assert "Story at hour 24" in html(second)
    assert 'href="?page=2"' in html(first)


def test_page_links_keep_the_filters(client, make_article, organization):
    for _ in range(21):
        make_article()

    page = html(client.get("/news/?organization=belta&language=en"))

    assert 'href="?organization=belta&amp;language=en&amp;page=2"' in page


@pytest.mark.parametrize("page", ["999", "3", "abc", "0", "-1", "1.5"])
def test_a_page_past_the_end_or_not_a_number_is_not_found(client, make_article, page):
    for _ in range(21):
        make_article()

    assert client.get(f"/news/?page={page}").status_code == 404


def test_the_first_and_last_pages_are_found(client, make_article):
    for _ in range(21):
        make_article()

    assert client.get("/news/?page=1").status_code == 200
    assert client.get("/news/?page=2").status_code == 200


def test_an_empty_news_list_is_a_page_not_an_error(client, db):
    response = client.get("/news/")

    assert response.status_code == 200
    assert "No news matches these filters." in html(response)


# --- /news/ filters -------------------------------------------------------------------


def test_news_filters_by_one_organization(client, make_article, organization, sco_rats):
    make_article(title="From BelTA", organization=organization)
    make_article(title="From SCO RATS", organization=sco_rats)

    response = client.get("/news/?organization=sco-rats")

    assert response.status_code == 200
    assert "From SCO RATS" in html(response)
    assert "From BelTA" not in html(response)


def test_news_filters_by_any_of_several_organizations(
    client, make_article, make_organization, organization, sco_rats
):
    make_article(title="From BelTA", organization=organization)
    make_article(title="From SCO RATS", organization=sco_rats)
    make_article(title="From the office", organization=make_organization(slug="office"))

    response = client.get("/news/?organization=belta&organization=sco-rats")

    assert article_elements(response) == 2
    assert "From the office" not in html(response)


def test_news_filters_by_inclusive_dates_read_in_minsk(client, make_article):
    make_article(title="Before", published_at=minsk(2023, 7, 5, 23, 59))
    make_article(title="First minute", published_at=minsk(2023, 7, 6, 0, 0))
    make_article(title="Last minute", published_at=minsk(2023, 7, 7, 23, 59))
    make_article(title="After", published_at=minsk(2023, 7, 8, 0, 0))

    response = client.get("/news/?date_from=2023-07-06&date_to=2023-07-07")

    page = html(response)
    assert "First minute" in page and "Last minute" in page
    assert "Before" not in page and "After" not in page


def test_news_filters_by_language(client, make_article):
    make_article(title="In English", language="en")
    make_article(title="По-русски", language="ru")

    response = client.get("/news/?language=ru")

    assert "По-русски" in html(response)
    assert "In English" not in html(response)


def test_news_filters_by_words(client, make_article):
    make_article(title="Security forum in Almaty")
    make_article(title="Harvest news")

    response = client.get("/news/?q=almaty")

    assert "Security forum in <mark>Almaty</mark>" in html(response)
    assert "Harvest news" not in html(response)


def test_news_combines_filters(client, make_article, organization, sco_rats):
    make_article(title="Wanted", organization=sco_rats, language="en")
    make_article(title="Wrong language", organization=sco_rats, language="ru")
    make_article(title="Wrong source", organization=organization, language="en")

    response = client.get("/news/?organization=sco-rats&language=en")

    assert article_elements(response) == 1
    assert "Wanted" in html(response)


def test_news_ignores_empty_and_unknown_parameters(client, make_article):
    make_article(title="Still here")

    response = client.get(
        "/news/?organization=&date_from=&date_to=&language=&q=&colour=blue"
    )

    assert response.status_code == 200
    assert "Still here" in html(response)


def test_the_filter_form_shows_the_chosen_filters(client, organization, make_article):
    make_article()

    page = html(
        client.get("/news/?organization=belta&date_from=2023-07-06&language=ru")
    )

    assert re.search(r'value="belta"[^>]*checked', page)
    assert 'value="2023-07-06"' in page
    assert '<option value="ru" selected>' in page


def test_every_filter_control_has_a_label(client, organization):
    form = (
        html(client.get("/news/")).split('class="filter-form"')[1].split("</form>")[0]
    )

    for control in ["id_q", "id_date_from", "id_date_to", "id_language"]:
        assert f'<label for="{control}">' in form
    assert "<legend>Organization</legend>" in form
    assert '<label for="id_organization_0">' in form


# --- /news/ bad input -----------------------------------------------------------------


def test_an_impossible_date_is_a_400_with_the_error_beside_the_field_and_no_results(
    client, make_article
):
    make_article(title="Any story")

    response = client.get("/news/?date_from=2023-13-45")

    assert response.status_code == 400
    assert "articles/article_list.html" in [t.name for t in response.templates]
    block = field_block(response, "date_from")
    assert "Enter a valid date." in block
    assert 'aria-invalid="true"' in block
    assert 'aria-describedby="id_date_from_error"' in block
    assert 'value="2023-13-45"' in block
    assert article_elements(response) == 0
    assert "Any story" not in html(response)


def test_an_unknown_organization_is_a_400_with_the_error_beside_it(
    client, make_article, organization
):
    make_article(title="Any story")

    response = client.get("/news/?organization=no-such-org")

    assert response.status_code == 400
    assert "errorlist" in field_block(response, "organization")
    assert "errorlist" not in field_block(response, "date_from")
    assert article_elements(response) == 0


def test_an_unknown_language_is_a_400(client, make_article):
    make_article()

    response = client.get("/news/?language=de")

    assert response.status_code == 400
    assert "errorlist" in field_block(response, "language")
    assert article_elements(response) == 0


def test_date_from_after_date_to_is_a_400_with_the_error_beside_date_to(
    client, make_article
):
    make_article()

    response = client.get("/news/?date_from=2023-07-07&date_to=2023-07-06")

    assert response.status_code == 400
    assert "The end date must not be before the start date." in field_block(
        response, "date_to"
    )
    assert article_elements(response) == 0


def test_a_bad_filter_on_a_later_page_is_still_a_400_not_a_404(client, make_article):
    for _ in range(21):
        make_article()

    response = client.get("/news/?language=de&page=2")

    assert response.status_code == 400


def test_html_typed_into_a_filter_is_escaped(client, db):
    response = client.get("/news/?date_from=<script>alert(1)</script>")

    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in html(response)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html(response)


# --- /news/ query counts --------------------------------------------------------------


@pytest.mark.parametrize("articles", [3, 25])
def test_news_needs_the_same_few_queries_however_many_articles(
    client, make_article, site_furniture, django_assert_num_queries, articles
):
    for _ in range(articles):
        make_article()

    # Count, the page of articles with their organizations, the form's
    # organizations, the footer's office and its numbers, and the archive
    # sidebar's month counts (two) and the site's name (then cached); the
    # next scheduled change (two) and the surrogate keys' checks (before the
    # kept values, for the kept form, and of the page's own when it is done).
    with django_assert_num_queries(13):
        response = client.get("/news/")
    assert article_elements(response) == min(articles, 20)


@pytest.mark.parametrize("articles", [3, 25])
def test_filtering_by_organization_adds_one_query_however_many_articles(
    client,
    make_article,
    make_organization,
    sco_rats,
    site_furniture,
    django_assert_num_queries,
    articles,
):
    for n in range(articles):
        make_article(organization=sco_rats if n % 2 else make_organization())

    # The one more query checks that the chosen organizations exist, and one
    # more the organizations' surrogate key.
    with django_assert_num_queries(14):
        response = client.get("/news/?organization=sco-rats&organization=belta")
    assert response.status_code == 200
    assert article_elements(response) == min(articles // 2, 20)


# --- Date archives --------------------------------------------------------------------


@pytest.fixture
def july_stories(make_article):
    return {
        "june": make_article(
            title="June story", published_at=minsk(2023, 6, 30, 23, 59)
        ),
        "first": make_article(
            title="July first story", published_at=minsk(2023, 7, 1, 0, 0)
        ),
        "sixth": make_article(
            title="Sixth of July story", published_at=minsk(2023, 7, 6, 12)
        ),
        "seventh": make_article(
            title="Seventh of July story", published_at=minsk(2023, 7, 7, 0, 30)
        ),
        "next_year": make_article(
            title="Next year story", published_at=minsk(2024, 1, 1, 0, 0)
        ),
        "last_year": make_article(
            title="Last year story", published_at=minsk(2022, 12, 31, 23, 59)
        ),
    }


def titles_in(response, stories):
    page = html(response)
    return {key for key, article in stories.items() if article.title in page}


def test_a_year_archive_lists_that_years_news_in_minsk_time(client, july_stories):
    response = client.get(reverse("articles:archive-year", kwargs={"year": "2023"}))

    assert response.status_code == 200
    assert titles_in(response, july_stories) == {"june", "first", "sixth", "seventh"}
    assert "News from 2023" in html(response)
    assert 'href="/news/2023/07/"' in html(response)


def test_a_month_archive_lists_that_months_news_in_minsk_time(client, july_stories):
    response = client.get("/news/2023/07/")

    assert response.status_code == 200
    assert titles_in(response, july_stories) == {"first", "sixth", "seventh"}
    assert "News from July 2023" in html(response)


def test_a_day_archive_lists_that_days_news_in_minsk_time(client, july_stories):
    # 00:30 on 7 July in Minsk is 21:30 on 6 July in UTC: it belongs to the 7th.
    response = client.get("/news/2023/07/07/")

    assert response.status_code == 200
    assert titles_in(response, july_stories) == {"seventh"}
    assert article_elements(response) == 1


def test_an_archive_hides_unpublished_articles(client, make_article):
    make_article(
        title="Draft in July",
        status=Article.Status.DRAFT,
        published_at=minsk(2023, 7, 6),
    )
    make_article(
        title="Expired in July",
        published_at=minsk(2023, 7, 6),
        expires_at=minsk(2023, 7, 10),
    )

    response = client.get("/news/2023/07/")

    assert response.status_code == 200
    assert article_elements(response) == 0


def test_an_archive_takes_the_same_filters(
    client, july_stories, sco_rats, make_article
):
    make_article(
        title="SCO story in July", organization=sco_rats, published_at=minsk(2023, 7, 6)
    )

    response = client.get("/news/2023/07/?organization=sco-rats")

    assert titles_in(response, july_stories) == set()
    assert "SCO story in July" in html(response)
    assert article_elements(response) == 1


def test_an_archive_combines_its_period_with_the_date_filters(client, july_stories):
    response = client.get("/news/2023/?date_from=2023-07-06")

    assert titles_in(response, july_stories) == {"sixth", "seventh"}


def test_an_empty_archive_period_is_a_page_not_an_error(client, db):
    response = client.get("/news/2019/03/")

    assert response.status_code == 200
    assert article_elements(response) == 0


@pytest.mark.parametrize(
    "url",
    [
        "/news/2023/02/30/",
        "/news/2023/02/29/",
        "/news/2023/13/",
        "/news/2023/00/",
        "/news/2023/07/32/",
        "/news/2023/07/00/",
        "/news/2023/7/",
        "/news/23/",
        "/news/0999/",
        "/news/9999/12/31/",
    ],
)
def test_an_impossible_archive_date_is_not_found(client, db, url):
    assert client.get(url).status_code == 404


def test_a_leap_day_archive_is_found(client, db):
    assert client.get("/news/2024/02/29/").status_code == 200


@pytest.mark.parametrize(
    "query", ["date_from=2023-13-45", "organization=nobody", "language=xx"]
)
def test_a_bad_filter_on_an_archive_is_a_400_with_no_results(
    client, july_stories, query
):
    response = client.get(f"/news/2023/07/?{query}")

    assert response.status_code == 400
    assert article_elements(response) == 0


def test_an_archive_page_past_the_end_is_not_found(client, july_stories):
    assert client.get("/news/2023/?page=2").status_code == 404
    assert client.get("/news/2023/?page=x").status_code == 404


# --- One article ----------------------------------------------------------------------


@pytest.fixture
def seed_article(make_article, sco_rats):
    return make_article(
        title="A meeting of the SCO RATS Council",
        slug="sco-rats-council",
        lead="The Council met in Almaty.",
        body="<p>First paragraph.</p><p>Expressing conficence in the results.</p>",
        organization=sco_rats,
        byline="",
        dateline="Almaty",
        source_url="https://ecrats.org/en/press/news/",
        published_at=minsk(2023, 7, 7, 10, 0),
        view_count=168,
    )


def test_an_article_shows_its_story(client, seed_article):
    response = client.get("/news/2023/07/07/sco-rats-council/")

    assert response.status_code == 200
    assert "articles/article_detail.html" in [t.name for t in response.templates]
    page = html(response)
    assert "<h1" in page and page.count("<h1") == 1
    assert "A meeting of the SCO RATS Council" in page
    assert "7 July 2023" in page
    assert "Almaty" in page
    assert "Written by SCO RATS" in page
    assert "<p>Expressing conficence in the results.</p>" in page
    assert 'href="https://ecrats.org/en/press/news/"' in page


def test_an_article_names_its_source_in_the_sources_own_language_with_a_link(
    client, seed_article
):
    page = html(client.get(seed_article.get_absolute_url()))

    assert (
        'Source: <a href="/organizations/sco-rats/">Исполнительный комитет РАТС ШОС</a>'
        in page
    )
    assert "Executive Committee of the SCO Regional Anti-Terrorist Structure" in page


def test_an_article_credits_its_byline_when_it_has_one(client, make_article):
    article = make_article(byline="Anna Kovalenko")

    assert "Written by Anna Kovalenko" in html(client.get(article.get_absolute_url()))


def test_an_article_shows_its_hero_image_with_caption_credit_and_alt_text(
    client, make_article, image_upload
):
    article = make_article(
        hero_image=image_upload("hero.png", size=(120, 80)),
        hero_caption="The Council in session",
        hero_credit="SCO RATS press office",
        hero_alt_text="Delegates around a round table",
    )

    page = html(client.get(article.get_absolute_url()))

    assert f'src="{article.hero_image.picture.src}"' in page
    assert 'alt="Delegates around a round table"' in page
    assert 'width="120" height="80"' in page
    assert "The Council in session" in page
    assert "Photo: SCO RATS press office" in page


def test_an_article_without_a_hero_image_shows_no_figure(client, make_article):
    article = make_article()

    assert "<figure" not in html(client.get(article.get_absolute_url()))


def test_an_article_counts_this_view_in_the_number_it_shows(client, seed_article):
    response = client.get(seed_article.get_absolute_url())

    assert "169 views" in html(response)
    view_counts.flush()
    seed_article.refresh_from_db()
    assert seed_article.view_count == 169


def test_each_reader_adds_exactly_one(client, seed_article):
    for address in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        client.get(seed_article.get_absolute_url(), REMOTE_ADDR=address)

    view_counts.flush()
    seed_article.refresh_from_db()
    assert seed_article.view_count == 171


def test_a_reader_reloading_the_article_is_counted_once(client, seed_article):
    for _ in range(3):
        response = client.get(seed_article.get_absolute_url())

    assert "169 views" in html(response)
    view_counts.flush()
    seed_article.refresh_from_db()
    assert seed_article.view_count == 169


def test_a_first_view_reads_in_the_singular(client, make_article):
    article = make_article(view_count=0)

    assert "1 view<" in html(client.get(article.get_absolute_url()))


def test_a_head_request_is_not_counted_as_a_view(client, seed_article):
    client.head(seed_article.get_absolute_url())

    view_counts.flush()
    seed_article.refresh_from_db()
    assert seed_article.view_count == 168


def test_a_staff_view_of_a_public_article_is_counted_and_has_no_banner(
    client, editor, seed_article
):
    client.force_login(editor)

    response = client.get(seed_article.get_absolute_url())

    assert "Not public yet" not in html(response)
    view_counts.flush()
    seed_article.refresh_from_db()
    assert seed_article.view_count == 169


def test_an_article_is_found_by_its_publication_date_in_minsk(client, make_article):
    # 22:30 UTC on 6 July is 01:30 on 7 July in Minsk.
    make_article(
        slug="late-night", published_at=datetime(2023, 7, 6, 22, 30, tzinfo=UTC)
    )

    assert client.get("/news/2023/07/07/late-night/").status_code == 200
    assert client.get("/news/2023/07/06/late-night/").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/news/2023/07/08/sco-rats-council/",
        "/news/2022/07/07/sco-rats-council/",
        "/news/2023/02/30/sco-rats-council/",
        "/news/2023/13/07/sco-rats-council/",
        "/news/2023/7/7/sco-rats-council/",
        "/news/2023/07/07/no-such-story/",
    ],
)
def test_an_article_at_a_wrong_date_or_slug_is_not_found(client, seed_article, url):
    assert client.get(url).status_code == 404
    view_counts.flush()
    seed_article.refresh_from_db()
    assert seed_article.view_count == 168


@pytest.mark.parametrize("kind", ["draft", "scheduled", "expired"])
def test_an_unpublished_article_is_not_found_by_anonymous_readers(
    client, hidden_articles, kind
):
    article = hidden_articles[kind]

    response = client.get(article.get_absolute_url())

    assert response.status_code == 404
    assert article.title not in html(response)


@pytest.mark.parametrize("kind", ["draft", "scheduled", "expired"])
def test_an_unpublished_article_is_not_found_by_a_logged_in_reader(
    client, reader, hidden_articles, kind
):
    client.force_login(reader)

    assert client.get(hidden_articles[kind].get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("kind", "state"),
    [("draft", "Draft"), ("scheduled", "Scheduled"), ("expired", "Expired")],
)
def test_staff_see_an_unpublished_article_as_a_preview(
    client, editor, hidden_articles, kind, state
):
    article = hidden_articles[kind]
    client.force_login(editor)

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    page = html(response)
    assert article.title in page
    assert "Not public yet" in page
    assert f"({state})" in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert "no-store" in response["Cache-Control"]


def test_a_staff_preview_is_not_counted_as_a_view(client, editor, hidden_articles):
    draft = hidden_articles["draft"]
    client.force_login(editor)

    client.get(draft.get_absolute_url())

    draft.refresh_from_db()
    assert draft.view_count == 0


def test_a_public_article_has_no_preview_banner(client, seed_article):
    assert "Not public yet" not in html(client.get(seed_article.get_absolute_url()))


def test_html_typed_into_a_title_is_escaped_everywhere(client, make_article):
    article = make_article(
        title='<img src=x onerror="alert(1)">Bold claim', lead="<b>lead</b>"
    )

    for url in ["/", "/news/", article.get_absolute_url()]:
        page = html(client.get(url))
        assert "<img src=x" not in page
        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;Bold claim" in page
        assert "<b>lead</b>" not in page


def test_a_script_in_the_body_never_reaches_the_page(client, make_article):
    article = make_article(
        body='<p>Safe</p><script>alert("body")</script><p onclick="x()">Click</p>'
    )

    page = html(client.get(article.get_absolute_url()))

    assert "<p>Safe</p>" in page
    assert 'alert("body")' not in page
    # The JSON-LD data block, which never runs, and the page's own static script.
    assert re.findall(r"<script[^>]*>", page) == [
        '<script type="application/ld+json">',
        '<script src="/static/js/site.js" defer>',
    ]
    assert "onclick" not in page


@pytest.mark.parametrize("view_count", [0, 5000])
def test_an_article_page_needs_seven_queries(
    client, make_article, site_furniture, django_assert_num_queries, view_count
):
    article = make_article(view_count=view_count)
    for _ in range(view_count // 250):
        make_article()

    # The article with its organization, the office, its numbers; the view:
    # the total to show with whether this reader was counted, then the count
    # (the article's own count is written later, in a batch); the site's
    # name: its surrogate key's check (the page keeps no other value), and
    # its row the first time. (On PostgreSQL a connection's first count also
    # prepares the counting query: done here, before counting.)
    view_counts.total_views(article.pk)
    with django_assert_num_queries(7):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200


# --- Organizations --------------------------------------------------------------------


def test_the_organizations_page_lists_every_source(client, organization, sco_rats):
    response = client.get(reverse("articles:organization-list"))

    assert response.status_code == 200
    page = html(response)
    assert "Belarusian Telegraph Agency" in page
    assert "Исполнительный комитет РАТС ШОС" in page
    assert f'href="{sco_rats.get_absolute_url()}"' in page


def test_an_organization_page_shows_its_details_and_published_news(
    client, sco_rats, make_article, organization, hidden_articles
):
    make_article(title="SCO story", organization=sco_rats)
    make_article(title="BelTA story", organization=organization)
    make_article(title="SCO draft", organization=sco_rats, status=Article.Status.DRAFT)

    response = client.get("/organizations/sco-rats/")

    assert response.status_code == 200
    page = html(response)
    assert (
        "<h1>Executive Committee of the SCO Regional Anti-Terrorist Structure</h1>"
        in page
    )
    assert "Исполнительный комитет РАТС ШОС" in page
    assert "International organization" in page
    assert "SCO story" in page
    assert "BelTA story" not in page
    assert "SCO draft" not in page
    assert article_elements(response) == 1


def test_an_organization_page_pages_its_news_by_twenty(
    client, make_article, organization
):
    for _ in range(21):
        make_article(organization=organization)

    assert article_elements(client.get("/organizations/belta/")) == 20
    assert article_elements(client.get("/organizations/belta/?page=2")) == 1
    assert client.get("/organizations/belta/?page=3").status_code == 404
    assert client.get("/organizations/belta/?page=abc").status_code == 404


def test_an_unknown_organization_page_is_not_found(client, db):
    assert client.get("/organizations/no-such-org/").status_code == 404


@pytest.mark.parametrize("articles", [3, 25])
def test_an_organization_page_needs_the_same_few_queries_however_many_articles(
    client,
    make_article,
    organization,
    site_furniture,
    django_assert_num_queries,
    articles,
):
    for _ in range(articles):
        make_article()

    # The organization, count, page, office, numbers, the site's name (then
    # kept); the next scheduled change (two) and the surrogate keys' checks.
    with django_assert_num_queries(10):
        client.get("/organizations/belta/")


# --- Error pages ----------------------------------------------------------------------


def test_a_missing_page_is_a_404_in_the_sites_look_with_a_link_home(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    page = html(response)
    assert "Page not found" in page
    assert 'href="/"' in page
    assert 'class="site-header"' in page


def test_the_server_error_page_renders_with_no_context_at_all():
    page = loader.get_template("500.html").render()

    assert "Something went wrong" in page
    assert 'href="/"' in page


def test_the_bad_request_page_renders_with_no_context_at_all():
    page = loader.get_template("400.html").render()

    assert "Bad request" in page
    assert 'href="/"' in page


def test_each_news_result_links_its_title_to_the_article(client, seed_article):
    page = html(client.get("/news/"))

    assert (
        f'<h2 class="card-title"><a href="{seed_article.get_absolute_url()}">'
        "A meeting of the SCO RATS Council</a></h2>"
    ) in page


def test_an_article_page_tells_the_story_once_even_when_the_lead_repeats_it(
    client, make_article
):
    article = make_article(
        lead="The Council met in Almaty.",
        body="<p>The Council met in Almaty.</p><p>It agreed a plan.</p>",
    )

    page = html(client.get(article.get_absolute_url()))

    main = page[page.index("<main") : page.index("</main>")]
    assert main.count("The Council met in Almaty.") == 1
    assert '<meta name="description" content="The Council met in Almaty.">' in page
