"""Pages with the headers the caching contract gives (caching.middleware
writes them for the app's own pages), each with a fresh token in its body
so a test can tell a kept copy from a new answer; then the app's own
addresses."""

import time
import uuid

from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from newsroom.urls import urlpatterns as app_urlpatterns

KEY_HEADERS = ("Surrogate-Key", "xkey", "Cache-Tag")


def shared(response, keys, seconds=60):
    response["Cache-Control"] = f"public, max-age=0, s-maxage={seconds}"
    for header in KEY_HEADERS:
        response[header] = keys
    return response


def tagged(request, name):
    """Shareable, named by the keys in ?keys= (default: the page's name); not
    to be kept (s-maxage=0) from the time in ?settling-from= (default: ever)
    until the time in ?settled-at=, as the app says of a page rendered while
    what it shows was changing."""
    text = f"{name} {request.scheme}://{request.get_host()} {uuid.uuid4()}\n"
    now = time.time()
    settling = (
        float(request.GET.get("settling-from", 0))
        <= now
        < float(request.GET.get("settled-at", 0))
    )
    # Long enough to be worth compressing.
    return shared(
        HttpResponse(text * 40), request.GET.get("keys", name), 0 if settling else 60
    )


def untagged(request, name):
    response = HttpResponse(f"{name} {uuid.uuid4()}\n")
    response["Cache-Control"] = "public, max-age=0, s-maxage=60"
    return response


def tagged_with_cookie(request, name):
    response = shared(HttpResponse(f"{name} {uuid.uuid4()}\n"), name)
    response.set_cookie("csrftoken", "token-for-one-reader")
    return response


def with_include(request, name, included="/edge-test/fragment/"):
    """Includes a never-kept fragment where the edge said it processes ESI;
    renders it in place otherwise. With an ETag, as the app's pages have."""
    if 'varnish="ESI/1.0"' in request.headers.get("Surrogate-Capability", ""):
        response = HttpResponse(
            f'<p>{name} {uuid.uuid4()}</p><esi:include src="{included}"/>'
        )
        response["Surrogate-Control"] = 'content="ESI/1.0"'
    else:
        response = HttpResponse(f"<p>{name} {uuid.uuid4()}</p>{fragment_text()}")
    response["ETag"] = f'"{uuid.uuid4().hex}"'
    return shared(response, name)


def fragment_text():
    return f"<span>fragment {uuid.uuid4()}</span>"


def fragment(request):
    response = HttpResponse(fragment_text())
    response["Cache-Control"] = "private, no-store"
    return response


def echo(request):
    """What reached the app: the headers the edge sets, drops or keeps."""
    headers = (
        "Surrogate-Capability",
        "X-Forwarded-For",
        "X-Forwarded-Proto",
        "X-Forwarded-Host",
        "X-Forwarded-Ssl",
        "Accept-Language",
        "Cookie",
        "User-Agent",
        "xkey-purge",
    )
    return JsonResponse(
        {
            "headers": {name: request.headers.get(name) for name in headers},
            "scheme": request.scheme,
            "remote_addr": request.META["REMOTE_ADDR"],
        }
    )


def tagged_by_the_app(request, name):
    """Tagged the app's way (caching.views.tag), so caching.middleware writes
    the headers."""
    from caching.views import tag

    return tag(HttpResponse(f"{name} {uuid.uuid4()}\n"), request.GET["keys"].split())


@csrf_exempt
def change(request):
    """A write that changes what the keys in ?keys= show."""
    from caching.services import purge

    with transaction.atomic():
        purge(request.GET["keys"].split())
    return HttpResponse(status=204)


urlpatterns = [
    path("edge-test/tagged/<slug:name>/", tagged),
    path("edge-test/untagged/<slug:name>/", untagged),
    path("edge-test/cookie/<slug:name>/", tagged_with_cookie),
    path("edge-test/esi/<slug:name>/", with_include),
    path(
        "edge-test/esi-echo/<slug:name>/",
        with_include,
        {"included": "/edge-test/echo/"},
    ),
    path(
        "edge-test/esi-count/<slug:name>/",
        with_include,
        {"included": "/views/1/"},
    ),
    path("edge-test/fragment/", fragment),
    path("edge-test/echo/", echo),
    path("edge-test/app-tagged/<slug:name>/", tagged_by_the_app),
    path("edge-test/change/", change),
    *app_urlpatterns,
]
