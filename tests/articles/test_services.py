from django.utils import timezone

from articles import services
from articles.models import Article
from articles.services import article_publish, articles_add_views


def test_it_adds_each_articles_views_to_its_stored_count(make_article):
    article = make_article(view_count=168)
    other = make_article(view_count=5)

    added = articles_add_views(views={article.pk: 1, other.pk: 3})

    assert added == 4
    article.refresh_from_db()
    other.refresh_from_db()
    assert (article.view_count, other.view_count) == (169, 8)


def test_it_adds_to_the_stored_count_not_to_a_stale_copy(make_article):
    article = make_article(view_count=10)
    stale = Article.objects.get(pk=article.pk)
    # Another worker's flush lands between our read and our write.
    articles_add_views(views={article.pk: 1})

    articles_add_views(views={stale.pk: 1})

    article.refresh_from_db()
    assert article.view_count == 12


def test_it_counts_only_the_given_articles(make_article):
    article = make_article(view_count=0)
    other = make_article(view_count=0)

    articles_add_views(views={article.pk: 2})

    other.refresh_from_db()
    assert other.view_count == 0


def test_it_drops_the_views_of_a_deleted_article(make_article):
    article = make_article(view_count=0)
    gone = make_article()
    gone_pk = gone.pk
    gone.delete()

    added = articles_add_views(views={article.pk: 1, gone_pk: 7})

    assert added == 1


def test_it_ignores_counts_that_add_nothing(make_article):
    article = make_article(view_count=3)

    assert articles_add_views(views={article.pk: 0}) == 0

    article.refresh_from_db()
    assert article.view_count == 3


def test_it_leaves_the_updated_time_alone(make_article):
    article = make_article()
    updated_at = Article.objects.get(pk=article.pk).updated_at

    articles_add_views(views={article.pk: 1})

    article.refresh_from_db()
    assert article.updated_at == updated_at


def test_it_adds_to_more_articles_than_one_statement_takes(make_article, monkeypatch):
    monkeypatch.setattr(services, "ADD_VIEWS_CHUNK", 2)
    articles = [make_article(view_count=10) for _ in range(5)]
    views = {article.pk: n for n, article in enumerate(articles, start=1)}
    views[articles[4].pk] = 1  # the same number as the first: one statement

    added = articles_add_views(views=views)

    assert added == 1 + 2 + 3 + 4 + 1
    stored = dict(Article.objects.filter(pk__in=views).values_list("pk", "view_count"))
    assert stored == {pk: 10 + n for pk, n in views.items()}


def test_publishing_a_new_story_whose_slug_was_just_taken_moves_to_the_next(
    make_article, organization, editor
):
    # The editor's form found the slug free; another editor's story with the
    # same title was saved before this one reached the database.
    make_article(title="Council meets in Almaty", slug="council-meets-in-almaty")
    story = Article(
        title="Council meets in Almaty",
        slug="council-meets-in-almaty",
        body="<p>The Council met.</p>",
        organization=organization,
        published_at=timezone.now(),
    )

    article_publish(article=story, at=None, by=editor)

    story.refresh_from_db()
    assert (story.slug, story.status) == (
        "council-meets-in-almaty-2",
        Article.Status.PUBLISHED,
    )
