from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("News")

    def ready(self):
        from pagecache.content_version import invalidate_on_change

        from . import search
        from .models import Article, ArticleRedirect, Event, Organization

        # Every public page shows stories or their sources.
        invalidate_on_change(Article, ArticleRedirect, Event, Organization)

        # SQLite's search index needs a Python function on every connection,
        # and its triggers back after a migration rebuilds the table.
        connection_created.connect(search.register_sqlite_functions)
        post_migrate.connect(search.restore_sqlite_triggers, sender=self)
