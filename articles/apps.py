from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("News")

    def ready(self):
        from . import search

        # SQLite's search index needs a Python function on every connection,
        # and its triggers back after a migration rebuilds the table.
        connection_created.connect(search.register_sqlite_functions)
        post_migrate.connect(search.restore_sqlite_triggers, sender=self)
