from django.db import migrations


def keep_in_gallery(apps, schema_editor):
    # Every photo uploaded before the media library was a gallery photo.
    apps.get_model("gallery", "Photo").objects.update(in_gallery=True)


class Migration(migrations.Migration):
    dependencies = [
        ("gallery", "0004_photo_in_gallery"),
    ]

    operations = [
        migrations.RunPython(keep_in_gallery, migrations.RunPython.noop),
    ]
