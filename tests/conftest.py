import hashlib
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
from gallery.fields import ResponsiveImageField
from gallery.models import Photo
from gallery.tasks import make_renditions
from masthead.models import Masthead

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
def _cache_at_once(settings):
    """A test's writes come before its requests: what those render may be
    kept at once (tests/caching covers the settle margin itself)."""
    settings.NEWSROOM_CACHE_SETTLE_SECONDS = 0


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Background jobs run in the caller, so a test sees their effect."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }


@pytest.fixture(autouse=True, scope="session")
def _each_picture_encoded_once():
    """Encoding renditions is most of what load_demo costs, and many tests
    load the demo: a picture's renditions are the same bytes every time, so
    each distinct picture is encoded once a run and its bytes reused."""
    from gallery import images

    encode = images.encode_renditions
    encoded = {}

    def encode_once(image):
        key = (image.mode, image.size, hashlib.blake2b(image.tobytes()).digest())
        if key not in encoded:
            encoded[key] = encode(image)
        return encoded[key]

    patch = pytest.MonkeyPatch()
    patch.setattr(images, "encode_renditions", encode_once)
    yield
    patch.undo()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: the surrogate keys that vouch
    for kept pages and values are rolled back with the test's database."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


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
        schema_editor = SimpleNamespace(connection=connection)
        migration = importlib.import_module("articles.migrations.0002_editorial_groups")
        migration.create_groups(apps, schema_editor)
        intake = importlib.import_module(
            "intake.migrations.0002_editors_intake_permissions"
        )
        intake.grant_editors(apps, schema_editor)


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


def renditions_made(row):
    """`row` once the job worker has made its images' renditions. A test runs
    in one transaction, so the jobs its saves enqueue on commit never start:
    this runs each as the worker would."""
    for field in row._meta.concrete_fields:
        file = getattr(row, field.attname)
        if isinstance(field, ResponsiveImageField) and file:
            make_renditions.call(row._meta.label_lower, row.pk, field.name, file.name)
            row.refresh_from_db(fields=[field.renditions_field])
    return row


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
        return renditions_made(Organization.objects.create(**fields))

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
        return renditions_made(Article.objects.create(**fields))

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
        return renditions_made(Photo.objects.create(**fields))

    return make


@pytest.fixture
def make_masthead(db):
    """The site's name, saved; by default unlike the defaults pages show
    without one, so a test can tell which it sees."""

    def make(**names):
        fields = {
            "name_en": "Postavy Herald",
            "name_ru": "Поставский вестник",
            "name_be": "Пастаўскі веснік",
        }
        fields.update(names)
        return Masthead.objects.create(**fields)

    return make


# --- The read API -----------------------------------------------------------------


@pytest.fixture(scope="session")
def ninjs_validator():
    """IPTC's ninjs 2.1 JSON schema, as vendored in api/schemas/, checking
    formats (uri, date-time) too."""
    import json
    from pathlib import Path

    from jsonschema import Draft202012Validator

    schema_file = Path(__file__).parent.parent / "api/schemas/ninjs-schema_2.1.json"
    schema = json.loads(schema_file.read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(
        schema, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


@pytest.fixture
def api_client(client, settings):
    """An anonymous client whose every API request reaches the view: the
    shared cache (caching) would otherwise answer repeats itself."""
    settings.NEWSROOM_SHARED_CACHE_SECONDS = 0
    return client


# --- Source feeds -----------------------------------------------------------------


class FeedServer:
    """A real HTTP server on 127.0.0.1 serving fixture feeds: each path
    answers with what `serve` set for it (status, body, headers, a delay
    before answering), and 304 to a conditional GET naming its ETag or
    Last-Modified. Every request's path and headers are recorded. With a
    certificate and key (`tls`), it speaks HTTPS."""

    def __init__(self, tls=None):
        self.scheme = "https" if tls else "http"
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        server = self
        self.routes = {}
        self.requests = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                import time

                server.requests.append((self.path, dict(self.headers)))
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                time.sleep(route["delay"])
                etag, modified = route["etag"], route["last_modified"]
                if (etag and self.headers.get("If-None-Match") == etag) or (
                    modified and self.headers.get("If-Modified-Since") == modified
                ):
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(route["status"])
                for name, value in route["headers"].items():
                    self.send_header(name, value)
                if etag:
                    self.send_header("ETag", etag)
                if modified:
                    self.send_header("Last-Modified", modified)
                self.send_header("Content-Length", str(len(route["body"])))
                self.end_headers()
                try:
                    for start in range(0, len(route["body"]), route["chunk"]):
                        self.wfile.write(route["body"][start : start + route["chunk"]])
                        self.wfile.flush()
                        time.sleep(route["trickle"])
                except (BrokenPipeError, ConnectionResetError):
                    pass  # intake gave up on it, as the test wanted

            def log_message(self, *args):
                pass

        # The loopback ports given to this project's feed servers.
        for port in range(8200, 8300):
            try:
                self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
                break
            except OSError:
                continue
        self.httpd.daemon_threads = True
        if tls is not None:
            import ssl

            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.host = f"127.0.0.1:{self.port}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, args=(0.05,), daemon=True
        )
        self.thread.start()

    def url(self, path):
        return f"{self.scheme}://{self.host}{path}"

    def serve(
        self,
        path,
        body=b"",
        *,
        status=200,
        headers=None,
        etag=None,
        last_modified=None,
        delay=0.0,
        trickle=0.0,
        chunk=64 * 1024,
    ):
        """Answer GET `path` so from now on; return its URL."""
        self.routes[path] = {
            "body": body.encode() if isinstance(body, str) else body,
            "status": status,
            "headers": headers or {},
            "etag": etag,
            "last_modified": last_modified,
            "delay": delay,
            "trickle": trickle,
            "chunk": chunk,
        }
        return self.url(path)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def feed_server(settings):
    """Fixture feeds on 127.0.0.1, whose host:port intake is allowed to fetch."""
    server = FeedServer()
    settings.NEWSROOM_INTAKE_ALLOW_HOSTS = [server.host]
    yield server
    server.close()


@pytest.fixture
def tls_feed_server(settings, tmp_path):
    """A feed server speaking HTTPS with a self-signed certificate, which no
    certificate authority vouches for."""
    import shutil
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    server = FeedServer(tls=(cert, key))
    settings.NEWSROOM_INTAKE_ALLOW_HOSTS = [server.host]
    yield server
    server.close()


@pytest.fixture
def make_feed(db, organization):
    from intake.models import SourceFeed

    def make(url, **overrides):
        fields = {"url": url, "organization": organization}
        fields.update(overrides)
        return SourceFeed.objects.create(**fields)

    return make


@pytest.fixture
def make_intake_item(db, make_article):
    """A draft taken in from a feed, with its provenance."""
    from intake.models import IntakeItem
    from intake.services import article_hash

    def make(feed=None, article=None, **overrides):
        article = article or make_article(status=Article.Status.DRAFT)
        fields = {
            "organization": article.organization,
            "feed": feed,
            "article": article,
            "guid": f"urn:item:{article.pk}",
            "source_url": f"https://belta.example/news/{article.pk}/",
            "item_hash": "0" * 64,
            "article_hash": article_hash(article),
        }
        fields.update(overrides)
        return IntakeItem.objects.create(**fields)

    return make


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
