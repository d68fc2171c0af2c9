from django.db.models import F

from .models import Article


def article_record_view(*, article: Article) -> None:
    """Count one reader's view of `article`.

    The database adds the one, so simultaneous readers are all counted; the
    in-memory copy is bumped too, so the page that counted the view shows it."""
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)
    article.view_count += 1
