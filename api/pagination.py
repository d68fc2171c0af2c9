"""Cursor pages of stories, newest first.

A cursor, unlike a page number, stays on the same stories while new ones
are published above them, and costs the same at any depth (a keyset seek on
article_public_newest_idx). `limit` sets the page size: above 100 it counts
as 100. Like a wrong filter value, a `limit` that is not a positive whole
number, or a cursor we did not make, answers 400 naming the parameter.
The API is served at unprefixed addresses, so always in English."""

import re

from django.conf import settings
from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

MAX_LIMIT = 100
WHOLE_NUMBER = re.compile(r"[0-9]+")


class ArticleCursorPagination(CursorPagination):
    ordering = ("-published_at", "-pk")
    page_size = settings.NEWSROOM_PAGE_SIZE
    page_size_query_param = "limit"
    max_page_size = MAX_LIMIT
    page_size_query_description = (
        f"Stories per page, at most {MAX_LIMIT}: a larger number counts as {MAX_LIMIT}."
    )
    cursor_query_description = "Where the page starts: from a `next` or `prev` link."

    def get_page_size(self, request):
        given = request.query_params.get(self.page_size_query_param, "").strip()
        if not given:
            return self.page_size
        # Digits only ("+5", "5.0" and "٥" are not what we document), and
        # never int() of a huge string: past three digits it is over 100.
        digits = given.lstrip("0")
        if not WHOLE_NUMBER.fullmatch(given) or not digits:
            raise ValidationError(
                {self.page_size_query_param: ["Enter a whole number from 1."]}
            )
        return (
            self.max_page_size
            if len(digits) > 3
            else min(int(digits), self.max_page_size)
        )

    def decode_cursor(self, request):
        invalid = ValidationError(
            {self.cursor_query_param: [self.invalid_cursor_message]}
        )
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise invalid from None
        # The position is a publication time that goes into the query as it
        # is: anything else would fail there, as a 500.
        if cursor is not None and cursor.position is not None:
            try:
                position = parse_datetime(cursor.position)
            except ValueError:
                position = None
            if position is None or position.tzinfo is None:
                raise invalid
        return cursor

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters


class NinjsCursorPagination(ArticleCursorPagination):
    """A page of ninjs is a plain JSON array of items, the form a ninjs feed
    takes, so a neighbour's Newsroom can subscribe to it as it is; the next
    and previous pages are in the `Link` header (RFC 8288)."""

    def get_paginated_response(self, data):
        links = [
            f'<{url}>; rel="{relation}"'
            for relation, url in (
                ("next", self.get_next_link()),
                ("prev", self.get_previous_link()),
            )
            if url
        ]
        headers = {"Link": ", ".join(links)} if links else None
        return Response(data, headers=headers)

    def get_paginated_response_schema(self, schema):
        return schema
