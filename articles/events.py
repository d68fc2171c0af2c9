"""Stories that may report the same event as an article, for the admin's
change page. Computed when an editor opens the page, never on save."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

from .models import Article
from .similarity import SAME_EVENT_THRESHOLD, similarities

# Sources report an event within a few days of each other.
WINDOW = timedelta(days=3)
# At most this many candidates are compared, the nearest in time: a busy week
# costs no more than a quiet one.
CANDIDATE_CAP = 200
SUGGESTION_LIMIT = 10

# Only what the comparison and the admin's table need; bodies can be long.
CANDIDATE_FIELDS = (
    "title",
    "lead",
    "slug",
    "status",
    "published_at",
    "expires_at",
    "language",
    "organization__native_name",
    # The names in every language (articles/translation.py): the page shows
    # the editor's language's, or the English one, and a name left deferred
    # would cost a query a row.
    *(
        f"organization__{field}_{language}"
        for field in ("name", "short_name")
        for language, _ in settings.LANGUAGES
    ),
)


@dataclass(frozen=True)
class Suggestion:
    article: Article
    score: float


def comparable_text(article: Article) -> str:
    return f"{article.title}\n{article.lead}"


def same_event_suggestions(
    *,
    article: Article,
    window: timedelta = WINDOW,
    cap: int = CANDIDATE_CAP,
    limit: int = SUGGESTION_LIMIT,
    threshold: float = SAME_EVENT_THRESHOLD,
) -> list[Suggestion]:
    """Other organizations' stories from within `window` of `article` whose
    title and lead are alike enough to be reports of the same event, most
    alike first (see articles.similarity for the measure).

    Reports in another language than the article's share too few letters
    with it to be found: linking those is left to the editor."""
    candidates = (
        Article.objects.same_event_candidates(article, window=window)
        .select_related("organization")
        .only(*CANDIDATE_FIELDS)
    )
    # The nearest `cap` on each side, then the nearest `cap` of those.
    moment = article.published_at
    earlier = candidates.filter(published_at__lte=moment).order_by("-published_at")
    later = candidates.filter(published_at__gt=moment).order_by("published_at")
    pool = sorted(
        [*earlier[:cap], *later[:cap]],
        key=lambda other: abs(other.published_at - moment),
    )[:cap]
    scores = similarities(
        comparable_text(article), [comparable_text(other) for other in pool]
    )
    suggestions = [
        Suggestion(article=other, score=score)
        for other, score in zip(pool, scores, strict=True)
        if score >= threshold
    ]
    # Ties (the same text sent to several sources) go to the nearest in time,
    # which `pool` already puts first; sorted() keeps that order.
    suggestions.sort(key=lambda suggestion: -suggestion.score)
    return suggestions[:limit]
