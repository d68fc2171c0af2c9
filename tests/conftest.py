import importlib
import io
from datetime import timedelta
from itertools import count

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, Organization
from contacts.models import ContactNumber, OfficeContact
from gallery.models import Photo

_sequence = count(1)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded and generated files go to a throwaway folder per test."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _static_without_collectstatic(settings):
    """Debug is off under test; serve static names unhashed so no manifest
    (built by collectstatic in production) is needed."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture(autouse=True)
def _client_login_passes_a_request(monkeypatch):
    """django-axes (login throttling) refuses to authenticate without the
    request, and the test client's login() calls authenticate() with none:
    hand it one like the test client's own requests."""
    from django.test import Client, RequestFactory

    login = Client.login

    def login_with_request(self, **credentials):
        credentials.setdefault("request", RequestFactory().post("/admin/login/"))
        return login(self, **credentials)

    monkeypatch.setattr(Client, "login", login_with_request)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashers take a second a user by design; tests need no such cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A /ru/ or /be/ request leaves its language active on the test thread."""
    yield
    from django.utils import translation

    translation.activate("en")


@pytest.fixture(autouse=True)
def _own_content_version(settings, tmp_path):
    """Each test starts with no content version, so no page cached by an
    earlier test (or a running `make run`) is served."""
    settings.NEWSROOM_CONTENT_VERSION_FILE = tmp_path / "content-version"


@pytest.fixture(autouse=True)
def _fresh_view_counts():
    """Views counted in this process's memory are forgotten between tests."""
    from articles import view_counts

    view_counts.LOCAL.reset()


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    from pagecache import content_version

    cache.clear()
    content_version.forget_local_values()
    yield
    cache.clear()
    content_version.forget_local_values()


# --- Time -----------------------------------------------------------------------


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def yesterday(now):
    return now - timedelta(days=1)


@pytest.fixture
def tomorrow(now):
    return now + timedelta(days=1)


# --- Personas -------------------------------------------------------------------


@pytest.fixture(autouse=True)
def editorial_groups(request):
    """The Editors and Contact staff groups for every test using the database.
    The data migration makes them, but a transactional test flushes every
    table when it ends, so they are made again, by the migration's own code."""
    uses_database = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
    } & set(request.fixturenames)
    if not uses_database:
        return
    request.getfixturevalue("_django_db_helper")
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    if Group.objects.filter(name__in=["Editors", "Contact staff"]).count() < 2:
        migration = importlib.import_module("articles.migrations.0002_editorial_groups")
        migration.create_groups(apps, SimpleNamespace(connection=connection))


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user(
        "editor", "editor@example.org", "editor-pass-123", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def contact_staff(django_user_model):
    user = django_user_model.objects.create_user(
        "contacts", "contacts@example.org", "contacts-pass-123", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Contact staff"))
    return user


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(
        "root", "root@example.org", "root-pass-123"
    )


@pytest.fixture
def reader(django_user_model):
    """Logged in, but not staff: sees what the public sees."""
    return django_user_model.objects.create_user(
        "reader", "reader@example.org", "reader-pass-123"
    )


# --- Factories ------------------------------------------------------------------


def png_bytes(size=(64, 48), color=(40, 90, 140), fmt="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


@pytest.fixture
def image_upload():
    def make(name="photo.png", **kwargs):
        return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")

    return make


@pytest.fixture
def make_organization(db):
    def make(**overrides):
        n = next(_sequence)
        fields = {
            "name": f"Organization {n}",
            "short_name": f"Org{n}",
            "slug": f"org-{n}",
            "kind": Organization.Kind.NEWS_AGENCY,
            "country": "Belarus",
        }
        fields.update(overrides)
        return Organization.objects.create(**fields)

    return make


@pytest.fixture
def organization(make_organization):
    return make_organization(
        name="Belarusian Telegraph Agency", short_name="BelTA", slug="belta"
    )


@pytest.fixture
def make_article(db, organization, now):
    def make(**overrides):
        n = next(_sequence)
        fields = {
            "title": f"Story number {n}",
            "slug": f"story-{n}",
            "lead": f"The lead of story {n}.",
            "body": f"<p>The body of story {n}.</p>",
            "status": Article.Status.PUBLISHED,
            "published_at": now - timedelta(hours=n),
            "organization": organization,
            "language": "en",
        }
        fields.update(overrides)
        return Article.objects.create(**fields)

    return make


@pytest.fixture
def make_contact(db):
    def make(numbers=(), **overrides):
        n = next(_sequence)
        fields = {
            "name": f"Office {n}",
            "slug": f"office-{n}",
            "street_address": "25 Lenina Street",
            "locality": "Postavy",
            "postal_code": "211840",
        }
        fields.update(overrides)
        contact = OfficeContact.objects.create(**fields)
        for order, (kind, number) in enumerate(numbers):
            ContactNumber.objects.create(
                contact=contact, kind=kind, number=number, order=order
            )
        return contact

    return make


@pytest.fixture
def make_photo(db, image_upload):
    def make(**overrides):
        n = next(_sequence)
        fields = {
            "image": image_upload(f"photo-{n}.png"),
            "caption": f"Photo {n}",
            "alt_text": f"A view of place {n}",
            "in_gallery": True,
            "order": n,
        }
        fields.update(overrides)
        return Photo.objects.create(**fields)

    return make
