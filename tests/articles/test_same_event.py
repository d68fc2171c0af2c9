"""Articles that report the same event: the similarity measure, the admin's
suggestions and links, and "Also reported by" on the article page."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from articles.events import same_event_suggestions
from articles.models import Article, Event
from articles.services import article_unlink_from_event, articles_link_as_same_event
from articles.similarity import SAME_EVENT_THRESHOLD, similarity
from tests.articles.test_admin import article_data

BELTA_SLUG = "belarus-discusses-border-security-cooperation-with-sco-countries"
RATS_SLUG = (
    "delegation-of-the-executive-committee-of-the-sco-rats-takes-part-"
    "in-the-meeting-of-heads-of-the-border-services"
)
LIST_URL = reverse("admin:articles_article_changelist")

# Stories a district site publishes in the same days as the seeds, about
# other things: none of them may be suggested as the seeds' event.
UNRELATED = {
    "harvest": (
        "Postavy farmers finish harvesting winter rye ahead of schedule",
        "Agricultural enterprises of Postavy District have threshed grain from "
        "12,000 hectares; the average yield is 31 centners per hectare, the "
        "district executive committee reported.",
    ),
    "football": (
        "Dynamo Brest beat Shakhtyor Soligorsk 2-1 in the Belarusian Premier League",
        "A late goal by the visiting striker decided Sunday's match in Soligorsk "
        "in front of 3,500 spectators; Dynamo climb to third place in the table.",
    ),
    "road repair": (
        "Repairs close part of Lenina Street in Postavy until August",
        "Road workers are replacing the asphalt and kerbs between the bus station "
        "and the market; drivers are asked to use Sovetskaya Street as a detour.",
    ),
    "film festival": (
        "Kazakhstan hosts international film festival in Almaty",
        "Films from twenty countries, including Belarus, compete for the main "
        "prize of the Eurasia festival, which opened in Almaty on Wednesday.",
    ),
    "border queues": (
        "State Border Committee: queues at the Belarus–Lithuania border shorten",
        "Fewer lorries waited at the Kamenny Log checkpoint on Monday, the State "
        "Border Committee of Belarus said, as summer traffic eased.",
    ),
}

# The seeds' event as Russian-language sources might have told it.
RUSSIAN_REPORTS = (
    "В Алматы прошло девятое совещание руководителей пограничных служб "
    "государств — членов ШОС\nПредставители Государственного пограничного "
    "комитета Беларуси рассказали БелТА о совещании руководителей пограничных "
    "ведомств ШОС в Алматы.",
    "Делегация Исполкома РАТС ШОС приняла участие в совещании руководителей "
    "пограничных служб\nДелегация Исполнительного комитета РАТС ШОС приняла "
    "участие в 9-м совещании руководителей пограничных служб компетентных "
    "органов государств-членов ШОС, состоявшемся 5 июля 2023 года в Алматы.",
)
RUSSIAN_UNRELATED = (
    "В Поставском районе завершили уборку озимой ржи\nСельхозпредприятия "
    "Поставского района обмолотили зерновые с 12 тысяч гектаров, средняя "
    "урожайность составила 31 центнер с гектара.",
    "Ремонт закрыл часть улицы Ленина в Поставах до августа\nДорожники меняют "
    "асфальт и бордюры между автовокзалом и рынком; водителей просят объезжать "
    "по улице Советской.",
)


def text(article):
    return f"{article.title}\n{article.lead}"


def html(response):
    return response.content.decode()


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def link_url(article):
    return reverse("admin:articles_article_same_event_link", args=[article.pk])


def unlink_url(article):
    return reverse("admin:articles_article_same_event_unlink", args=[article.pk])


def suggested(article, **kwargs):
    return [s.article.pk for s in same_event_suggestions(article=article, **kwargs)]


@pytest.fixture
def organization(make_organization):
    """The factories' default source: load_demo's BelTA has the slug belta."""
    return make_organization(
        name="Minsk City News", short_name="MCN", slug="minsk-city-news"
    )


@pytest.fixture
def seeds(db):
    call_command("load_demo", stdout=None)
    return Article.objects.get(slug=BELTA_SLUG), Article.objects.get(slug=RATS_SLUG)


@pytest.fixture
def unlinked_seeds(seeds):
    """The seeds as they would be before an editor linked them."""
    belta, rats = seeds
    article_unlink_from_event(article=belta)
    rats.refresh_from_db()
    assert rats.event is None
    return belta, rats


@pytest.fixture
def unrelated_stories(unlinked_seeds, make_article, make_organization):
    """Other sources' unrelated stories, between one day before the first seed
    and one day after the second."""
    belta, rats = unlinked_seeds
    local_office = make_organization(name="Postavy District", slug="postavy")
    first, last = belta.published_at, rats.published_at
    times = [
        first - timedelta(days=1),
        first - timedelta(hours=2),
        first + timedelta(hours=5),
        last + timedelta(hours=3),
        last + timedelta(days=1),
    ]
    return {
        name: make_article(
            title=title, lead=lead, organization=local_office, published_at=at
        )
        for (name, (title, lead)), at in zip(UNRELATED.items(), times, strict=True)
    }


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


# --- The measure ----------------------------------------------------------------------


def test_the_seed_stories_score_as_the_same_event(unlinked_seeds):
    belta, rats = unlinked_seeds

    assert similarity(text(belta), text(rats)) >= SAME_EVENT_THRESHOLD


@pytest.mark.parametrize("name", UNRELATED)
def test_unrelated_stories_score_below_the_threshold_against_either_seed(
    unlinked_seeds, name
):
    title, lead = UNRELATED[name]

    for seed in unlinked_seeds:
        assert similarity(text(seed), f"{title}\n{lead}") < SAME_EVENT_THRESHOLD


def test_russian_reports_of_one_event_score_alike_despite_their_endings():
    agency, press_office = RUSSIAN_REPORTS

    assert similarity(agency, press_office) >= SAME_EVENT_THRESHOLD
    for report in RUSSIAN_REPORTS:
        for other in RUSSIAN_UNRELATED:
            assert similarity(report, other) < SAME_EVENT_THRESHOLD


def test_case_punctuation_and_grammar_words_do_not_change_the_score():
    assert similarity(
        "The SCO border-services meeting, in Almaty!",
        "sco border services meeting almaty",
    ) == pytest.approx(1.0)
    assert similarity("Meeting of border services", "Football in Brest") < 0.1


def test_a_text_with_no_words_scores_zero():
    assert similarity("", "Border services meet in Almaty") == 0.0
    assert similarity("— !!! —", "") == 0.0


# --- Suggestions ----------------------------------------------------------------------


def test_the_seed_stories_are_suggested_for_each_other(unlinked_seeds):
    belta, rats = unlinked_seeds

    assert suggested(belta) == [rats.pk]
    assert suggested(rats) == [belta.pk]


def test_unrelated_stories_of_the_same_days_are_not_suggested(
    unlinked_seeds, unrelated_stories
):
    belta, rats = unlinked_seeds

    # They are candidates (same days, another source), only not alike.
    candidates = Article.objects.same_event_candidates(belta, window=timedelta(days=3))
    assert {s.pk for s in unrelated_stories.values()} <= set(
        candidates.values_list("pk", flat=True)
    )
    assert suggested(belta) == [rats.pk]
    assert suggested(rats) == [belta.pk]


def test_stories_outside_three_days_are_not_candidates(
    unlinked_seeds, make_article, make_organization
):
    belta, rats = unlinked_seeds
    press = make_organization(name="Press service")
    inside = make_article(
        title=rats.title,
        lead=rats.lead,
        organization=press,
        published_at=belta.published_at + timedelta(days=2, hours=23),
    )
    outside = make_article(
        title=rats.title,
        lead=rats.lead,
        organization=press,
        published_at=belta.published_at + timedelta(days=3, minutes=1),
    )

    assert inside.pk in suggested(belta)
    assert outside.pk not in suggested(belta)


def test_stories_by_the_same_organization_are_not_candidates(
    unlinked_seeds, make_article
):
    belta, rats = unlinked_seeds
    belta_again = make_article(
        title=rats.title,
        lead=rats.lead,
        organization=belta.organization,
        published_at=belta.published_at + timedelta(hours=1),
    )

    assert belta_again.pk not in suggested(belta)
    assert belta_again.pk in suggested(rats)


def test_stories_already_linked_are_not_suggested_again(seeds):
    belta, rats = seeds

    assert belta.event_id == rats.event_id is not None
    assert suggested(belta) == []


def test_the_cap_keeps_the_candidates_nearest_in_time(
    unlinked_seeds, make_article, make_organization
):
    belta, rats = unlinked_seeds
    far = make_article(
        title=rats.title,
        lead=rats.lead,
        organization=make_organization(),
        published_at=belta.published_at - timedelta(days=2),
    )

    assert set(suggested(belta, cap=2)) == {rats.pk, far.pk}
    assert suggested(belta, cap=1) == [rats.pk]


@pytest.mark.parametrize("stories", [2, 20])
def test_suggesting_takes_two_queries_however_many_candidates(
    unlinked_seeds, make_article, make_organization, django_assert_num_queries, stories
):
    belta, _ = unlinked_seeds
    press = make_organization()
    for n in range(stories):
        make_article(
            organization=press, published_at=belta.published_at - timedelta(hours=n)
        )

    # The candidates before the article and after it, with their organizations.
    with django_assert_num_queries(2):
        same_event_suggestions(article=belta)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_suggestions_name_their_sources_in_the_editors_language_without_more_queries(
    unlinked_seeds, make_article, make_organization, django_assert_num_queries, language
):
    belta, _ = unlinked_seeds
    press = make_organization(short_name="Press", short_name_ru="Пресса")
    for n in range(5):
        make_article(
            title=belta.title,
            lead=belta.lead,
            organization=press,
            published_at=belta.published_at - timedelta(hours=n),
        )

    with translation.override(language), django_assert_num_queries(2):
        names = [
            suggestion.article.organization.short_name
            for suggestion in same_event_suggestions(article=belta)
        ]

    assert names.count({"en": "Press", "ru": "Пресса"}[language]) == 5


# --- Linking (services) ---------------------------------------------------------------


def test_linking_two_articles_makes_one_event(make_article, make_organization):
    first, second = make_article(), make_article(organization=make_organization())

    event = articles_link_as_same_event(articles=[first, second])

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.event == second.event == event


def test_linking_with_an_article_of_an_event_joins_that_event(
    make_article, make_organization
):
    first, second, third = (
        make_article(organization=make_organization()) for _ in "abc"
    )
    event = articles_link_as_same_event(articles=[first, second])

    assert articles_link_as_same_event(articles=[third, second]) == event
    assert set(event.articles.values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
        third.pk,
    }
    assert Event.objects.count() == 1


def test_linking_articles_of_two_events_merges_them_into_the_older(
    make_article, make_organization
):
    a, b, c, d = (make_article(organization=make_organization()) for _ in "abcd")
    older = articles_link_as_same_event(articles=[a, b])
    articles_link_as_same_event(articles=[c, d])

    assert articles_link_as_same_event(articles=[b, c]) == older
    assert older.articles.count() == 4
    assert list(Event.objects.all()) == [older]


def test_linking_needs_two_articles(make_article):
    article = make_article()

    with pytest.raises(ValidationError):
        articles_link_as_same_event(articles=[article, article])
    assert Event.objects.count() == 0


def test_unlinking_takes_out_one_and_keeps_the_event_of_the_others(
    make_article, make_organization
):
    a, b, c = (make_article(organization=make_organization()) for _ in "abc")
    event = articles_link_as_same_event(articles=[a, b, c])

    article_unlink_from_event(article=a)

    a.refresh_from_db()
    assert a.event is None
    assert set(event.articles.values_list("pk", flat=True)) == {b.pk, c.pk}


def test_unlinking_one_of_two_removes_the_event(make_article, make_organization):
    a, b = make_article(), make_article(organization=make_organization())
    articles_link_as_same_event(articles=[a, b])

    article_unlink_from_event(article=a)

    b.refresh_from_db()
    assert b.event is None
    assert Event.objects.count() == 0


# --- load_demo ------------------------------------------------------------------------


def test_load_demo_links_the_two_seeds_once(seeds):
    belta, rats = seeds
    assert belta.event_id == rats.event_id is not None

    # An editor unlinks them; loading the demo again leaves that alone.
    article_unlink_from_event(article=belta)
    call_command("load_demo", stdout=None)

    assert Article.objects.exclude(event=None).count() == 0
    assert Event.objects.count() == 0


# --- The admin: suggestions and one-click links ---------------------------------------


def test_the_change_page_suggests_the_other_seed_and_not_unrelated_stories(
    editor_client, unlinked_seeds, unrelated_stories
):
    belta, rats = unlinked_seeds

    response = editor_client.get(change_url(belta))

    assert response.status_code == 200
    page = html(response)
    section = page[page.index('id="same-event"') :]
    assert "This story is not linked with reports by other sources." in section
    assert rats.title in section
    assert "SCO RATS" in section
    assert f'action="{link_url(belta)}"' in section
    assert f'name="article" value="{rats.pk}"' in section
    for story in unrelated_stories.values():
        assert story.title not in section


def test_the_change_page_shows_the_score(editor_client, unlinked_seeds):
    belta, rats = unlinked_seeds
    score = same_event_suggestions(article=belta)[0].score

    page = html(editor_client.get(change_url(belta)))

    assert f'<td class="same-event-score">{score:.2f}</td>' in page


def test_the_link_button_links_the_suggestion(editor_client, unlinked_seeds):
    belta, rats = unlinked_seeds

    response = editor_client.post(link_url(belta), {"article": rats.pk})

    assert response.status_code == 302
    assert response["Location"] == change_url(belta)
    belta.refresh_from_db()
    rats.refresh_from_db()
    assert belta.event is not None and belta.event == rats.event
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"“{rats.title}” is now linked as a report of the same event."
    ]
    # Now listed as linked, with an unlink button, and no longer suggested.
    page = html(editor_client.get(change_url(belta)))
    section = page[page.index('id="same-event"') :]
    assert rats.title in section
    assert f'action="{unlink_url(belta)}"' in section
    assert "No similar stories by other sources." in section


def test_the_link_view_refuses_get(editor_client, unlinked_seeds):
    belta, rats = unlinked_seeds

    response = editor_client.get(link_url(belta), {"article": rats.pk})

    assert response.status_code == 405
    belta.refresh_from_db()
    assert belta.event is None


def test_the_link_view_needs_the_csrf_token(editor, unlinked_seeds):
    belta, rats = unlinked_seeds
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)

    response = client.post(link_url(belta), {"article": rats.pk})

    assert response.status_code == 403
    belta.refresh_from_db()
    assert belta.event is None


def test_staff_who_may_not_change_articles_cannot_link(
    client, contact_staff, unlinked_seeds
):
    belta, rats = unlinked_seeds
    client.force_login(contact_staff)

    response = client.post(link_url(belta), {"article": rats.pk})

    assert response.status_code == 403
    belta.refresh_from_db()
    assert belta.event is None


def test_anonymous_visitors_are_sent_to_log_in(client, unlinked_seeds):
    belta, rats = unlinked_seeds

    response = client.post(link_url(belta), {"article": rats.pk})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    belta.refresh_from_db()
    assert belta.event is None


@pytest.mark.parametrize("other", ["", "nonsense", "999999"])
def test_linking_with_no_such_article_is_a_404(editor_client, unlinked_seeds, other):
    belta, _ = unlinked_seeds

    response = editor_client.post(link_url(belta), {"article": other})

    assert response.status_code == 404
    assert Event.objects.count() == 0


def test_linking_an_article_with_itself_is_refused_with_a_message(
    editor_client, unlinked_seeds
):
    belta, _ = unlinked_seeds

    response = editor_client.post(link_url(belta), {"article": belta.pk}, follow=True)

    assert "Choose at least two articles" in html(response)
    assert Event.objects.count() == 0


def test_the_unlink_button_unlinks_a_report(editor_client, seeds):
    belta, rats = seeds

    response = editor_client.post(unlink_url(belta), {"article": rats.pk})

    assert response.status_code == 302
    rats.refresh_from_db()
    assert rats.event is None
    assert Event.objects.count() == 0


def test_unlinking_an_article_of_another_event_is_a_404(
    editor_client, seeds, make_article
):
    belta, _ = seeds
    stranger = make_article()

    response = editor_client.post(unlink_url(belta), {"article": stranger.pk})

    assert response.status_code == 404
    belta.refresh_from_db()
    assert belta.event is not None


def test_saving_the_form_keeps_the_link(editor_client, seeds):
    belta, rats = seeds

    response = editor_client.post(
        change_url(belta), article_data(belta.organization, belta, title="Edited")
    )

    assert response.status_code == 302
    belta.refresh_from_db()
    assert belta.event_id == rats.event_id is not None


# --- The admin: the change list actions -----------------------------------------------


def test_the_change_list_action_links_the_selected_articles(
    editor_client, unlinked_seeds
):
    belta, rats = unlinked_seeds

    response = editor_client.post(
        LIST_URL,
        {"action": "link_as_same_event", "_selected_action": [belta.pk, rats.pk]},
        follow=True,
    )

    assert "2 articles now report one event." in html(response)
    belta.refresh_from_db()
    rats.refresh_from_db()
    assert belta.event is not None and belta.event == rats.event


def test_the_change_list_action_needs_two_articles(editor_client, unlinked_seeds):
    belta, _ = unlinked_seeds

    response = editor_client.post(
        LIST_URL,
        {"action": "link_as_same_event", "_selected_action": [belta.pk]},
        follow=True,
    )

    assert "Choose at least two articles" in html(response)
    assert Event.objects.count() == 0


def test_the_change_list_action_unlinks_the_selected_articles(editor_client, seeds):
    belta, rats = seeds

    response = editor_client.post(
        LIST_URL,
        {"action": "unlink_from_events", "_selected_action": [belta.pk]},
        follow=True,
    )

    assert "1 article unlinked from its event." in html(response)
    rats.refresh_from_db()
    assert rats.event is None


def test_the_link_actions_are_offered_to_editors(editor_client, seeds):
    page = html(editor_client.get(LIST_URL))

    assert '<option value="link_as_same_event">' in page
    assert '<option value="unlink_from_events">' in page


# --- The article page -----------------------------------------------------------------


def test_the_article_page_lists_the_other_report_under_also_reported_by(client, seeds):
    belta, rats = seeds

    page = html(client.get(belta.get_absolute_url()))

    section = page[page.index('<section class="also-reported"') :]
    section = section[: section.index("</section>")]
    assert '<h2 id="also-reported-heading">Also reported by</h2>' in section
    assert f'<a href="{rats.get_absolute_url()}" lang="en">{rats.title}</a>' in section
    assert "<strong>Исполнительный комитет РАТС ШОС</strong>" in section
    assert (
        "(Executive Committee of the SCO Regional Anti-Terrorist Structure)" in section
    )
    assert '<time datetime="2023-07-07T10:00+0300">7 July 2023</time>' in section
    assert belta.title not in section


def test_each_seed_lists_the_other(client, seeds):
    belta, rats = seeds

    page = html(client.get(rats.get_absolute_url()))

    section = page[page.index('<section class="also-reported"') :]
    assert belta.title in section
    assert "Белорусское телеграфное агентство" in section


def test_an_article_no_one_else_reported_has_no_such_section(client, make_article):
    page = html(client.get(make_article().get_absolute_url()))

    assert "Also reported by" not in page


@pytest.mark.parametrize(
    "hidden",
    [
        {"status": Article.Status.DRAFT},
        {"published_at_offset": timedelta(days=1)},
        {"expired": True},
    ],
    ids=["draft", "scheduled", "expired"],
)
def test_reports_the_public_cannot_see_are_not_listed(
    client, make_article, make_organization, now, hidden
):
    shown = make_article(title="Seen by readers")
    public_other = make_article(
        title="Published by another source", organization=make_organization()
    )
    fields = {"title": "Not for readers yet", "organization": make_organization()}
    if "status" in hidden:
        fields["status"] = hidden["status"]
    if "published_at_offset" in hidden:
        fields["published_at"] = now + hidden["published_at_offset"]
    if "expired" in hidden:
        fields["published_at"] = now - timedelta(days=2)
        fields["expires_at"] = now - timedelta(days=1)
    hidden_other = make_article(**fields)
    articles_link_as_same_event(articles=[shown, public_other, hidden_other])

    page = html(client.get(shown.get_absolute_url()))

    assert "Published by another source" in page
    assert "Not for readers yet" not in page


def test_titles_and_names_of_other_reports_are_escaped(
    client, make_article, make_organization
):
    article = make_article()
    other = make_article(
        title='<script>alert("x")</script> & more',
        organization=make_organization(
            name="<b>Bold</b> agency", native_name="<i>Агентство</i>"
        ),
    )
    articles_link_as_same_event(articles=[article, other])

    page = html(client.get(article.get_absolute_url()))

    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in page
    assert "<strong>&lt;i&gt;Агентство&lt;/i&gt;</strong>" in page
    assert "(&lt;b&gt;Bold&lt;/b&gt; agency)" in page
    assert '<script>alert("x")' not in page


def test_the_heading_is_in_the_language_of_the_page(client, seeds):
    belta, _ = seeds

    page = html(client.get(f"/ru{belta.get_absolute_url()}"))

    assert '<h2 id="also-reported-heading">Об этом также сообщают</h2>' in page


@pytest.mark.parametrize("others", [1, 5])
def test_an_article_page_with_other_reports_needs_one_more_query(
    client, make_article, make_organization, seeds, django_assert_num_queries, others
):
    article = make_article()
    articles_link_as_same_event(
        articles=[
            article,
            *(make_article(organization=make_organization()) for _ in range(others)),
        ]
    )

    # The seven of tests/articles/test_views.py, and the other reports with
    # their organizations.
    with django_assert_num_queries(8):
        response = client.get(article.get_absolute_url())
    section = html(response).split('<section class="also-reported"')[1]
    assert section[: section.index("</section>")].count("<li>") == others
