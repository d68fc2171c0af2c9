"""Fill the ranking vector of the articles written before it existed."""

from django.db import migrations


def reindex(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            # The update trigger recomputes both vectors of such a row.
            cursor.execute("UPDATE articles_article SET search_rank_vector = NULL")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_article_search_rank_vector"),
    ]

    operations = [
        migrations.RunPython(reindex, migrations.RunPython.noop),
    ]
