from django.apps import apps

from caching.services import purge

from . import images
from .fields import ResponsiveImageField


def responsive_image_fields():
    """Yield (model, field) for every ResponsiveImageField of every model."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, ResponsiveImageField):
                yield model, field


def _renditions_are_there(field, name, record):
    names = images.rendition_names(record)
    return (
        record.get("source") == name
        and bool(names)
        and all(field.storage.exists(rendition) for rendition in names)
    )


def renditions_refresh(*, everything: bool = False) -> int:
    """Make the renditions of every stored image that lacks them (uploaded
    before renditions, restored from a backup, or with files lost), or of
    every image when everything is true (after RENDITION_WIDTHS changed).
    Return how many images got new renditions.

    Records are written with update(), not save(): renditions are derived
    data, so no revision, version or "updated" time changes."""
    refreshed = 0
    stale = set()
    for model, field in responsive_image_fields():
        rows = (
            model._base_manager.exclude(**{f"{field.attname}__isnull": True})
            .exclude(**{field.attname: ""})
            .order_by("pk")
            .values_list("pk", field.attname, field.renditions_field)
        )
        for pk, name, record in rows.iterator():
            if not everything and _renditions_are_there(field, name, record or {}):
                continue
            record = images.renditions_from_storage(field.storage, name)
            model._base_manager.filter(pk=pk).update(**{field.renditions_field: record})
            refreshed += 1
            stale |= model.surrogate_keys_for([pk])
    # Pages name the renditions; update() signals no change.
    purge(stale)
    return refreshed
