from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GalleryConfig(AppConfig):
    name = "gallery"
    verbose_name = _("Gallery")

    def ready(self):
        from pagecache.content_version import invalidate_on_change

        from .models import Photo

        # The home page's slider and /gallery/ show the photos.
        invalidate_on_change(Photo)
