from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("News")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import purges, search
        from .models import Article, Organization

        # What shows a story or a source is purged from shared caches.
        post_save.connect(purges.article_saved, sender=Article)
        post_delete.connect(purges.article_deleted, sender=Article)
        post_save.connect(purges.organization_changed, sender=Organization)
        post_delete.connect(purges.organization_changed, sender=Organization)

        # SQLite's search index needs a Python function on every connection,
        # and its triggers back after a migration rebuilds the table.
        connection_created.connect(search.register_sqlite_functions)
        post_migrate.connect(search.restore_sqlite_triggers, sender=self)
