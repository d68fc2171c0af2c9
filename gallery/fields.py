"""An ImageField whose every upload is cleaned, and given renditions by the
job worker.

Whatever stores a file through the field — an admin form, load_demo's
`photo.image.save(...)`, `Photo.objects.create(image=upload)` — goes through
ResponsiveImageFieldFile.save(), so no path skips gallery.images.prepare():
a bad upload is refused in the request that sends it. The renditions' record
is kept in a JSONField on the same model, named by renditions_field and
declared after the image field (it is read when the row is written, after
the image field has set it). A row saved with a master its record does not
describe gets an empty record, and gallery.tasks makes and records the
renditions once the save is committed.
"""

from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models.fields.files import ImageFieldFile
from django.db.models.signals import post_delete

from caching import keys
from caching.services import purge

from . import images


class ResponsiveImageFieldFile(ImageFieldFile):
    @property
    def renditions_record(self):
        return getattr(self.instance, self.field.renditions_field) or {}

    @property
    def stored_dimensions(self):
        """(width, height) from the model's dimension fields, never the file."""
        field = self.field
        return (
            getattr(self.instance, field.width_field) if field.width_field else None,
            getattr(self.instance, field.height_field) if field.height_field else None,
        )

    @property
    def picture(self):
        return images.picture_for(self)

    def save(self, name, content, save=True):
        prepared = images.prepare(content)
        name = prepared.master_name(name)
        # Named, so Django reads the dimensions from it, not from storage.
        super().save(name, ContentFile(prepared.encode(), name=name), save=save)

    save.alters_data = True


class ResponsiveImageField(models.ImageField):
    attr_class = ResponsiveImageFieldFile

    def __init__(self, *args, renditions_field="renditions", **kwargs):
        self.renditions_field = renditions_field
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["renditions_field"] = self.renditions_field
        return name, path, args, kwargs

    def contribute_to_class(self, cls, name, **kwargs):
        super().contribute_to_class(cls, name, **kwargs)
        if not cls._meta.abstract:
            post_delete.connect(self._row_deleted, sender=cls, weak=False)

    def pre_save(self, instance, add):
        previous = None if add else self._stored(instance)
        file = super().pre_save(instance, add)  # stores a new upload
        name = file.name or ""
        record = getattr(instance, self.renditions_field) or {}
        if record.get("source") != name or (previous and previous[0] != name):
            # A new master (an upload, a restored revision, a file from
            # before renditions), or a record brought back with a master
            # whose renditions were deleted when it was replaced: pages show
            # the master alone until the job worker has made them.
            record = {}
        setattr(instance, self.renditions_field, record)
        if previous and previous[0] and previous[0] != name:
            _purge_pages_showing(previous[0])
            self._delete_after_commit(instance, previous[0], previous[1], keep=record)
        return file

    def _stored(self, instance):
        """The (name, record) the row holds in the database, if it exists."""
        if instance.pk is None:
            return None
        return (
            type(instance)
            ._base_manager.using(instance._state.db or "default")
            .filter(pk=instance.pk)
            .values_list(self.attname, self.renditions_field)
            .first()
        )

    def _row_deleted(self, sender, instance, using, **kwargs):
        file = getattr(instance, self.attname)
        if file:
            _purge_pages_showing(file.name)
            self._delete_after_commit(
                instance, file.name, file.renditions_record, using=using
            )

    def _delete_after_commit(self, instance, name, record, keep=None, using=None):
        """Delete the renditions of the master `name` once the change that
        dropped it is committed (a rollback keeps them), unless another row
        still shows that master. The master itself stays: an old revision
        may bring it back, and its renditions are then made again."""
        model = type(instance)
        doomed = set(images.rendition_names(record)) - set(images.rendition_names(keep))
        if not doomed:
            return
        using = using or instance._state.db or "default"

        def delete():
            rows = model._base_manager.using(using)
            if not rows.filter(**{self.attname: name}).exists():
                images.delete_renditions(self.storage, sorted(doomed))

        transaction.on_commit(delete, using=using)


def _purge_pages_showing(name):
    """Story bodies show a library image by its master's address, as the
    renditions its row records (gallery.body_images): once the row no longer
    shows that master, and its renditions are deleted, those pages change."""
    purge({keys.image(name)})
