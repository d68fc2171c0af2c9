"""The texts stored before they had languages become their English ones."""

from django.db import migrations
from django.db.models import F

MODELS = ["Photo", "HistoricalPhoto"]
FIELDS = ["caption", "alt_text", "credit"]


def copy_to_english(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("gallery", name)
        for field in FIELDS:
            model.objects.filter(**{f"{field}_en__isnull": True}).update(
                **{f"{field}_en": F(field)}
            )


class Migration(migrations.Migration):
    dependencies = [("gallery", "0006_photo_texts_in_three_languages")]

    operations = [migrations.RunPython(copy_to_english, migrations.RunPython.noop)]
