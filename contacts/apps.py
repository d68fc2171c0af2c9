from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "contacts"
    verbose_name = _("Office contacts")

    def ready(self):
        from pagecache.content_version import invalidate_on_change

        from .models import ContactNumber, OfficeContact

        # Every page's footer shows the primary office.
        invalidate_on_change(OfficeContact, ContactNumber)
