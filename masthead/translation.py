"""The site's name in each interface language (django-modeltranslation); a
page shows the English name where its own language's is empty."""

from modeltranslation.translator import TranslationOptions, register

from .models import Masthead


@register(Masthead)
class MastheadTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = {"en": ("name",)}
