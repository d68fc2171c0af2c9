from django.views.generic import ListView

from .models import Photo


class PhotoListView(ListView):
    template_name = "gallery/photo_list.html"
    context_object_name = "photos"

    def get_queryset(self):
        return Photo.objects.in_gallery().in_order()
