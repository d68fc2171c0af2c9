from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class ReaderRateThrottle(AnonRateThrottle):
    """Each client address's share of the API: NEWSROOM_API_RATE requests
    (say "120/min"), counted in the default cache; then 429 with Retry-After.
    The rate is read per request, not once at import as DRF's own is."""

    def get_rate(self):
        return settings.NEWSROOM_API_RATE
