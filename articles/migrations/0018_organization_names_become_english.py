"""The texts stored before they had languages become their English ones."""

from django.db import migrations
from django.db.models import F

MODELS = ["Organization", "HistoricalOrganization"]
FIELDS = ["name", "short_name", "country"]


def copy_to_english(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("articles", name)
        for field in FIELDS:
            model.objects.filter(**{f"{field}_en__isnull": True}).update(
                **{f"{field}_en": F(field)}
            )


class Migration(migrations.Migration):
    dependencies = [("articles", "0017_organization_names_in_three_languages")]

    operations = [migrations.RunPython(copy_to_english, migrations.RunPython.noop)]
