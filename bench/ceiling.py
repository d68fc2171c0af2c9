"""The ceiling: the fastest any Django page can be on this machine.

A prebuilt HTML string of the size in the address (`/__ceiling__/<bytes>/`,
as big as the page it is compared with), answered by a plain view with no
database and no template, through the same middleware and gunicorn as every
other page."""

import functools

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


# A few sizes per run; each page is built once per worker.
_page = functools.lru_cache(maxsize=16)(ceiling_page)


def ceiling(request, size):
    return HttpResponse(_page(min(size, 10_000_000)))
