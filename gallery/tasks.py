"""The job worker's share of images: the renditions of each new master are
made off the request path, one job per image, enqueued once the save that
stored it is committed (so the worker finds the row and the file)."""

from functools import partial

from django.apps import apps
from django.db import transaction
from django_tasks import task

from .fields import ResponsiveImageField
from .services import renditions_make


@task()
def make_renditions(model: str, pk: int, field_name: str, master_name: str) -> str:
    return renditions_make(
        model=apps.get_model(model),
        pk=pk,
        field_name=field_name,
        master_name=master_name,
    )


def enqueue_missing_renditions(sender, instance, raw=False, using=None, **kwargs):
    """post_save: enqueue the renditions of every master of `instance` that
    its record does not describe (the image field emptied it: a new upload,
    a restored revision), once the save is committed."""
    if raw:
        return  # loaddata: a restored backup brings records and files together
    for field in sender._meta.concrete_fields:
        if not isinstance(field, ResponsiveImageField):
            continue
        name = getattr(instance, field.attname).name
        record = getattr(instance, field.renditions_field) or {}
        if name and record.get("source") != name:
            transaction.on_commit(
                partial(
                    make_renditions.enqueue,
                    sender._meta.label_lower,
                    instance.pk,
                    field.name,
                    name,
                ),
                using=using,
                # The save stands even if the queue refuses the job:
                # make_renditions fills in what is missing.
                robust=True,
            )
