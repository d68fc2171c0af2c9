from articles.models import Article
from articles.services import article_record_view


def test_it_adds_exactly_one_view(make_article):
    article = make_article(view_count=168)

    article_record_view(article=article)

    article.refresh_from_db()
    assert article.view_count == 169


def test_it_shows_the_new_count_on_the_copy_it_was_given(make_article):
    article = make_article(view_count=5)

    article_record_view(article=article)

    assert article.view_count == 6


def test_it_adds_to_the_stored_count_not_to_a_stale_copy(make_article):
    article = make_article(view_count=10)
    stale = Article.objects.get(pk=article.pk)
    # Another reader's view lands between our read and our write.
    article_record_view(article=article)

    article_record_view(article=stale)

    article.refresh_from_db()
    assert article.view_count == 12


def test_it_counts_only_the_given_article(make_article):
    article = make_article(view_count=0)
    other = make_article(view_count=0)

    article_record_view(article=article)

    other.refresh_from_db()
    assert other.view_count == 0


def test_it_leaves_the_updated_time_alone(make_article):
    article = make_article()
    updated_at = Article.objects.get(pk=article.pk).updated_at

    article_record_view(article=article)

    article.refresh_from_db()
    assert article.updated_at == updated_at
