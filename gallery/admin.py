from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Photo
from .validators import CheckedImageField


class PhotoAdminForm(forms.ModelForm):
    class Meta:
        model = Photo
        fields = ("image", "caption", "alt_text", "credit", "order")
        field_classes = {"image": CheckedImageField}


# The caption, alt text and credit are edited one language under another
# (gallery/translation.py).
@admin.register(Photo)
class PhotoAdmin(TranslationAdmin, SimpleHistoryAdmin):
    form = PhotoAdminForm
    list_display = ("caption", "order", "credit")
    list_display_links = ("caption",)
    list_editable = ("order",)
    search_fields = tuple(
        f"{field}_{language}"
        for field in ("caption", "alt_text", "credit")
        for language in ("en", "ru", "be")
    )
    object_history_list_template = "admin/object_history_list_with_changes.html"

    def get_urls(self):
        picker = self.admin_site.admin_view(self.picker_view)
        return [
            path("picker/", picker, name="gallery_photo_picker"),
            *super().get_urls(),
        ]

    def picker_view(self, request):
        """The body editor's "Browse..." window: click a photo to put it in
        the story, with its alt text and caption (the CKEditor 4 file browser
        protocol that django-prose-editor speaks)."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Choose a photo"),
            "opts": self.model._meta,
            "photos": Photo.objects.in_order(),
            "is_popup": True,
        }
        return TemplateResponse(request, "admin/gallery/photo/picker.html", context)
