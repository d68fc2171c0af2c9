import datetime
import hashlib

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caching import keys
from caching.services import remember

from . import search
from .models import Article, Language, Organization

# Readers type dates as the date pickers send them; other formats would let
# "03/04/2023" mean different days to different readers.
DATE_INPUT_FORMATS = ["%Y-%m-%d"]
ORGANIZATIONS_CACHE_SECONDS = 10 * 60


def start_of_local_day(day):
    """Return the instant the calendar day `day` begins in the site's time zone
    (Europe/Minsk), or None for a day at the very edge of the calendar, where
    there is no earlier article to exclude anyway."""
    try:
        start = datetime.datetime.combine(day, datetime.time.min)
        return timezone.make_aware(start, timezone.get_default_timezone()).astimezone(
            datetime.UTC
        )
    except OverflowError:
        return None


def start_of_next_local_day(day):
    try:
        return start_of_local_day(day + datetime.timedelta(days=1))
    except OverflowError:
        return None


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        # The date picker only understands ISO dates, in any language.
        super().__init__(attrs=attrs, format="%Y-%m-%d")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # A date box may only hold a real date: one the reader got wrong
        # ("2023-13-45") goes back as typed, beside its error, in a text box.
        if isinstance(value, str) and value and not self._is_iso_date(value):
            context["widget"]["type"] = "text"
        return context

    @staticmethod
    def _is_iso_date(value):
        try:
            return datetime.date.fromisoformat(value).isoformat() == value
        except ValueError:
            return False


def organizations_by_slug():
    """{slug: organization} for every organization, kept until one changes:
    the filter checks readers' slugs against it without a query."""
    return remember(
        "articles:organizations-by-slug",
        (keys.ORGANIZATIONS,),
        lambda: Organization.objects.in_bulk(field_name="slug"),
        ORGANIZATIONS_CACHE_SECONDS,
    )


class OrganizationsField(django_filters.fields.ModelMultipleChoiceField):
    """The chosen organizations, checked against organizations_by_slug()
    instead of a query per request (Django's field runs one per value)."""

    def clean(self, value):
        # Django's answer to "none chosen" is an empty queryset, which costs
        # an evaluation each time the filter asks whether it is empty.
        if not value and not self.required:
            return []
        return super().clean(value)

    def _check_values(self, value):
        try:
            slugs = frozenset(value)
        except TypeError:
            raise ValidationError(
                self.error_messages["invalid_list"], code="invalid_list"
            ) from None
        known = organizations_by_slug()
        for slug in slugs:
            self.validate_no_null_characters(slug)
            if slug not in known:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": slug},
                )
        # In the organizations' own order (by name), as the query gave them.
        return sorted((known[slug] for slug in slugs), key=lambda o: (o.name, o.pk))


class OrganizationsFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = OrganizationsField


def all_organizations(request):
    # A callable, not a queryset: every FilterSet deep-copies its filters,
    # and copying a function costs nothing.
    return Organization.objects.all()


class ArticleFilterForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned_data = super().clean()
        date_from = cleaned_data.get("date_from")
        date_to = cleaned_data.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error(
                "date_to",
                _("The end date must not be before the start date."),
            )
        return cleaned_data


class ArticleFilter(django_filters.FilterSet):
    """The filters of /news/, the archives and the feeds.

    Empty and unknown parameters are ignored; a value that is present but
    wrong (an unknown organization, an impossible date) makes the form
    invalid, and the caller shows the error instead of results."""

    q = django_filters.CharFilter(
        label=_("Words"),
        method="filter_q",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    organization = OrganizationsFilter(
        label=_("Organization"),
        queryset=all_organizations,
        to_field_name="slug",
        method="filter_organization",
        widget=forms.CheckboxSelectMultiple,
    )
    date_from = django_filters.DateFilter(
        label=_("From"),
        method="filter_date_from",
        input_formats=DATE_INPUT_FORMATS,
        widget=DateInput,
    )
    date_to = django_filters.DateFilter(
        label=_("To"),
        method="filter_date_to",
        input_formats=DATE_INPUT_FORMATS,
        widget=DateInput,
    )
    language = django_filters.ChoiceFilter(
        label=_("Language"),
        choices=Language.choices,
        empty_label=_("Any language"),
    )

    class Meta:
        model = Article
        fields = ["q", "organization", "date_from", "date_to", "language"]
        form = ArticleFilterForm

    def __init__(self, data=None, queryset=None, **kwargs):
        if queryset is None:
            queryset = Article.objects.published().for_cards()
        if data is not None:
            data = self._without_empty_values(data)
        super().__init__(data, queryset=queryset, **kwargs)

    @property
    def is_blank(self):
        """True when the reader chose no filter (the query's empty values
        are dropped): the form then shows no value and no error."""
        return not any(name in (self.data or {}) for name in self.filters)

    def cache_key(self):
        """A short name for what the valid filters select, the same however
        the reader spelled or ordered them: for caching counts and pages."""
        parts = []
        for name in self.filters:
            value = self.form.cleaned_data.get(name)
            if not value:
                continue
            if name == "organization":
                value = sorted(organization.pk for organization in value)
            elif isinstance(value, datetime.date):
                value = value.isoformat()
            parts.append((name, value))
        return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()

    @staticmethod
    def _without_empty_values(data):
        """A copy of the query without blank values: `?organization=` or an
        untouched form field means "no filter", not "an organization named ''"."""
        if hasattr(data, "lists"):
            items = data.lists()
        else:
            items = (
                (key, value if isinstance(value, list | tuple) else [value])
                for key, value in data.items()
            )
        cleaned = QueryDict(mutable=True)
        for key, values in items:
            values = [str(value) for value in values if str(value).strip()]
            if values:
                cleaned.setlist(key, values)
        return cleaned

    def filter_q(self, queryset, name, value):
        """Full-text search in the title, lead and body, best match first
        (articles/search.py). Filters applied after it keep that order."""
        return search.search(queryset, value)

    def filter_organization(self, queryset, name, value):
        # The form has found the organizations already: filtering by their ids
        # spares every list and count a join on the organization table.
        if not value:
            return queryset
        if len(value) == 1:
            return queryset.filter(organization=value[0])
        return queryset.filter(organization__in=value)

    def filter_date_from(self, queryset, name, value):
        start = start_of_local_day(value)
        if start is None:
            return queryset
        return queryset.filter(published_at__gte=start)

    def filter_date_to(self, queryset, name, value):
        end = start_of_next_local_day(value)
        if end is None:
            return queryset
        return queryset.filter(published_at__lt=end)
