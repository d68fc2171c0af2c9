"""The texts stored before they had languages become their English ones."""

from django.db import migrations
from django.db.models import F

MODELS = ["OfficeContact", "HistoricalOfficeContact"]
FIELDS = ["name", "street_address", "locality", "country", "opening_hours"]
OTHER_LANGUAGES = ["ru", "be"]


def copy_to_english(apps, schema_editor):
    for name in MODELS:
        model = apps.get_model("contacts", name)
        for field in FIELDS:
            model.objects.filter(**{f"{field}_en__isnull": True}).update(
                **{f"{field}_en": F(field)}
            )
            # The country's column was added with its English default in every
            # language; a copy of the English text is no translation (pages
            # fall back to English, and load_demo fills the demo's).
            for language in OTHER_LANGUAGES:
                model.objects.filter(
                    **{f"{field}_{language}": F(f"{field}_en")}
                ).update(**{f"{field}_{language}": None})


class Migration(migrations.Migration):
    dependencies = [("contacts", "0004_office_in_three_languages")]

    operations = [migrations.RunPython(copy_to_english, migrations.RunPython.noop)]
