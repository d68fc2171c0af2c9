"""Index the articles written before search existed."""

from django.db import migrations

from articles import search


def reindex(apps, schema_editor):
    search.reindex(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_article_search_triggers"),
    ]

    operations = [
        migrations.RunPython(reindex, migrations.RunPython.noop),
    ]
