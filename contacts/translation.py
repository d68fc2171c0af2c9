"""The office's name, address (country included) and hours in each interface language
(django-modeltranslation); a page shows the English text where its own
language's is empty."""

import simple_history
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import TranslationOptions, register

from .models import OfficeContact


@register(OfficeContact)
class OfficeContactTranslationOptions(TranslationOptions):
    fields = ("name", "street_address", "locality", "country", "opening_hours")
    required_languages = {"en": ("name", "street_address", "locality", "country")}


# Registered after the translation, as django-simple-history advises for
# modeltranslation: the revisions then carry every language's columns.
simple_history.register(OfficeContact, verbose_name=_("office contact revision"))
