from django.views.generic import ListView

from caching import keys
from caching.views import SharedCacheMixin

from .models import Photo


class PhotoListView(SharedCacheMixin, ListView):
    surrogate_keys = (keys.GALLERY,)
    template_name = "gallery/photo_list.html"
    context_object_name = "photos"

    def get_queryset(self):
        return Photo.objects.in_gallery().in_order()
