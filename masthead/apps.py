from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class MastheadConfig(AppConfig):
    name = "masthead"
    verbose_name = _("Site")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from caching import keys
        from caching.services import purge

        from .models import Masthead

        def name_changed(sender, **kwargs):
            purge({keys.SITE})

        # Every page shows the site's name.
        post_save.connect(name_changed, sender=Masthead, weak=False)
        post_delete.connect(name_changed, sender=Masthead, weak=False)


class NewsroomAdminConfig(admin_apps.AdminConfig):
    """Django's admin, whose site carries the site's name (INSTALLED_APPS
    names this in place of django.contrib.admin)."""

    default = False
    default_site = "masthead.admin_site.NewsroomAdminSite"
