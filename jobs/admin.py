from django.contrib import admin

from .models import PeriodicJob


@admin.register(PeriodicJob)
class PeriodicJobAdmin(admin.ModelAdmin):
    list_display = ("name", "last_succeeded_at", "failures_in_a_row", "last_failed_at")
    readonly_fields = (
        "name",
        "last_succeeded_at",
        "last_failed_at",
        "failures_in_a_row",
        "last_error",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
