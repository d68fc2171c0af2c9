from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups.services import BackupError, site_export


class Command(BaseCommand):
    help = (
        "Write the whole site into a new folder: every content row (articles, "
        "organizations, contacts, photos, users and groups, admin history) and "
        "every media file they name, with a manifest of SHA-256 checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="A new or empty folder.")

    def handle(self, *args, directory, **options):
        try:
            manifest = site_export(directory=directory)
        except BackupError as error:
            raise CommandError(str(error)) from None
        media_bytes = sum(entry["size"] for entry in manifest["media"])
        for name in manifest["missing_media"]:
            self.stderr.write(
                self.style.WARNING(f"Missing from media storage, not exported: {name}")
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported {manifest['data']['objects']} rows of "
                f"{len(manifest['data']['models'])} models and "
                f"{len(manifest['media'])} media files ({media_bytes} bytes) "
                f"to {directory}."
            )
        )
