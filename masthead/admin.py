from django.contrib import admin
from django.shortcuts import redirect
from modeltranslation.admin import TranslationAdmin

from .models import ONLY_ID, Masthead


# The site's one name, edited one language under another
# (masthead/translation.py).
@admin.register(Masthead)
class MastheadAdmin(TranslationAdmin):
    fields = ("name",)

    def has_add_permission(self, request):
        # The one row is made by saving its form for the first time.
        return False

    def has_delete_permission(self, request, obj=None):
        # The name is changed, never removed: every page shows one.
        return False

    def changelist_view(self, request, extra_context=None):
        # A list of one: the admin index leads straight to the form.
        return redirect("admin:masthead_masthead_change", ONLY_ID)

    def get_object(self, request, object_id, from_field=None):
        masthead = super().get_object(request, object_id, from_field)
        if masthead is None and object_id == str(ONLY_ID):
            # Until a name is saved, the form starts from the default names
            # the pages show; saving it creates the row.
            return Masthead.with_default_names()
        return masthead
