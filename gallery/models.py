from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .fields import ResponsiveImageField


class PhotoQuerySet(models.QuerySet):
    def in_order(self):
        return self.order_by("order", "pk")


class Photo(models.Model):
    image = ResponsiveImageField(
        _("image"),
        upload_to="gallery/%Y/%m/",
        width_field="width",
        height_field="height",
        help_text=_("JPEG, PNG or WebP, at most 10 MB."),
    )
    width = models.PositiveIntegerField(null=True, editable=False)
    height = models.PositiveIntegerField(null=True, editable=False)
    caption = models.CharField(_("caption"), max_length=200)
    alt_text = models.CharField(
        _("alt text"),
        max_length=300,
        help_text=_("Describes the photo for readers who cannot see it."),
    )
    credit = models.CharField(_("credit"), max_length=200, blank=True)
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
        return self.caption

    def get_absolute_url(self):
        return reverse("gallery:list") + f"#photo-{self.pk}"
