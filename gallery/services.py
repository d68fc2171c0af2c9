import logging

from django.apps import apps
from django.db import models, transaction

from caching import keys
from caching.services import purge

from . import images
from .fields import ResponsiveImageField

logger = logging.getLogger(__name__)


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


def _showing(model, pk, name):
    """The keys of what shows the image `name` of row `pk`: the row's own
    pages, and story bodies showing it by name (gallery.body_images)."""
    return model.surrogate_keys_for([pk]) | {keys.image(name)}


def _record(model, field, pk, name, record):
    """Record the renditions made of master `name` on row `pk`, if the row
    still shows that master; return whether it did.

    One conditional UPDATE: a master replaced while its renditions were made
    keeps its own (empty or newer) record. The renditions then made are
    deleted, unless another row shows that master."""
    rows = model._base_manager.filter(pk=pk, **{field.attname: name})
    if rows.update(**{field.renditions_field: record}):
        return True
    if not model._base_manager.filter(**{field.attname: name}).exists():
        images.delete_renditions(field.storage, images.rendition_names(record))
    return False


def renditions_make(
    *, model: type[models.Model], pk: int, field_name: str, master_name: str
) -> str:
    """Make the renditions of `master_name`, the image `field_name` of row
    `pk`, record them on the row and purge what shows it; return what was
    done ("made", "already made", "replaced" when the row no longer shows
    that master).

    Idempotent: renditions recorded and stored are not made again. Raises
    what reading the master raises (missing, unreadable), so a failed job
    shows as failed under "Task results"."""
    field = model._meta.get_field(field_name)
    record = (
        model._base_manager.filter(pk=pk, **{field.attname: master_name})
        .values_list(field.renditions_field, flat=True)
        .first()
    )
    if record is None:
        return "replaced"
    if _renditions_are_there(field, master_name, record):
        return "already made"
    record = images.renditions_from_storage(field.storage, master_name)
    with transaction.atomic():
        if not _record(model, field, pk, master_name, record):
            return "replaced"
        # Pages showing the master alone gain their srcset.
        purge(_showing(model, pk, master_name))
    return "made"


def renditions_refresh(*, everything: bool = False) -> int:
    """Make the renditions of every stored image that lacks them (uploaded
    before renditions, restored from a backup, with files lost, or whose job
    failed), or of every image when everything is true (after
    RENDITION_WIDTHS changed). Return how many images got new renditions.

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
            try:
                record = images.renditions_from_storage(field.storage, name)
            except Exception:  # Missing, unreadable: the others still get theirs.
                logger.warning("Could not make renditions of %s.", name, exc_info=True)
                continue
            if _record(model, field, pk, name, record):
                refreshed += 1
                stale |= _showing(model, pk, name)
    # Pages name the renditions; update() signals no change.
    purge(stale)
    return refreshed
