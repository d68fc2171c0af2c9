"""The two admin roles: Editors (stories, sources, photos) and Contact staff
(the office record and its numbers, nothing else).

Permissions are normally created after migrate finishes (post_migrate), so on
a fresh database they do not exist yet; they are created here first. Running
it again sets each group's permissions to exactly this list."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

ALL = ("add", "change", "delete", "view")

GROUPS = {
    "Editors": {
        "articles": {"article": ALL, "organization": ALL},
        "gallery": {"photo": ALL},
    },
    "Contact staff": {
        "contacts": {
            "officecontact": ("view", "change"),
            "contactnumber": ALL,
        },
    },
}


def create_groups(apps, schema_editor):
    db_alias = schema_editor.connection.alias
    for app_label in ("articles", "contacts", "gallery"):
        create_permissions(
            global_apps.get_app_config(app_label),
            apps=apps,
            verbosity=0,
            using=db_alias,
        )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, grants in GROUPS.items():
        wanted = [
            (app_label, f"{action}_{model}")
            for app_label, models in grants.items()
            for model, actions in models.items()
            for action in actions
        ]
        permissions = [
            Permission.objects.using(db_alias).get(
                content_type__app_label=app_label, codename=codename
            )
            for app_label, codename in wanted
        ]
        group, _ = Group.objects.using(db_alias).get_or_create(name=group_name)
        group.permissions.set(permissions)


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(
        name__in=GROUPS
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("contacts", "0001_initial"),
        ("gallery", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
