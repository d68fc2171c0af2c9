from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import validate_slug
from django.db import models
from django.forms.models import model_to_dict
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import (
    AdminProseEditorWidget,
    prose_editor_admin_media,
    prose_editor_js,
)
from js_asset import Media, Script

from gallery.validators import CheckedImageField

from .fields import sanitize_html
from .models import Article, Organization
from .slugs import slug_from_title, unique_slug

# What the body editor offers. Everything it can emit is on the allow-list in
# articles/fields.py (tests/articles/test_editorial.py checks it), so nothing
# an editor makes is lost on save; the allow-list stays the authority for
# every path, this form included.
BODY_EDITOR = {
    "extensions": {
        "Bold": True,
        "Italic": True,
        "Underline": True,
        "Strike": True,
        "Subscript": True,
        "Superscript": True,
        "Heading": {"levels": [2, 3, 4]},
        "BulletList": True,
        "OrderedList": True,
        "ListItem": True,
        "Blockquote": True,
        "HorizontalRule": True,
        "HardBreak": True,
        "Link": {
            "enableTarget": False,
            "protocols": ["http", "https", "mailto", "tel"],
        },
        # Images by address, or picked from the media library ("Browse...");
        # "Upload image" (js/admin/prose-editor.js) adds new ones to it.
        "Figure": {"pickerUrl": reverse_lazy("admin:gallery_photo_picker")},
        "Image": True,
        "Caption": True,
        "Table": True,
        "TableRow": True,
        "TableHeader": True,
        "TableCell": True,
        "History": True,
        "HTML": True,
        "SpecialCharacters": True,
    }
}


def https_urls(db_field, **kwargs):
    """Read "www.example.org" as https://, as Django 6 will."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class BodyEditorWidget(AdminProseEditorWidget):
    """django-prose-editor's admin widget, started by our own module so that
    Tiptap injects no <style> element (see static/js/admin/prose-editor.js).
    It names the media library's upload address for "Upload image"."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-upload-url"] = reverse(
            "admin:gallery_photo_upload"
        )
        return context

    @property
    def media(self):
        return prose_editor_admin_media + Media(
            css={"all": ["css/admin/prose-editor.css"]},
            js=[prose_editor_js, Script("js/admin/prose-editor.js", type="module")],
        )


class ArticleAdminForm(forms.ModelForm):
    """The editor's form. It carries the version the story was opened at, and
    refuses to save over a newer version someone else saved meanwhile. A story
    with a pending draft opens showing the draft."""

    # A preview saves nothing, so it need not wait for nor refuse a newer save.
    checks_version = True

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    body = ProseEditorFormField(
        label=capfirst(Article._meta.get_field("body").verbose_name),
        help_text=_(
            "Headings, lists, quotes, links and images. Pasted text keeps only "
            "this structure; scripts, styles and unknown tags are removed on save."
        ),
        config=BODY_EDITOR,
        preset="newsroom",
        sanitize=sanitize_html,
        widget=BodyEditorWidget,
    )

    class Meta:
        model = Article
        # What an editor writes; the status follows from the button pressed.
        fields = Article.DRAFT_FIELDS
        field_classes = {"hero_image": CheckedImageField}
        formfield_callback = https_urls
        help_texts = {
            "source_url": _(
                "The address of the original story, if it came from another site."
            ),
            "language": _(
                "The language the story is written in. Every language version "
                "of the site lists it; where the page's language differs, its "
                "card is marked with this language."
            ),
        }

    def __init__(self, *args, **kwargs):
        instance = kwargs.get("instance")
        if instance is not None and instance.pending_draft is not None:
            draft = instance.with_pending_draft()
            kwargs["initial"] = {
                **model_to_dict(draft, fields=Article.DRAFT_FIELDS),
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # On the revisions page too, where the form is filled from an old
            # version: revisions do not keep the version number, so it is the
            # current row's (see Article.history).
            self.fields["opened_version"].initial = self.instance.version
        if "slug" in self.fields:
            slug = self.fields["slug"]
            # Any text is accepted and turned into a slug in clean_slug().
            slug.required = False
            slug.validators = [v for v in slug.validators if v is not validate_slug]
            slug.help_text = _(
                "The last part of the story's address. Leave it empty to make "
                "it from the title (Cyrillic is spelled in Latin letters); a "
                "number is added if another story has it."
            )

    def clean_slug(self):
        typed = self.cleaned_data.get("slug", "").strip()
        title = self.cleaned_data.get("title")
        language = self.data.get(self.add_prefix("language"), "")
        base = slug_from_title(typed, language) or slug_from_title(
            title or "", language
        )
        if not base and not title:
            return typed  # the title's own "required" error says what to do
        return unique_slug(
            base,
            taken=lambda slug: (
                Article.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists()
            ),
        )

    def _keep_stored_time(self, name):
        # The form shows whole seconds; a time the editor left alone keeps the
        # stored microseconds, so it is not recorded as a change.
        typed = self.cleaned_data.get(name)
        stored = self.initial.get(name)
        if typed and stored and typed == stored.replace(microsecond=0):
            return stored
        return typed

    def clean_published_at(self):
        return self._keep_stored_time("published_at")

    def clean_expires_at(self):
        return self._keep_stored_time("expires_at")

    def validate_unique(self):
        # clean_slug() chose a free slug, and Article.save() takes the next
        # one if another story takes it meanwhile: checking it again here
        # would only refuse the second of two editors saving one title.
        exclude = {*self._get_validation_exclusions(), "slug"}
        try:
            self.instance.validate_unique(exclude=exclude)
        except forms.ValidationError as error:
            self._update_errors(error)

    def clean_body(self):
        body = self.cleaned_data.get("body", "")
        # The editor sends "<p></p>" for an empty document.
        if not strip_tags(body).strip() and "<img" not in body:
            raise forms.ValidationError(
                self.fields["body"].error_messages["required"], code="required"
            )
        return body

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("hero_image") and not cleaned_data.get("hero_alt_text"):
            self.add_error(
                "hero_alt_text",
                _(
                    "Describe the hero image for readers who cannot see it: alt text "
                    "is required when there is an image."
                ),
            )
        if self.instance.pk and self.checks_version:
            self._check_version(cleaned_data.get("opened_version"))
        return cleaned_data

    def full_clean(self):
        super().full_clean()
        if self.errors and self.files.get(self.add_prefix("hero_image")):
            # A browser never sends a file back: say so beside the field (on
            # the bound field, made while cleaning, which keeps its own copy).
            self["hero_image"].help_text = _(
                "The image you chose was not saved because of the errors on "
                "this page: choose the file again before saving."
            )

    def _check_version(self, opened_version):
        # The row stays locked until the admin's transaction commits the save,
        # so a second editor's check waits and then sees the bumped version.
        current = (
            Article.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values("version", "updated_at", "view_count", "updated_by")
            .first()
        )
        if current is None:
            raise forms.ValidationError(
                _(
                    "This story was deleted by someone else after you opened it; "
                    "your text is still below: copy what you need."
                ),
                code="deleted",
            )
        if opened_version is None:
            raise forms.ValidationError(
                _(
                    "This form does not say which version of the story it was "
                    "opened at; copy your text, reload, and save again."
                ),
                code="no_version",
            )
        if opened_version != current["version"]:
            raise forms.ValidationError(
                _(
                    "This story was changed by %(who)s at %(time)s after you "
                    "opened it; your text is still below: copy what you need, "
                    "reload, and save again."
                ),
                code="edit_conflict",
                params={
                    "who": self._name_of(current["updated_by"]),
                    "time": timezone.localtime(current["updated_at"]).strftime("%H:%M"),
                },
            )
        self.instance.version = current["version"]
        # Readers' views counted since the form was loaded are not undone.
        self.instance.view_count = current["view_count"]

    @staticmethod
    def _name_of(user_id):
        user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
        if user is None:
            return _("someone else")
        return user.get_full_name() or user.get_username()


class OrganizationAdminForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = (
            "name",
            "short_name",
            "slug",
            "native_name",
            "kind",
            "country",
            "website",
            "logo",
        )
        field_classes = {"logo": CheckedImageField}
        formfield_callback = https_urls
