import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_article_search_backfill"),
    ]

    operations = [
        migrations.CreateModel(
            name="Event",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="created"),
                ),
            ],
            options={
                "verbose_name": "event",
                "verbose_name_plural": "events",
                "ordering": ("-created_at", "-pk"),
                "get_latest_by": "created_at",
            },
        ),
        migrations.AddField(
            model_name="article",
            name="event",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                help_text="Reports of the same event by other sources.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="articles",
                to="articles.event",
                verbose_name="event",
            ),
        ),
    ]
