from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from caching import keys

from .fields import ResponsiveImageField


class PhotoQuerySet(models.QuerySet):
    def in_order(self):
        return self.order_by("order", "pk")

    def in_gallery(self):
        """Photos marked for the public gallery (the slider and /gallery/);
        the rest of the media library appears only inside stories."""
        return self.filter(in_gallery=True)


class Photo(models.Model):
    """An image in the media library: uploaded here or from a story's body
    editor. Only those marked in_gallery are shown in the public gallery."""

    image = ResponsiveImageField(
        _("image"),
        upload_to="gallery/%Y/%m/",
        width_field="width",
        height_field="height",
        help_text=_("JPEG, PNG or WebP, at most 10 MB."),
    )
    width = models.PositiveIntegerField(null=True, editable=False)
    height = models.PositiveIntegerField(null=True, editable=False)
    caption = models.CharField(
        _("caption"),
        max_length=200,
        blank=True,
        help_text=_("Required for photos in the public gallery."),
    )
    alt_text = models.CharField(
        _("alt text"),
        max_length=300,
        help_text=_("Describes the photo for readers who cannot see it."),
    )
    credit = models.CharField(_("credit"), max_length=200, blank=True)
    in_gallery = models.BooleanField(
        _("public gallery"),
        default=False,
        help_text=_(
            "Shown in the home page's slider and on the gallery page. Images "
            "uploaded into stories are not, unless marked here."
        ),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Filled in by the image field: the sizes and formats pages show.
    renditions = models.JSONField(default=dict, blank=True, editable=False)

    objects = PhotoQuerySet.as_manager()
    # `history` (its revisions) is added in gallery/translation.py, after the
    # translated fields' languages, so that each revision keeps all three.

    class Meta:
        ordering = ("order", "pk")
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        get_latest_by = "created_at"

    def __str__(self):
        return self.caption or self.alt_text

    def get_absolute_url(self):
        if not self.in_gallery:
            return self.image.url  # shown only inside stories
        return reverse("gallery:list") + f"#photo-{self.pk}"

    def clean(self):
        if self.in_gallery and not (self.caption or "").strip():
            raise ValidationError(
                # The caption in the site's own language, as forms name it.
                {
                    f"caption_{settings.LANGUAGE_CODE}": _(
                        "A photo in the public gallery needs a caption."
                    )
                }
            )

    @classmethod
    def surrogate_keys_for(cls, pks):
        """What shows these photos, for shared caches (caching.keys)."""
        return {keys.GALLERY}
