"""Renditions are made by the job worker, off the request path: an upload is
answered at once and shown as its master alone; the job, enqueued once the
upload is committed, makes and records its renditions and purges the pages
showing it, which then offer srcsets. Run again, or for a master replaced
meanwhile, a job does no harm; a failed one is there for operators to see,
and make_renditions makes up for it."""

import io
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django_tasks import task_backends
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from PIL import Image
from pytest_django.asserts import assertContains, assertNotContains

from caching import keys
from caching.services import stamps
from gallery import images
from gallery.models import Photo
from gallery.tasks import make_renditions

ESI_EDGE = {"HTTP_SURROGATE_CAPABILITY": "varnish=ESI/1.0"}


def png(size, name="photo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 90, 140)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def on_disk(settings):
    root = Path(settings.MEDIA_ROOT)
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def job_queue(settings):
    """Jobs wait in a queue until the test runs them, as they wait for the
    worker (tests otherwise run them at once)."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    return task_backends["default"]


@pytest.fixture
def run_jobs(job_queue, django_capture_on_commit_callbacks):
    """Run the waiting jobs as the worker would, each then committed (its
    purges done); return what each returned."""

    def run():
        done = []
        while job_queue.results:
            job = job_queue.results.pop(0)
            with django_capture_on_commit_callbacks(execute=True):
                done.append(job.task.call(*job.args, **job.kwargs))
        return done

    return run


@pytest.fixture
def upload_photo(db, django_capture_on_commit_callbacks):
    """A photo uploaded and committed: its job enqueued, not yet run."""

    def upload(size=(1600, 900), name="river.png", **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return Photo.objects.create(
                image=png(size, name),
                caption=fields.pop("caption", "The river"),
                alt_text=fields.pop("alt_text", "The river at dusk"),
                in_gallery=fields.pop("in_gallery", True),
                **fields,
            )

    return upload


# --- Enqueued, not made in the request ----------------------------------------------


def test_an_upload_is_answered_before_its_renditions_are_made(
    client, editor, job_queue, settings, django_capture_on_commit_callbacks
):
    client.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:gallery_photo_upload"),
            {"image": png((1600, 900), "dam.png"), "alt_text": "The dam"},
        )

    assert response.status_code == 201
    photo = Photo.objects.get()
    assert photo.renditions == {}
    assert not any(name.startswith("renditions/") for name in on_disk(settings))
    [job] = job_queue.results
    assert job.task.module_path == "gallery.tasks.make_renditions"
    assert job.args == ["gallery.photo", photo.pk, "image", photo.image.name]


def test_a_refused_upload_enqueues_no_job(
    client, editor, job_queue, django_capture_on_commit_callbacks
):
    client.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:gallery_photo_upload"),
            {
                "image": SimpleUploadedFile("notes.png", b"Minutes." * 100),
                "alt_text": "Notes",
            },
        )

    assert response.status_code == 400
    assert job_queue.results == []
    assert not Photo.objects.exists()


def test_saving_a_photo_with_its_renditions_enqueues_no_job(
    make_photo, job_queue, django_capture_on_commit_callbacks
):
    photo = make_photo()

    with django_capture_on_commit_callbacks(execute=True):
        photo.caption = "The river in spring"
        photo.save()

    assert job_queue.results == []


# --- Shown alone, then with its renditions ------------------------------------------


def test_the_gallery_shows_the_master_alone_until_the_job_then_its_srcset(
    client, upload_photo, run_jobs, django_assert_num_queries
):
    photo = upload_photo(size=(1600, 900))

    before = client.get(reverse("gallery:list"))

    # The master at the size it is stored at: no srcset naming files that do
    # not exist yet.
    assertContains(
        before,
        f'<img src="{photo.image.url}" alt="The river at dusk" '
        'width="1600" height="900" loading="lazy"',
    )
    assertNotContains(before, "srcset")
    assertNotContains(before, "<picture>")
    stamp = stamps([keys.GALLERY], fresh=True)

    # Read the row; write the record and purge its keys together (here in a
    # savepoint); stamp the keys again once committed.
    with django_assert_num_queries(6):
        assert run_jobs() == ["made"]

    photo.refresh_from_db()
    assert photo.renditions["source"] == photo.image.name
    assert sorted(width for width, _ in photo.renditions["files"]["webp"]) == [
        320,
        640,
        960,
        1280,
        1600,
    ]
    assert stamps([keys.GALLERY], fresh=True) != stamp
    after = client.get(reverse("gallery:list"))
    assertContains(after, '<source type="image/webp" srcset="')
    assertContains(after, f"/media/{photo.renditions['files']['jpeg'][0][1]} 320w")


def test_a_story_shows_a_new_hero_image_alone_until_the_job_then_its_srcset(
    client, make_article, job_queue, run_jobs, django_capture_on_commit_callbacks
):
    article = make_article(hero_alt_text="The new bridge")
    with django_capture_on_commit_callbacks(execute=True):
        article.hero_image = png((1200, 800), "bridge.png")
        article.save()

    before = client.get(article.get_absolute_url(), **ESI_EDGE)

    assertContains(
        before,
        f'<img src="{article.hero_image.url}" alt="The new bridge" '
        'width="1200" height="800" fetchpriority="high">',
    )
    assertNotContains(before, "srcset")
    assert keys.article(article.pk) in before["Surrogate-Key"].split()
    stamp = stamps([keys.article(article.pk)], fresh=True)

    assert run_jobs() == ["made"]

    assert stamps([keys.article(article.pk)], fresh=True) != stamp
    after = client.get(article.get_absolute_url(), **ESI_EDGE)
    assertContains(after, '<source type="image/webp" srcset="')


def test_a_story_shows_a_body_image_alone_until_the_job_then_as_renditions(
    client, upload_photo, make_article, run_jobs
):
    photo = upload_photo(size=(900, 600), in_gallery=False)
    article = make_article(
        body=f'<p>The dam at noon.</p><img src="{photo.image.url}" alt="The dam">'
    )
    image_key = keys.image(photo.image.name)

    before = client.get(article.get_absolute_url(), **ESI_EDGE)

    # The page names the image among its keys, so the job can purge it.
    assert image_key in before["Surrogate-Key"].split()
    assertContains(
        before, f'<img src="{photo.image.url}" alt="The dam" width="900" height="600"'
    )
    assertNotContains(before, "srcset")
    stamp = stamps([image_key], fresh=True)

    assert run_jobs() == ["made"]

    assert stamps([image_key], fresh=True) != stamp
    after = client.get(article.get_absolute_url(), **ESI_EDGE)
    assertContains(after, '<picture><source type="image/webp"')
    assertContains(after, 'alt="The dam"')


def test_a_job_makes_a_logos_renditions_and_purges_its_sources_page(
    client, make_organization, job_queue, run_jobs, django_capture_on_commit_callbacks
):
    organization = make_organization()
    with django_capture_on_commit_callbacks(execute=True):
        organization.logo = png((400, 100), "logo.png")
        organization.save()
    stamp = stamps([keys.organization(organization.pk)], fresh=True)

    assert run_jobs() == ["made"]

    assert stamps([keys.organization(organization.pk)], fresh=True) != stamp
    response = client.get(organization.get_absolute_url())
    assertContains(response, '<source type="image/webp"')


# --- Idempotent, and never stale -----------------------------------------------------


def test_a_job_run_again_makes_nothing_new(
    make_photo, settings, django_assert_num_queries
):
    photo = make_photo(image=png((700, 350)))
    record = photo.renditions
    made = {
        name: (Path(settings.MEDIA_ROOT) / name).stat().st_mtime_ns
        for name in images.rendition_names(record)
    }
    stamp = stamps([keys.GALLERY], fresh=True)

    with django_assert_num_queries(1):
        outcome = make_renditions.call(
            "gallery.photo", photo.pk, "image", photo.image.name
        )

    assert outcome == "already made"
    photo.refresh_from_db()
    assert photo.renditions == record
    assert {
        name: (Path(settings.MEDIA_ROOT) / name).stat().st_mtime_ns
        for name in images.rendition_names(record)
    } == made
    assert stamps([keys.GALLERY], fresh=True) == stamp


def test_a_job_for_a_replaced_master_leaves_the_new_one_alone(
    upload_photo, job_queue, run_jobs, settings, django_capture_on_commit_callbacks
):
    photo = upload_photo(size=(700, 350), name="first.png")
    first = photo.image.name
    with django_capture_on_commit_callbacks(execute=True):
        photo.image = png((400, 200), "second.png")
        photo.save()
    second = photo.image.name

    # The first upload's job, then the second's, as the worker takes them.
    assert run_jobs() == ["replaced", "made"]

    photo.refresh_from_db()
    assert photo.renditions["source"] == second
    assert sorted(w for w, _ in photo.renditions["files"]["jpeg"]) == [320, 400]
    made_of_first = images.rendition_name(first, 320, "jpeg")
    assert made_of_first not in on_disk(settings)


def test_a_master_replaced_while_its_renditions_are_made_keeps_the_new_record(
    upload_photo, job_queue, settings, monkeypatch
):
    photo = upload_photo(size=(700, 350), name="first.png")
    first = photo.image.name
    make = images.renditions_from_storage

    def made_while_an_editor_replaces_it(storage, name):
        record = make(storage, name)
        Photo.objects.filter(pk=photo.pk).update(image="gallery/second.png")
        return record

    monkeypatch.setattr(
        images, "renditions_from_storage", made_while_an_editor_replaces_it
    )

    assert make_renditions.call("gallery.photo", photo.pk, "image", first) == (
        "replaced"
    )

    assert Photo.objects.filter(pk=photo.pk).values_list(
        "image", "renditions"
    ).get() == ("gallery/second.png", {})
    # Nothing shows the first master now: its renditions are not kept.
    assert not any(name.startswith("renditions/") for name in on_disk(settings))


def test_a_job_for_a_deleted_photo_does_nothing(upload_photo, job_queue, run_jobs):
    photo = upload_photo()
    photo.delete()

    assert run_jobs() == ["replaced"]


def test_a_master_larger_than_the_upload_limit_still_gets_its_renditions(
    upload_photo, job_queue, run_jobs, settings
):
    """The limit is for uploads: a stored master, re-encoded, may be larger."""
    photo = upload_photo(size=(700, 350))
    settings.NEWSROOM_MAX_IMAGE_BYTES = 100

    assert run_jobs() == ["made"]

    photo.refresh_from_db()
    assert photo.renditions["source"] == photo.image.name


# --- Failed, seen, made up for -------------------------------------------------------


def test_a_failed_job_is_shown_to_operators_and_make_renditions_makes_up_for_it(
    client, superuser, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        photo = Photo.objects.create(
            image=png((700, 350)), caption="The river", alt_text="The river at dusk"
        )
    assert DBTaskResult.objects.get().task_path == "gallery.tasks.make_renditions"

    def unreachable(self, name, mode="rb"):
        raise OSError("The media storage did not answer.")

    with monkeypatch.context() as storage_down:
        storage_down.setattr(FileSystemStorage, "open", unreachable)
        # Between jobs the worker drops a connection left outside autocommit,
        # as the test's own transaction is.
        storage_down.setattr(db_worker, "close_old_connections", lambda: None)
        call_command(
            "db_worker", batch=True, startup_delay=False, reload=False, verbosity=0
        )

    failed = DBTaskResult.objects.get()
    assert (failed.status, failed.exception_class_path) == (
        "FAILED",
        "builtins.OSError",
    )
    assert "The media storage did not answer." in failed.traceback
    client.force_login(superuser)
    listed = client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist"))
    assertContains(listed, "make_renditions")
    assertContains(listed, "Failed")
    photo.refresh_from_db()
    assert photo.renditions == {}

    out = io.StringIO()
    call_command("make_renditions", stdout=out)

    assert "Renditions made for 1 image(s)." in out.getvalue()
    photo.refresh_from_db()
    assert photo.renditions["source"] == photo.image.name
