from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .forms import ContactNumberForm
from .models import ContactNumber, OfficeContact


class ContactNumberInline(admin.TabularInline):
    model = ContactNumber
    form = ContactNumberForm
    fields = ("kind", "label", "number", "e164", "order")
    readonly_fields = ("e164",)
    extra = 1


@admin.register(OfficeContact)
class OfficeContactAdmin(SimpleHistoryAdmin):
    list_display = ("name", "locality", "postal_code", "is_primary", "updated_at")
    list_filter = ("is_primary",)
    search_fields = ("name", "street_address", "locality")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (ContactNumberInline,)
    object_history_template = "admin/contacts/officecontact/object_history.html"
    object_history_list_template = "admin/object_history_list_with_changes.html"
    number_history_shown = 50

    def history_view(self, request, object_id, extra_context=None):
        # The numbers are edited on the office's page, so their revisions
        # are listed under the office's own.
        numbers = (
            ContactNumber.history.filter(contact_id=object_id)
            .select_related("history_user")
            .order_by("-history_date", "-history_id")
        )
        extra_context = {
            "number_history": numbers[: self.number_history_shown],
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, extra_context)
