from django.urls import path

from . import views

app_name = "contacts"

urlpatterns = [
    path("", views.OfficeListView.as_view(), name="list"),
    path("<slug:slug>.vcf", views.office_vcard_download, name="vcard"),
]
