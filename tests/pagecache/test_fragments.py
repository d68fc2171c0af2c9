"""With the page cache off, each request runs its view, but fragments (the
head, a list's filter form and results, the sidebar, the footer, an
article's text) and the published article rows come from the cache: they
too must show any change at once."""

import pytest
from django.test import Client

from articles import services
from articles.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_off(settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0


def test_it_runs_the_view_for_every_request(make_article):
    make_article()
    client = Client()

    responses = [client.get("/news/") for _ in range(2)]

    assert [r.status_code for r in responses] == [200, 200]
    assert not any("X-Page-Cache" in r for r in responses)


@pytest.mark.parametrize("url", ["/", "/news/", "/news/feed/", "article"])
def test_an_edited_title_shows_at_once(make_article, url):
    story = make_article(title="Council meets in Almaty", lead="Old lead.")
    url = story.get_absolute_url() if url == "article" else url
    client = Client()
    assert "Council meets in Almaty" in client.get(url).content.decode()

    story.title = "Council met in Almaty"
    story.save()

    page = client.get(url).content.decode()
    assert "Council met in Almaty" in page
    assert "Council meets in Almaty" not in page


def test_an_unpublished_article_is_gone_at_once(make_article, editor):
    story = make_article()
    client = Client()
    assert client.get(story.get_absolute_url()).status_code == 200

    services.articles_unpublish(articles=[story], by=editor)

    assert client.get(story.get_absolute_url()).status_code == 404


def test_a_published_draft_is_found_at_once(make_article, editor, now):
    draft = make_article(status=Article.Status.DRAFT)
    client = Client()
    assert client.get(draft.get_absolute_url()).status_code == 404

    services.articles_publish(articles=[draft], at=now, by=editor)
    draft.refresh_from_db()

    assert client.get(draft.get_absolute_url()).status_code == 200


def test_the_view_count_stays_live_beside_the_cached_text(make_article):
    story = make_article(view_count=169)
    url = story.get_absolute_url()

    first = Client(REMOTE_ADDR="203.0.113.1").get(url).content.decode()
    second = Client(REMOTE_ADDR="203.0.113.2").get(url).content.decode()

    assert "170 views" in first
    assert "171 views" in second


def test_a_new_organization_appears_in_the_filter_form_at_once(
    make_article, make_organization
):
    make_article()
    client = Client()
    client.get("/news/")

    make_organization(short_name="Minsk Herald", name="Minsk Herald")

    assert "Minsk Herald" in client.get("/news/").content.decode()


def test_a_new_organization_can_be_filtered_by_at_once(make_article, make_organization):
    make_article()
    client = Client()
    assert client.get("/news/?organization=minsk-herald").status_code == 400

    make_organization(slug="minsk-herald")

    assert client.get("/news/?organization=minsk-herald").status_code == 200
