from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "contacts"
    verbose_name = _("Office contacts")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from caching import keys
        from caching.services import purge

        from .models import ContactNumber, OfficeContact

        def office_changed(sender, **kwargs):
            purge({keys.OFFICE})

        # Every page's footer shows the primary office.
        for model in (OfficeContact, ContactNumber):
            post_save.connect(office_changed, sender=model, weak=False)
            post_delete.connect(office_changed, sender=model, weak=False)
