"""The ceiling: the fastest any Django page can be on this machine.

A prebuilt HTML string as big as /news/'s response, answered by a plain view
with no database and no template, through the same middleware and gunicorn
as every other page. `make bench` sets BENCH_CEILING_BYTES to /news/'s size."""

import os

from django.http import HttpResponse

_HEAD = (
    '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
    "<title>Ceiling</title></head>\n<body>\n<main>\n"
)
_TAIL = "</main>\n</body>\n</html>\n"
_PARAGRAPH = (
    "<p>The ninth meeting of the heads of border services of the member "
    "states took place in Almaty, representatives of the committee said.</p>\n"
)


def ceiling_page(size):
    """An ASCII HTML document of exactly `size` bytes (or the bare frame if
    `size` is smaller than that)."""
    room = max(size - len(_HEAD) - len(_TAIL), 0)
    paragraphs = _PARAGRAPH * (room // len(_PARAGRAPH))
    padding = " " * (room - len(paragraphs))
    return (_HEAD + paragraphs + padding + _TAIL).encode("ascii")


PAGE = ceiling_page(int(os.environ.get("BENCH_CEILING_BYTES") or 30_000))


def ceiling(request):
    return HttpResponse(PAGE)
