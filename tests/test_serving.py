"""What the app serves itself when nothing stands in front of it: uploaded
media with a year's lifetime, and compressed pages (EDGE=0 make serve)."""

import gzip
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from newsroom.serving import TextGZipMiddleware
from tests.fresh_settings import report_under

pytestmark = pytest.mark.django_db


@pytest.fixture
def uploaded(settings):
    path = Path(settings.MEDIA_ROOT) / "gallery" / "2026" / "12" / "embankment.jpg"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xff\xd8 not much of a photo")
    return path


def test_an_uploaded_file_is_served_with_a_years_lifetime(client, uploaded):
    response = client.get("/media/gallery/2026/12/embankment.jpg")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == uploaded.read_bytes()
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["Content-Type"] == "image/jpeg"


def test_a_missing_upload_is_not_found(client):
    assert client.get("/media/gallery/none-such.jpg").status_code == 404


def test_nothing_outside_the_media_folder_is_served(settings):
    (Path(settings.MEDIA_ROOT).parent / "secret.txt").write_text("not for readers")
    client = Client(raise_request_exception=False)

    for address in ("/media/..%2Fsecret.txt", "/media/%2E%2E/secret.txt"):
        response = client.get(address)
        assert response.status_code in (400, 404), address
        assert b"not for readers" not in response.content


def gzip_request():
    return RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip, br")


def test_pages_are_compressed_for_readers_who_take_gzip():
    page = "<p>The district's news</p>\n" * 100
    middleware = TextGZipMiddleware(lambda request: HttpResponse(page))

    response = middleware(gzip_request())

    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content).decode() == page


def test_images_are_not_compressed_again():
    photo = b"\xff\xd8" + bytes(range(256)) * 10
    middleware = TextGZipMiddleware(
        lambda request: HttpResponse(photo, content_type="image/jpeg")
    )

    response = middleware(gzip_request())

    assert not response.has_header("Content-Encoding")
    assert response.content == photo


REPORT = """
import json
from django.conf import settings
print(json.dumps({
    "middleware": settings.MIDDLEWARE,
    "serve_media": settings.NEWSROOM_SERVE_MEDIA,
}))
"""


def settings_under(**variables):
    return report_under(
        REPORT, unset=("NEWSROOM_", "DJANGO_", "DATABASE_", "REDIS_"), **variables
    )


def test_the_app_compresses_pages_only_when_told_and_above_etags_and_its_cache():
    assert "newsroom.serving.TextGZipMiddleware" not in settings_under()["middleware"]

    middleware = settings_under(NEWSROOM_GZIP="1")["middleware"]

    position = middleware.index("newsroom.serving.TextGZipMiddleware")
    assert position < middleware.index(
        "django.middleware.http.ConditionalGetMiddleware"
    )
    assert all(
        position < middleware.index(name) for name in middleware if "cach" in name
    )


def test_media_are_served_by_the_app_unless_a_bucket_or_the_operator_says_otherwise():
    assert settings_under()["serve_media"] is True
    assert settings_under(NEWSROOM_SERVE_MEDIA="0")["serve_media"] is False
    assert settings_under(NEWSROOM_S3_BUCKET="newsroom-media")["serve_media"] is False
