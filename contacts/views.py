from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe
from django.views.generic import ListView

from caching import keys
from caching.views import SharedCacheMixin, tag

from .models import OfficeContact
from .vcard import office_vcard


class OfficeListView(SharedCacheMixin, ListView):
    # Every page shows the office; this one shows every office record.
    template_name = "contacts/contact_list.html"
    context_object_name = "offices"

    def get_queryset(self):
        return OfficeContact.objects.prefetch_related("numbers")


@require_safe
def office_vcard_download(request, slug):
    office = get_object_or_404(
        OfficeContact.objects.prefetch_related("numbers"), slug=slug
    )
    response = HttpResponse(
        office_vcard(office), content_type="text/vcard; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{office.slug}.vcf"'
    return tag(response, {keys.OFFICE})
