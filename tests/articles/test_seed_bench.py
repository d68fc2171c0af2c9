import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Organization

pytestmark = pytest.mark.django_db


def seed(*args):
    out, err = StringIO(), StringIO()
    call_command("seed_bench", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def bench_articles():
    return Article.objects.filter(organization__slug__startswith="bench-")


def test_it_creates_exactly_the_number_of_articles_asked_for():
    seed("--articles", "300", "--batch-size", "70")

    assert Article.objects.count() == 300
    assert bench_articles().count() == 300


def test_three_in_a_hundred_are_drafts_two_scheduled_two_featured(now):
    seed("--articles", "300")

    drafts = Article.objects.filter(status=Article.Status.DRAFT)
    scheduled = Article.objects.filter(
        status=Article.Status.PUBLISHED, published_at__gt=now
    )
    assert drafts.count() == 9
    assert scheduled.count() == 6
    assert Article.objects.featured().count() == 6
    assert Article.objects.published().count() == 300 - 9 - 6


def test_it_writes_in_english_russian_and_belarusian():
    seed("--articles", "300")

    languages = set(Article.objects.values_list("language", flat=True))
    assert languages == {"en", "ru", "be"}
    russian = Article.objects.filter(language="ru").first()
    assert re.search("[а-яё]", russian.body)
    belarusian = " ".join(
        Article.objects.filter(language="be").values_list("body", flat=True)
    )
    assert "ў" in belarusian  # a letter only Belarusian has


def test_it_spreads_articles_over_fifty_organizations_of_every_kind():
    seed("--articles", "500")

    organizations = Organization.objects.filter(slug__startswith="bench-")
    assert organizations.count() == 50
    assert set(organizations.values_list("kind", flat=True)) == set(
        Organization.Kind.values
    )
    assert organizations.exclude(native_name="").count() == 50
    sources = set(bench_articles().values_list("organization", flat=True))
    assert len(sources) > 25


def test_the_number_of_organizations_can_be_chosen():
    seed("--articles", "50", "--organizations", "7")

    assert Organization.objects.filter(slug__startswith="bench-").count() == 7


def test_dates_span_ten_years_and_end_now(now):
    seed("--articles", "500")

    past = Article.objects.filter(published_at__lte=now + timedelta(minutes=1))
    oldest = past.earliest("published_at").published_at
    newest = past.latest("published_at").published_at
    assert now - timedelta(days=3651) < oldest < now - timedelta(days=3000)
    assert now - timedelta(days=60) < newest <= now


def test_bodies_are_paragraphs_as_long_as_the_seeds():
    seed("--articles", "200")

    for article in Article.objects.all():
        assert article.body.startswith("<p>")
        assert article.body.rstrip().endswith("</p>")
        assert 400 < len(article.body) < 6000
        assert 20 < len(article.lead) < 600
        assert 40 < len(article.title) <= 200
    average = sum(len(a.body) for a in Article.objects.all()) / 200
    assert 1500 < average < 3000  # seeds: about 1,700 and 4,000 characters


def test_slugs_are_unique_ascii_and_resolve_to_article_pages():
    seed("--articles", "300")

    slugs = list(Article.objects.values_list("slug", flat=True))
    assert len(set(slugs)) == 300
    assert all(re.fullmatch(r"[a-z0-9-]+", slug) for slug in slugs)
    article = Article.objects.published().first()
    assert article.get_absolute_url().endswith(f"/{article.slug}/")


def test_running_it_again_adds_only_what_is_missing():
    seed("--articles", "120")
    out, _ = seed("--articles", "120")

    assert bench_articles().count() == 120
    assert "already exist" in out

    seed("--articles", "200")
    assert bench_articles().count() == 200
    assert Article.objects.values("slug").distinct().count() == 200


def test_it_leaves_editors_articles_alone(make_article):
    story = make_article(title="A real story")

    seed("--articles", "100")
    seed("--articles", "100", "--fresh")

    assert Article.objects.filter(pk=story.pk).exists()
    assert bench_articles().count() == 100
    assert Article.objects.count() == 101


def test_fresh_replaces_bench_content():
    seed("--articles", "100")
    first = set(bench_articles().values_list("pk", flat=True))

    seed("--articles", "60", "--fresh")

    assert bench_articles().count() == 60
    assert not first & set(bench_articles().values_list("pk", flat=True))


def test_the_same_seed_gives_the_same_text():
    seed("--articles", "30", "--seed", "7")
    first = list(bench_articles().order_by("slug").values_list("title", "body"))
    seed("--articles", "30", "--seed", "7", "--fresh")
    again = list(bench_articles().order_by("slug").values_list("title", "body"))
    seed("--articles", "30", "--seed", "8", "--fresh")
    other = list(bench_articles().order_by("slug").values_list("title", "body"))

    assert first == again
    assert first != other


def test_it_reports_progress_and_speed():
    out, err = seed("--articles", "100", "--batch-size", "25")

    assert "100/100 articles" in err
    assert "Created 100 bench articles" in out


@pytest.mark.parametrize("value", ["-5", "0", "abc", "2.5", ""])
def test_it_refuses_a_count_that_is_not_a_positive_whole_number(value):
    with pytest.raises(CommandError, match="expected a whole number of at least 1"):
        seed("--articles", value)

    assert Article.objects.count() == 0


def test_it_refuses_zero_organizations_and_a_zero_batch_size():
    with pytest.raises(CommandError, match="--organizations"):
        seed("--articles", "10", "--organizations", "0")
    with pytest.raises(CommandError, match="--batch-size"):
        seed("--articles", "10", "--batch-size", "-1")

    assert Organization.objects.count() == 0


def test_it_needs_to_be_told_how_many_articles():
    with pytest.raises(CommandError, match="--articles"):
        seed()
