"""An editor working in the admin over HTTP, as a browser does: the change
form's fields are read from the page and posted back with one changed."""

import re
from html.parser import HTMLParser

from .conftest import Browser


class FormFields(HTMLParser):
    """The fields a browser would submit from the page's main form."""

    def __init__(self):
        super().__init__()
        self.fields = []
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append(
                (name, attrs.get("value", "on" if kind == "checkbox" else ""))
            )
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value", "")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            self.fields.append(tuple(self._textarea))
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_fields(html):
    parser = FormFields()
    parser.feed(html)
    return parser.fields


class Editor(Browser):
    def log_in(self, base, username, password):
        login = f"{base}/admin/login/"
        page = self.get(login)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        answer = self.post(
            login,
            [
                ("csrfmiddlewaretoken", token.group(1)),
                ("username", username),
                ("password", password),
                ("next", "/admin/"),
            ],
            referer=login,
        )
        assert answer.status == 302, answer.text[:2000]

    def change(self, base, admin_path, **changes):
        """Open the change form, change some fields, publish; the admin's answer."""
        url = f"{base}{admin_path}"
        fields = [
            (name, value)
            for name, value in form_fields(self.get(url).text)
            if name not in changes
        ]
        return self.post(url, [*fields, *changes.items(), ("_publish", "Publish")], url)
