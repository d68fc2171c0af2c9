import django.db.models.deletion
from django.db import migrations, models

# The one-column indexes Django made for these foreign keys; 0013's
# article_org_newest_idx and article_event_idx lead with the same columns, so
# every lookup by them (lists, the PROTECT check, SET_NULL) uses those.
# Dropped by name rather than by AlterField, which on SQLite would copy the
# whole article table (and reindex its search) to drop an index.
SUPERSEDED = {
    "articles_article_organization_id_12dc5860": "organization_id",
    "articles_article_event_id_0e5aa9ea": "event_id",
}


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0013_article_public_list_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    sql=f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=(
                        f'CREATE INDEX IF NOT EXISTS "{name}" '
                        f'ON "articles_article" ("{column}")'
                    ),
                )
                for name, column in SUPERSEDED.items()
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="article",
                    name="event",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        editable=False,
                        help_text="Reports of the same event by other sources.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="articles",
                        to="articles.event",
                        verbose_name="event",
                    ),
                ),
                migrations.AlterField(
                    model_name="article",
                    name="organization",
                    field=models.ForeignKey(
                        db_index=False,
                        help_text="The source of the story.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="articles",
                        to="articles.organization",
                        verbose_name="organization",
                    ),
                ),
            ],
        ),
    ]
