from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gallery.validators import CheckedImageField

from .models import Article, Organization


def https_urls(db_field, **kwargs):
    """Read "www.example.org" as https://, as Django 6 will."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class ArticleAdminForm(forms.ModelForm):
    """The editor's form. It carries the version the story was opened at, and
    refuses to save over a newer version someone else saved meanwhile."""

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = (
            "title",
            "slug",
            "lead",
            "body",
            "byline",
            "organization",
            "source_url",
            "dateline",
            "language",
            "status",
            "published_at",
            "expires_at",
            "is_featured",
            "hero_image",
            "hero_caption",
            "hero_credit",
            "hero_alt_text",
        )
        field_classes = {"hero_image": CheckedImageField}
        formfield_callback = https_urls
        help_texts = {
            "source_url": _(
                "The address of the original story, if it came from another site."
            ),
            "language": _(
                "The language the story is written in; it is listed "
                "on that language's version of the site."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["opened_version"].initial = self.instance.version

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
        if self.instance.pk:
            self._check_version(cleaned_data.get("opened_version"))
        return cleaned_data

    def _check_version(self, opened_version):
        # The row stays locked until the admin's transaction commits the save,
        # so a second editor's check waits and then sees the bumped version.
        current = (
            Article.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values("version", "updated_at", "view_count")
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
                    "This story was changed by someone else at %(time)s after you "
                    "opened it; your text is still below: copy what you need, "
                    "reload, and save again."
                ),
                code="edit_conflict",
                params={
                    "time": timezone.localtime(current["updated_at"]).strftime("%H:%M")
                },
            )
        self.instance.version = current["version"]
        # Readers' views counted since the form was loaded are not undone.
        self.instance.view_count = current["view_count"]


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
