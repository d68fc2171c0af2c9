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

        def photos_changed(sender, **kwargs):
            purge({keys.GALLERY})

        # The home page's slider and /gallery/ show the photos.
        post_save.connect(photos_changed, sender=Photo, weak=False)
        post_delete.connect(photos_changed, sender=Photo, weak=False)
