from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from monitoring.admin_search import BoundedSearchMixin

from .images import thumbnail_html
from .models import Photo
from .validators import CheckedImageField


class PhotoAdminForm(forms.ModelForm):
    class Meta:
        model = Photo
        fields = ("image", "caption", "alt_text", "credit", "in_gallery", "order")
        field_classes = {"image": CheckedImageField}


class BodyImageUploadForm(forms.ModelForm):
    """An image uploaded from a story's body editor: into the media library,
    not the public gallery."""

    class Meta:
        model = Photo
        fields = ("image", "alt_text", "caption")
        field_classes = {"image": CheckedImageField}


# The caption, alt text and credit are edited one language under another
# (gallery/translation.py).
@admin.register(Photo)
class PhotoAdmin(BoundedSearchMixin, TranslationAdmin, SimpleHistoryAdmin):
    form = PhotoAdminForm
    list_display = ("thumbnail", "caption", "in_gallery", "order", "credit")
    list_display_links = ("thumbnail", "caption")
    list_editable = ("in_gallery", "order")
    list_filter = ("in_gallery",)
    search_fields = tuple(
        f"{field}_{language}"
        for field in ("caption", "alt_text", "credit")
        for language in ("en", "ru", "be")
    )
    object_history_list_template = "admin/object_history_list_with_changes.html"

    class Media:
        css = {"all": ("css/admin/lists.css",)}

    @admin.display(description=_("image"))
    def thumbnail(self, photo):
        return thumbnail_html(photo.image)

    def get_urls(self):
        picker = self.admin_site.admin_view(self.picker_view)
        upload = self.admin_site.admin_view(self.upload_view)
        return [
            path("picker/", picker, name="gallery_photo_picker"),
            path("upload/", upload, name="gallery_photo_upload"),
            *super().get_urls(),
        ]

    def picker_view(self, request):
        """The body editor's "Browse..." window: click an image of the media
        library to put it in the story, with its alt text and caption (the
        CKEditor 4 file browser protocol that django-prose-editor speaks)."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Choose an image"),
            "opts": self.model._meta,
            "photos": Photo.objects.in_order(),
            "is_popup": True,
        }
        return TemplateResponse(request, "admin/gallery/photo/picker.html", context)

    @method_decorator(require_POST)
    def upload_view(self, request):
        """The body editor's "Upload image": store the file in the media
        library and answer with what the editor inserts, or with why the file
        was refused (JSON either way)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = BodyImageUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            errors = [
                # The image's messages name the file; the others their field.
                error if name == "image" else f"{form[name].label}: {error}"
                for name, field_errors in form.errors.items()
                for error in field_errors
            ]
            return JsonResponse({"errors": errors}, status=400)
        photo = form.save()
        return JsonResponse(
            {
                "id": photo.pk,
                "url": photo.image.url,
                "alt": photo.alt_text,
                "caption": photo.caption,
                "width": photo.width,
                "height": photo.height,
            },
            status=201,
        )
