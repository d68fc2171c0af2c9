"""Editors run the intake: they manage source feeds and work the intake
queue (publish, edit, discard) as they do articles.

Permissions are normally created after migrate finishes (post_migrate), so on
a fresh database they do not exist yet; they are created here first."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "sourcefeed": ("add", "change", "delete", "view"),
    # Items come from feeds and are never deleted (the queue discards drafts).
    "intakeitem": ("change", "view"),
}


def codenames():
    return [
        f"{action}_{model}" for model, actions in GRANTS.items() for action in actions
    ]


def grant_editors(apps, schema_editor):
    db_alias = schema_editor.connection.alias
    create_permissions(
        global_apps.get_app_config("intake"), apps=apps, verbosity=0, using=db_alias
    )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.using(db_alias).get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.using(db_alias).filter(
            content_type__app_label="intake", codename__in=codenames()
        )
    )


def revoke_editors(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    db_alias = schema_editor.connection.alias
    editors = Group.objects.using(db_alias).filter(name="Editors").first()
    if editors is not None:
        editors.permissions.remove(
            *Permission.objects.using(db_alias).filter(
                content_type__app_label="intake", codename__in=codenames()
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0001_source_feeds_and_intake_items"),
        ("articles", "0002_editorial_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_editors, revoke_editors)]
