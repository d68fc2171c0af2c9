"""Where uploads go: local disk unless the environment names an S3 bucket,
then S3-compatible object storage through django-storages. Settings are read
once per process, so each case starts a fresh one; nothing reaches a network
(boto3 connects only on the first read or write)."""

from tests.fresh_settings import report_under

REPORT = """
import json
from django.conf import settings
from django.core.files.storage import default_storage
default_storage._setup()
storage = default_storage._wrapped
print(json.dumps({
    "class": f"{type(storage).__module__}.{type(storage).__name__}",
    "bucket": getattr(storage, "bucket_name", None),
    "endpoint": getattr(storage, "endpoint_url", None),
    "access_key": getattr(storage, "access_key", None),
    "overwrites": getattr(storage, "file_overwrite", None),
    "url": default_storage.url("gallery/2023/07/embankment.jpg"),
    "img_src": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],
}))
"""


def storage_under(**variables):
    return report_under(
        REPORT, unset=("NEWSROOM_S3_", "DJANGO_", "DATABASE_", "REDIS_"), **variables
    )


def test_media_stays_on_local_disk_by_default():
    storage = storage_under()

    assert storage["class"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert storage["url"] == "/media/gallery/2023/07/embankment.jpg"
    assert storage["img_src"] == ["'self'", "data:"]


def test_an_empty_bucket_variable_keeps_local_disk():
    storage = storage_under(NEWSROOM_S3_BUCKET="")

    assert storage["class"].endswith("FileSystemStorage")


def test_a_bucket_and_endpoint_switch_media_to_object_storage():
    storage = storage_under(
        NEWSROOM_S3_BUCKET="newsroom-media",
        NEWSROOM_S3_ENDPOINT_URL="https://storage.example.net",
        NEWSROOM_S3_REGION="eu-central-1",
        NEWSROOM_S3_ACCESS_KEY_ID="AKIAEXAMPLE",
        NEWSROOM_S3_SECRET_ACCESS_KEY="not-a-real-secret",
    )

    assert storage["class"] == "storages.backends.s3.S3Storage"
    assert storage["bucket"] == "newsroom-media"
    assert storage["endpoint"] == "https://storage.example.net"
    assert storage["access_key"] == "AKIAEXAMPLE"
    assert storage["overwrites"] is False
    assert storage["url"] == (
        "https://storage.example.net/newsroom-media/gallery/2023/07/embankment.jpg"
    )
    assert storage["img_src"] == ["'self'", "data:", "https://storage.example.net"]


def test_a_custom_domain_serves_the_media_urls_and_is_allowed_by_the_policy():
    storage = storage_under(
        NEWSROOM_S3_BUCKET="newsroom-media",
        NEWSROOM_S3_CUSTOM_DOMAIN="media.news.example.by",
    )

    assert (
        storage["url"] == "https://media.news.example.by/gallery/2023/07/embankment.jpg"
    )
    assert storage["img_src"] == ["'self'", "data:", "https://media.news.example.by"]


def test_amazon_s3_is_the_default_endpoint():
    storage = storage_under(NEWSROOM_S3_BUCKET="newsroom-media")

    assert storage["url"].startswith("https://newsroom-media.s3.amazonaws.com/")
    assert storage["img_src"][-1] == "https://newsroom-media.s3.amazonaws.com"
