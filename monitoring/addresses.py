from django.conf import settings


def client_ip_address(request):
    """Return the client's address: the entry our nearest proxies appended to
    X-Forwarded-For (entries further left are the client's own claims)."""
    proxies = settings.NEWSROOM_PROXY_COUNT
    if proxies:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        forwarded = [address.strip() for address in forwarded if address.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
