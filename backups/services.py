"""Whole-site backups: every content row and every media file it names.

A backup is a folder:

    manifest.json   what is in it, with a SHA-256 for every file; written last,
                    so a folder without one is an unfinished export
    data.json       the rows, in Django's JSON serialisation, ordered so that
                    loaddata can read them back
    media/<name>    each media file under the name the rows refer to

Rows keep their primary keys, so links between them and the admin's history
survive. References to content types, permissions, groups and users are
written as natural keys, so they land on the right rows in a database whose
migrations numbered those differently.
"""

import datetime
import hashlib
import json
import shutil
from collections import Counter, defaultdict
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.files import File
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from caching import keys
from caching.services import purge
from gallery.images import rendition_names

FORMAT = "newsroom-site-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
DATA_NAME = "data.json"
MEDIA_DIR = "media"
CHUNK_SIZE = 1024 * 1024

# Not content: content types and permissions are rebuilt by migrate, sessions
# and login attempts are short-lived state that must not outlive a restore.
SKIPPED_APPS = {
    "contenttypes",
    "sessions",
    "axes",
    # Cache bookkeeping and the job queue: rebuilt as the site runs.
    "caching",
    "jobs",
    "django_tasks_db",
}
SKIPPED_MODELS = {"auth.permission"}


class BackupError(Exception):
    """A backup cannot be written or restored; the message says why."""


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; a restore must give back
    the microseconds too (12:00:00.000400 would otherwise return as 12:00)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def content_models():
    """Every model whose rows are site content, in an order loaddata can
    restore (models with natural keys before the models that refer to them).
    New apps and models are included without being named here."""
    by_app = defaultdict(list)
    for model in apps.get_models():
        opts = model._meta
        if opts.proxy or not opts.managed:
            continue
        if opts.app_label in SKIPPED_APPS or opts.label_lower in SKIPPED_MODELS:
            continue
        by_app[apps.get_app_config(opts.app_label)].append(model)
    return serializers.sort_dependencies(by_app.items(), allow_cycles=True)


def file_fields(model):
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def sha256_of(chunks):
    digest = hashlib.sha256()
    size = 0
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _file_chunks(path):
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK_SIZE):
            yield chunk


def _applied_migrations():
    return sorted(
        [app, name] for app, name in MigrationRecorder(connection).applied_migrations()
    )


# --- Export -----------------------------------------------------------------------


def site_export(*, directory: Path) -> dict:
    """Write every content row and media file into directory (new or empty)
    and return the manifest."""
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty; export into a new folder.")
    directory.mkdir(parents=True, exist_ok=True)
    model_list = content_models()

    # One consistent snapshot of every table, even while editors keep working.
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            return _export(directory, model_list)
    with transaction.atomic():
        return _export(directory, model_list)


def _export(directory, model_list):
    counts = Counter()

    def rows():
        for model in model_list:
            queryset = model._base_manager.order_by(model._meta.pk.attname)
            for obj in queryset.iterator(chunk_size=500):
                counts[model._meta.label] += 1
                yield obj

    data_path = directory / DATA_NAME
    with open(data_path, "w", encoding="utf-8") as stream:
        serializers.serialize(
            "json",
            rows(),
            stream=stream,
            indent=1,
            use_natural_foreign_keys=True,
            use_natural_primary_keys=False,
            cls=ExactJSONEncoder,
        )
    data_sha256, data_size = sha256_of(_file_chunks(data_path))

    media, missing = _export_media(directory, model_list)
    manifest = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "database_vendor": connection.vendor,
        "migrations": _applied_migrations(),
        "data": {
            "name": DATA_NAME,
            "sha256": data_sha256,
            "size": data_size,
            "objects": sum(counts.values()),
            "models": dict(sorted(counts.items())),
        },
        "media": media,
        "missing_media": missing,
    }
    (directory / MANIFEST_NAME).write_text(
        json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return manifest


def _referenced_files(model_list):
    """Yield (label of the field, its storage, file name) for every distinct
    file that a row names."""
    seen = set()
    for model in model_list:
        for field in file_fields(model):
            names = (
                model._base_manager.exclude(**{field.attname: ""})
                .exclude(**{f"{field.attname}__isnull": True})
                .order_by(field.attname)
                .values_list(field.attname, flat=True)
                .distinct()
            )
            for name in names:
                if name not in seen:
                    seen.add(name)
                    yield f"{model._meta.label}.{field.name}", field.storage, name
            # An image's renditions (gallery.fields) are named in a JSON
            # field beside it: files the row names too.
            renditions_field = getattr(field, "renditions_field", None)
            if renditions_field:
                records = model._base_manager.order_by("pk").values_list(
                    renditions_field, flat=True
                )
                label = f"{model._meta.label}.{field.name}"
                for record in records:
                    for name in rendition_names(record):
                        if name not in seen:
                            seen.add(name)
                            yield label, field.storage, name


def _export_media(directory, model_list):
    """Copy every file a row names; return the manifest entries and the names
    of files the rows name but storage no longer holds."""
    entries, missing = [], []
    for field_label, storage, name in _referenced_files(model_list):
        if not storage.exists(name):
            missing.append(name)
            continue
        target = directory / MEDIA_DIR / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with storage.open(name, "rb") as source, open(target, "wb") as copy:
            shutil.copyfileobj(source, copy, CHUNK_SIZE)
        digest, size = sha256_of(_file_chunks(target))
        entries.append(
            {"name": name, "field": field_label, "sha256": digest, "size": size}
        )
    return entries, sorted(missing)


# --- Import -----------------------------------------------------------------------


def read_manifest(directory: Path) -> dict:
    path = Path(directory) / MANIFEST_NAME
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(
            f"{path} is missing: {directory} is not a finished backup."
        ) from None
    except ValueError as error:
        raise BackupError(f"{path} is not valid JSON: {error}") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} is not a Newsroom site backup of version {FORMAT_VERSION}."
        )
    return manifest


def _backup_path(directory, *parts):
    """The path of a file inside the backup; a manifest may not point outside."""
    root = (Path(directory) / parts[0]).resolve()
    path = root.joinpath(*parts[1:]).resolve()
    if path != root and root not in path.parents:
        raise BackupError(f"The manifest names a file outside the backup: {path}")
    return path


def verify_backup(directory: Path, manifest: dict) -> None:
    """Raise BackupError unless every file is there with its recorded checksum."""
    problems = []
    expected = [(DATA_NAME, manifest["data"])] + [
        ((MEDIA_DIR, entry["name"]), entry) for entry in manifest["media"]
    ]
    for name, entry in expected:
        parts = (name,) if isinstance(name, str) else name
        path = _backup_path(directory, *parts)
        if not path.is_file():
            problems.append(f"{'/'.join(parts)} is missing")
            continue
        digest, size = sha256_of(_file_chunks(path))
        if (digest, size) != (entry["sha256"], entry["size"]):
            problems.append(f"{'/'.join(parts)} does not match its SHA-256 checksum")
    if problems:
        raise BackupError(
            "The backup is damaged, nothing was imported:\n  " + "\n  ".join(problems)
        )


def _check_migrations(manifest):
    applied = {tuple(pair) for pair in _applied_migrations()}
    newer = sorted(
        tuple(pair) for pair in manifest["migrations"] if tuple(pair) not in applied
    )
    if newer:
        listed = ", ".join(f"{app}.{name}" for app, name in newer[:5])
        raise BackupError(
            "The backup comes from a newer version of Newsroom (migrations not "
            f"applied here: {listed}). Upgrade this installation and run "
            "`manage.py migrate` first."
        )


def _check_empty(model_list, raw_objects):
    """Raise BackupError unless the database holds nothing but what migrate
    seeds. Seeded lookup rows (the Editors and Contact staff groups) are
    allowed when the backup has the same row, same id and same natural key:
    loaddata then updates them in place."""
    user_model = get_user_model()
    by_label = defaultdict(list)
    for raw in raw_objects:
        by_label[raw["model"]].append(raw)
    occupied = []
    for model in model_list:
        existing = model._base_manager.all()
        if not existing.exists():
            continue
        if hasattr(model, "natural_key") and model is not user_model:
            in_backup = {
                (found.object.pk, found.object.natural_key())
                for found in serializers.deserialize(
                    "python",
                    by_label[model._meta.label_lower],
                    handle_forward_references=True,
                )
            }
            if {(obj.pk, obj.natural_key()) for obj in existing} <= in_backup:
                continue
        occupied.append(f"{existing.count()} {model._meta.verbose_name_plural}")
    if occupied:
        raise BackupError(
            "The database is not empty (it holds "
            + ", ".join(occupied)
            + "). import_site restores only into an empty database: create a "
            "new one, run `manage.py migrate`, then import. Nothing was changed."
        )


def site_import(*, directory: Path) -> dict:
    """Restore a backup written by site_export into an empty, migrated
    database and its media storage; return the manifest."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    verify_backup(directory, manifest)
    _check_migrations(manifest)
    data_path = _backup_path(directory, DATA_NAME)
    raw_objects = json.loads(data_path.read_text(encoding="utf-8"))
    model_list = content_models()

    with transaction.atomic():
        _check_empty(model_list, raw_objects)
        if raw_objects:
            call_command("loaddata", str(data_path), verbosity=0)
        # Rows came in with their own ids; PostgreSQL's sequences must move
        # past them or the next new row would collide.
        statements = connection.ops.sequence_reset_sql(no_style(), model_list)
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
        _import_media(directory, manifest["media"])
        # loaddata saves raw rows, which signal no change: say it once.
        purge({keys.SITE})
    return manifest


def _import_media(directory, entries):
    for entry in entries:
        app_label, model_name, field_name = entry["field"].split(".")
        storage = (
            apps.get_model(app_label, model_name)._meta.get_field(field_name).storage
        )
        name = entry["name"]
        source = _backup_path(directory, MEDIA_DIR, name)
        if storage.exists(name):
            # A file left by an earlier installation: the restored rows name
            # this one, so the backup's bytes win.
            with storage.open(name, "rb") as current:
                digest, _ = sha256_of(iter(lambda: current.read(CHUNK_SIZE), b""))
            if digest == entry["sha256"]:
                continue
            storage.delete(name)
        with open(source, "rb") as handle:
            saved = storage.save(name, File(handle, name=name))
        if saved != name:
            raise BackupError(f"Storage saved {name} as {saved}; nothing was imported.")
