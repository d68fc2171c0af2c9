"""Readable Latin slugs from Russian, Belarusian and English titles.

Django's slugify() drops every letter it cannot decompose to ASCII, so a
Cyrillic title becomes an empty slug. We transliterate first, with a small
table of our own: the common passport-style romanisation (ICAO 9303, as used
in Belarusian and Russian passports), plus Belarusian і and ў and, for
Belarusian text, г as h ("Магілёў" → "mahiliou"). Ukrainian letters are
included because agency wires quote Ukrainian names too.

static/js/admin/transliterate.js carries the same table for the admin's
slug preview; tests/articles/test_slugs.py checks the two agree.
"""

from django.utils.text import slugify

CYRILLIC_TO_LATIN = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "io",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "ie",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "iu",
    "я": "ia",
    # Belarusian
    "і": "i",
    "ў": "u",
    # Ukrainian
    "ґ": "g",
    "є": "ie",
    "ї": "i",
    # The apostrophe inside Belarusian and Ukrainian words ("сям'я").
    "'": "",
    "’": "",
    "ʼ": "",
}

# Where a language reads a letter differently from the table above.
LANGUAGE_OVERRIDES = {
    "be": {"г": "h"},
}

# Room left for a "-2", "-3" … suffix within the field's 255 characters.
MAX_BASE_LENGTH = 240


def transliterate(text: str, language: str = "") -> str:
    """Return text with Cyrillic letters spelled in Latin ones, lower-cased."""
    table = CYRILLIC_TO_LATIN | LANGUAGE_OVERRIDES.get(language, {})
    return "".join(table.get(char, char) for char in text.lower())


def slug_from_title(title: str, language: str = "") -> str:
    """Return a lower-case ASCII slug for title ("Пастаўскі раён" →
    "pastauski-raion"), or "" when nothing in it can be spelled in Latin."""
    slug = slugify(transliterate(title, language))
    return slug[:MAX_BASE_LENGTH].strip("-")


def unique_slug(base: str, taken) -> str:
    """Return base, or base-2, base-3 … : the first that taken(slug) denies."""
    base = base or "story"
    candidate, n = base, 1
    while taken(candidate):
        n += 1
        candidate = f"{base[:MAX_BASE_LENGTH]}-{n}"
    return candidate


def next_free_slug(slug: str, taken) -> str:
    """Return the first free slug after `slug` was found taken: the next
    number of the base it was numbered from (meeting-2 → meeting-3), or
    slug-2 … when it carries no number of ours ("solidarity-2023")."""
    base, _, number = slug.rpartition("-")
    if not (number.isdigit() and base and taken(base)):
        base = slug
    return unique_slug(base, taken)
