import datetime
import json
from itertools import groupby

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import QueryDict
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import (
    get_language,
    get_language_from_path,
    get_language_info,
    gettext_noop,
)
from django.utils.translation import gettext as _

from articles import view_counts
from articles.models import Article
from caching import keys
from caching.services import remember
from masthead.selectors import site_name

register = template.Library()

# Kept until the lists change (a publication, an unpublication, an expiry);
# this only bounds how long the counts linger in the cache.
ARCHIVE_MONTHS_CACHE_SECONDS = 60 * 60

# The default share image and the publisher's logo (static/img/), with their
# sizes, which link previews and schema.org want to know.
SHARE_IMAGE = ("img/share-default.png", 1200, 630)
LOGO_IMAGE = ("img/logo.png", 512, 512)

# The same escapes as Django's json_script, so no string in the data can close
# the <script> element or open a comment inside it.
JSON_SCRIPT_ESCAPES = {
    ord(">"): "\\u003E",
    ord("<"): "\\u003C",
    ord("&"): "\\u0026",
}


# --- The archive sidebar ----------------------------------------------------------

# Django's own Belarusian catalogue gives the plain month names ("F") in the
# genitive ("ліпеня 2023"); listing them here puts them in our catalogue, which
# comes first (LOCALE_PATHS), with the nominative ("ліпень 2023").
MONTH_NAMES = (
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
)


def archive_month_counts():
    """Return [(year, month, count)] for every month with published news,
    newest first, kept until the lists change, so a story just published is
    counted at once. Months are calendar months in the site's time zone
    (Europe/Minsk), like the archive addresses."""
    return remember(
        "articles:archive-months",
        (keys.ARTICLE_LISTS,),
        lambda: Article.objects.published().count_by_month(
            timezone.get_default_timezone()
        ),
        ARCHIVE_MONTHS_CACHE_SECONDS,
    )


@register.inclusion_tag("articles/_archive_months.html")
def archive_months():
    """The news archive: each year with its months and how many stories
    each holds, linking to the year and month archives."""
    years = []
    for year, months in groupby(archive_month_counts(), key=lambda row: row[0]):
        months = [
            {"date": datetime.date(year, month, 1), "count": n}
            for _, month, n in months
        ]
        years.append(
            {
                "year": year,
                "count": sum(month["count"] for month in months),
                "months": months,
            }
        )
    return {"years": years}


@register.simple_tag
def archive_neighbours(year=None, month=None):
    """The nearest earlier and later periods that have news, from the cached
    counts: months around a month archive, years around a year archive. (The
    archives' own previous/next would step into empty months.)"""
    # Outside the archives the template passes "" (an unset variable).
    counts = archive_month_counts()
    if isinstance(month, datetime.date):
        current = datetime.date(month.year, month.month, 1)
        periods = {datetime.date(y, m, 1) for y, m, _ in counts}
    elif isinstance(year, datetime.date):
        current = datetime.date(year.year, 1, 1)
        periods = {datetime.date(y, 1, 1) for y, _, _ in counts}
    else:
        return {"previous": None, "next": None}
    earlier = sorted(period for period in periods if period < current)
    later = sorted(period for period in periods if period > current)
    return {
        "previous": earlier[-1] if earlier else None,
        "next": later[0] if later else None,
    }


# --- Addresses: canonical and in other languages -------------------------------


def _absolute(request, url):
    return request.build_absolute_uri(url)


def _meaningful_query(context):
    """The filters and page that change what a list shows, in a fixed order:
    unknown parameters, empty values and page 1 are dropped."""
    filterset = context.get("filter")
    items = []
    if filterset is not None and filterset.is_valid():
        for name in filterset.filters:
            values = sorted(set(filterset.data.getlist(name)))
            items.extend((name, value) for value in values)
    page_obj = context.get("page_obj")
    if page_obj is not None and page_obj.number > 1:
        items.append(("page", str(page_obj.number)))
    return items


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The page's one absolute address on the host that served it; lists keep
    only their meaningful filters and page."""
    request = context["request"]
    query = QueryDict(mutable=True)
    for name, value in _meaningful_query(context):
        query.appendlist(name, value)
    url = request.path + (f"?{query.urlencode()}" if query else "")
    return _absolute(request, url)


def path_in_language(path_info, language):
    """The same page's path in `language`: English unprefixed, the others
    under /ru/ and /be/ (page addresses are not themselves translated)."""
    current = get_language_from_path(path_info)
    if current and path_info.startswith(f"/{current}/"):
        path_info = path_info[len(current) + 1 :]
    if language != settings.LANGUAGE_CODE:
        path_info = f"/{language}{path_info}"
    return get_script_prefix().rstrip("/") + path_info


@register.simple_tag(takes_context=True)
def language_versions(context, keep_query=True):
    """This page in each interface language, for the switcher and hreflang:
    [{code, name, url, is_current}]."""
    request = context["request"]
    query = request.META.get("QUERY_STRING", "") if keep_query else ""
    current = get_language()
    versions = []
    for code, _name in settings.LANGUAGES:
        url = path_in_language(request.path_info, code)
        if query:
            url = f"{url}?{query}"
        versions.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": url,
                "absolute_url": _absolute(request, url),
                "is_current": code == current,
            }
        )
    return versions


@register.simple_tag(takes_context=True)
def feed_urls(context):
    """The RSS and Atom feeds of what the page lists: {"rss", "atom"}, each
    carrying the filters the view put in `feed_filters` (none on other
    pages, which link the whole news feed)."""
    query = urlencode(context.get("feed_filters") or [])
    suffix = f"?{query}" if query else ""
    return {
        "rss": reverse("articles:feed") + suffix,
        "atom": reverse("articles:feed-atom") + suffix,
    }


# --- Link previews and structured data ----------------------------------------


@register.simple_tag(takes_context=True)
def share_image(context, article=None):
    """The picture a link preview shows: the article's hero image, else its
    organization's logo, else the site's default image. A dict of absolute
    url, width, height (None when unknown), alt and whether it is large."""
    request = context["request"]
    if article is not None and article.hero_image:
        return {
            "url": _absolute(request, article.hero_image.url),
            "width": article.hero_width,
            "height": article.hero_height,
            "alt": article.hero_alt_text or article.title,
            "large": True,
        }
    if article is not None and article.organization.logo:
        return {
            "url": _absolute(request, article.organization.logo.url),
            "width": None,
            "height": None,
            "alt": article.organization.name,
            "large": False,
        }
    path, width, height = SHARE_IMAGE
    return {
        "url": _absolute(request, static(path)),
        "width": width,
        "height": height,
        "alt": site_name(),
        "large": True,
    }


def json_ld_script(data):
    """A <script type="application/ld+json"> data block, escaped like
    json_script. Browsers do not run data blocks, so the CSP (no inline
    scripts) does not block it."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(JSON_SCRIPT_ESCAPES)),
    )


def _iso(moment):
    return timezone.localtime(moment).isoformat(timespec="seconds")


@register.simple_tag(takes_context=True)
def article_json_ld(context, article, url, image):
    """schema.org NewsArticle for one article page, at its canonical `url`,
    with the `image` share_image chose for its link preview."""
    request = context["request"]
    logo_path, logo_width, logo_height = LOGO_IMAGE
    publisher = {
        "@type": "Organization",
        "name": site_name(),
        "url": _absolute(request, path_in_language("/", get_language())),
        "logo": {
            "@type": "ImageObject",
            "url": _absolute(request, static(logo_path)),
            "width": logo_width,
            "height": logo_height,
        },
    }
    organization = article.organization
    if article.byline:
        author = {"@type": "Person", "name": article.byline}
    else:
        author = {
            "@type": "Organization",
            "name": organization.name,
            "url": _absolute(request, organization.get_absolute_url()),
        }
    image_object = {"@type": "ImageObject", "url": image["url"]}
    if image["width"] and image["height"]:
        image_object.update(width=image["width"], height=image["height"])
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "description": article.lead,
        "datePublished": _iso(article.published_at),
        "dateModified": _iso(max(article.updated_at, article.published_at)),
        "author": [author],
        "publisher": publisher,
        "sourceOrganization": {
            "@type": "Organization",
            "name": organization.name,
            "alternateName": organization.native_name or organization.short_name,
        },
        "image": [image_object],
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "inLanguage": article.language,
    }
    if article.dateline:
        data["dateline"] = article.dateline
    if not article.lead:
        del data["description"]
    return json_ld_script(data)


@register.simple_tag
def filter_summary(filterset):
    """What a valid filter narrows a list to, in words, so that each filtered
    list has its own title: "BelTA, SCO RATS · from 1 July 2023 · “border”"."""
    if filterset is None or not filterset.is_valid():
        return ""
    data = filterset.form.cleaned_data
    parts = []
    if data.get("organization"):
        parts.append(", ".join(org.short_name for org in data["organization"]))
    if data.get("language"):
        parts.append(str(dict(settings.LANGUAGES).get(data["language"], "")))
    if data.get("date_from"):
        parts.append(_("from %(date)s") % {"date": date_format(data["date_from"])})
    if data.get("date_to"):
        parts.append(_("to %(date)s") % {"date": date_format(data["date_to"])})
    if data.get("q"):
        parts.append(_("“%(words)s”") % {"words": data["q"]})
    return " · ".join(part for part in parts if part)


# Open Graph names a locale, not a language; one country per interface language.
OG_LOCALES = {"en": "en_US", "ru": "ru_RU", "be": "be_BY"}


@register.filter
def language_locale(code):
    return OG_LOCALES.get(code, code)


@register.filter
def view_count_label(count):
    """ "N views", translated: the same text the edge's include answers
    (articles.views.view_count)."""
    return view_counts.view_count_label(count)
