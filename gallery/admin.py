from django import forms
from django.contrib import admin

from .models import Photo
from .validators import CheckedImageField


class PhotoAdminForm(forms.ModelForm):
    class Meta:
        model = Photo
        fields = ("image", "caption", "alt_text", "credit", "order")
        field_classes = {"image": CheckedImageField}


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    form = PhotoAdminForm
    list_display = ("caption", "order", "credit")
    list_display_links = ("caption",)
    list_editable = ("order",)
    search_fields = ("caption", "alt_text", "credit")
