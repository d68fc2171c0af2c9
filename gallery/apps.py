from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GalleryConfig(AppConfig):
    name = "gallery"
    verbose_name = _("Gallery")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from caching import keys
        from caching.services import purge

        from .models import Photo
        from .services import responsive_image_fields
        from .tasks import enqueue_missing_renditions

        def photos_changed(sender, **kwargs):
            purge({keys.GALLERY})

        # The home page's slider and /gallery/ show the photos.
        post_save.connect(photos_changed, sender=Photo, weak=False)
        post_delete.connect(photos_changed, sender=Photo, weak=False)

        # New images (photos, hero images, logos) get their renditions from
        # the job worker.
        for model in {model for model, _field in responsive_image_fields()}:
            post_save.connect(enqueue_missing_renditions, sender=model)
