import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

DEFAULT_SITE_URL = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = (
        "Create the superuser 'admin' with a random password, printed once, "
        "unless a superuser already exists."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--site-url",
            default=DEFAULT_SITE_URL,
            help="Where the site is served, for the printed login address.",
        )

    def handle(self, *args, **options):
        User = get_user_model()
        existing = User.objects.filter(is_superuser=True).order_by("pk").first()
        if existing is not None:
            username = existing.get_username()
            self.stdout.write(
                f"A superuser already exists ({username}); its password is not "
                f"shown again. To set a new one: python manage.py changepassword "
                f"{username}"
            )
            return
        if User.objects.filter(**{User.USERNAME_FIELD: "admin"}).exists():
            # An ordinary account already holds the name; never take it over.
            self.stderr.write(
                "A user named 'admin' exists but is not a superuser. Create one "
                "with: python manage.py createsuperuser"
            )
            return
        password = secrets.token_urlsafe(16)
        User.objects.create_superuser("admin", "", password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Admin login: {options['site_url'].rstrip('/')}/admin/  "
                f"user: admin  password: {password}"
            )
        )
        self.stdout.write(
            "This password is shown only once; change it with: "
            "python manage.py changepassword admin"
        )
