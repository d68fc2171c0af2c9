from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

# What pages and the admin show until a name is saved, in the page's language
# (locale/).
DEFAULT_SITE_NAME = _("Postavy District Newsroom")
# The site has one name: its row always has this id.
ONLY_ID = 1


class MastheadQuerySet(models.QuerySet):
    def current(self):
        """The site's one masthead, or None until its name is first saved."""
        return self.filter(pk=ONLY_ID).first()


class Masthead(models.Model):
    """The site's name, in each interface language (masthead/translation.py):
    shown on every page and in the admin. The site has one; saving its form
    in the admin creates or changes that row."""

    id = models.PositiveSmallIntegerField(
        primary_key=True, default=ONLY_ID, editable=False
    )
    name = models.CharField(
        _("site name"),
        max_length=100,
        help_text=_(
            "Shown on every page and in the admin, in the page's language; "
            "where a language's name is empty, the English one is shown."
        ),
    )

    objects = MastheadQuerySet.as_manager()

    class Meta:
        verbose_name = _("site name")
        verbose_name_plural = _("site name")
        constraints = [
            models.CheckConstraint(
                condition=Q(id=ONLY_ID),
                name="masthead_one_row",
                violation_error_message=_("The site has only one name."),
            ),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def with_default_names(cls):
        """An unsaved masthead holding the default name in each language:
        what pages show before a name is saved."""
        names = {}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                names[build_localized_fieldname("name", language)] = str(
                    DEFAULT_SITE_NAME
                )
        return cls(**names)
