"""The database keeps each article's search index current on every write:
a trigger filling search_vector on PostgreSQL, an FTS5 table with triggers on
SQLite (see articles/search.py)."""

from django.db import migrations

from articles import search


def install(apps, schema_editor):
    search.install(schema_editor)


def uninstall(apps, schema_editor):
    search.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_article_search_vector"),
    ]

    operations = [
        migrations.RunPython(install, uninstall, elidable=False),
    ]
