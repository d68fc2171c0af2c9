from django.contrib import admin

from .forms import ContactNumberForm
from .models import ContactNumber, OfficeContact


class ContactNumberInline(admin.TabularInline):
    model = ContactNumber
    form = ContactNumberForm
    fields = ("kind", "label", "number", "e164", "order")
    readonly_fields = ("e164",)
    extra = 1


@admin.register(OfficeContact)
class OfficeContactAdmin(admin.ModelAdmin):
    list_display = ("name", "locality", "postal_code", "is_primary", "updated_at")
    list_filter = ("is_primary",)
    search_fields = ("name", "street_address", "locality")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (ContactNumberInline,)
