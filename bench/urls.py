"""The site's URLs plus the ceiling page; used only by `make bench`."""

from django.urls import path

from newsroom.urls import urlpatterns as site_urlpatterns

from .ceiling import ceiling

urlpatterns = [
    path("__ceiling__/<int:size>/", ceiling, name="bench-ceiling"),
    *site_urlpatterns,
]
