"""Index the articles written before search existed."""

from django.db import migrations

from articles.search import register_sqlite_functions


def reindex(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The update trigger recomputes a vector set to NULL.
            cursor.execute("UPDATE articles_article SET search_vector = NULL")
        elif connection.vendor == "sqlite":
            register_sqlite_functions(connection=connection)
            cursor.execute(
                "INSERT INTO articles_article_fts (articles_article_fts) "
                "VALUES ('delete-all')"
            )
            cursor.execute(
                "INSERT INTO articles_article_fts (rowid, title, lead, body) "
                "SELECT id, title, lead, newsroom_plain_text(body) "
                "FROM articles_article"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_article_search_triggers"),
    ]

    operations = [
        migrations.RunPython(reindex, migrations.RunPython.noop),
    ]
