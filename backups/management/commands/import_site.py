from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups.services import BackupError, site_import


class Command(BaseCommand):
    help = (
        "Restore a folder written by export_site into an empty, migrated "
        "database and the media storage. Every file's checksum is verified "
        "first; a non-empty database is refused and left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="A folder from export_site.")

    def handle(self, *args, directory, **options):
        try:
            manifest = site_import(directory=directory)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {manifest['data']['objects']} rows of "
                f"{len(manifest['data']['models'])} models and "
                f"{len(manifest['media'])} media files from {directory}."
            )
        )
