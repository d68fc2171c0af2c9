"""The anonymous page cache: readers without a session get stored pages,
anything an editor changes shows at once, and article pages still count and
show every reader's view."""

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from articles import services, view_counts
from articles.models import Article

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36"


def reader_client(address="203.0.113.7", agent=BROWSER):
    return Client(REMOTE_ADDR=address, HTTP_USER_AGENT=agent)


def stored_views(story):
    """The count in the database once the counter has written its views."""
    view_counts.flush()
    story.refresh_from_db()
    return story.view_count


def test_it_serves_a_readers_second_visit_from_the_cache(
    make_article, django_assert_num_queries
):
    make_article(title="Council meets in Almaty")
    client = reader_client()

    first = client.get("/news/")
    with django_assert_num_queries(0):
        second = client.get("/news/")

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.status_code == 200
    assert second.content == first.content
    assert "Council meets in Almaty" in second.content.decode()


def test_it_shows_an_edited_story_at_once(make_article):
    story = make_article(title="Council meets in Almaty")
    client = reader_client()
    client.get("/news/")
    client.get(story.get_absolute_url())

    story.title = "Council met in Almaty"
    story.save()

    for url in ("/news/", story.get_absolute_url(), "/news/feed/"):
        page = client.get(url).content.decode()
        assert "Council met in Almaty" in page, url
        assert "Council meets in Almaty" not in page, url


def test_it_hides_an_unpublished_story_at_once(make_article, editor):
    story = make_article(title="Council meets in Almaty")
    client = reader_client()
    assert client.get(story.get_absolute_url()).status_code == 200
    assert "Council meets in Almaty" in client.get("/").content.decode()

    services.articles_unpublish(articles=[story], by=editor)

    assert client.get(story.get_absolute_url()).status_code == 404
    assert "Council meets in Almaty" not in client.get("/").content.decode()


def test_it_shows_a_published_draft_at_once(make_article, editor, now):
    draft = make_article(title="Harvest festival", status=Article.Status.DRAFT)
    client = reader_client()
    assert "Harvest festival" not in client.get("/news/").content.decode()

    services.articles_publish(articles=[draft], at=now, by=editor)

    assert "Harvest festival" in client.get("/news/").content.decode()


def test_a_scheduled_story_appears_when_its_time_comes(make_article):
    make_article(
        title="Scheduled story",
        published_at=timezone.now() + timedelta(seconds=1.5),
    )
    client = reader_client()
    assert "Scheduled story" not in client.get("/news/").content.decode()
    assert client.get("/news/")["X-Page-Cache"] == "hit"

    time.sleep(1.6)

    assert "Scheduled story" in client.get("/news/").content.decode()


def test_an_expired_story_leaves_when_its_time_comes(make_article, now):
    make_article(
        title="Short-lived notice",
        published_at=now - timedelta(days=1),
        expires_at=timezone.now() + timedelta(seconds=1.5),
    )
    client = reader_client()
    assert "Short-lived notice" in client.get("/news/").content.decode()

    time.sleep(1.6)

    assert "Short-lived notice" not in client.get("/news/").content.decode()


def test_linking_reports_of_one_event_shows_on_their_pages_at_once(
    make_article, make_organization
):
    ours = make_article(title="Border heads meet")
    theirs = make_article(
        title="Meeting of border services",
        organization=make_organization(short_name="SCO RATS"),
    )
    client = reader_client()
    assert (
        "Also reported by" not in client.get(ours.get_absolute_url()).content.decode()
    )

    services.articles_link_as_same_event(articles=[ours, theirs])

    page = client.get(ours.get_absolute_url()).content.decode()
    assert "Also reported by" in page
    assert "Meeting of border services" in page


def test_an_office_edit_shows_on_every_page_at_once(make_contact, make_article):
    office = make_contact(name="Postavy District Executive Committee", is_primary=True)
    make_article()
    client = reader_client()
    assert "25 Lenina Street" in client.get("/").content.decode()
    assert "25 Lenina Street" in client.get("/news/").content.decode()

    office.street_address = "27 Lenina Street"
    office.save()

    for url in ("/", "/news/"):
        page = client.get(url).content.decode()
        assert "27 Lenina Street" in page, url
        assert "25 Lenina Street" not in page, url


def test_a_new_photo_shows_on_the_home_page_at_once(make_photo):
    client = reader_client()
    client.get("/")

    make_photo(caption="Tysenhaus Palace")

    assert "Tysenhaus Palace" in client.get("/").content.decode()


def test_staff_are_never_served_from_the_cache(make_article, editor):
    draft = make_article(title="Not yet", status=Article.Status.DRAFT)
    public = make_article(title="Out now")
    reader_client().get(public.get_absolute_url())
    staff = Client()
    staff.force_login(editor)

    response = staff.get(public.get_absolute_url())
    preview = staff.get(draft.get_absolute_url())

    assert "X-Page-Cache" not in response
    assert "Not public yet" in preview.content.decode()
    assert reader_client().get(draft.get_absolute_url()).status_code == 404


def test_it_keeps_languages_and_hosts_apart(make_article):
    make_article()
    client = reader_client()

    english = client.get("/news/", HTTP_HOST="127.0.0.1").content.decode()
    russian = client.get("/ru/news/", HTTP_HOST="127.0.0.1").content.decode()
    other_host = client.get("/news/", HTTP_HOST="localhost").content.decode()

    assert 'lang="en"' in english and 'lang="ru"' in russian
    assert 'href="http://127.0.0.1/news/"' in english
    assert 'href="http://localhost/news/"' in other_host


def test_it_does_not_keep_errors_or_pages_that_set_cookies(make_article):
    client = reader_client()

    assert client.get("/news/?page=99").status_code == 404
    assert client.get("/news/?date_from=2023-13-45").status_code == 400
    assert "X-Page-Cache" not in client.get("/news/?date_from=2023-13-45")
    login = client.get("/admin/login/")

    assert "X-Page-Cache" not in login
    assert "X-Page-Cache" not in client.get("/admin/login/")


def test_a_reader_whose_copy_is_current_gets_304(make_article):
    make_article()
    client = reader_client()
    first = client.get("/news/")
    assert first["ETag"] and "no-cache" in first["Cache-Control"]

    again = client.get("/news/", HTTP_IF_NONE_MATCH=first["ETag"])
    since = client.get("/news/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert again.status_code == 304
    assert since.status_code == 304
    assert again.content == b""


def test_a_changed_page_is_not_answered_304(make_article):
    story = make_article(title="Council meets")
    client = reader_client()
    etag = client.get("/news/")["ETag"]

    story.title = "Council met"
    story.save()
    response = client.get("/news/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert "Council met" in response.content.decode()


# --- View counts on cached article pages ------------------------------------------


def test_a_cached_article_page_counts_and_shows_a_new_readers_view(
    make_article, django_assert_num_queries
):
    story = make_article(view_count=169)
    url = story.get_absolute_url()
    assert "170 views" in reader_client("203.0.113.1").get(url).content.decode()

    with django_assert_num_queries(0):
        response = reader_client("203.0.113.2").get(url)

    assert response["X-Page-Cache"] == "hit"
    assert "171 views" in response.content.decode()
    assert stored_views(story) == 171


def test_a_reload_served_from_the_cache_is_not_counted_again(make_article):
    story = make_article(view_count=169)
    url = story.get_absolute_url()
    client = reader_client()
    client.get(url)

    reload = client.get(url)

    assert reload["X-Page-Cache"] == "hit"
    assert "170 views" in reload.content.decode()
    assert stored_views(story) == 170


def test_a_crawler_served_from_the_cache_is_not_counted(make_article):
    story = make_article(view_count=169)
    url = story.get_absolute_url()
    reader_client().get(url)
    crawler = reader_client(
        "66.249.66.1",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    )

    response = crawler.get(url)

    assert response["X-Page-Cache"] == "hit"
    assert "170 views" in response.content.decode()
    assert stored_views(story) == 170


def test_a_cached_russian_article_page_says_views_in_russian(make_article):
    story = make_article(view_count=20)
    url = "/ru" + story.get_absolute_url()
    reader_client("203.0.113.1").get(url)

    page = reader_client("203.0.113.2").get(url).content.decode()

    assert "22 просмотра" in page
