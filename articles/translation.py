"""The organization's name, short name and country in each interface language
(django-modeltranslation: name_en, name_ru, name_be columns; `name` reads
the active language's, the English one where it is empty). The name in the
organization's own language (native_name) is one text for every language."""

import simple_history
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import TranslationOptions, register

from .models import Organization


@register(Organization)
class OrganizationTranslationOptions(TranslationOptions):
    fields = ("name", "short_name", "country")
    required_languages = {"en": ("name", "short_name")}


# Registered after the translation, as django-simple-history advises for
# modeltranslation: the revisions then carry every language's columns.
simple_history.register(Organization, verbose_name=_("organization revision"))
