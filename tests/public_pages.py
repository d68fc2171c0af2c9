"""The public page types that the HTML and accessibility checkers visit, in
every interface language, with the demo content (the seeds) loaded."""

import os
from pathlib import Path

import pytest
from django.utils import translation

from articles.models import Article

ROOT = Path(__file__).resolve().parent.parent
CHECKERS = ROOT / "tools" / "node_modules"
VNU_JAR = CHECKERS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = CHECKERS / "axe-core" / "axe.min.js"

LANGUAGE_PREFIXES = {"en": "", "ru": "/ru", "be": "/be"}


def seed_article():
    """Seed 000's story from BelTA, the article page the checkers read."""
    return Article.objects.get(organization__slug="belta")


def page_paths():
    """(name, path without language prefix, expected status) for every kind
    of public page: lists, filters good and bad, archives, an article,
    organizations, contacts, the gallery and a missing page."""
    with translation.override("en"):
        article_path = seed_article().get_absolute_url()
    return [
        ("home", "/", 200),
        ("news", "/news/", 200),
        ("news-filtered", "/news/?organization=belta&organization=sco-rats", 200),
        ("news-search", "/news/?q=border+security", 200),
        ("news-rejected-filter", "/news/?date_from=2023-13-45", 400),
        ("archive-year", "/news/2023/", 200),
        ("archive-month", "/news/2023/07/", 200),
        ("archive-day", "/news/2023/07/06/", 200),
        ("article", article_path, 200),
        ("organizations", "/organizations/", 200),
        ("organization", "/organizations/belta/", 200),
        ("contacts", "/contacts/", 200),
        ("gallery", "/gallery/", 200),
        ("not-found", "/no-such-page/", 404),
    ]


def require_checker(path, what):
    """Skip (with the reason in pytest's summary) when a checker is not
    installed; under CI a missing checker is a failure, not a skip."""
    if path.exists():
        return
    reason = f"{what} needs {path.relative_to(ROOT)}: run `make checkers` (npm ci)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)
