from django.contrib import admin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from monitoring.admin_search import BoundedSearchMixin

from .forms import ContactNumberForm
from .models import ContactNumber, OfficeContact


class ContactNumberInline(admin.TabularInline):
    model = ContactNumber
    form = ContactNumberForm
    fields = ("kind", "label", "number", "e164", "order")
    readonly_fields = ("e164",)
    extra = 1

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # New rows, "Add another" ones included, go after the existing numbers
        # (equal orders keep the order they were added in).
        formset.form.base_fields["order"].initial = ContactNumber.objects.next_order(
            obj.pk if obj else None
        )
        return formset


# The name, address and hours are edited one language under another
# (contacts/translation.py).
@admin.register(OfficeContact)
class OfficeContactAdmin(BoundedSearchMixin, TranslationAdmin, SimpleHistoryAdmin):
    list_display = ("name", "locality", "postal_code", "is_primary", "updated_at")
    list_filter = ("is_primary",)
    search_fields = tuple(
        f"{field}_{language}"
        for field in ("name", "street_address", "locality")
        for language in ("en", "ru", "be")
    )
    prepopulated_fields = {"slug": ("name",)}
    inlines = (ContactNumberInline,)
    object_history_template = "admin/contacts/officecontact/object_history.html"
    object_history_list_template = "admin/object_history_list_with_changes.html"
    number_history_shown = 50

    def get_readonly_fields(self, request, obj=None):
        # The slug is the vCard's address (/contacts/<slug>.vcf): set once,
        # when the office is added, so saved and shared links keep working.
        if obj is not None:
            return (*super().get_readonly_fields(request, obj), "slug")
        return super().get_readonly_fields(request, obj)

    def get_prepopulated_fields(self, request, obj=None):
        if obj is not None:
            return {}
        return super().get_prepopulated_fields(request, obj)

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
