from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Max, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .phones import to_e164


class OfficeContactQuerySet(models.QuerySet):
    def primary(self):
        """The office shown on every page, with its numbers, or None."""
        return self.filter(is_primary=True).prefetch_related("numbers").first()


class OfficeContact(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    street_address = models.CharField(_("street address"), max_length=200)
    locality = models.CharField(_("locality"), max_length=100)
    region = models.CharField(_("region"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=100, default="Belarus")
    email = models.EmailField(_("e-mail"), blank=True)
    opening_hours = models.TextField(
        _("opening hours"), blank=True, help_text=_("One line per day or range.")
    )
    is_primary = models.BooleanField(
        _("primary office"),
        default=False,
        help_text=_("The primary office is shown on every page."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OfficeContactQuerySet.as_manager()
    # `history` (its revisions) is added in contacts/translation.py, after the
    # translated fields' languages, so that each revision keeps all three.

    class Meta:
        ordering = ("-is_primary", "name")
        verbose_name = _("office contact record")
        verbose_name_plural = _("office contact records")
        get_latest_by = "updated_at"
        constraints = [
            models.UniqueConstraint(
                fields=["is_primary"],
                condition=Q(is_primary=True),
                name="contacts_single_primary_office",
                violation_error_message=_("Only one office can be the primary office."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("contacts:list") + f"#{self.slug}"

    def get_vcard_url(self):
        return reverse("contacts:vcard", kwargs={"slug": self.slug})

    @property
    def opening_hours_lines(self):
        return [line for line in self.opening_hours.splitlines() if line.strip()]


class ContactNumberQuerySet(models.QuerySet):
    def next_order(self, contact_id):
        """The order that puts a new number after the office's others."""
        if contact_id is None:
            return 0
        last = self.filter(contact_id=contact_id).aggregate(last=Max("order"))
        return 0 if last["last"] is None else last["last"] + 1


class ContactNumber(models.Model):
    class Kind(models.TextChoices):
        PHONE = "phone", _("Phone")
        FAX = "fax", _("Fax")

    contact = models.ForeignKey(
        OfficeContact, on_delete=models.CASCADE, related_name="numbers"
    )
    kind = models.CharField(_("kind"), max_length=5, choices=Kind, default=Kind.PHONE)
    label = models.CharField(
        _("label"), max_length=100, blank=True, help_text=_("Optional, e.g. Reception.")
    )
    number = models.CharField(
        _("number"),
        max_length=50,
        help_text=_("As people dial it, e.g. 8 (02155) 3-10-14."),
    )
    e164 = models.CharField(_("international form"), max_length=20, editable=False)
    # Left empty, a new number goes after the office's others (save()).
    order = models.PositiveSmallIntegerField(
        _("order"), blank=True, help_text=_("Empty: after the others.")
    )

    objects = ContactNumberQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("phone or fax number revision"))

    class Meta:
        ordering = ("order", "pk")
        verbose_name = _("phone or fax number")
        verbose_name_plural = _("phone and fax numbers")

    def __str__(self):
        return self.number

    def save(self, *args, **kwargs):
        self.e164 = to_e164(self.number)
        if self.order is None:
            self.order = ContactNumber.objects.next_order(self.contact_id)
        super().save(*args, **kwargs)

    def clean(self):
        if not self.number:
            return  # the field's own "required" error already says so
        try:
            self.e164 = to_e164(self.number)
        except ValueError:
            raise ValidationError(
                {
                    "number": _(
                        "“%(number)s” is not a phone number we can dial; type it "
                        "as it is dialled in Belarus, e.g. 8 (02155) 3-10-14."
                    )
                    % {"number": self.number}
                }
            ) from None

    @property
    def is_fax(self):
        return self.kind == self.Kind.FAX
