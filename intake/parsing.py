"""Reading a source feed's bytes: RSS 2.0 and Atom 1.0 through feedparser,
JSON Feed 1.1 and IPTC ninjs (a list of items, or one) directly. Every piece
of incoming HTML goes through the articles' sanitiser (nh3); titles and leads
become plain text.

Nothing here touches the network or the database: intake.fetching brings the
bytes, intake.services makes articles of the items."""

import hashlib
import html
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import feedparser
import nh3
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError as XMLParseError
from defusedxml.ElementTree import fromstring as defused_fromstring
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.fields import sanitize_html

# More than this many items in one feed are not read (the first ones are).
MAX_ITEMS = 500
TITLE_LENGTH = 255
LEAD_LENGTH = 600
# A body with less text than this is too short to recognise an item by.
FINGERPRINT_MIN_CHARS = 100
# Query parameters that only say where a reader clicked.
TRACKING_PARAMETERS = re.compile(r"^(utm_\w+|fbclid|gclid|yclid|_openstat|from)$", re.I)
JSON_FEED_VERSION = "https://jsonfeed.org/version/"


class FeedError(Exception):
    """The bytes are not a feed we can read; the message says why."""


@dataclass(frozen=True)
class Item:
    guid: str
    link: str
    title: str
    lead: str
    body: str
    published_at: datetime | None
    language: str
    withdrawn: bool = False

    @property
    def digest(self):
        """A digest of everything intake takes from the item."""
        parts = [
            self.guid,
            self.link,
            self.title,
            self.lead,
            self.body,
            self.published_at.isoformat() if self.published_at else "",
            self.language,
            str(self.withdrawn),
        ]
        return _sha("\x1f".join(parts))


@dataclass
class Feed:
    items: list[Item] = field(default_factory=list)
    language: str = ""


def parse_feed(body: bytes) -> Feed:
    """Read `body` as RSS, Atom, JSON Feed or ninjs; raise FeedError if it is
    none of them, is malformed beyond reading, or declares XML entities."""
    text_start = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if text_start in (b"{", b"["):
        return _parse_json(body)
    return _parse_xml(body)


# --- Plain text and HTML ---------------------------------------------------------


def plain_text(value):
    """`value` (HTML or text) as plain text: tags dropped, entities read,
    whitespace collapsed."""
    text = html.unescape(nh3.clean(value or "", tags=set()))
    return " ".join(text.split())


def shorten(text, length):
    if len(text) <= length:
        return text
    cut = text[: length - 1].rsplit(" ", 1)[0]
    return f"{cut}…"


def body_html(value, *, is_html=True):
    """The body as sanitised HTML paragraphs: plain text is split into
    paragraphs at blank lines."""
    if not is_html:
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", value or "")]
        value = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs if p)
    elif value and not re.search(r"<(p|div|h[1-6]|ul|ol|table|blockquote)\b", value):
        value = f"<p>{value}</p>"
    return sanitize_html(value).strip()


def _link(value):
    """`value` if it is a valid http(s) address short enough to keep, else ""."""
    value = (value or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(value)
        urlsplit(value).port  # noqa: B018 (raises ValueError on a bad port)
    except (ValidationError, ValueError):
        return ""
    return value if len(value) <= 2000 else ""


def _language(value):
    return (value or "").strip().lower()[:2]


def _utc(moment):
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


def _item(
    *,
    guid,
    link,
    title,
    summary,
    body,
    body_is_html,
    published,
    language,
    withdrawn=False,
):
    link = _link(link)
    title = shorten(plain_text(title), TITLE_LENGTH)
    body = body_html(body, is_html=body_is_html) if body else ""
    lead = plain_text(summary) if summary else ""
    if not body and summary:
        body = body_html(summary)
    if lead and lead == plain_text(body):
        # The feed sent one text: it is the body; the lead is its start.
        lead = ""
    if not lead:
        lead = plain_text(body)
    return Item(
        guid=(guid or "").strip()[:500] or link,
        link=link,
        title=title or shorten(lead, 80) or link,
        lead=shorten(lead, LEAD_LENGTH),
        body=body or (f"<p>{html.escape(lead)}</p>" if lead else ""),
        published_at=_utc(published),
        language=_language(language),
        withdrawn=withdrawn,
    )


# --- XML: RSS and Atom through feedparser ------------------------------------------


def refuse_entity_declarations(body):
    """Raise FeedError if `body` declares XML entities or refers to external
    ones: an entity bomb ("billion laughs") is refused before any parser
    expands it. defusedxml stops at the first declaration it reads."""
    try:
        defused_fromstring(body, forbid_dtd=False, forbid_entities=True)
    except DefusedXmlException as error:
        raise FeedError(f"refused: the feed declares XML entities ({error})") from None
    except XMLParseError:
        # Malformed: feedparser may still read it. A declaration after the
        # point where the strict parser stopped is refused all the same.
        if re.search(rb"<!ENTITY", body, re.I):
            raise FeedError("refused: the feed declares XML entities") from None


def _parse_xml(body):
    refuse_entity_declarations(body)
    # Bytes, never a URL: feedparser fetches nothing itself.
    parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    # A broken feed whose items could still be read is taken; one that
    # yields none is reported.
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        reason = parsed.get("bozo_exception") or "not an RSS or Atom feed"
        raise FeedError(f"malformed feed: {reason}")
    language = _language(parsed.feed.get("language"))
    return Feed(
        items=[_xml_item(entry) for entry in parsed.entries[:MAX_ITEMS]],
        language=language,
    )


def _xml_item(entry):
    content = entry.get("content") or []
    body, body_is_html, language = "", True, ""
    if content:
        body = "".join(part.get("value", "") for part in content)
        body_is_html = content[0].get("type", "text/html") != "text/plain"
        language = content[0].get("language") or ""
    summary_detail = entry.get("summary_detail") or {}
    moment = entry.get("published_parsed") or entry.get("updated_parsed")
    return _item(
        guid=entry.get("id"),
        link=entry.get("link"),
        title=entry.get("title"),
        summary=entry.get("summary"),
        body=body,
        body_is_html=body_is_html,
        published=datetime(*moment[:6], tzinfo=UTC) if moment else None,
        language=language or summary_detail.get("language") or "",
    )


# --- JSON: JSON Feed 1.1 and ninjs --------------------------------------------------


def _parse_json(body):
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as error:
        raise FeedError(f"malformed JSON: {error}") from None
    if isinstance(data, dict) and str(data.get("version", "")).startswith(
        JSON_FEED_VERSION
    ):
        items = data.get("items")
        if not isinstance(items, list):
            raise FeedError("malformed JSON Feed: no list of items")
        return Feed(
            items=[
                _json_feed_item(entry)
                for entry in items[:MAX_ITEMS]
                if isinstance(entry, dict)
            ],
            language=_language(_string(data.get("language"))),
        )
    if isinstance(data, dict) and "uri" in data:
        data = [data]
    if isinstance(data, list):
        return Feed(
            items=[
                _ninjs_item(entry)
                for entry in data[:MAX_ITEMS]
                if isinstance(entry, dict) and _string(entry.get("uri"))
            ]
        )
    raise FeedError("not a JSON Feed or ninjs")


def _string(value):
    return value if isinstance(value, str) else ""


def _moment(value):
    try:
        return parse_datetime(_string(value).strip())
    except ValueError:
        return None


def _json_feed_item(entry):
    content_html = _string(entry.get("content_html"))
    return _item(
        guid=_string(entry.get("id")) or _string(entry.get("url")),
        link=_string(entry.get("url")) or _string(entry.get("external_url")),
        title=_string(entry.get("title")),
        summary=_string(entry.get("summary")),
        body=content_html or _string(entry.get("content_text")),
        body_is_html=bool(content_html),
        published=_moment(entry.get("date_published"))
        or _moment(entry.get("date_modified")),
        language=_string(entry.get("language")),
    )


def _ninjs_text(entry, plural, singular_keys):
    """ninjs 2 (a list of {value, contenttype, role}) or ninjs 1 (flat keys):
    the main text and whether it is HTML."""
    parts = entry.get(plural)
    if isinstance(parts, list):
        parts = [part for part in parts if isinstance(part, dict)]
        main = [part for part in parts if part.get("role") in (None, "", "main")]
        for part in main or parts:
            value = _string(part.get("value"))
            if value:
                return value, "html" in _string(part.get("contenttype"))
    for key in singular_keys:
        value = _string(entry.get(key))
        if value:
            return value, key.endswith("html")
    return "", False


def _ninjs_item(entry):
    uri = _string(entry.get("uri"))
    title, _ = _ninjs_text(entry, "headlines", ("headline",))
    summary, _ = _ninjs_text(
        entry, "descriptions", ("description_html", "description_text")
    )
    body, body_is_html = _ninjs_text(entry, "bodies", ("body_html", "body_text"))
    return _item(
        guid=uri,
        link=uri,
        title=title,
        summary=summary,
        body=body,
        body_is_html=body_is_html,
        published=_moment(entry.get("firstcreated"))
        or _moment(entry.get("versioncreated")),
        language=_string(entry.get("language")),
        withdrawn=_string(entry.get("pubstatus")).lower() == "canceled",
    )


# --- Recognising an item again -------------------------------------------------------


def _sha(text):
    return hashlib.sha256(text.encode()).hexdigest()


def _normalised_words(text):
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.findall(r"\w+", text))


def normalise_url(url):
    """`url` with what does not change the page it names taken out: the
    scheme's case and http/https, "www.", default ports, the fragment,
    tracking parameters, the order of the others and a trailing slash."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    port = parts.port if parts.port not in (None, 80, 443) else None
    query = sorted(
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not TRACKING_PARAMETERS.match(name)
    )
    netloc = f"{host}:{port}" if port else host
    return urlunsplit(
        ("https", netloc, parts.path.rstrip("/") or "/", urlencode(query), "")
    )


def identity_keys(item: Item, *, zone) -> dict[str, str]:
    """The keys that recognise `item`, strongest first, named as the
    IntakeItem fields that store them (an empty key recognises nothing)."""
    title_date = ""
    if item.title and item.published_at:
        day = timezone.localtime(item.published_at, zone).date().isoformat()
        title_date = _sha(f"{_normalised_words(item.title)}|{day}")
    body_text = _normalised_words(plain_text(item.body))
    return {
        "guid": item.guid,
        "url_key": _sha(normalise_url(item.link)) if item.link else "",
        "title_date_key": title_date,
        "body_fingerprint": _sha(body_text)
        if len(body_text) >= FINGERPRINT_MIN_CHARS
        else "",
    }
