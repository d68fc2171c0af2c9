"""export_site and import_site as an operator runs them: a backup holds every
row and every media file, and restores them exactly into an empty database."""

import hashlib
import json
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import CommandError, call_command
from django.db import connection

from articles.models import Article, Organization
from backups.services import ExactJSONEncoder, content_models
from contacts.models import OfficeContact
from gallery.models import Photo

TRICKY_BODY = (
    "<p>Café &amp; “quotes” — &lt;not a tag&gt; in Минск, x&nbsp;y.</p>\n"
    '<p><a href="https://example.org/a?b=1&amp;c=2">a link</a> and '
    '<img src="https://example.org/i.png" alt="an image"></p>\n'
    "<ul><li>one</li><li><strong>two</strong></li></ul>"
)


def serialized_rows():
    """Every content row as Django serialises it, by model, in id order, with
    times to the microsecond."""
    return {
        model._meta.label: json.loads(
            serializers.serialize(
                "json",
                model._base_manager.order_by("pk"),
                use_natural_foreign_keys=True,
                cls=ExactJSONEncoder,
            )
        )
        for model in content_models()
    }


def media_files(root):
    root = Path(root)
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file()
    }


@pytest.fixture(autouse=True)
def _forget_content_types_after_flush(db):
    """flush gives content types new ids and ContentType's cache outlives the
    test's rollback: forget it, so later tests read the real ids."""
    yield
    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings):
    """Four personas per test; the round trip is about rows, not hashing cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def site_content(
    make_article,
    make_organization,
    make_photo,
    image_upload,
    editor,
    superuser,
    contact_staff,
    reader,
    now,
    tomorrow,
):
    """The demo content plus generated articles of every state, with files,
    users with direct permissions, and the admin's history."""
    call_command("load_demo", verbosity=0)
    source = make_organization(logo=image_upload("logo.png", color=(200, 0, 0)))
    make_article(
        body=TRICKY_BODY,
        created_by=editor,
        organization=source,
        hero_image=image_upload("hero.png", size=(120, 80)),
        hero_caption="A hero",
    )
    make_article(status=Article.Status.DRAFT, title="A draft <b>not bold</b>")
    make_article(published_at=tomorrow, is_featured=True, language="ru")
    make_article(
        published_at=now - timedelta(days=3), expires_at=now - timedelta(days=1)
    )
    make_photo(caption="Generated photo")
    reader.user_permissions.add(Permission.objects.get(codename="view_article"))
    article = Article.objects.get(slug__startswith="story-", created_by=editor)
    LogEntry.objects.create(
        user=editor,
        content_type=ContentType.objects.get_for_model(Article),
        object_id=str(article.pk),
        object_repr=str(article),
        action_flag=ADDITION,
        change_message="Added.",
    )


@pytest.fixture
def backup(site_content, tmp_path):
    path = tmp_path / "backup"
    call_command("export_site", str(path), verbosity=0)
    return path


def empty_the_site(settings):
    if connection.vendor == "postgresql":
        # The test's transaction holds deferred foreign-key checks, and
        # PostgreSQL will not TRUNCATE while they are pending: run them now.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


def test_it_restores_every_row_and_every_file_exactly(site_content, settings, tmp_path):
    rows_before = serialized_rows()
    files_before = media_files(settings.MEDIA_ROOT)
    call_command("export_site", str(tmp_path / "backup"), verbosity=0)
    empty_the_site(settings)
    assert Article.objects.count() == 0

    call_command("import_site", str(tmp_path / "backup"), verbosity=0)

    assert serialized_rows() == rows_before
    assert media_files(settings.MEDIA_ROOT) == files_before


def test_times_come_back_to_the_microsecond(make_article, now, settings, tmp_path):
    # Django's JSON keeps milliseconds only: .000400 would come back as a
    # whole second and a restored site would order same-second stories anew.
    published_at = now.replace(microsecond=400)
    article = make_article(published_at=published_at)
    call_command("export_site", str(tmp_path / "backup"), verbosity=0)
    empty_the_site(settings)

    call_command("import_site", str(tmp_path / "backup"), verbosity=0)

    assert Article.objects.get(pk=article.pk).published_at == published_at


def test_the_round_trip_covers_every_kind_of_content(site_content, settings):
    """Guards the test above: it compared real rows and files, not empty lists."""
    rows = serialized_rows()
    for label in (
        "articles.Article",
        "articles.Organization",
        "contacts.OfficeContact",
        "contacts.ContactNumber",
        "gallery.Photo",
        "auth.User",
        "auth.Group",
        "admin.LogEntry",
    ):
        assert rows[label], label
    files = media_files(settings.MEDIA_ROOT)
    uploads = [name for name in files if not name.startswith("renditions/")]
    # The demo's five photos and two stories' hero images, and three more.
    assert len(uploads) == 5 + 2 + 3
    assert len(files) > len(uploads), "and the renditions of each image"


def test_article_bodies_come_back_unchanged_by_the_sanitiser(backup, settings):
    bodies = dict(Article.objects.values_list("slug", "body"))
    assert "&nbsp;" in "".join(bodies.values())
    empty_the_site(settings)

    call_command("import_site", str(backup), verbosity=0)

    assert dict(Article.objects.values_list("slug", "body")) == bodies


def test_it_writes_a_manifest_with_a_checksum_for_every_file(backup, settings):
    manifest = json.loads((backup / "manifest.json").read_text())

    listed = {entry["name"]: entry["sha256"] for entry in manifest["media"]}
    on_disk = {
        name: hashlib.sha256(data).hexdigest()
        for name, data in media_files(settings.MEDIA_ROOT).items()
    }
    assert listed == on_disk
    assert manifest["data"]["models"]["articles.Article"] == Article.objects.count()
    assert manifest["missing_media"] == []


def test_it_leaves_out_sessions_content_types_and_login_attempts(backup):
    manifest = json.loads((backup / "manifest.json").read_text())

    exported = set(manifest["data"]["models"])
    assert not {
        label
        for label in exported
        if label.startswith(("sessions.", "contenttypes.", "axes."))
        or label == "auth.Permission"
    }


def test_new_rows_after_an_import_get_fresh_ids(backup, settings, make_article):
    """On PostgreSQL the sequences must be moved past the restored ids."""
    highest = Article.objects.order_by("-pk").first().pk
    empty_the_site(settings)
    call_command("import_site", str(backup), verbosity=0)

    article = make_article(organization=Organization.objects.get(slug="sco-rats"))

    assert article.pk > highest


def test_it_restores_into_a_freshly_migrated_database_with_its_seeded_groups(
    backup, settings
):
    # Revisions last: deleting a record writes its deletion revision.
    models = sorted(
        reversed(content_models()),
        key=lambda model: model.__name__.startswith("Historical"),
    )
    for model in models:
        if model is not Group:
            model._base_manager.all().delete()
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    assert Group.objects.filter(name__in=["Editors", "Contact staff"]).count() == 2

    call_command("import_site", str(backup), verbosity=0)

    assert Article.objects.count() == 2 + 4
    assert Group.objects.get(name="Editors").user_set.get().username == "editor"


def test_it_refuses_a_database_that_is_not_empty(backup):
    OfficeContact.objects.update(name="Changed since the backup")

    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("import_site", str(backup), verbosity=0)

    assert OfficeContact.objects.get().name == "Changed since the backup"
    assert Article.objects.count() == 2 + 4


def test_it_refuses_a_backup_with_a_damaged_file_and_imports_nothing(backup, settings):
    manifest = json.loads((backup / "manifest.json").read_text())
    damaged = backup / "media" / manifest["media"][0]["name"]
    damaged.write_bytes(damaged.read_bytes()[:-1] + b"\x00")
    empty_the_site(settings)

    with pytest.raises(CommandError, match="does not match its SHA-256") as error:
        call_command("import_site", str(backup), verbosity=0)

    assert manifest["media"][0]["name"] in str(error.value)
    assert Article.objects.count() == 0
    assert not Path(settings.MEDIA_ROOT).exists()


def test_it_refuses_a_backup_with_damaged_rows(backup, settings):
    data = backup / "data.json"
    data.write_text(data.read_text().replace("Tysenhaus", "Tyzenhaus"))
    empty_the_site(settings)

    with pytest.raises(CommandError, match="data.json does not match"):
        call_command("import_site", str(backup), verbosity=0)

    assert Photo.objects.count() == 0


def test_it_refuses_a_backup_from_a_newer_version(backup, settings):
    manifest_path = backup / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["migrations"].append(["articles", "9999_from_the_future"])
    manifest_path.write_text(json.dumps(manifest))
    empty_the_site(settings)

    with pytest.raises(CommandError, match="articles.9999_from_the_future"):
        call_command("import_site", str(backup), verbosity=0)


def test_it_refuses_a_folder_that_is_not_a_finished_backup(tmp_path, db):
    (tmp_path / "half").mkdir()

    with pytest.raises(CommandError, match="not a finished backup"):
        call_command("import_site", str(tmp_path / "half"), verbosity=0)


def test_export_refuses_a_folder_that_already_holds_files(tmp_path, db):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "notes.txt").write_text("keep me")

    with pytest.raises(CommandError, match="is not empty"):
        call_command("export_site", str(tmp_path / "used"), verbosity=0)

    assert (tmp_path / "used" / "notes.txt").read_text() == "keep me"


def test_export_reports_files_missing_from_storage(site_content, settings, tmp_path):
    photo = Photo.objects.get(caption="Generated photo")
    photo.image.storage.delete(photo.image.name)

    call_command("export_site", str(tmp_path / "backup"), verbosity=0)

    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["missing_media"] == [photo.image.name]
