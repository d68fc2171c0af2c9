from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.http import QueryDict

from articles.filters import ArticleFilter
from articles.models import Article

MINSK = ZoneInfo("Europe/Minsk")


def minsk(*args):
    return datetime(*args, tzinfo=MINSK)


def results(query):
    filterset = ArticleFilter(QueryDict(query))
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs)


def errors(query):
    filterset = ArticleFilter(QueryDict(query))
    assert not filterset.is_valid()
    return filterset.errors


@pytest.fixture
def sco_rats(make_organization):
    return make_organization(
        name="Executive Committee of the SCO Regional Anti-Terrorist Structure",
        short_name="SCO RATS",
        slug="sco-rats",
        native_name="Исполнительный комитет РАТС ШОС",
    )


@pytest.fixture
def third(make_organization):
    return make_organization(slug="district-office", short_name="Office")


# --- What the filters start from ------------------------------------------------------


def test_with_no_filters_it_lists_every_published_article_newest_first(
    make_article, now
):
    older = make_article(published_at=now - timedelta(days=2))
    newer = make_article(published_at=now - timedelta(days=1))

    assert list(ArticleFilter(QueryDict("")).qs) == [newer, older]


def test_it_never_lists_drafts_scheduled_or_expired_articles(make_article, now):
    live = make_article()
    make_article(status=Article.Status.DRAFT)
    make_article(published_at=now + timedelta(hours=1))
    make_article(
        published_at=now - timedelta(days=2), expires_at=now - timedelta(days=1)
    )

    assert results("") == {live}
    assert results("language=en") == {live}


def test_it_ignores_unknown_parameters(make_article):
    article = make_article()

    assert results("colour=blue&page=2&utm_source=x") == {article}


@pytest.mark.parametrize(
    "query", ["organization=", "date_from=", "date_to=", "language=", "q=", "q=++"]
)
def test_it_ignores_empty_parameters(make_article, query):
    article = make_article()

    assert results(query) == {article}


def test_it_accepts_a_plain_dict_as_well_as_a_query(make_article, organization):
    article = make_article()

    filterset = ArticleFilter({"organization": "belta", "language": ""})

    assert filterset.is_valid()
    assert set(filterset.qs) == {article}


# --- organization ---------------------------------------------------------------------


def test_it_keeps_only_the_chosen_organization(make_article, organization, sco_rats):
    belta_story = make_article(organization=organization)
    make_article(organization=sco_rats)

    assert results("organization=belta") == {belta_story}


def test_a_repeated_organization_means_any_of_them(
    make_article, organization, sco_rats, third
):
    belta_story = make_article(organization=organization)
    sco_story = make_article(organization=sco_rats)
    make_article(organization=third)

    assert results("organization=belta&organization=sco-rats") == {
        belta_story,
        sco_story,
    }


def test_an_unknown_organization_is_an_error_on_that_field(make_article):
    make_article()

    assert "organization" in errors("organization=no-such-org")
    assert "organization" in errors("organization=belta&organization=no-such-org")


# --- dates (inclusive, read in Minsk) -------------------------------------------------


def test_date_from_includes_the_first_minute_of_that_day_in_minsk(make_article):
    # 00:00 on 6 July in Minsk is still 5 July in UTC (21:00).
    first_minute = make_article(published_at=minsk(2023, 7, 6, 0, 0))
    make_article(published_at=minsk(2023, 7, 5, 23, 59))

    assert results("date_from=2023-07-06") == {first_minute}


def test_date_to_includes_the_last_minute_of_that_day_in_minsk(make_article):
    # 23:59 on 6 July in Minsk is 20:59 UTC; 00:00 on the 7th is 21:00 UTC.
    last_minute = make_article(published_at=minsk(2023, 7, 6, 23, 59, 59))
    make_article(published_at=minsk(2023, 7, 7, 0, 0))

    assert results("date_to=2023-07-06") == {last_minute}


def test_the_same_date_from_and_to_is_that_whole_day(make_article):
    morning = make_article(published_at=minsk(2023, 7, 6, 0, 0))
    night = make_article(published_at=minsk(2023, 7, 6, 23, 59))
    make_article(published_at=minsk(2023, 7, 5, 23, 59))
    make_article(published_at=minsk(2023, 7, 7, 0, 0))

    assert results("date_from=2023-07-06&date_to=2023-07-06") == {morning, night}


def test_date_from_after_date_to_is_an_error_on_date_to(make_article):
    make_article()

    assert list(errors("date_from=2023-07-07&date_to=2023-07-06")) == ["date_to"]


@pytest.mark.parametrize(
    "value", ["2023-13-45", "2023-02-30", "06.07.2023", "07/06/2023", "yesterday"]
)
def test_a_date_that_is_not_a_real_yyyy_mm_dd_date_is_an_error(make_article, value):
    make_article()

    assert "date_from" in errors(f"date_from={value}")
    assert "date_to" in errors(f"date_to={value}")


def test_dates_at_the_edges_of_the_calendar_do_not_break_it(make_article):
    article = make_article()

    assert results("date_from=0001-01-01&date_to=9999-12-31") == {article}
    assert results("date_to=0001-01-01") == set()
    assert results("date_from=9999-12-31") == set()


# --- language -------------------------------------------------------------------------


def test_it_keeps_only_the_chosen_language(make_article):
    english = make_article(language="en")
    russian = make_article(language="ru")
    make_article(language="be")

    assert results("language=en") == {english}
    assert results("language=ru") == {russian}


def test_an_unknown_language_is_an_error(make_article):
    make_article()

    assert "language" in errors("language=de")


# --- q (the simple fallback until full-text search) -----------------------------------


def test_q_finds_words_in_the_title_lead_or_body_in_any_case(make_article):
    in_title = make_article(title="Security forum opens")
    in_lead = make_article(lead="A FORUM on security.")
    in_body = make_article(body="<p>The forum met in Almaty.</p>")
    make_article(title="Harvest", lead="Grain", body="<p>Fields.</p>")

    assert results("q=Forum") == {in_title, in_lead, in_body}


def test_q_needs_every_word(make_article):
    both = make_article(title="Forum in Almaty")
    make_article(title="Forum in Minsk")

    assert results("q=forum+almaty") == {both}


# --- together -------------------------------------------------------------------------


def test_the_filters_combine(make_article, organization, sco_rats):
    wanted = make_article(
        organization=sco_rats, language="en", published_at=minsk(2023, 7, 7, 10)
    )
    make_article(
        organization=sco_rats, language="ru", published_at=minsk(2023, 7, 7, 10)
    )
    make_article(
        organization=organization, language="en", published_at=minsk(2023, 7, 7, 10)
    )
    make_article(
        organization=sco_rats, language="en", published_at=minsk(2023, 7, 8, 10)
    )

    assert results(
        "organization=sco-rats&language=en&date_from=2023-07-01&date_to=2023-07-07"
    ) == {wanted}


def test_the_form_has_a_label_for_every_filter_and_date_pickers():
    form = ArticleFilter(QueryDict("")).form

    assert all(field.label for field in form)
    html = str(form["date_from"]) + str(form["date_to"])
    assert html.count('type="date"') == 2


def test_a_date_picker_shows_the_date_the_reader_chose():
    form = ArticleFilter(QueryDict("date_from=2023-07-06")).form

    assert 'value="2023-07-06"' in str(form["date_from"])


# --- The form on the page --------------------------------------------------------


def test_the_form_offers_a_renamed_organization_on_a_list_never_shown_before(
    client, make_article, organization
):
    """The form's fields with nothing chosen are kept once for every list,
    until the organizations change."""
    make_article(published_at=minsk(2023, 7, 6, 12))
    client.get("/news/")

    organization.name = "Renamed Agency"
    organization.save()

    assert "Renamed Agency" in client.get("/news/2023/").content.decode()


def test_the_form_shows_what_the_reader_chose_and_then_nothing_again(
    client, make_article, organization
):
    make_article(published_at=minsk(2023, 7, 6, 12))
    chosen = f'value="{organization.slug}" id="id_organization_0" checked'

    assert chosen not in client.get("/news/").content.decode()
    filtered = client.get(f"/news/?organization={organization.slug}")
    assert chosen in filtered.content.decode()
    assert chosen not in client.get("/news/?organization=").content.decode()
