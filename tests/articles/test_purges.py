"""What a change purges from shared caches, by surrogate key."""

from datetime import timedelta

import pytest

from articles import purges
from articles.models import Article
from caching.models import SurrogateKey


def purged():
    return set(SurrogateKey.objects.values_list("key", flat=True))


@pytest.fixture
def story(make_article):
    article = make_article()
    SurrogateKey.objects.all().delete()
    return article


def test_editing_a_storys_text_purges_it_and_searches_not_the_lists(story):
    story.title = "New title"
    story.save()

    assert purged() == {f"article-{story.pk}", "articles-search"}


def test_publishing_a_story_purges_the_lists_and_its_sources_list(make_article, now):
    draft = make_article(status=Article.Status.DRAFT)
    SurrogateKey.objects.all().delete()

    draft.status = Article.Status.PUBLISHED
    draft.save()

    assert {
        "articles",
        f"article-{draft.pk}",
        f"organization-{draft.organization_id}-articles",
    } <= purged()


def test_unpublishing_a_story_purges_the_lists(story):
    story.status = Article.Status.DRAFT
    story.save()

    assert {"articles", f"article-{story.pk}"} <= purged()


def test_editing_a_draft_purges_only_the_draft(make_article):
    draft = make_article(status=Article.Status.DRAFT)
    SurrogateKey.objects.all().delete()

    draft.title = "Still a draft"
    draft.save()

    assert purged() == {f"article-{draft.pk}"}


def test_deleting_a_public_story_purges_the_lists(story):
    pk = story.pk
    story.delete()

    assert {"articles", f"article-{pk}"} <= purged()


def test_renaming_a_source_purges_its_pages_and_the_list_of_sources(organization):
    SurrogateKey.objects.all().delete()

    organization.short_name = "BelTA news"
    organization.save()

    assert purged() == {
        f"organization-{organization.pk}",
        f"organization-{organization.pk}-articles",
        "organizations",
    }


def saved_before_its_moment(article, now):
    """As if the editor had saved it a while ago, scheduled for just now."""
    Article.objects.filter(pk=article.pk).update(updated_at=now - timedelta(hours=1))
    SurrogateKey.objects.all().delete()
    return article


def test_a_scheduled_story_is_purged_at_its_moment(make_article, now):
    coming = saved_before_its_moment(
        make_article(published_at=now - timedelta(seconds=1)), now
    )

    assert purges.purge_due_changes(previous=now - timedelta(seconds=2)) == 1

    assert {"articles", f"article-{coming.pk}"} <= purged()


def test_an_expiring_story_is_purged_at_its_moment(make_article, now):
    going = saved_before_its_moment(
        make_article(
            published_at=now - timedelta(days=1), expires_at=now - timedelta(seconds=1)
        ),
        now,
    )

    purges.purge_due_changes(previous=now - timedelta(seconds=2))

    assert {"articles", f"article-{going.pk}"} <= purged()


def test_a_story_saved_at_or_after_its_moment_is_not_purged_again(make_article, now):
    make_article(published_at=now - timedelta(seconds=1))  # purged by its save
    SurrogateKey.objects.all().delete()

    assert purges.purge_due_changes(previous=now - timedelta(seconds=2)) == 0


def test_nothing_due_purges_nothing(make_article, now):
    make_article(published_at=now - timedelta(days=1))
    SurrogateKey.objects.all().delete()

    assert purges.purge_due_changes(previous=now - timedelta(seconds=2)) == 0
    assert purged() == set()


def test_the_next_scheduled_change_is_the_nearest_appearance_or_expiry(
    make_article, now
):
    make_article(published_at=now + timedelta(hours=2))
    make_article(
        published_at=now - timedelta(days=1), expires_at=now + timedelta(hours=1)
    )

    assert purges.next_scheduled_change() == now + timedelta(hours=1)
