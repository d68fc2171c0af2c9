"""Valid and accessible pages, checked without a browser: every public page
type, in all three languages, passes the Nu HTML Checker (vnu.jar) with no
errors, and has the structure assistive technology relies on. axe-core runs
in chromium in tests/browser/test_axe.py."""

import json
import os
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import translation
from django.views import defaults

from .public_pages import LANGUAGE_PREFIXES, ROOT, VNU_JAR, page_paths, require_checker


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def nu_errors(paths, *options):
    """Run the Nu HTML Checker once over `paths`; return its errors as
    'file:line: message [extract]' lines."""
    require_checker(VNU_JAR, "the Nu HTML Checker")
    java = shutil.which("java")
    if java is None:
        reason = "the Nu HTML Checker needs Java (apt-get install default-jre-headless)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout"]
        + list(options)
        + [str(path) for path in paths],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stdout)["messages"]
    return [
        f"{message.get('url', '').rsplit('/', 1)[-1]}:{message.get('lastLine', '?')}: "
        f"{message['message']} [{message.get('extract', '').strip()}]"
        for message in messages
        if message["type"] in {"error", "non-document-error"}
    ]


def error_pages(language):
    """The 500 and 400 pages, which Django renders with no request context."""
    request = RequestFactory().get(f"{LANGUAGE_PREFIXES[language]}/")
    with translation.override(language):
        return {
            "server-error": defaults.server_error(request).content,
            "bad-request": defaults.bad_request(request, exception=None).content,
        }


@pytest.mark.parametrize("language", ["en", "ru", "be"])
def test_every_page_type_passes_the_nu_html_checker(client, demo, language, tmp_path):
    pages = {}
    for name, path, status in page_paths():
        response = client.get(LANGUAGE_PREFIXES[language] + path)
        assert response.status_code == status, path
        pages[name] = response.content
    pages.update(error_pages(language))
    paths = []
    for name, content in pages.items():
        paths.append(tmp_path / f"{name}.html")
        paths[-1].write_bytes(content)

    assert nu_errors(paths) == []


def test_the_nu_html_checker_reports_what_is_wrong(tmp_path):
    """The check above cannot pass by checking nothing."""
    broken = tmp_path / "broken.html"
    broken.write_text(
        "<!DOCTYPE html><html lang=en><head><title>x</title></head>"
        '<body><img src="a.png"><p><div></div></p></body></html>'
    )

    errors = nu_errors([broken])

    assert any("alt" in error for error in errors)


def test_the_stylesheet_passes_the_nu_css_checker():
    stylesheet = ROOT / "static" / "css" / "site.css"

    assert nu_errors([stylesheet], "--css") == []


def test_the_nu_css_checker_reports_what_is_wrong(tmp_path):
    broken = tmp_path / "broken.css"
    broken.write_text("body { colour: red; margin: 1 }")

    assert nu_errors([broken], "--css") != []


# --- The structure assistive technology relies on ------------------------------


class Outline(HTMLParser):
    """The parts of a page an accessibility check looks at."""

    def __init__(self):
        super().__init__()
        self.tags = []
        self.ids = set()
        self.labels_for = set()
        self.controls = []
        self.images = []
        self.fieldset_legends = []
        self.first_link = None
        self._fieldset = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and self.first_link is None:
            self.first_link = attrs
        if tag == "label" and "for" in attrs:
            self.labels_for.add(attrs["for"])
        if tag in {"input", "select", "textarea"} and attrs.get("type") != "hidden":
            self.controls.append(attrs)
        if tag == "img":
            self.images.append(attrs)
        if tag == "fieldset":
            self._fieldset = []
            self.fieldset_legends.append(self._fieldset)
        if tag == "legend" and self._fieldset is not None:
            self._fieldset.append("legend")

    def count(self, tag):
        return sum(1 for name, _ in self.tags if name == tag)


def outline(response):
    parser = Outline()
    parser.feed(response.content.decode())
    return parser


@pytest.mark.parametrize("language", ["en", "ru"])
def test_every_page_has_one_h1_landmarks_and_a_working_skip_link(
    client, demo, language
):
    for _name, path, _status in page_paths():
        page = outline(client.get(LANGUAGE_PREFIXES[language] + path))

        assert page.count("h1") == 1, path
        for landmark in ["header", "nav", "main", "footer"]:
            assert page.count(landmark) >= 1, (path, landmark)
        assert page.first_link["class"] == "skip-link", path
        assert page.first_link["href"].lstrip("#") in page.ids, path


def test_every_image_has_a_text_alternative(client, demo):
    for _name, path, _status in page_paths():
        page = outline(client.get(path))

        assert all("alt" in image for image in page.images), path


def test_every_filter_field_is_labelled_and_the_organizations_are_a_fieldset(
    client, demo
):
    page = outline(client.get("/news/"))

    assert page.controls
    for control in page.controls:
        if control.get("type") == "checkbox":
            continue
        assert control["id"] in page.labels_for, control
    checkboxes = [c for c in page.controls if c.get("type") == "checkbox"]
    assert {c["name"] for c in checkboxes} == {"organization"}
    assert all(c["id"] in page.labels_for for c in checkboxes)
    assert page.fieldset_legends == [["legend"]]


def test_a_rejected_date_goes_back_as_typed_in_a_text_box_beside_its_error(
    client, demo
):
    response = client.get("/news/?date_from=2023-13-45&date_to=2023-07-06")

    assert response.status_code == 400
    page = outline(response)
    date_from = next(c for c in page.controls if c["name"] == "date_from")
    date_to = next(c for c in page.controls if c["name"] == "date_to")
    assert (date_from["type"], date_from["value"]) == ("text", "2023-13-45")
    assert (date_to["type"], date_to["value"]) == ("date", "2023-07-06")
    assert date_from["aria-invalid"] == "true"


def test_a_body_with_library_images_and_a_preview_pass_the_nu_html_checker(
    client, editor, make_article, make_photo, settings, tmp_path
):
    from django.urls import reverse

    from tests.articles.test_admin import article_data

    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    photo = make_photo(in_gallery=False)
    body = (
        f'<p>Text.</p><figure><img src="{photo.image.url}" alt="A view">'
        "<figcaption>The view</figcaption></figure><p>More text.</p>"
    )
    article = make_article(body=body)
    (tmp_path / "article.html").write_bytes(
        client.get(article.get_absolute_url()).content
    )
    client.force_login(editor)
    form = article_data(article.organization, article, title="Changed")
    del form["_publish"]
    preview = client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        {**form, "_preview": "Preview"},
    )
    assert b"Not public yet" in preview.content and b"<picture>" in preview.content
    (tmp_path / "preview.html").write_bytes(preview.content)

    assert nu_errors([tmp_path / "article.html", tmp_path / "preview.html"]) == []
