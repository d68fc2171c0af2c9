"""A photo's caption, alt text and credit in each interface language
(django-modeltranslation); a page shows the English text where its own
language's is empty."""

import simple_history
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import TranslationOptions, register

from .models import Photo


@register(Photo)
class PhotoTranslationOptions(TranslationOptions):
    fields = ("caption", "alt_text", "credit")
    required_languages = {"en": ("caption", "alt_text")}


# Registered after the translation, as django-simple-history advises for
# modeltranslation: the revisions then carry every language's columns.
simple_history.register(Photo, verbose_name=_("photo revision"))
