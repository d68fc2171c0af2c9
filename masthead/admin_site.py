from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .selectors import site_name


class NewsroomAdminSite(admin.AdminSite):
    """The admin carries the site's name, in the editor's language, not
    "Django administration"."""

    index_title = _("Editor's desk")

    def each_context(self, request):
        context = super().each_context(request)
        # Read once for the page's header and its <title>.
        context["site_header"] = context["site_title"] = site_name()
        return context
