"""{% fragment %}: a piece of a page made once per content version and per
combination of the values it names, and made anew after any change."""

import pytest
from django.template import Context, Template, TemplateSyntaxError

from pagecache import content_version

pytestmark = pytest.mark.django_db

TEMPLATE = Template(
    '{% load pagecache_tags %}{% fragment "greeting" language %}'
    "{{ greeting }} {{ name }}{% endfragment %}"
)


def render(**values):
    return TEMPLATE.render(Context(values))


def test_it_is_made_once_per_version_and_language():
    assert render(greeting="Hello", name="Ann", language="en") == "Hello Ann"

    # The fragment names the language only: the kept text is served.
    assert render(greeting="Hi", name="Bob", language="en") == "Hello Ann"
    assert render(greeting="Прывітанне", name="Bob", language="be") == (
        "Прывітанне Bob"
    )


def test_a_change_readers_could_see_makes_it_anew(make_article):
    assert render(greeting="Hello", name="Ann", language="en") == "Hello Ann"

    make_article()

    assert render(greeting="Hi", name="Bob", language="en") == "Hi Bob"


def test_it_is_made_anew_once_its_time_is_up(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(content_version.time, "monotonic", lambda: clock[0])
    assert render(greeting="Hello", name="Ann", language="en") == "Hello Ann"

    clock[0] += 10 * 60 + 1

    assert render(greeting="Hi", name="Bob", language="en") == "Hi Bob"


def test_it_needs_a_name():
    with pytest.raises(TemplateSyntaxError, match="needs a name"):
        Template("{% load pagecache_tags %}{% fragment %}x{% endfragment %}")
